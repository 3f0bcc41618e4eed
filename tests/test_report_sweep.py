"""The sweep report: figure builders on an analysis with known answers, the summary, the CLI."""

from __future__ import annotations

import html as htmllib
import re

import numpy as np
import pytest
from typer.testing import CliRunner

from talentmoat.cli import app
from talentmoat.cli.experiments import store_analysis
from talentmoat.experiments.design import design_values
from talentmoat.experiments.robustness import robustness
from talentmoat.experiments.spec import Design, Uncertainty
from talentmoat.report import figures
from talentmoat.report import sweep_access as sa
from talentmoat.report.sweep import executive_summary, render_sweep_report

runner = CliRunner()
MAX_BYTES = 6_000_000


def _json(fig):
    return fig.to_plotly_json()


# --- figures -------------------------------------------------------------------------------

def test_sobol_bars_show_s1_and_st_with_their_cis(sweep_analysis):
    fig = _json(figures.sensitivity_bars(sweep_analysis, "baseline"))
    s1, st = fig["data"]
    assert (s1["name"], st["name"]) == ("S1 (first order)", "ST (total)")
    idx = sweep_analysis["sensitivity"]["baseline"]["indices"]
    assert list(s1["x"]) == ["a", "b"]  # the most influential first
    assert list(s1["y"]) == [idx["a"]["S1"], idx["b"]["S1"]]
    assert list(st["error_y"]["array"]) == [idx["a"]["ST_conf"], idx["b"]["ST_conf"]]
    # y = 3a + b on the unit square: S_a = 9/10, S_b = 1/10 (closed form)
    assert s1["y"][0] == pytest.approx(0.9, abs=0.05) and st["y"][1] == pytest.approx(0.1, abs=0.05)
    assert fig["layout"]["yaxis"]["title"]["text"] == "index (share of variance)"
    assert "value_mean for baseline" in fig["layout"]["title"]["text"]
    # risky's difference 0.7 − a depends on a alone: ST_b = 0, b ranks second
    risky = _json(figures.sensitivity_bars(sweep_analysis, "risky"))["data"][1]
    assert list(risky["x"]) == ["a", "b"] and risky["y"][1] == pytest.approx(0.0, abs=0.01)


def test_morris_bars_show_mu_star_and_sigma_in_billions_per_range():
    import pandas as pd

    from talentmoat.experiments.analyze import analyze

    spec_design = Design(method="morris", samples=10, levels=4)
    us = [Uncertainty(name=n, path="p", dist="uniform", low=0, high=1) for n in "ab"]
    unit, values = design_values(spec_design, us, seed=1)
    design = pd.DataFrame({"point": np.arange(len(values)), "a": values[:, 0],
                           "b": values[:, 1]})
    y = 3e9 * values[:, 0] + 1e9 * values[:, 1]
    metrics = pd.DataFrame({"point": design["point"], "strategy": "baseline", "value_mean": y,
                            "d_value_mean": 0.0})
    res = analyze(design, unit, metrics, names=["a", "b"], strategies=["baseline"],
                  spec_design=spec_design, metric="value_mean", seed=1)
    fig = _json(figures.sensitivity_bars(res, "baseline"))
    mu, sigma = fig["data"]
    assert mu["name"].startswith("μ*") and sigma["name"].startswith("σ")
    # linear: every elementary effect of a is 3e9 per unit range, of b 1e9; no spread
    assert list(mu["x"]) == ["a", "b"]
    assert mu["y"] == pytest.approx([3.0, 1.0]) and sigma["y"] == pytest.approx([0.0, 0.0],
                                                                               abs=1e-9)
    assert fig["layout"]["yaxis"]["title"]["text"] == "USD B per input range"
    assert "10 trajectories" in fig["layout"]["title"]["text"]


def test_prim_tradeoff_marks_the_chosen_box_and_the_table_gives_its_limits(sweep_analysis):
    p = sweep_analysis["prim"]["risky"]
    fig = _json(figures.prim_tradeoff(sweep_analysis, "risky"))
    path, chosen, pasted = fig["data"]
    assert list(path["x"]) == [s["coverage"] for s in p["trajectory"]]
    assert list(path["y"]) == [s["density"] for s in p["trajectory"]]
    step = p["trajectory"][p["chosen_step"]]
    assert (chosen["x"][0], chosen["y"][0]) == (step["coverage"], step["density"])
    assert chosen["name"] == f"chosen (step {p['chosen_step']})"
    assert (pasted["x"][0], pasted["y"][0]) == (p["coverage"], p["density"])
    share = float(np.mean(sweep_analysis["values"][:, 0] > 0.7))
    assert p["share_true"] == pytest.approx(share)
    assert f"({share:.0%} of points)" in fig["layout"]["title"]["text"]
    assert fig["layout"]["xaxis"]["title"]["text"].startswith("coverage")
    table = _json(figures.prim_box_table(sweep_analysis, "risky"))["data"][0]
    names, low, high, _ = table["cells"]["values"]
    assert names == ["a"] and high == ["—"]
    # worse exactly where a > 0.7, so the box a ≥ low has density 0.3 / (1 − low) and holds
    # every worse point; the widest box with density ≥ 0.8 starts at low = 0.625 (closed form)
    start = float(low[0])
    assert 0.61 <= start <= 0.7
    assert p["coverage"] == pytest.approx(1.0)
    assert p["density"] >= 0.8 and p["density"] == pytest.approx(0.3 / (1 - start), abs=0.03)


