"""Sweeps end to end: spec errors, the store, known-answer Sobol, determinism, kill -9 + resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from talentmoat.cli import app
from talentmoat.errors import InputError
from talentmoat.experiments.analyze import analyze, sobol_indices
from talentmoat.experiments.design import unit_design
from talentmoat.experiments.executor import dask_executor, points_of, process_pool, run_sweep
from talentmoat.experiments.spec import Design, Uncertainty, load_spec
from talentmoat.experiments.store import Store
from talentmoat.workers import call_within

SCENARIO = """\
name: sweep-test
seed: 5
blueprint:
  components:
    - {id: data, weight: 0.6, replication_cost: 1.0e8, tacit: 0.8}
    - {id: arch, weight: 0.4, replication_cost: 5.0e7, tacit: 0.6}
roster:
  cohorts:
    - role: core
      count: 6
      cash: 4.0e5
      equity_grant_per_year: 2.0e6
      tenure_years: 3
      knowledge: {default: {dist: beta, a: 4, b: 2}}
    - role: staff
      count: 14
      cash: 2.0e5
      equity_grant_per_year: 1.0e5
      knowledge: {default: {dist: beta, a: 0.5, b: 30}}
firm:
  valuation: 1.0e10
  attrition: {total: {default: 0.11}, to_parties: {default: 0.0, core: 0.3}}
  backfill_quarters: 2
policies:
  tenders: {windows_per_year: 2}
strategies:
  baseline: []
  tenders: [tenders]
RIVALS
simulation: {quarters: 8, replications: 20}
"""

RIVAL = """\
rivals:
  - name: hyperscaler
    hires_per_quarter: 1.5
    offer_multiple: {dist: lognormal, median: 2.0, sigma: 0.3}
    initial_coverage: 0.2
"""

SOBOL = """\
name: sobol-test
scenario: lab.yaml
strategies: [baseline]
replications: 100
metrics: [departures_background, value_mean]
design: {method: sobol, samples: 256}
uncertainties:
  - {name: valuation, path: firm.valuation, dist: log_uniform, low: 1.0e9, high: 1.0e11}
  - {name: attrition, path: firm.attrition.total.default, dist: uniform, low: 0.05, high: 0.4}
"""

SMALL = """\
name: small
scenario: lab.yaml
replications: REPS
design: {method: lhs, samples: POINTS}
uncertainties:
  - {name: multiple, path: "rivals[hyperscaler].offer_multiple.median", dist: triangular,
     low: 1.5, mode: 2.0, high: 3.0}
  - {name: tacit, factor: ["blueprint.components[*].tacit"], dist: uniform, low: 0.5, high: 1.2}
  - {name: core, path: "roster.cohorts[core].count", dist: discrete, values: [4, 6, 9]}
