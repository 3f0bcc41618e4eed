"""Figure builders, executive summary and report assembly, on small hand-made payloads.

The oracle is the payload itself: each figure must carry exactly the numbers it was given, in
the stated units, under the names the payload uses (strategy names here are made up, so a
builder that hard-codes a name fails).
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from plotly.offline import get_plotlyjs

from talentmoat.report import access, figures
from talentmoat.report.document import ReportInputs, executive_summary, render_report, sections

T = 3
NAMES = ["status-quo", "alpha", "beta"]


def _band(base: float, spread: float) -> dict[str, list[float]]:
    return {f"p{q}": [base + (q - 50) / 50 * spread + t for t in range(T)]
            for q in (5, 25, 50, 75, 95)} | {"mean": [base + t for t in range(T)]}


def make_payload(comparison: list[dict] | None = None) -> dict:
    strategies = {}
    for k, name in enumerate(NAMES):
        strategies[name] = {
            "policies": [] if k == 0 else [f"policy_{name}"],
            "by_quarter": {"lead": _band(0.1 * k, 0.05), "value": _band(1e9 * (k + 1), 2e8),
                           "headcount": _band(100.0 + k, 5.0)},
            "headcount_by_role": {"lead": _band(4.0, 1.0), "core": _band(16.0 + k, 2.0)},
            "p_parity_by_quarter": {"any": [0.1 * t + 0.2 * (2 - k) for t in range(T)]},
        }
    rows = comparison if comparison is not None else [
        {"strategy": "alpha", "delta_value_mean": {"mean": 3e8, "low": 1e8, "high": 5e8},
         "delta_departures": {"mean": -2.0, "low": -3.0, "high": -1.0},
         "delta_p_parity": -0.2, "policy_cost": {"mean": 4e7, "low": 3e7, "high": 5e7}},
        {"strategy": "beta", "delta_value_mean": {"mean": 5e8, "low": 2e8, "high": 9e8},
         "delta_departures": {"mean": -4.0, "low": -6.0, "high": -2.0},
         "delta_p_parity": -0.4, "policy_cost": {"mean": 9e7, "low": 8e7, "high": 1e8}},
    ]
    return {"provenance": {"scenario": "toy", "source": "bundled:toy", "scenario_sha256": "ab" * 32,
                           "seed": 7, "version": "0.1.0", "replications": 50, "quarters": T,
                           "wall_time_s": 1.5, "strategies": {n: [] for n in NAMES}},
            "strategies": strategies, "comparison": rows}


VIEW = {"people": ["p0", "p1", "p2", "p3"], "roles": ["core", "lead", "core", "eng"],
        "components": ["data", "arch"], "K": [[0.1, 0.2], [0.9, 0.8], [0.5, 0.0], [0.0, 0.05]],
        "standalone": [0.15, 0.85, 0.3, 0.02]}
KNOWLEDGE = {
    "hold_threshold": 0.5,
    "truck_factor": {"overall": 2, "people": ["p1", "p2"], "orphaned_components": ["arch"],
                     "per_component": {"data": 2, "arch": 1}},
    "exposure": [
        {"k": 1, "greedy": {"value": 0.85, "people": ["p1"]}, "upper_bound": 0.85,
         "exact": {"value": 0.85, "people": ["p1"]}},
        {"k": 2, "greedy": {"value": 0.9, "people": ["p1", "p2"]}, "upper_bound": 0.97,
         "exact": None},
    ],
}
NETWORK = {
    "nodes": [{"name": "fund-a", "kind": "investor", "decision": "defects", "reach": 1.0},
              {"name": "fund-b", "kind": "investor", "decision": "honours", "reach": 1.0},
              {"name": "co-a", "kind": "company", "decision": None, "reach": 0.3},
              {"name": "rival-x", "kind": "rival", "decision": None, "reach": 0.0}],
    "edges": [{"source": "fund-a", "target": "co-a", "p": 0.3},
              {"source": "fund-b", "target": "rival-x", "p": 0.1}],
}


def _traces(fig) -> dict[str, dict]:
    return {t["name"]: t for t in fig.to_plotly_json()["data"]}


def test_heatmap_sorts_people_by_standalone_share_and_keeps_their_rows():
    fig = figures.knowledge_heatmap(VIEW)
    strip, heat = fig.to_plotly_json()["data"][:2]
    order = [1, 2, 0, 3]  # standalone 0.85, 0.3, 0.15, 0.02
    assert list(heat["y"]) == [VIEW["people"][i] for i in order]
    np.testing.assert_array_equal(heat["z"], [VIEW["K"][i] for i in order])
    assert list(heat["x"]) == ["data", "arch"] and (heat["zmin"], heat["zmax"]) == (0.0, 1.0)
    assert heat["colorbar"]["title"]["text"] == "K (share)"
    roles = [VIEW["roles"][i] for i in order]  # the strip: one role index per row
    assert [r[0] for r in strip["customdata"]] == roles
    assert [z[0] for z in strip["z"]] == [["core", "lead", "eng"].index(r) for r in roles]
    assert {"core", "lead", "eng"} <= set(_traces(fig))  # the role legend


def test_poach_curve_shows_greedy_bound_and_only_proven_optima():
    t = _traces(figures.poach_curve(KNOWLEDGE))
    assert list(t["greedy"]["y"]) == [0.85, 0.9] and list(t["upper bound"]["y"]) == [0.85, 0.97]
    assert list(t["exact optimum"]["x"]) == [1] and list(t["exact optimum"]["y"]) == [0.85]


def test_truck_factor_bars_mark_orphaned_components():
    fig = figures.truck_factor_bars(KNOWLEDGE)
    bar = fig.to_plotly_json()["data"][0]
    assert list(bar["x"]) == ["data", "arch"] and list(bar["y"]) == [2, 1]
    assert bar["marker"]["color"][1] != bar["marker"]["color"][0]
    assert fig.layout.title.text.startswith("Truck factor 2")
    assert "K ≥ 0.5" in fig.layout.yaxis.title.text


@pytest.mark.parametrize("metric,scale", [("lead", 1.0), ("value", 1e9)])
def test_fan_chart_bands_are_the_payload_percentiles(metric, scale):
    payload = make_payload()
    fig = figures.fan_chart(payload, metric, "X", "unit", scale=scale)
    t = _traces(fig)
    for name in NAMES:
        b = payload["strategies"][name]["by_quarter"][metric]
        np.testing.assert_allclose(t[f"{name} median"]["y"], np.array(b["p50"]) / scale)
        np.testing.assert_allclose(t[f"{name} 90 % low"]["y"], np.array(b["p5"]) / scale)
        np.testing.assert_allclose(t[f"{name} 90 % band"]["y"], np.array(b["p95"]) / scale)
        np.testing.assert_allclose(t[f"{name} 50 % low"]["y"], np.array(b["p25"]) / scale)
        np.testing.assert_allclose(t[f"{name} 50 % band"]["y"], np.array(b["p75"]) / scale)
        assert list(t[f"{name} median"]["x"]) == [1, 2, 3]
    titles = [a["text"] for a in fig.to_plotly_json()["layout"]["annotations"]]
    assert titles == NAMES
    assert fig.layout.yaxis.title.text == "X (unit)"


def test_headcount_fans_have_one_fan_per_role_and_strategy():
    payload = make_payload()
    data = figures.headcount_fans(payload).to_plotly_json()["data"]
    medians = [d for d in data if d["name"].endswith("median")]
    assert len(medians) == len(NAMES) * 2
    core = [d for d in medians if d["name"] == "core median"]
    for k, d in enumerate(core):
        assert list(d["y"]) == payload["strategies"][NAMES[k]]["headcount_by_role"]["core"]["p50"]


def test_parity_chart_draws_every_reported_curve():
    payload = make_payload()
    payload["strategies"]["beta"]["p_parity_by_quarter"]["in_quarter"] = [0.0, 0.1, 0.05]
    t = _traces(figures.parity_chart(payload))
    assert list(t["alpha (at least once by t)"]["y"]) == pytest.approx([0.2, 0.3, 0.4])
    assert list(t["beta (in quarter t)"]["y"]) == [0.0, 0.1, 0.05]
    assert t["beta (in quarter t)"]["line"]["dash"] == "dot"
    assert "alpha (in quarter t)" not in t


def test_forest_plot_has_means_and_asymmetric_cis_in_stated_units():
    payload = make_payload()
    fig = figures.forest_plot(payload)
    t = _traces(fig)
    value = t["Δ mean lab value"]
    assert list(value["y"]) == ["alpha", "beta"]
    assert list(value["x"]) == pytest.approx([300.0, 500.0])  # USD M
    assert list(value["error_x"]["array"]) == pytest.approx([200.0, 400.0])
    assert list(value["error_x"]["arrayminus"]) == pytest.approx([200.0, 300.0])
    assert list(t["Δ P(parity)"]["x"]) == [-0.2, -0.4]  # a bare number: no interval
    assert list(t["Δ P(parity)"]["error_x"]["array"]) == [None, None]
    titles = [a["text"] for a in fig.to_plotly_json()["layout"]["annotations"]]
    assert "Δ mean lab value<br>(USD M)" in titles and "Δ departures<br>(people)" in titles
    assert "Net benefit<br>(USD M)" not in titles  # not in this payload


def test_cost_benefit_prefers_net_benefit_when_reported():
    payload = make_payload()
    t = _traces(figures.cost_benefit(payload))
    assert (t["beta"]["x"][0], t["beta"]["y"][0]) == pytest.approx((90.0, 500.0))
    assert t["beta"]["error_y"]["array"][0] == pytest.approx(400.0)
    for row, net in zip(payload["comparison"], (1e8, -2e8), strict=True):
        row["net_benefit"] = {"mean": net, "low": net - 1e7, "high": net + 1e7}
    fig = figures.cost_benefit(payload)
    assert _traces(fig)["beta"]["y"][0] == pytest.approx(-200.0)
    assert fig.layout.yaxis.title.text == "Net benefit (USD M)"


def test_investor_network_colours_decisions_and_draws_every_tie():
    fig = figures.investor_network(NETWORK)
    t = _traces(fig)
    assert list(t["defects"]["text"]) == ["fund-a"] and list(t["honours"]["text"]) == ["fund-b"]
    assert t["defects"]["marker"]["color"] == figures.DECISION_COLOURS["defects"]
    assert list(t["company"]["marker"]["size"]) == [14 + 20 * 0.3]
    assert {"fund-a→co-a", "fund-b→rival-x"} <= set(t)
    assert len(fig.layout.annotations) == 2  # one arrow head per tie
    again = figures.investor_network(NETWORK)  # the seeded layout is deterministic
    assert again.to_plotly_json()["data"][0]["x"] == fig.to_plotly_json()["data"][0]["x"]


def test_summary_names_the_best_strategy_its_ci_and_cost():
    text = " ".join(executive_summary(ReportInputs(make_payload())))
    assert "Best strategy: 'beta' (policy_beta)" in text
    assert "adds $500.0M (95 % CI $200.0M to $900.0M) to the lab's value averaged over the 3 " \
        "quarters, at a policy cost of $90.0M." in text
    assert "Ranked first by the comparison" in text
    assert "'alpha', $300.0M at a policy cost of $40.0M" in text
    assert "with probability 60%" in text  # status-quo's last P(parity by t): 0.4 + 0.2
    assert "from 60% to 20%" in text
    assert "cannot be told apart" not in text


def test_summary_says_when_the_ci_includes_zero_or_nothing_helps():
    payload = make_payload()
    payload["comparison"][1]["delta_value_mean"] = {"mean": 5e8, "low": -1e8, "high": 1.1e9}
    assert "cannot be told apart" in " ".join(executive_summary(ReportInputs(payload)))
    for row in payload["comparison"]:
        row["delta_value_mean"] = {"mean": -1e8, "low": -2e8, "high": 0.0}
    assert "No strategy beats 'status-quo'" in " ".join(executive_summary(
        ReportInputs(payload)))


def test_a_section_appears_only_when_its_data_exists():
    lean = [s.id for s in sections(ReportInputs(make_payload(comparison=[])))]
    assert lean == ["trajectories"]
    full = ReportInputs(make_payload(), knowledge=KNOWLEDGE, view=VIEW, network=NETWORK)
    assert [s.id for s in sections(full)] == ["knowledge", "comparison", "trajectories",
                                              "investors"]


def test_report_embeds_plotly_once_and_every_figure_as_json():
    full = ReportInputs(make_payload(), knowledge=KNOWLEDGE, view=VIEW, network=NETWORK,
                        notes=["a note </script> with markup"])
    html = render_report(full)
    js = get_plotlyjs()
    assert html.count(js[:200]) == 1
    ours = html.replace(js, "")  # plotly.js itself mentions its CDN; nothing else may
    assert "<script src" not in ours and "http" not in ours.split("<footer>")[0]
    blobs = html.split('<script type="application/json" class="figure-data"')[1:]
    assert len(blobs) == sum(len(s.figures) for s in sections(full)) == 10
    first = json.loads(blobs[0].split(">", 1)[1].split("</script>")[0])
    assert first["data"][1]["y"][0] == "p1"
    import plotly.io as pio  # every figure is drawn with the template, added when serialised
    from plotly.utils import PlotlyJSONEncoder

    want = json.loads(json.dumps(pio.templates[figures.TEMPLATE].to_plotly_json(),
                                 cls=PlotlyJSONEncoder))
    for blob in blobs:
        assert json.loads(blob.split(">", 1)[1].split("</script>")[0])["layout"][
            "template"] == want
    assert "a note &lt;/script&gt; with markup" in html  # text is escaped
    for field in ("ab" * 32, ">7<", ">50<", "1.5 s"):
        assert field in html  # provenance appendix


def test_accessors_find_renamed_or_missing_keys():
    payload = make_payload()
    assert access.baseline(payload) == "status-quo" and access.quarters(payload) == T
    assert access.benefit_key(payload) == "delta_value_mean"
    assert access.interval(payload["comparison"][0], "delta_p_parity") == {
        "mean": -0.2, "low": None, "high": None}
    assert access.role_bands({"strategies": {"x": {}}}, "x") == {}


# -- poach shock and person value (MODEL.md §I) ---------------------------------------------

VALUES = {"party": "rival-x", "replications": 64, "quarters": T, "wall_time_s": 0.25, "people": [
    {"id": "p1", "role": "lead", "standalone_share": 0.85, "carry": 0.6,
     "value_lost_discounted": {"mean": 3e9, "low": 2e9, "high": 4.5e9}},
    {"id": "p2", "role": "core", "standalone_share": 0.3, "carry": 0.2,
     "value_lost_discounted": {"mean": 1e9, "low": 0.5e9, "high": 1.2e9}},
    {"id": "p0", "role": "lead", "standalone_share": 0.15, "carry": 0.1,
     "value_lost_discounted": {"mean": 0.4e9, "low": -0.1e9, "high": 0.9e9}},
]}
SHOCK = {
    "party": "rival-x", "people": ["p1", "p2"], "replications": 50, "quarters": T,
    "exact_optimum": True, "strategy": "status-quo", "wall_time_s": 0.5,
    "p_parity_by_quarter": {"without": [0.0, 0.1, 0.25], "with": [0.3, 0.6, 0.7]},
    "quarters_sooner": {"mean": 1.35, "p5": 0.0, "p50": 1.0, "p95": 3.0,
                        "ci": {"mean": 1.35, "low": 1.1, "high": 1.6}},
    "value_lost_discounted": {"mean": 2.5e9, "low": 2.0e9, "high": 3.1e9},
    "value_lost_end": {"mean": 1.0e9, "low": 0.4e9, "high": 1.5e9},
    "value_lost_share": 0.125,
}


def test_person_value_ranking_ranks_in_usd_b_with_cis_role_colours_and_hover():
    fig = figures.person_value_ranking(VALUES, role_order=["core", "eng", "lead"])
    t = _traces(fig)
    assert set(t) == {"lead", "core"}  # one trace per role present
    lead = t["lead"]
    assert list(lead["y"]) == ["p1", "p0"] and lead["orientation"] == "h"
    assert list(lead["x"]) == pytest.approx([3.0, 0.4])  # USD B
    assert list(lead["error_x"]["array"]) == pytest.approx([1.5, 0.5])
    assert list(lead["error_x"]["arrayminus"]) == pytest.approx([1.0, 0.5])
    assert [c[1] for c in lead["customdata"]] == [0.85, 0.15]  # standalone share in the hover
    assert "standalone" in lead["hovertemplate"]
    # the heatmap's role order fixes the colours: core first, lead third
    assert t["core"]["marker"]["color"] == figures.PALETTE[0]
    assert lead["marker"]["color"] == figures.PALETTE[2]
    layout = fig.to_plotly_json()["layout"]
    assert list(layout["yaxis"]["categoryarray"]) == ["p1", "p2", "p0"]  # most valuable on top
    assert layout["yaxis"]["autorange"] == "reversed"
    assert layout["xaxis"]["title"]["text"] == "discounted lab value lost (USD B)"
    assert "rival-x" in layout["title"]["text"] and "64 paired replications" in \
        layout["title"]["text"]


def test_first_parity_shares_are_the_histogram_of_first_parity_quarters():
    rng = np.random.default_rng(3)
    first = rng.integers(0, T + 1, size=500)  # 0: no parity within T (censored)
    by_t = [float(((first > 0) & (first <= t)).mean()) for t in range(1, T + 1)]
    shares, censored = figures.first_parity_shares(by_t)
    assert shares == pytest.approx([float((first == t).mean()) for t in range(1, T + 1)])
    assert censored == pytest.approx(float((first == 0).mean()))
    assert sum(shares) + censored == pytest.approx(1.0)


def test_poach_shock_panel_shows_both_arms_censoring_and_value_lost():
    fig = figures.poach_shock_panel(SHOCK)
    t = _traces(fig)
    without, with_ = t["without the shock"], t["with the shock"]
    assert list(without["x"]) == ["1", "2", "3", "none by 3"]
    assert list(without["y"]) == pytest.approx([0.0, 0.1, 0.15, 0.75])
    assert list(with_["y"]) == pytest.approx([0.3, 0.3, 0.1, 0.3])
    assert list(with_["marker"]["pattern"]["shape"]) == ["", "", "", "/"]  # censored: hatched
    assert list(t["with the shock: P(by t)"]["y"]) == [0.3, 0.6, 0.7]
    assert list(t["without the shock: P(by t)"]["x"]) == [1, 2, 3]
    lost = t["value lost"]
    assert list(lost["x"]) == ["discounted", "at quarter 3"]
    assert list(lost["y"]) == pytest.approx([2.5, 1.0])  # USD B
    assert list(lost["error_y"]["array"]) == pytest.approx([0.6, 0.5])
    assert list(lost["error_y"]["arrayminus"]) == pytest.approx([0.5, 0.6])
    title = fig.layout.title.text
    assert "rival-x hires p1, p2" in title and "1.4 quarters sooner" in title
    assert "95 % CI 1.1 to 1.6" in title and "no parity within 3 counts as quarter 4" in title


def test_summary_states_the_shock_in_one_sentence_from_its_numbers():
    text = executive_summary(ReportInputs(make_payload(), shock=SHOCK))[-1]
    assert text == ("If rival-x hires p1 and p2 at quarter 0, a rival first reaches parity 1.4 "
                    "quarters sooner on average (95 % CI 1.1 to 1.6; a run with no parity within 3 "
                    "quarters counts as quarter 4) and the lab loses $2.50B of discounted value "
                    "(95 % CI $2.00B to $3.10B; 12%).")
    three = executive_summary(ReportInputs(make_payload(), shock={
        **SHOCK, "people": ["a", "b", "c"]}))[-1]
    assert three.startswith("If rival-x hires a, b and c at quarter 0")


def test_the_shock_section_follows_the_knowledge_and_shows_what_exists():
    values = {**VALUES, "selection": "the 3 of 4 people with the largest standalone share"}
    full = ReportInputs(make_payload(), knowledge=KNOWLEDGE, view=VIEW, shock=SHOCK,
                        values=values)
    parts = sections(full)
    assert [s.id for s in parts] == ["knowledge", "shock", "comparison", "trajectories"]
    shock = parts[1]
    assert [f.layout.title.text.split(":")[0] for f in shock.figures] == [
        "If rival-x hires p1, p2 at quarter 0", "What each person is worth"]
    assert ("Valued here: the 3 of 4 people with the largest standalone share, 64 replications "
            "each") in shock.text and "proven exact" in shock.text
    ranking = shock.figures[1].to_plotly_json()["data"]  # colours follow the heatmap's roles
    assert {d["name"]: d["marker"]["color"] for d in ranking} == {
        "core": figures.PALETTE[0], "lead": figures.PALETTE[1]}
    only = sections(ReportInputs(make_payload(), values=values))
    assert [len(s.figures) for s in only if s.id == "shock"] == [1]
    html = render_report(full)
    assert html.count('class="figure-data"') == 11
    assert ("<th>poach shock</th><td>top 2 by poach-k (proven exact) hired by rival-x under "
            "&#39;status-quo&#39;, 50 replications × 3 quarters, 0.5 s</td>") in html
    assert ("<th>person values</th><td>the 3 of 4 people with the largest standalone share, "
            "hired one at a time by rival-x, 64 replications × 3 quarters, 0.25 s</td>") in html