def test_robustness_table_matches_the_robustness_function(sweep_analysis):
    a = sweep_analysis["values"][:, 0]
    benefit = np.column_stack([np.zeros_like(a), 0.7 - a, np.full_like(a, 0.5)]) * 1e3  # USD M
    oracle = robustness(benefit, ["baseline", "risky", "steady"])
    table = _json(figures.robustness_table(sweep_analysis))["data"][0]
    header = table["header"]["values"]
    cols = dict(zip(header, table["cells"]["values"], strict=True))
    assert cols["strategy"] == ["baseline", "risky", "steady"]
    assert cols["mean benefit (USD M)"] == [f"{v:,.3g}" for v in oracle.mean]
    assert cols["10 % benefit (USD M)"] == [f"{v:,.3g}" for v in oracle.p10]
    assert cols["regret (p90) (USD M)"] == [f"{v:,.3g}" for v in oracle.regret]
    # steady (0.5) beats baseline (0) everywhere; risky meets 0 where a ≤ 0.7
    sat = cols["satisficing (benefit ≥ 0)"]
    assert sat[2] == "100%" and sat[1] == f"{np.mean(a <= 0.7):.0%}"
    assert cols["rank by regret"] == [list(oracle.rankings["regret"]).index(n) + 1
                                      for n in cols["strategy"]]
    assert cols["rank by mean"][2] == 1  # steady: 0.5 > mean(0.7 − a) ≈ 0.2


# --- summary and document --------------------------------------------------------------------

def test_summary_names_the_robust_strategy_its_drivers_and_where_others_fail(sweep_analysis):
    text = " ".join(executive_summary(sweep_analysis))
    assert f"{sweep_analysis['points']} of {sweep_analysis['points']} points" in text
    assert "Most robust: 'steady'" in text
    assert "It does worse than 'baseline' at no point of the sweep." in text
    box = sweep_analysis["prim"]["risky"]["box"]
    assert f"'risky' at {sweep_analysis['prim']['risky']['share_true']:.0%} of the points, " \
           f"where a ≥ {box['a']['low']:.4g}" in text
    # steady's difference is constant: no index can be estimated for it
    assert "sensitivity of d_value_mean for 'steady' cannot be estimated" in text
    # … so the summary names the drivers of the baseline's level instead: a, then b
    a = sweep_analysis["sensitivity"]["baseline"]["indices"]["a"]
    assert (f"What drives value_mean under 'baseline': a (ST {a['ST']:.2f} ± {a['ST_conf']:.2f})"
            " then b") in text


def test_sweep_document_has_each_section_once_and_plotly_once(sweep_analysis):
    html = render_sweep_report(sweep_analysis)
    assert re.findall(r'<section id="([a-z]+)">', html) == [
        "sensitivity", "discovery", "robustness", "provenance"]
    boxes = [s for s in sa.prim_strategies(sweep_analysis)
             if sa.prim(sweep_analysis, s)["box"] is not None]
    assert html.count('class="figure-data"') == (
        len(sa.sensitivity_strategies(sweep_analysis)) + 2 * len(boxes) + 1)
    assert htmllib.unescape(html).count("Worse at no point: steady.") == 1
    assert len(re.findall(r"\* plotly\.js v\d", html)) == 1
    assert "2" * 64 in html and "/somewhere/spec.yaml" in html


def test_anonymized_sweep_document_holds_no_path_or_plain_digest(sweep_analysis):
    html = render_sweep_report(sweep_analysis, key=b"k" * 32)
    assert "/somewhere" not in html and "1" * 64 not in html and "2" * 64 not in html
    assert "HMAC-SHA-256" in html


# --- the command ---------------------------------------------------------------------------

