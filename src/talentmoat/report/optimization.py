"""The HTML report of an optimization: the Pareto front, the recommended mix, the honest re-check.

Pure: from the ``talentmoat optimize --json`` summary (:func:`talentmoat.experiments.optrun.
payload`) to an HTML string, with the sweep report's template and embedded plotly.js. Writing
the file is the caller's job (``optimize --report FILE``).
"""

from __future__ import annotations

import json
from typing import Any

from plotly.offline import get_plotlyjs

from talentmoat.report import figures
from talentmoat.report.document import PLOTLY_CONFIG, Section, environment, figure_json, musd


def _amount(column: str, value: float) -> str:
    """A column's value: money for costs, values and benefits, a share otherwise."""
    money = ("cost", "value", "benefit", "cash")
    return musd(value) if any(m in column for m in money) else f"{value:.3g}"


def _rule(bound: dict[str, Any]) -> str:
    return (f"{bound['metric']} ≤ {bound['max']:g}" if "max" in bound
            else f"{bound['metric']} ≥ {bound['min']:g}")


def executive_summary(summary: dict[str, Any]) -> list[str]:
    """The answer in words: what was searched, the recommendation with its CI, the optimism.

    Returns:
        Sentences (plain text), most important first.
    """
    cost, benefit = summary["objective"]["minimise"], summary["objective"]["maximise"]
    search, val = summary["search"], summary["validation"]
    rules = " and ".join(_rule(b) for b in summary["constraints"]) or "no constraint"
    met = sum(summary["evaluated"]["feasible"])
    how = ("every candidate of the grid" if search["method"] == "grid" else
           f"NSGA-II of {search['library']}: {search['trials']} trials in generations of "
           f"{search['population']}")
    out = [f"{summary['candidates']} candidates ({how}) on the same {search['replications']} "
           f"replications × {search['quarters']} quarters (seed {search['seed']}); {met} meet "
           f"{rules} in sample."]
    rec = summary["recommended"]
    if rec is None:
        out.append(f"None of the {len(summary['checked'])} re-checked candidates meets {rules} "
                   f"out of sample (seed {val['seed']}, {val['replications']} replications): "
                   "there is no recommendation.")
    else:
        ci = rec["ci"].get(benefit)
        band = f" (95 % CI {musd(ci[0])} to {musd(ci[1])})" if ci else ""
        held = ", ".join(f"{b['metric']} {_amount(b['metric'], rec[b['metric']])}"
                         for b in summary["constraints"])
        out.append(f"Recommended: {figures.mix_label(rec)}. Out of sample (seed {val['seed']}, "
                   f"{val['replications']} replications) its {cost} is {musd(rec[cost])} and "
                   f"its {benefit} {musd(rec[benefit])}{band}" + (f"; {held}." if held else "."))
    caught = [pair for pair in summary["checked"] if pair["in_sample"]["feasible"]
              and not pair["out_of_sample"]["feasible"]]
    if caught:
        out.append(f"The re-check caught the search's optimism: {len(caught)} of the "
                   f"{len(summary['checked'])} re-checked candidates met {rules} in sample but "
                   "not out of sample (" + "; ".join(
                       figures.mix_label(p["in_sample"]) + ": " + ", ".join(
                           f"{b['metric']} {_amount(b['metric'], p['in_sample'][b['metric']])}"
                           f" → {_amount(b['metric'], p['out_of_sample'][b['metric']])}"
                           for b in summary["constraints"]) for p in caught) + ").")
    robust = summary.get("robust")
    if robust is not None and robust["breaks"].get("nominal"):
        br = robust["breaks"]["nominal"]
        where = "; ".join(f"{n} from {_edge(v['from'])} to {_edge(v['to'])}"
                          for n, v in br["limits"].items()) or "no box"
        out.append(f"Across the {robust['points']} points of {robust['sweep']} the "
                   f"recommendation fails at {br['failed_share']:.0%}; PRIM puts them where "
                   f"{where} (coverage {br['coverage']:.2f}, density {br['density']:.2f}).")
    return out


def _edge(x: float | None) -> str:
    return "…" if x is None else f"{x:.3g}"


def sections(summary: dict[str, Any]) -> list[Section]:
    """The optimization's sections (the Pareto view)."""
    cost, benefit = summary["objective"]["minimise"], summary["objective"]["maximise"]
    rec = summary["recommended"]
    text = (f"Each dot is a candidate mix of firewalls in sample: its {cost} against its "
            f"{benefit}, grey when it misses the constraints. The line is the Pareto front of the "
            "feasible candidates (none is cheaper with as much benefit); ")
    text += ("the star is the recommended mix, the cheapest that still meets the constraints "
             "on fresh random numbers, with its out-of-sample 95 % CI." if rec is not None
             else "no re-checked candidate met the constraints out of sample.")
    return [Section("pareto", "Cost vs benefit: the front and the recommended mix", text,
                    [figures.pareto_view(summary)])]


def provenance_rows(summary: dict[str, Any]) -> list[tuple[str, str]]:
    """The provenance appendix as (label, value) rows."""
    search, val = summary["search"], summary["validation"]
    rows = [("optimization", summary["optimization"]), ("scenario", summary["scenario"]),
            ("optimization SHA-256 (spec, scenario, version)", summary["digest"]),
            ("search", ", ".join(f"{k} {v}" for k, v in search.items())),
            ("validation", f"seed {val['seed']}, {val['replications']} replications"),
            ("objective", f"minimise {summary['objective']['minimise']}, maximise "
                          f"{summary['objective']['maximise']}"),
            ("constraints", ", ".join(_rule(b) for b in summary["constraints"]) or "none"),
            ("candidates evaluated", str(summary["candidates"]))]
    if "store" in summary:
        rows.append(("store", summary["store"]))
    return rows


def render_optimization_report(summary: dict[str, Any]) -> str:
    """The report of an optimization as one self-contained HTML document."""
    template = environment().get_template("sweep.html.j2")
    return template.render(
        title=f"talentmoat optimization report: {summary['optimization']}",
        subtitle=(f"scenario {summary['scenario']}: the cheapest mix of firewalls that meets "
                  "the constraints, checked out of sample"),
        summary=executive_summary(summary),
        sections=[{"id": s.id, "title": s.title, "text": s.text,
                   "figures": [figure_json(f) for f in s.figures]} for s in sections(summary)],
        notes=[], rows=provenance_rows(summary), plotly_js=get_plotlyjs(),
        config=json.dumps(PLOTLY_CONFIG))