"""


def write(tmp_path, spec, rivals=True, **subs):
    lab = SCENARIO.replace("RIVALS\n", RIVAL if rivals else "")
    if not rivals:  # with no hiring party all observed attrition is background
        lab = lab.replace("to_parties: {default: 0.0, core: 0.3}", "to_parties: {default: 0.0}")
    (tmp_path / "lab.yaml").write_text(lab)
    for key, value in subs.items():
        spec = spec.replace(key, str(value))
    path = tmp_path / "spec.yaml"
    path.write_text(spec)
    return path


def tables(path):
    with Store(path, read_only=True) as st:
        return {t: st.frame(t) for t in ("design", "metrics", "failures")}


def assert_same(a, b):
    for name in ("design", "metrics", "failures"):
        pd.testing.assert_frame_equal(a[name], b[name], check_exact=True)


# --- spec errors: before anything runs --------------------------------------------------------

@pytest.mark.parametrize(("line", "needle"), [
    ("{name: x, path: firm.valuaton, dist: uniform, low: 1, high: 2}",
     "uncertainties[x]: path 'firm.valuaton': 'firm' has no field 'valuaton'"),
    ("{name: x, path: firm.attrition.total.default, dist: uniform, low: 0.1, high: 1.5}",
     "uncertainties[x]: value 1.5 puts 'firm.attrition.total.default' at 1.5, outside the "
     "field's range"),
    ("{name: x, path: firm.publication, dist: uniform, low: 0, high: 1}",
     "uncertainties[x]: 'firm.publication' is a str in the base scenario"),
    ("{name: x, factor: ['blueprint.components[*].tacit'], dist: uniform, low: 0.5, high: 1.5}",
     "value 1.5 puts 'blueprint.components[0].tacit' at 1.2"),
    ("{name: x, path: 'rivals[nobody].friction', dist: uniform, low: 0, high: 1}",
     "has no item named 'nobody' (it has: hyperscaler)"),
    ("{name: x, path: firm.valuation, dist: log_uniform, low: 0, high: 1}",
     "uncertainties[x]: a log_uniform distribution needs low > 0"),
    ("{name: x, path: firm.valuation, dist: discrete, low: 1, values: [1]}",
     "a discrete distribution takes 'values' only"),
    ("{name: x, path: 'rivals[hyperscaler].autonomy', dist: uniform, low: 0, high: 1}",
     "'rivals[0].autonomy' is not set (null)"),
])
def test_spec_errors_name_the_file_and_the_uncertainty(tmp_path, line, needle):
    spec = ("name: bad\nscenario: lab.yaml\ndesign: {method: lhs, samples: 4}\n"
            f"uncertainties:\n  - {line}\n")
    path = write(tmp_path, spec)
    with pytest.raises(InputError) as err:
        load_spec(path)
    assert str(path) in err.value.render()
    assert needle in err.value.render()
    result = CliRunner().invoke(app, ["sweep", str(path), "--store", str(tmp_path / "s.duckdb")])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert not (tmp_path / "s.duckdb").exists()


def test_bad_sobol_size_and_unknown_strategy_are_spec_errors(tmp_path):
    with pytest.raises(InputError, match="power of 2"):
        load_spec(write(tmp_path, SOBOL.replace("samples: 256", "samples: 250")))
    with pytest.raises(InputError, match="unknown strategy nope"):
        load_spec(write(tmp_path, SOBOL.replace("[baseline]", "[nope]")))


# --- known answer --------------------------------------------------------------------------

def test_sobol_known_answer_departures_depend_on_attrition_not_valuation(tmp_path):
    sweep = load_spec(write(tmp_path, SOBOL, rivals=False))
    store = tmp_path / "s.duckdb"
    run = run_sweep(sweep, store)
    assert run.done == run.points == 256 * 4
    t = tables(store)
    unit, _ = points_of(sweep)
    res = analyze(t["design"], unit, t["metrics"], names=sweep.names,
                  strategies=list(sweep.strategies), spec_design=sweep.spec.design,
                  metric="departures_background", seed=1)
    idx = res["sensitivity"]["baseline"]["indices"]
    val, att = idx["valuation"], idx["attrition"]
    assert abs(val["S1"]) <= max(val["S1_conf"], 0.02)  # 0 within the CI
    assert 0 <= val["ST"] < 0.01  # what is left is the points' own Monte Carlo noise
    assert att["S1"] == pytest.approx(1.0, abs=0.15)
    assert att["ST"] == pytest.approx(1.0, abs=0.05)
    assert att["S1_conf"] < 0.2 and att["ST_conf"] < 0.2
    shown = CliRunner().invoke(app, ["analyze", str(store), "--metric",
                                     "departures_background"])
    assert shown.exit_code == 0, shown.output
    assert "Sobol indices of departures_background for baseline (256 complete blocks" in (
        shown.output)


def test_sobol_indices_of_a_linear_function_match_the_closed_form():
    # y = 3 a + b on the unit square: S_a = 9 / 10, S_b = 1 / 10, no interaction
    sweep_design = Design(method="sobol", samples=1024)
    us = [Uncertainty(name=n, path="p", dist="uniform", low=0, high=1) for n in "ab"]
    x = unit_design(sweep_design, us, seed=3)
    res = sobol_indices(["a", "b"], 3 * x[:, 0] + x[:, 1], sweep_design, seed=3)["indices"]
    assert res["a"]["S1"] == pytest.approx(0.9, abs=0.02)
    assert res["b"]["ST"] == pytest.approx(0.1, abs=0.02)


# --- the store -----------------------------------------------------------------------------

def test_failed_points_are_recorded_and_the_sweep_goes_on(tmp_path):
    spec = SMALL.replace("  - {name: core", "  - {name: weight, path: 'blueprint.components[data]"
                         ".weight', dist: discrete, values: [0.6, 0.7]}\n  - {name: core")
    sweep = load_spec(write(tmp_path, spec, REPS=4, POINTS=8))
    run = run_sweep(sweep, tmp_path / "s.duckdb")
    t = tables(tmp_path / "s.duckdb")
    bad = t["design"].loc[t["design"]["weight"] == 0.7, "point"].tolist()
    assert bad and t["failures"]["point"].tolist() == bad
    assert all("weights sum to 1.1" in e for e in t["failures"]["error"])
    assert run.failed == len(bad) and run.done == 8
    assert sorted(t["metrics"]["point"].unique()) == sorted(set(range(8)) - set(bad))


def test_a_rerun_adds_nothing_another_spec_needs_new_and_a_locked_store_is_clear(tmp_path):
    path = write(tmp_path, SMALL, REPS=4, POINTS=6)
    store = tmp_path / "s.duckdb"
    runner = CliRunner()
    first = runner.invoke(app, ["sweep", str(path), "--store", str(store)])
    assert first.exit_code == 0, first.output
    before = tables(store)
    again = runner.invoke(app, ["sweep", str(path), "--store", str(store), "--json"])
    assert again.exit_code == 0, again.output
    summary = json.loads(again.output)
    assert summary["ran"] == 0 and summary["done"] == summary["points"] == 6
    assert_same(before, tables(store))
    other = write(tmp_path, SMALL, REPS=5, POINTS=6)
    refused = runner.invoke(app, ["sweep", str(other), "--store", str(store)])
    assert refused.exit_code == 2 and "holds another sweep" in refused.output
    assert "--new" in refused.output
    replaced = runner.invoke(app, ["sweep", str(other), "--store", str(store), "--new"])
    assert replaced.exit_code == 0, replaced.output
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import duckdb, sys, time
        con = duckdb.connect({str(store)!r})
        print("locked", flush=True)
        time.sleep(60)
    """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        locked = runner.invoke(app, ["analyze", str(store)])
        assert locked.exit_code == 2
        assert f"in use by another process (PID {holder.pid})" in locked.output
        assert "Traceback" not in locked.output
    finally:
        holder.kill()
        holder.wait()
    out = runner.invoke(app, ["analyze", str(store), "--json", "--export", str(tmp_path / "x")])
    assert out.exit_code == 0, out.output
    payload = json.loads(out.output)
    assert payload["completed_points"] == 6
    assert set(payload["robustness"]["strategies"]) == {"baseline", "tenders"}
    # the default metric is the ranking's: net benefit, a paired difference (no baseline level)
    assert payload["metric"] == "net_benefit"
    assert payload["robustness"]["benefit"] == "d_net_benefit (more is better)"
    assert set(payload["sensitivity"]) == {"tenders"}
    shown = runner.invoke(app, ["analyze", str(store), "--metric", "p_parity"])
    assert shown.exit_code == 0, shown.output
    assert "Robustness over 6 points" in shown.output
    metrics = pd.read_parquet(tmp_path / "x" / "metrics.parquet")
    pd.testing.assert_frame_equal(metrics, tables(store)["metrics"], check_exact=True)