def test_report_of_a_sweep_store(sweep_store, tmp_path):
    target = tmp_path / "sweep.html"
    r = runner.invoke(app, ["report", str(sweep_store), "-o", str(target)])
    assert r.exit_code == 0, r.output
    assert "Report:" in r.output
    html = htmllib.unescape(target.read_text())
    res = store_analysis(sweep_store)
    ids = re.findall(r'<section id="([a-z]+)">', html)
    assert ids == ["sensitivity", "discovery", "robustness", "provenance"]
    robust = res["robustness"]["rankings"]["regret"][0]
    assert f"Most robust: '{robust}'" in html
    for name in res["provenance"]["strategies"]:
        assert name in html
    assert res["provenance"]["sweep_sha256"] in html and str(sweep_store) not in html
    assert f"{res['points']} ({res['completed_points']} with results, 0 failed)" in html
    assert target.stat().st_size < MAX_BYTES and oct(target.stat().st_mode)[-3:] == "644"
    again = runner.invoke(app, ["report", str(sweep_store), "-o", str(target),
                                "--anonymize-key", "k" * 32])
    assert again.exit_code == 0, again.output
    anon = htmllib.unescape(target.read_text())
    prov = res["provenance"]
    for secret in (prov["sweep_sha256"], prov["scenario_sha256"], prov["scenario_source"],
                   res["info"]["source"], str(sweep_store.parent)):
        assert secret not in anon
    assert f"Most robust: '{robust}'" in anon


def test_report_refuses_a_duckdb_file_that_is_no_sweep_store(tmp_path):
    import duckdb

    other = tmp_path / "other.db"  # found by its header, whatever the name
    duckdb.connect(str(other)).execute("CREATE TABLE t (x INTEGER)").close()
    target = tmp_path / "r.html"
    r = runner.invoke(app, ["report", str(other), "-o", str(target)])
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert "not a talentmoat results store" in r.output and len(r.output.strip().splitlines()) == 1
    assert not target.exists()


def test_report_of_a_store_never_overwrites_a_foreign_file(sweep_store, tmp_path):
    target = tmp_path / "notes.html"
    target.write_text("mine")
    r = runner.invoke(app, ["report", str(sweep_store), "-o", str(target)])
    assert r.exit_code == 2 and "is not a talentmoat report" in r.output
    assert target.read_text() == "mine"


def test_a_sweep_whose_every_point_failed_reports_that_and_no_section(sweep_analysis):
    import pandas as pd

    from talentmoat.experiments.analyze import analyze

    spec_design = Design(method="sobol", samples=4)
    us = [Uncertainty(name=n, path="p", dist="uniform", low=0, high=1) for n in "ab"]
    unit, values = design_values(spec_design, us, seed=1)
    design = pd.DataFrame({"point": np.arange(len(values)), "a": values[:, 0],
                           "b": values[:, 1]})
    empty = pd.DataFrame({"point": pd.Series(dtype="int64"), "strategy": pd.Series(dtype=str),
                          "value_mean": pd.Series(dtype=float),
                          "d_value_mean": pd.Series(dtype=float)})
    res = analyze(design, unit, empty, names=["a", "b"], strategies=["baseline", "risky"],
                  spec_design=spec_design, metric="value_mean", seed=1)
    assert "robustness" not in res  # no complete point: nothing to rank
    res |= {k: sweep_analysis[k] for k in ("uncertainties", "provenance", "info")}
    res |= {"completed_points": 0, "failed_points": len(values)}
    summary = executive_summary(res)
    assert summary[0].startswith(f"0 of {len(values)} points of the sweep ran ({len(values)} "
                                 "failed)")
    assert summary[-1] == "No point has results: there is nothing to analyse."
    html = render_sweep_report(res)
    assert re.findall(r'<section id="([a-z]+)">', html) == ["provenance"]


def test_a_latin_hypercube_sweep_has_no_sensitivity_section(sweep_analysis):
    import pandas as pd

    from talentmoat.experiments.analyze import analyze

    spec_design = Design(method="lhs", samples=40)
    us = [Uncertainty(name=n, path="p", dist="uniform", low=0, high=1) for n in "ab"]
    unit, values = design_values(spec_design, us, seed=2)
    design = pd.DataFrame({"point": np.arange(len(values)), "a": values[:, 0],
                           "b": values[:, 1]})
    d = (0.7 - values[:, 0]) * 1e9
    metrics = pd.concat([pd.DataFrame({"point": design["point"], "strategy": s,
                                       "value_mean": 1e9 + dd, "d_value_mean": dd})
                         for s, dd in (("baseline", 0 * d), ("risky", d))], ignore_index=True)
    res = analyze(design, unit, metrics, names=["a", "b"], strategies=["baseline", "risky"],
                  spec_design=spec_design, metric="value_mean", seed=2)
    prov = sweep_analysis["provenance"] | {"design": spec_design.model_dump(),
                                           "strategies": ["baseline", "risky"]}
    res |= {"uncertainties": ["a", "b"], "provenance": prov, "info": sweep_analysis["info"],
            "completed_points": len(values), "failed_points": 0}
    html = render_sweep_report(res)
    assert re.findall(r'<section id="([a-z]+)">', html) == ["discovery", "robustness",
                                                            "provenance"]
    assert "The design (lhs) gives no sensitivity indices." in executive_summary(res)
