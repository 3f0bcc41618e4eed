"""The simulate, compare and run commands: what they print and what they write."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from talentmoat.cli import app
from talentmoat.loader import load_scenario
from talentmoat.sim import simulate
from talentmoat.sim.results import compare

runner = CliRunner()


def test_simulate_json_matches_the_library_and_writes_parquet(tmp_path):
    out = tmp_path / "res"
    result = runner.invoke(app, ["simulate", "lean-lab", "--reps", "6", "--quarters", "4",
                                 "-s", "tenders", "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert list(payload["strategies"]) == ["baseline", "tenders"]
    prov = payload["provenance"]
    assert prov["replications"] == 6 and prov["quarters"] == 4
    assert prov["seed"] == load_scenario("lean-lab").scenario.seed
    assert len(prov["scenario_sha256"]) == 64 and prov["wall_time_s"] >= 0
    direct = simulate(load_scenario("lean-lab"), ["tenders"], replications=6, quarters=4)
    base = direct.trajectories["baseline"]
    summary = payload["strategies"]["baseline"]
    np.testing.assert_allclose(summary["by_quarter"]["value"]["mean"], base.value.mean(axis=0))
    np.testing.assert_allclose(summary["retention_curve"], base.retained.mean(axis=0))
    assert payload["comparison"][0]["strategy"] == "tenders"
    row, expected = payload["comparison"][0], compare(direct)[0]
    for key in ("delta_value_mean", "delta_departures", "policy_cost", "delta_lead_mean"):
        assert row[key] == expected[key]
    frame = pd.read_parquet(out / "trajectories")
    assert len(frame) == 2 * 6 * 4
    assert set(frame["strategy"]) == {"baseline", "tenders"}
    rows = frame[frame.strategy == "baseline"].sort_values(["replication", "quarter"])
    np.testing.assert_allclose(rows["b_lab"].to_numpy(), base.b_lab.ravel())
    np.testing.assert_array_equal(rows["departures.hyperscaler"].to_numpy(),
                                  base.departures[..., 0].ravel())
    saved = json.loads((out / "summary.json").read_text())
    assert saved["provenance"]["scenario_sha256"] == prov["scenario_sha256"]


def test_compare_prints_a_ranked_table(tmp_path):
    result = runner.invoke(app, ["compare", "lean-lab", "--reps", "8", "--quarters", "4",
                                 "-s", "tenders", "-s", "retention_grant",
                                 "--out", str(tmp_path / "c")])
    assert result.exit_code == 0, result.output
    assert "ranked by net benefit" in result.stdout
    assert "retention_grant" in result.stdout and "tenders" in result.stdout


def test_an_unrelated_directory_is_never_overwritten(tmp_path):
    keep = tmp_path / "mine"
    keep.mkdir()
    (keep / "notes.txt").write_text("precious")
    result = runner.invoke(app, ["simulate", "lean-lab", "--reps", "2", "--quarters", "2",
                                 "--out", str(keep)])
    assert result.exit_code == 2 and "notes.txt, which talentmoat did not write" in result.stderr
    assert (keep / "notes.txt").read_text() == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]  # no temporary left over


def test_unknown_strategy_is_an_input_error(tmp_path):
    result = runner.invoke(app, ["simulate", "lean-lab", "-s", "magic", "--out",
                                 str(tmp_path / "x")])
    assert result.exit_code == 2 and "unknown strategy magic" in result.stderr


def test_run_without_arguments_prints_knowledge_and_the_comparison(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["run"])
    assert result.exit_code == 0, result.output
    assert "lean-lab: 150 people" in result.stdout and "Truck factor" in result.stdout
    for name in ("baseline", "compartmentalize", "tenders", "synthetic_equity", "blue_sky",
                 "retention_grant", "all"):
        assert name in result.stdout
    assert (tmp_path / "talentmoat-results" / "lean-lab" / "summary.json").exists()
    report = tmp_path / "talentmoat-results" / "lean-lab" / "report.html"
    assert f"Report: {report.relative_to(tmp_path)}" in result.stdout
    assert "Executive summary" in report.read_text()


def test_a_single_run_is_a_results_store_in_the_sweep_layout(tmp_path):
    """simulate writes results.duckdb: the sweep store's tables and columns, one point, every
    metric per strategy equal to summary.json's numbers; analyze reads it, report refuses it."""
    import duckdb

    from talentmoat.experiments import metrics
    from talentmoat.experiments.store import RUN_STORE, SWEEP, TABLES, Head, Store

    out = tmp_path / "res"
    result = runner.invoke(app, ["simulate", "lean-lab", "--reps", "6", "--quarters", "4",
                                 "-s", "tenders", "-s", "retention_grant", "--out", str(out)])
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    names = list(metrics.METRICS)
    sweep_like = tmp_path / "sweep.duckdb"
    with Store(sweep_like) as st:  # an empty sweep store of the same metrics
        st.create(Head("x", "y", "z", "spec", SWEEP, tuple(names), ()), np.zeros((1, 0)), {})

    def layout(path):
        with duckdb.connect(str(path), read_only=True) as con:
            return con.sql("SELECT table_name, column_name, data_type FROM "
                           "information_schema.columns ORDER BY ALL").fetchall()

    assert layout(out / RUN_STORE) == layout(sweep_like)
    with Store(out / RUN_STORE, read_only=True) as st:
        assert set(st.tables()) == set(TABLES)
        info, prov = st.info(), st.provenance()
        frame = st.frame("metrics")
        design, tasks = st.frame("design"), st.frame("tasks")
    assert info["kind"] == "run" and info["name"] == "lean-lab"
    assert info["digest"] == summary["provenance"]["scenario_sha256"]
    assert json.loads(info["spec"]) == {"strategies": ["baseline", "tenders", "retention_grant"],
                                        "replications": 6, "quarters": 4,
                                        "seed": summary["provenance"]["seed"]}
    assert prov["strategies"] == ["baseline", "tenders", "retention_grant"]
    assert design["point"].tolist() == [0] and list(frame["point"].unique()) == [0]
    assert tasks["status"].tolist() == ["done"] and tasks["rows"].tolist() == [3]
    by = frame.set_index("strategy")
    paired = {row["strategy"]: row for row in summary["comparison"]}
    for name in ("baseline", "tenders", "retention_grant"):
        s = summary["strategies"][name]
        assert by.loc[name, "value_end"] == s["totals"]["value_end"]
        assert by.loc[name, "p_parity"] == s["time_to_parity"]["reached_share"]
        assert by.loc[name, "policy_cost"] == s["totals"]["policy_cost"]
        want = 0.0 if name == "baseline" else paired[name]["net_benefit"]["mean"]
        assert by.loc[name, "d_net_benefit"] == want
    shown = runner.invoke(app, ["analyze", str(out / RUN_STORE), "--json", "-m", "value_end"])
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.stdout)
    assert list(data["strategies"]) == ["baseline", "tenders", "retention_grant"]
    assert data["columns"] == ["value_end", "d_value_end"]
    assert data["strategies"]["tenders"]["d_value_end"] == paired["tenders"][
        "delta_value_end"]["mean"]
    some = runner.invoke(app, ["analyze", str(out / RUN_STORE), "--json", "-s", "tenders"])
    assert list(json.loads(some.stdout)["strategies"]) == ["baseline", "tenders"]
    unknown = runner.invoke(app, ["analyze", str(out / RUN_STORE), "-s", "nope"])
    assert unknown.exit_code == 2 and "nope" in unknown.output and "retention_grant" in \
        unknown.output
    refused = runner.invoke(app, ["report", str(out / RUN_STORE), "-o", str(tmp_path / "r.html")])
    assert refused.exit_code == 2 and "single run" in refused.output
    assert not (tmp_path / "r.html").exists()
    # a sweep never replaces a run's store, even with --new (it belongs to a result folder)
    from talentmoat.errors import InputError
    from talentmoat.experiments.spec import load_spec
    from talentmoat.experiments.store import open_for

    sweep = load_spec("lean-lab-sweep")
    before = (out / RUN_STORE).read_bytes()
    with pytest.raises(InputError, match="single run"):
        open_for(out / RUN_STORE, sweep, np.zeros((1, len(sweep.names))), {}, new=True)
    assert (out / RUN_STORE).read_bytes() == before


def test_an_anonymized_run_store_names_no_path_and_no_plain_digest(tmp_path):
    import duckdb

    lab = load_scenario("lean-lab")
    out = tmp_path / "anon"
    result = runner.invoke(app, ["simulate", "lean-lab", "--reps", "3", "--quarters", "2",
                                 "-s", "tenders", "--out", str(out), "--anonymize",
                                 "--anonymize-key", "k" * 32])
    assert result.exit_code == 0, result.output
    with duckdb.connect(str(out / "results.duckdb"), read_only=True) as con:
        text = " ".join(str(v) for table in ("sweep", "provenance", "tasks")
                        for row in con.sql(f"SELECT * FROM {table}").fetchall() for v in row)
    assert lab.digest not in text and "scenario_sha256" not in text
    assert "hmac" in text