# --- determinism and faults -------------------------------------------------------------------

def test_same_store_contents_whatever_the_workers_and_task_sizes(tmp_path):
    sweep = load_spec(write(tmp_path, SMALL, REPS=6, POINTS=6))
    run_sweep(sweep, tmp_path / "serial.duckdb", points_per_task=6)
    reference = tables(tmp_path / "serial.duckdb")
    assert len(reference["metrics"]) == 6 * 2
    with process_pool(2) as pool:
        for size in (1, 4):
            store = tmp_path / f"pool{size}.duckdb"
            run_sweep(sweep, store, executor=pool, workers=2, points_per_task=size)
            assert_same(reference, tables(store))
    with dask_executor(workers=2) as (executor, n):
        assert n == 2
        # a worker can start a solver process of its own (large plans run in one)
        assert executor.submit(call_within, 30.0, abs, -3).result() == 3
        run_sweep(sweep, tmp_path / "dask.duckdb", executor=executor, workers=n,
                  points_per_task=2)
    assert_same(reference, tables(tmp_path / "dask.duckdb"))


DRIVER = """\
import sys
from pathlib import Path
from talentmoat.experiments.executor import run_sweep
from talentmoat.experiments.spec import load_spec
run_sweep(load_spec(sys.argv[1]), Path(sys.argv[2]), points_per_task=1,
          progress=lambda done, total: print(done, flush=True))
"""


