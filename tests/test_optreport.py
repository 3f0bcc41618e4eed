"""The Pareto view and the optimization report, on a summary with known numbers."""

from __future__ import annotations

import pytest

from talentmoat.report import figures
from talentmoat.report.optimization import executive_summary, render_optimization_report


def row(cost, benefit, p, levers, ci=None, ok=True):
    return {"levers": levers, "policies": [], "d_policy_cost": cost, "d_net_benefit": benefit,
            "p_parity": p, "ci": {"d_net_benefit": ci} if ci else {}, "feasible": ok}


A = {"tender_cap": 0.1, "grant_match": "off"}
B = {"tender_cap": 0.1, "grant_match": 0.5}
C = {"tender_cap": "off", "grant_match": "off"}
SUMMARY = {
    "optimization": "t", "scenario": "lean-lab", "digest": "d" * 64, "candidates": 4,
    "search": {"replications": 40, "seed": 1, "quarters": 12, "method": "grid"},
    "validation": {"replications": 400, "seed": 7},
    "objective": {"minimise": "d_policy_cost", "maximise": "d_net_benefit"},
    "constraints": [{"metric": "p_parity", "max": 0.1}],
    "evaluated": {"cost": [0.0, 0.0, 2.0e8, 3.0e8], "benefit": [1.0e9, 3.0e9, 3.5e9, 2.0e9],
                  "feasible": [False, True, True, True]},
    "feasible_front": [row(0.0, 3.0e9, 0.08, A), row(2.0e8, 3.5e9, 0.05, B)],
    "checked": [{"in_sample": row(0.0, 3.0e9, 0.08, A),
                 "out_of_sample": row(0.0, 2.9e9, 0.12, A, [2.5e9, 3.3e9], ok=False)},
                {"in_sample": row(2.0e8, 3.5e9, 0.05, B),
                 "out_of_sample": row(2.1e8, 3.4e9, 0.06, B, [3.1e9, 3.7e9])}],
    "recommended": row(2.1e8, 3.4e9, 0.06, B, [3.1e9, 3.7e9]),
    "robust": None,
}


def test_pareto_view_marks_the_front_the_constraint_and_the_recommendation():
    fig = figures.pareto_view(SUMMARY).to_plotly_json()
    misses, meets, front, rec = fig["data"]
    # the axes in the money's scale: cost up to $0.3B → USD M, benefit up to $3.5B → USD B
    assert fig["layout"]["xaxis"]["title"]["text"] == "d_policy_cost (USD M)"
    assert fig["layout"]["yaxis"]["title"]["text"] == "d_net_benefit (USD B)"
    assert misses["name"] == "misses p_parity ≤ 0.1 (in sample)"
    assert list(misses["x"]) == [0.0] and list(misses["y"]) == [1.0]
    assert list(meets["x"]) == [0.0, 200.0, 300.0] and list(meets["y"]) == [3.0, 3.5, 2.0]
    assert front["mode"] == "lines+markers" and list(front["x"]) == [0.0, 200.0]
    assert list(front["text"]) == ["tender_cap 0.1", "tender_cap 0.1, grant_match 0.5"]
    assert rec["marker"]["symbol"] == "star"
    assert list(rec["x"]) == [210.0] and list(rec["y"]) == [pytest.approx(3.4)]
    assert rec["error_y"]["array"][0] == pytest.approx(0.3)
    assert rec["error_y"]["arrayminus"][0] == pytest.approx(0.3)
    assert "4 candidates (p_parity ≤ 0.1)" in fig["layout"]["title"]["text"]


def test_without_a_recommendation_there_is_no_star():
    fig = figures.pareto_view({**SUMMARY, "recommended": None}).to_plotly_json()
    assert [t["name"] for t in fig["data"]][-1] == "Pareto front (feasible)"


def test_the_summary_names_the_mix_its_ci_and_the_optimism_caught():
    text = executive_summary(SUMMARY)
    assert text[0].startswith("4 candidates (every candidate of the grid)")
    assert "3 meet p_parity ≤ 0.1 in sample" in text[0]
    nsga = {**SUMMARY["search"], "method": "nsga2", "library": "optuna 5.0.0", "trials": 96,
            "population": 16}
    assert executive_summary({**SUMMARY, "search": nsga})[0].startswith(
        "4 candidates (NSGA-II of optuna 5.0.0: 96 trials in generations of 16) on the same 40 "
        "replications × 12 quarters (seed 1)")
    assert text[1] == ("Recommended: tender_cap 0.1, grant_match 0.5. Out of sample (seed 7, "
                       "400 replications) its d_policy_cost is $210.0M and its d_net_benefit "
                       "$3.40B (95 % CI $3.10B to $3.70B); p_parity 0.06.")
    assert "1 of the 2 re-checked" in text[2] and "tender_cap 0.1: p_parity 0.08 → 0.12" in text[2]
    html = render_optimization_report(SUMMARY)
    assert 'id="pareto"' in html and "Recommended: tender_cap 0.1, grant_match 0.5" in html
    none = executive_summary({**SUMMARY, "recommended": None,
                              "evaluated": {**SUMMARY["evaluated"], "feasible": [False] * 4}})
    assert "0 meet" in none[0] and "there is no recommendation" in none[1]
    assert figures.mix_label({"levers": C}) == "no policy"
