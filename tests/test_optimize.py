"""The firewall optimizer: brute force, CRN pairing, the front, honest selection, resume, CLI."""

from __future__ import annotations

import json

import pytest
import yaml
from typer.testing import CliRunner

from optspecs import grid_spec
from talentmoat.cli import app
from talentmoat.errors import InputError
from talentmoat.experiments import metrics
from talentmoat.experiments.optimize import by_cost, evaluate, pareto_front, select
from talentmoat.experiments.optrun import run_optimization
from talentmoat.experiments.optspec import load_optimization
from talentmoat.loader import load_scenario, validate_scenario, with_scenario
from talentmoat.report.figures import mix_label
from talentmoat.sim import simulate
from talentmoat.sim.results import compare, outcome_totals

SMALL = grid_spec("small", 12, "p_parity, max", 24)


@pytest.fixture(scope="module")
def lab():
    return load_scenario("lean-lab")


def write(tmp_path, text, name="opt.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def brute_force(lab, opt, candidate, replications, seed, stream=()):
    """One candidate simulated alone: its scenario written by hand, its own simulate call."""
    data = lab.scenario.model_dump()
    values = dict(zip(opt.names, candidate, strict=True))
    policies = {"tender_cap": "tenders", "pool": "synthetic_equity", "match": "retention_grant"}
    fields = {"tender_cap": "cap_share_of_vested", "pool": "pool_share_per_year",
              "match": "match_share"}
    for name, value in values.items():
        if value is not None:
            data["policies"][policies[name]][fields[name]] = value
    on = [policies[n] for n in ("tender_cap", "pool", "match") if values[n] is not None]
    data["strategies"] = {**data["strategies"], "alone": on}
    alone = with_scenario(lab, validate_scenario(data, "brute force"), "brute force", "bf")
    result = simulate(alone, ["alone"], replications=replications, quarters=opt.quarters,
                      seed=seed, stream=stream)
    return metrics.row(list(metrics.METRICS), outcome_totals(result, "alone"),
                       compare(result)[0])


def test_the_optimizer_returns_the_brute_force_cheapest_feasible_mix(tmp_path, lab):
    opt = load_optimization(write(tmp_path, SMALL.replace("BOUND", "1.0")), lab)
    grid = opt.candidates()
    assert len(grid) == 2 * 3 * 2
    rows = evaluate(opt, grid, replications=12, seed=3)
    alone = [brute_force(lab, opt, c, 12, 3) for c in grid]
    # common random numbers: a candidate's numbers do not depend on its batch-mates
    for row, own in zip(rows, alone, strict=True):
        assert {c: row[c] for c in own} == own
    # a bound on the departures saved, between those of the grid, so that it binds
    saved = sorted({r["d_departures"] for r in alone})
    assert len(saved) >= 3
    bound = saved[len(saved) // 2]
    ok = [k for k, r in enumerate(alone) if r["d_departures"] <= bound]
    cheapest = min(ok, key=lambda k: (alone[k]["d_policy_cost"], -alone[k]["d_net_benefit"]))
    assert min(range(len(grid)), key=lambda k: alone[k]["d_policy_cost"]) not in ok
    spec = SMALL.replace("{metric: p_parity, max: BOUND}",
                         f"{{metric: d_departures, max: {bound!r}}}")
    bound_opt = load_optimization(write(tmp_path, spec), lab)
    assert by_cost(bound_opt, rows)[0] == cheapest


def test_candidates_drop_the_levers_of_a_policy_that_is_off(tmp_path, lab):
    spec = SMALL.replace("BOUND", "0.5").replace(
        "  - {name: match", "  - {name: windows, path: policies.tenders.windows_per_year, "
        "values: [1, 4]}\n  - {name: match")
    opt = load_optimization(write(tmp_path, spec), lab)
    grid = opt.candidates()
    # tender_cap off makes windows moot: 2 (cap) × 2 (windows) → 1 + 2 = 3 tender settings
    assert len(grid) == 3 * 3 * 2
    assert all(c[2] is None for c in grid if c[0] is None)
    assert opt.strategy((None, 0.002, None, None)) == ["synthetic_equity"]
    assert opt.scenario_data((0.2, None, 4.0, None))["policies"]["tenders"][
        "windows_per_year"] == 4


def test_pareto_front_by_hand():
    rows = [{"c": 1, "b": 1}, {"c": 2, "b": 3}, {"c": 2, "b": 2}, {"c": 3, "b": 3},
            {"c": 0, "b": 0}, {"c": 4, "b": 5}]
    assert pareto_front(rows, "c", "b") == [4, 0, 1, 5]


def test_the_recheck_catches_a_planted_optimistic_candidate(tmp_path, lab):
    opt = load_optimization(write(tmp_path, SMALL.replace("BOUND", "0.1")), lab)

    def row(candidate, cost, p):
        return {"candidate": candidate, "d_policy_cost": cost, "d_net_benefit": 1.0,
                "p_parity": p, "ci": {}}

    planted = row((0.2, None, None), 1.0, 0.10)   # passes only on the search's seed
    honest = row((None, 0.0005, None), 2.0, 0.05)
    dear = row((None, 0.002, 0.5), 9.0, 0.0)
    failing = row((None, None, None), 0.0, 0.9)
    in_sample = [failing, planted, honest, dear]
    truth = {planted["candidate"]: 0.30, honest["candidate"]: 0.06, dear["candidate"]: 0.0}
    asked = []

    def recheck(candidates):
        asked.append(candidates)
        return [row(c, {r["candidate"]: r["d_policy_cost"] for r in in_sample}[c], truth[c])
                for c in candidates]

    sel = select(opt, in_sample, recheck)
    assert sel.checked == [1, 2, 3] and asked == [[planted["candidate"], honest["candidate"],
                                                  dear["candidate"]]]
    assert sel.out_of_sample[sel.recommended]["candidate"] == honest["candidate"]


def test_a_run_resumes_from_its_store(tmp_path, lab):
    opt = load_optimization(write(tmp_path, SMALL.replace("BOUND", "1.0")), lab)
    store = tmp_path / "o.duckdb"
    first = run_optimization(opt, store)
    assert first.ran == 12 + 3
    again = run_optimization(opt, store)
    assert again.ran == 0 and again.rows == first.rows
    assert again.selection == first.selection
    other = load_optimization(write(tmp_path, SMALL.replace("BOUND", "0.5"), "b.yaml"), lab)
    with pytest.raises(InputError, match="another optimization"):
        run_optimization(other, store)
    assert run_optimization(other, store, new=True).ran > 0


@pytest.mark.parametrize(("edit", "needle"), [
    (("values: [off, 0.5]", "values: [off, 1.5]"), "levers[match]: value 1.5"),
    (("path: policies.retention_grant.match_share",
      "path: firm.valuation, policy: retention_grant"), "a lever sets a policy"),
    (("path: policies.retention_grant.match_share", "path: policies.retention_grant.nope"),
     "has no field 'nope'"),
    (("path: policies.synthetic_equity.pool_share_per_year",
      "path: policies.tenders.cap_share_of_vested"), "also set by levers[tender_cap]"),
    (("path: policies.tenders.cap_share_of_vested",
      "path: policies.tenders.cap_per_person_usd"), "not set (null)"),
    (("{metric: p_parity", "{metric: happiness"), "unknown metric happiness"),
    (("seed: 4", "seed: 3"), "validation.seed must differ"),
    (("values: [off, 0.2]", "values: [on, 0.2]"), "'on' is not a value"),
    (("seed: 3\n", "seed: 3\npolicies: [blue_sky]\n"), "can switch off"),
    (("max: 0.1}", "max: 0.1, min: 0.0}"), "exactly one of 'max' or 'min'"),
    (("levers:", "levers: 3\nx:"), "levers"),
])
def test_spec_errors_name_the_file_and_the_lever(tmp_path, lab, edit, needle):
    text = SMALL.replace("BOUND", "0.1").replace(*edit)
    path = write(tmp_path, text)
    with pytest.raises(InputError) as err:
        load_optimization(path, lab)
    assert str(path) in err.value.render()
    assert needle in err.value.render()
    store = tmp_path / "o.duckdb"
    result = CliRunner().invoke(app, ["optimize", "lean-lab", "--spec", str(path), "--store",
                                      str(store)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert not store.exists()


def test_lean_lab_recommendation_holds_in_compare_on_another_seed(tmp_path):
    strategy = tmp_path / "recommended.yaml"
    runner = CliRunner()
    done = runner.invoke(app, ["optimize", "lean-lab", "--spec", "lean-lab-firewalls",
                               "--store", str(tmp_path / "o.duckdb"), "--json",
                               "--write-strategy", str(strategy),
                               "--report", str(tmp_path / "opt.html")])
    assert done.exit_code == 0, done.output
    summary = json.loads(done.output)
    rec = summary["recommended"]
    assert rec is not None and rec["feasible"] and rec["p_parity"] <= 0.10
    # the cheapest feasible out of sample: no cheaper re-checked candidate held
    cheaper = [c for c in summary["checked"]
               if c["out_of_sample"]["d_policy_cost"] < rec["d_policy_cost"]]
    assert all(not c["out_of_sample"]["feasible"] for c in cheaper)
    low, high = rec["ci"]["d_net_benefit"]
    assert low < rec["d_net_benefit"] < high
    html = (tmp_path / "opt.html").read_text()
    assert 'id="pareto"' in html and f"Recommended: {mix_label(rec)}." in html
    document = yaml.safe_load(strategy.read_text())
    assert document["extends"] == "lean-lab"
    assert document["strategies"]["recommended"] == rec["policies"]
    seed = summary["validation"]["seed"] + summary["search"]["seed"] + 1
    out = runner.invoke(app, ["compare", str(strategy), "-s", "recommended", "--seed",
                              str(seed), "--reps", "200", "--json", "--out",
                              str(tmp_path / "cmp")])
    assert out.exit_code == 0, out.output
    again = json.loads(out.output)
    assert again["provenance"]["quarters"] == summary["search"]["quarters"]
    assert again["strategies"]["recommended"]["time_to_parity"]["reached_share"] <= 0.10


SWEEP = """\
name: robust-small
scenario: lean-lab
design: {method: lhs, samples: 6}
uncertainties:
  - {name: offer_multiple, path: "rivals[hyperscaler].offer_multiple.median", dist: uniform,
     low: 1.8, high: 3.5}
  - {name: hires, path: "rivals[hyperscaler].hires_per_quarter", dist: uniform, low: 1, high: 6}
"""


def test_robust_mode_matches_each_point_simulated_alone(tmp_path, lab):
    from talentmoat.experiments.executor import points_of
    from talentmoat.experiments.spec import load_spec, scenario_at

    write(tmp_path, SWEEP, "sweep.yaml")
    spec = SMALL.replace("BOUND", "0.3") + "robust: {sweep: sweep.yaml, min_share: 0.5}\n"
    opt = load_optimization(write(tmp_path, spec), lab)
    out = run_optimization(opt, tmp_path / "r.duckdb")
    check = out.robust
    assert check is not None and check.met.shape == (6, len(out.selection.checked))
    sweep = load_spec(tmp_path / "sweep.yaml")
    _, values = points_of(sweep)
    for k, i in enumerate(out.selection.checked):
        candidate = out.rows[i]["candidate"]
        for p, point in enumerate(values):
            at = with_scenario(lab, scenario_at(sweep, p, point.tolist()), "p", f"p{p}")
            alone = brute_force(at, opt, candidate, 12, 4, stream=(p,))
            assert check.met[p, k] == (alone["p_parity"] <= 0.3)
            assert check.cost[p, k] == alone["d_policy_cost"]
    share = check.met.mean(axis=0)
    ok = [k for k in range(len(share)) if share[k] >= 0.5]
    assert ok  # the cheapest (mean cost over the points) that holds at half of them
    assert check.recommended == min(ok, key=lambda k: check.cost[:, k].mean())
    failed = ~check.met[:, check.recommended]
    assert (check.breaks["robust"] is None) == (not failed.any())
    nominal = ~check.met[:, out.selection.recommended]
    assert check.breaks["nominal"]["failed_share"] == pytest.approx(nominal.mean())
    again = run_optimization(opt, tmp_path / "r.duckdb")
    assert again.ran == 0 and (again.robust.met == check.met).all()
