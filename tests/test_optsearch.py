"""The stochastic search (NSGA-II): brute-force answer, determinism, resume, spec checks."""

from __future__ import annotations

import pytest

from optspecs import grid_spec
from talentmoat.errors import InputError
from talentmoat.experiments.optimize import by_cost
from talentmoat.experiments.optrun import run_optimization
from talentmoat.experiments.optspec import load_optimization
from talentmoat.experiments.optstore import OptStore
from talentmoat.loader import load_scenario

GRID = grid_spec("small", 12, "d_departures, max", 24)
NSGA2 = GRID + "search: {method: nsga2, trials: 30, population: 6}\n"


@pytest.fixture(scope="module")
def lab():
    return load_scenario("lean-lab")


def write(tmp_path, text, name="opt.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.fixture(scope="module")
def grid_run(tmp_path_factory, lab):
    """The whole grid, evaluated: the brute-force answer, and a bound that binds."""
    tmp = tmp_path_factory.mktemp("grid")
    probe = load_optimization(write(tmp, GRID.replace("BOUND", "100")), lab)
    rows = run_optimization(probe, tmp / "probe.duckdb").rows
    saved = sorted({r["d_departures"] for r in rows})
    bound = saved[len(saved) // 2]
    opt = load_optimization(write(tmp, GRID.replace("BOUND", repr(bound))), lab)
    return bound, opt, run_optimization(opt, tmp / "grid.duckdb")


def test_nsga2_finds_the_brute_force_cheapest_feasible_mix(tmp_path, lab, grid_run):
    bound, grid_opt, grid = grid_run
    cheapest = grid.rows[by_cost(grid_opt, grid.rows)[0]]
    # the bound binds: the cheapest candidate of all is infeasible
    assert min(r["d_policy_cost"] for r in grid.rows) < cheapest["d_policy_cost"]
    opt = load_optimization(write(tmp_path, NSGA2.replace("BOUND", repr(bound))), lab)
    out = run_optimization(opt, tmp_path / "n.duckdb")
    # every row the search saw is the grid's row of the same candidate (common random numbers)
    by_key = {r["candidate"]: r for r in grid.rows}
    assert all(row == by_key[row["candidate"]] for row in out.rows)
    assert len(out.rows) <= 12 < 30   # repeats are told from the store, not re-run
    assert out.rows[by_cost(opt, out.rows)[0]]["candidate"] == cheapest["candidate"]
    assert out.recommended["candidate"] == grid.recommended["candidate"]


def test_a_killed_search_resumes_without_re_running_finished_candidates(tmp_path, lab):
    spec = (NSGA2.replace("BOUND", "-0.5").replace("candidates: 3", "candidates: 1")
            .replace("values: [off, 0.5]}", "low: 0, high: 1}"))   # a continuous lever
    opt = load_optimization(write(tmp_path, spec), lab)
    whole = run_optimization(opt, tmp_path / "whole.duckdb")

    class Killed(Exception):
        pass

    def kill(phase, done, total):
        if phase.startswith("search") and done >= 12:
            raise Killed

    store = tmp_path / "killed.duckdb"
    with pytest.raises(Killed):
        run_optimization(opt, store, progress=kill)
    with OptStore(store, opt) as s:
        finished = len(s.rows("search", opt.seed, opt.spec.replications))
    assert 0 < finished < len(whole.rows)
    resumed = run_optimization(opt, store)
    assert resumed.rows == whole.rows and resumed.selection == whole.selection
    assert resumed.ran == whole.ran - finished


@pytest.mark.parametrize(("edit", "needle"), [
    (("search: {method: nsga2, trials: 30, population: 6}", "search: {method: nsga2}"),
     "'trials' goes with method nsga2"),
    (("values: [off, 0.5]}", "low: 0, high: 1}"), "needs search: {method: nsga2"),
])
def test_search_spec_errors(tmp_path, lab, edit, needle):
    text = (NSGA2 if "nsga2}" in edit[1] else GRID).replace("BOUND", "1").replace(*edit)
    with pytest.raises(InputError) as err:
        load_optimization(write(tmp_path, text), lab)
    assert needle in err.value.render()


def test_the_cli_reports_the_search(tmp_path):
    from typer.testing import CliRunner

    from talentmoat.cli import app

    spec = write(tmp_path, NSGA2.replace("BOUND", "0").replace("trials: 30", "trials: 12"))
    out = CliRunner().invoke(app, ["optimize", "lean-lab", "--spec", str(spec), "--store",
                                   str(tmp_path / "c.duckdb")])
    assert out.exit_code == 0, out.output
    assert "Search: NSGA-II (optuna 5.0.0), 12 trials in generations of 6" in out.output
    assert "Recommended:" in out.output
