"""Wall time and peak memory of the three cases that once ran unbounded (not a test).

Run: ``python bench/budget_bench.py [--before /path/to/old/src] [--timeout 120]``.

1. ``knowledge --k 50`` on a 5,000-person roster (the lean lab's cohorts scaled up),
   ``exact_time_budget_s`` 5 s;
2. ``investors`` with ``cascade_samples`` 10,000,000 (and 1,000,000, the new cap), every cascade
   by Monte Carlo;
3. ``plan`` on a 100,000-person roster.

Each case runs in a fresh process that times the command's own work (start-up, imports and
loading excluded) and reports its peak resident memory; a case still running after ``--timeout``
seconds is killed. With ``--before`` every case also runs on that source tree (one exported with
``git archive``, e.g. ``git archive main src | tar -x -C /tmp/base``: the commands' internals
change between versions) in the same session, so the two columns are measured side by side.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

LEAN_LAB = Path(__file__).resolve().parents[1] / "src/talentmoat/scenarios/lean-lab.yaml"

CASE = """
import json, resource, sys, time
from talentmoat.cli.investors import investors_payload
from talentmoat.cli.knowledge import _make_plan, knowledge_summary, plan_payload
try:  # the People of a version before keyed pseudonyms took a flag, later ones a key
    from talentmoat.cli.privacy import People
    NO_KEY = None
except ImportError:
    from talentmoat.cli.knowledge import People
    NO_KEY = False
from talentmoat.loader import load_scenario
case, path = sys.argv[1], sys.argv[2]
start = time.perf_counter()
outcome = "ok"
try:
    lab = load_scenario(path)
    start = time.perf_counter()
    if case == "knowledge":
        rows = knowledge_summary(lab, 50).exposure
        outcome = f"{sum(r.exact is None for r in rows)} of 50 k unproven"
    elif case == "investors":
        investors_payload(lab) if NO_KEY is False else investors_payload(lab, NO_KEY)
    else:
        plan, params = _make_plan(lab, None, None, None, None)
        plan_payload(lab, plan, params, People(lab, NO_KEY))
        outcome = "optimal" if plan.optimal else "best within budget"
except Exception as exc:
    outcome = f"{type(exc).__name__}: {str(exc)[:60]}"
wall = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"wall_s": round(wall, 1), "peak_mb": round(rss), "outcome": outcome}))
"""


def scaled(counts: dict[str, int], extra: str = "") -> str:
    """The lean lab with other cohort sizes, and extra investors settings."""
    text = LEAN_LAB.read_text()
    for role, count in counts.items():
        text = re.sub(rf"(- role: {role}\n      count: )\d+", rf"\g<1>{count}", text)
    return text.replace("  leak_depth: 1 ", f"{extra}  leak_depth: 1 ") if extra else text


def scenarios(folder: Path) -> list[tuple[str, str, Path]]:
    files = {
        "big5k": scaled({"lead": 133, "core": 533, "research_engineer": 2667,
                         "infra_and_data": 1667}),
        "big100k": scaled({"lead": 2667, "core": 10667, "research_engineer": 53333,
                           "infra_and_data": 33333}),
        "mc10m": scaled({}, "  exact_max_edges: 0\n  cascade_samples: 10000000\n"),
        "mc1m": scaled({}, "  exact_max_edges: 0\n  cascade_samples: 1000000\n"),
    }
    for name, text in files.items():
        (folder / f"{name}.yaml").write_text(text)
    return [("knowledge --k 50, N = 5,000", "knowledge", folder / "big5k.yaml"),
            ("investors, 10,000,000 samples", "investors", folder / "mc10m.yaml"),
            ("investors, 1,000,000 samples", "investors", folder / "mc1m.yaml"),
            ("plan, N = 100,000", "plan", folder / "big100k.yaml")]


def run(case: str, path: Path, src: str | None, timeout: float) -> str:
    env = dict(os.environ)
    if src:
        env["PYTHONPATH"] = src
    try:
        done = subprocess.run([sys.executable, "-c", CASE, case, str(path)], env=env,
                              capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"> {timeout:g} s (killed)"
    if done.returncode != 0:
        return (done.stderr.strip().splitlines() or ["failed"])[-1][:80]
    r = json.loads(done.stdout.strip().splitlines()[-1])
    return f"{r['wall_s']} s, {r['peak_mb']} MB, {r['outcome']}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", help="Source tree of the version to compare with.")
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for label, case, path in scenarios(Path(tmp)):
            now = run(case, path, None, args.timeout)
            line = f"| {label} | {now} |"
            if args.before:
                line += f" {run(case, path, args.before, args.timeout)} |"
            print(line, flush=True)


if __name__ == "__main__":
    main()
