"""The 16 bug classes of issue 9 (and one later mutant), one at a time; each must fail a test.

Run from the repository root with the test venv active: ``python tests/mutation_bugs.py [k ...]``.
It copies the committed tree (``git archive HEAD``) to a temporary folder, injects each bug
there (the working tree is never touched), runs the simulation-path tests with ``-x`` and
prints KILLED (a test failed) or SURVIVED. ``docs/model.md`` records the last run.
"""
import pathlib
import subprocess
import sys
import tempfile
import time

PY = sys.executable
TESTS = ["tests/test_engine_oracles.py", "tests/test_engine_reference.py", "tests/test_sim.py",
         "tests/test_behaviour.py", "tests/test_economics.py", "tests/test_model_v2.py",
         "tests/test_cli_economics.py", "tests/test_calibration.py"]
M = [
 ("value uses phi_fin instead of phi_int", "src/talentmoat/lab_value.py",
  "return valuation * (financial + (1.0 - financial) * np.maximum",
  "return valuation * (financial + financial * np.maximum"),
 ("leavers carry all of K (no tacit factor)", "src/talentmoat/lab_value.py",
  "    return np.asarray(tacit) * np.asarray(cov_set)",
  "    return np.asarray(cov_set) + 0 * np.asarray(tacit)"),
 ("counter-offer dropped from P(accept)", "src/talentmoat/sim/engine.py",
  "offer / (stay + raise_))", "offer / stay)"),
 ("theta = 1.5 treated as 1", "src/talentmoat/sim/engine.py",
  "powered[u] = value * np.sqrt(value)", "powered[u] = value"),
 ("learning at half speed", "src/talentmoat/sim/engine.py",
  "new[k] = s.K[r, i, k] + eta * (", "new[k] = s.K[r, i, k] + 0.5 * eta * ("),
 ("a '95 %' interval that is really 90 %", "src/talentmoat/sim/results.py",
  "CONFIDENCE = 0.95", "CONFIDENCE = 0.90"),
 ("tender cash per quarter is annual", "src/talentmoat/policies.py",
  "tender_cash_per_seat=assessment.package.tender_proceeds / QUARTERS_PER_YEAR",
  "tender_cash_per_seat=assessment.package.tender_proceeds"),
 ("pending hires do not go stale", "src/talentmoat/sim/engine.py",
  "            pending[q] = stale(pending[q], a_t)", "            pending[q] = pending[q]"),
 ("diffusion toward the wrong side", "src/talentmoat/lab_value.py",
  "gap = np.maximum(0.0, np.asarray(cov_lab) - np.asarray(cov_party))",
  "gap = np.maximum(0.0, np.asarray(cov_party) - np.asarray(cov_lab))"),
 ("absorption one quarter early", "src/talentmoat/sim/engine.py",
  "due = (t - lag) % (lag + 1)", "due = (t - lag + 1) % (lag + 1)"),
 ("background hazard uses the total attrition (double counting)", "src/talentmoat/behaviour.py",
  "return np.asarray(total, dtype=float) * (1.0 - np.asarray(to_parties, dtype=float))",
  "return np.asarray(total, dtype=float) + 0 * np.asarray(to_parties, dtype=float)"),
 ("advance ignores the tacit know-how in post", "src/talentmoat/lab_value.py",
  "a = (a0 * np.power(np.asarray(tacit_ratio, dtype=float), gamma)",
  "a = (a0 * np.power(np.asarray(tacit_ratio, dtype=float), 0.0)"),
 ("annual rate used per quarter in discounting", "src/talentmoat/lab_value.py",
  "return (1.0 + annual_rate) ** (-np.arange(1, quarters + 1) / QUARTERS_PER_YEAR)",
  "return (1.0 + annual_rate) ** (-np.arange(1, quarters + 1) / 1)"),
 ("synthetic units costed at the realised payout", "src/talentmoat/sim/engine.py",
  "out[\"cost\"][:, t] += (state.seat_cost + setup.fixed_cost + state.units",
  "out[\"cost\"][:, t] += (state.seat_cost + setup.fixed_cost + state.payout * held"),
 ("bypassed R&D without the tacit factor", "src/talentmoat/lab_value.py",
  "return (np.asarray(cost) * carry(tacit, cov_set)).sum(axis=-1)",
  "return (np.asarray(cost) * np.asarray(cov_set) + 0 * np.asarray(tacit)).sum(axis=-1)"),
 ("B_lab forgets the documented part", "src/talentmoat/lab_value.py",
  "return (np.asarray(weights) * ((1.0 - t) + t * np.asarray(cov_in_post))).sum(axis=-1)",
  "return (np.asarray(weights) * (t * np.asarray(cov_in_post))).sum(axis=-1)"),
 # a mutant of a later engine change (the lab's miss as a product in the quarter's pass)
 ("the lab's miss multiplies K instead of 1 - K", "src/talentmoat/sim/engine.py",
  "m = s.miss[r, k] * (1.0 - s.K[r, i, k])", "m = s.miss[r, k] * s.K[r, i, k]"),
]
only = set(sys.argv[1:])
ROOT = pathlib.Path(tempfile.mkdtemp(prefix="talentmoat-mutants-"))
subprocess.run("git archive HEAD | tar -x -C " + str(ROOT), shell=True, check=True)
for k, (name, rel, old, new) in enumerate(M, 1):
    if only and str(k) not in only:
        continue
    path = ROOT / rel
    text = path.read_text()
    assert text.count(old) == 1, (name, text.count(old))
    path.write_text(text.replace(old, new))
    start = time.time()
    done = subprocess.run([PY, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
                           "-k", "not one_at_a_time", *TESTS], cwd=ROOT,
                          capture_output=True, text=True)
    path.write_text(text)
    failed = [line for line in done.stdout.splitlines() if line.startswith("FAILED")]
    verdict = "KILLED" if done.returncode != 0 else "SURVIVED"
    print(f"{k:2d} {verdict:8s} {name}  ({time.time() - start:.0f}s) "
          f"{failed[0][7:90] if failed else ''}", flush=True)