def test_kill_9_mid_run_then_resume_equals_an_uninterrupted_run(tmp_path):
    path = write(tmp_path, SMALL, REPS=60, POINTS=24)
    killed = tmp_path / "killed.duckdb"
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER)
    rng = np.random.default_rng(0)
    for attempt in range(2):  # two kills at different moments, then a resume
        proc = subprocess.Popen([sys.executable, str(driver), str(path), str(killed)],
                                stdout=subprocess.PIPE, text=True)
        start = int(proc.stdout.readline())
        while int(proc.stdout.readline()) < start + 3 + 2 * attempt:
            pass
        time.sleep(rng.uniform(0, 0.05))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        with Store(killed, read_only=True) as st:
            done = len(st.done_points())
        assert 0 < done < 24
    # a part written but not yet read into the store is read on resume, not run again
    waiting = len(list((tmp_path / "killed.duckdb.parts").glob("*.parquet")))
    resumed = run_sweep(load_spec(path), killed)
    assert resumed.done == 24 and resumed.ran == 24 - done - waiting
    whole = tmp_path / "whole.duckdb"
    run_sweep(load_spec(path), whole)
    a, b = tables(killed), tables(whole)
    assert_same(a, b)
    assert not a["metrics"].duplicated(["point", "strategy"]).any()
    with Store(killed, read_only=True) as st:
        tasks = st.frame("tasks")
    assert set(tasks["status"]) <= {"done", "lost"}
    assert tasks.loc[tasks["status"] == "done", "points"].sum() == 24


DASK_DRIVER = """\
import sys
from pathlib import Path
from talentmoat.experiments.executor import dask_executor, run_sweep
from talentmoat.experiments.spec import load_spec
if __name__ == "__main__":
    with dask_executor(workers=2) as (executor, n):
        run_sweep(load_spec(sys.argv[1]), Path(sys.argv[2]), executor=executor, workers=n,
                  points_per_task=1, progress=lambda done, total: print(done, flush=True))
"""


def test_kill_9_of_the_driver_leaves_no_dask_worker_alive(tmp_path):
    psutil = pytest.importorskip("psutil")
    path = write(tmp_path, SMALL, REPS=60, POINTS=40)
    driver = tmp_path / "driver.py"
    driver.write_text(DASK_DRIVER)
    proc = subprocess.Popen([sys.executable, str(driver), str(path), str(tmp_path / "s.duckdb")],
                            stdout=subprocess.PIPE, text=True)
    start = int(proc.stdout.readline())
    while int(proc.stdout.readline()) < start + 2:  # workers are up and running tasks
        pass
    family = psutil.Process(proc.pid).children(recursive=True)
    assert len(family) >= 2  # the two worker processes (and helpers)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    _, alive = psutil.wait_procs(family, timeout=10)
    for p in alive:
        p.kill()
    assert not alive, [p.cmdline() for p in alive]


def test_the_bundled_sweep_loads_by_name_and_checks_against_lean_lab():
    sweep = load_spec("lean-lab-sweep")
    assert sweep.source == "bundled:lean-lab-sweep"
    assert sweep.strategies == ("baseline", "tenders", "compartmentalize")
    _unit, values = points_of(sweep)
    assert values.shape == (20 * 7, 6)  # 20 Morris trajectories of D + 1 points
    tacit = sweep.targets[sweep.names.index("tacit_scale")]
    assert len(tacit.locations) == 6 and tacit.scale  # every component's tacit share
    assert set(values[:, sweep.names.index("tender_windows")]) <= {1, 2, 4}
