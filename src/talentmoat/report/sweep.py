"""The HTML report of a sweep store: what drives the answer, what is robust, where it fails.

Pure: from a sweep analysis (see :mod:`talentmoat.report.sweep_access`) to an HTML string, with
the same templates and embedded plotly.js as the report of a run. Writing the file is the
caller's job.
"""

from __future__ import annotations

import json
from typing import Any

from plotly.offline import get_plotlyjs

from talentmoat.report import figures
from talentmoat.report import sweep_access as sa
from talentmoat.report.document import PLOTLY_CONFIG, Section, environment, figure_json, musd

TOP_DRIVERS = 2
"""How many uncertainties the summary names as drivers."""


def amount(value: float, unit: str) -> str:
    """A value in the metric's unit, as a reader would say it."""
    if unit == "USD":
        return musd(value)
    if unit in ("probability", "share"):
        return f"{value:.1%}"
    return f"{value:,.3g} {unit}"


def _driver_stat(entry: dict[str, Any]) -> str:
    return "ST" if entry["method"] == "sobol" else "mu_star"


def drivers(res: sa.Analysis, strategy: str) -> list[tuple[str, float, float | None]]:
    """Uncertainties by influence on a strategy's analysed column, the largest first.

    Returns:
        (name, ST or μ*, its 95 % CI half-width) per uncertainty with a value.
    """
    entry = sa.sensitivity(res, strategy)
    key = _driver_stat(entry)
    rows = [(n, i[key], i.get(f"{key}_conf")) for n, i in entry["indices"].items()
            if i.get(key) is not None]
    return sorted(rows, key=lambda r: -r[1])


def _drivers_sentence(res: sa.Analysis, strategy: str) -> str:
    entry = sa.sensitivity(res, strategy)
    ranked = drivers(res, strategy)
    if not ranked:
        return f"The sensitivity of {entry['column']} for '{strategy}' cannot be estimated (it " \
               "does not vary over the complete points)."
    unit = sa.unit(res)

    def stat(value: float, conf: float | None) -> str:
        if entry["method"] == "sobol":
            return f"ST {value:.2f}" + (f" ± {conf:.2f}" if conf is not None else "")
        return f"μ* {amount(value, unit)}" + (f" ± {amount(conf, unit)}" if conf is not None
                                              else "")

    what = (f"the value '{strategy}' adds over '{sa.baseline(res)}' ({entry['column']})"
            if strategy != sa.baseline(res) else f"{entry['column']} under '{strategy}'")
    named = [f"{n} ({stat(v, c)})" for n, v, c in ranked[:TOP_DRIVERS]]
    method = "total Sobol index" if entry["method"] == "sobol" else "Morris μ* per input range"
    return f"What drives {what}: {' then '.join(named)} ({method}, 95 % CI)."


def _box_phrase(box: dict[str, Any]) -> str:
    parts = []
    for name, lim in box.items():
        low, high = lim["low"], lim["high"]
        if low is not None and high is not None:
            parts.append(f"{name} between {low:.4g} and {high:.4g}")
        elif low is not None:
            parts.append(f"{name} ≥ {low:.4g}")
        elif high is not None:
            parts.append(f"{name} ≤ {high:.4g}")
    return " and ".join(parts) or "anywhere"


def _failure_sentence(res: sa.Analysis, strategy: str) -> str:
    if strategy not in sa.prim_strategies(res):
        return ""
    p = sa.prim(res, strategy)
    if p["box"] is None:
        return f"It does worse than '{sa.baseline(res)}' at no point of the sweep."
    return (f"It does worse than '{sa.baseline(res)}' at {p['share_true']:.0%} of the points; "
            f"PRIM finds them where {_box_phrase(p['box'])} (the box holds "
            f"{p['coverage']:.0%} of those points, {p['density']:.0%} of the points in it are "
            "worse).")


def executive_summary(res: sa.Analysis) -> list[str]:
    """The answer in words from the numbers: the most robust strategy, its drivers, its failures.

    Returns:
        Sentences (plain text), most important first.
    """
    prov = sa.provenance(res)
    done, failed = sa.completed(res)
    unit = sa.unit(res)
    out = [f"{done} of {sa.points(res)} points of the sweep ran ({failed} failed), each "
           f"{len(prov['strategies'])} strategies on {prov['replications']} replications × "
           f"{prov['quarters']} quarters; analysed: {sa.metric(res)} ({unit})."]
    if done == 0:
        return [*out, "No point has results: there is nothing to analyse."]
    rob = sa.robustness(res)
    focus = sa.baseline(res)
    if rob is None:
        out.append(f"No strategy is compared with '{focus}' on {sa.metric(res)}: the metric has "
                   "no paired difference, or only the baseline ran.")
    else:
        rows = rob["strategies"]
        focus = rob["rankings"]["regret"][0]
        r = rows[focus]
        out.append(f"Most robust: '{focus}', with the smallest regret (90th percentile of its "
                   f"shortfall to the best strategy at each point: {amount(r['regret'], unit)}); "
                   f"its benefit over '{sa.baseline(res)}' averages {amount(r['mean'], unit)} "
                   f"(10–90 %: {amount(r['p10'], unit)} to {amount(r['p90'], unit)}) and reaches "
                   f"the target ({amount(rob['target'], unit)}) at {r['satisficing']:.0%} of "
                   "the points.")
        best_mean = rob["rankings"]["mean"][0]
        if best_mean != focus:
            out.append(f"Best on average: '{best_mean}' "
                       f"({amount(rows[best_mean]['mean'], unit)}).")
        failure = _failure_sentence(res, focus)
        if failure:
            out.append(failure)
        others = [s for s in sa.prim_strategies(res)
                  if s != focus and sa.prim(res, s)["box"] is not None]
        if others:
            out.append("Worse than the baseline somewhere: " + "; ".join(
                f"'{s}' at {sa.prim(res, s)['share_true']:.0%} of the points, where "
                f"{_box_phrase(sa.prim(res, s)['box'])}" for s in others) + ".")
    if prov["design"]["method"] not in ("sobol", "morris"):
        out.append(f"The design ({prov['design']['method']}) gives no sensitivity indices.")
    else:
        if focus in res["sensitivity"]:
            out.append(_drivers_sentence(res, focus))
        others = [s for s in sa.sensitivity_strategies(res) if s != focus]
        if focus not in sa.sensitivity_strategies(res) and others:
            out.append(_drivers_sentence(res, others[0]))
    return out


def sections(res: sa.Analysis) -> list[Section]:
    """The sweep's sections, each only when its data exists (none without a point's results)."""
    out: list[Section] = []
    if sa.completed(res)[0] == 0:
        return out
    with_indices = sa.sensitivity_strategies(res)
    if with_indices:
        method = sa.sensitivity(res, with_indices[0])["method"]
        text = ("Sobol indices: S1 is the share of the output's variance an input explains "
                "alone, ST with all its interactions; bars are 95 % bootstrap intervals."
                if method == "sobol" else
                "Morris screening: μ* is the mean absolute effect of moving an input across its "
                "range, σ the spread of that effect (large σ: interactions or non-linearity).")
        out.append(Section(
            "sensitivity", "What drives the answer",
            f"{text} The baseline is analysed on its level, every other strategy on its paired "
            "difference from the baseline.",
            [figures.sensitivity_bars(res, s) for s in with_indices]))
    boxes = [s for s in sa.prim_strategies(res) if sa.prim(res, s)["box"] is not None]
    never = [s for s in sa.prim_strategies(res) if sa.prim(res, s)["box"] is None]
    if sa.prim_strategies(res):
        text = ("PRIM peels the input space towards the points where a strategy does worse than "
                "the baseline: each step trades coverage (the share of those points kept) for "
                "density (the share of the box's points that are worse); the chosen box is the "
                "widest with density ≥ 0.8, then pasted.")
        if never:
            text += f" Worse at no point: {', '.join(never)}."
        figs = [f for s in boxes for f in (figures.prim_tradeoff(res, s),
                                           figures.prim_box_table(res, s))]
        out.append(Section("discovery", "Where each strategy fails", text, figs))
    rob = sa.robustness(res)
    if rob is not None:
        out.append(Section(
            "robustness", "Which strategy is robust",
            "Per strategy, its benefit over the baseline at each point (signed so more is "
            "better): mean and 10 % / 90 % over the points, regret (90th percentile of the "
            "shortfall to the best strategy at the point) and satisficing (share of points "
            "meeting the target), with the rank each criterion gives.",
            [figures.robustness_table(res)]))
    return out


def provenance_rows(res: sa.Analysis) -> list[tuple[str, str]]:
    """The provenance appendix as (label, value) rows.

    Digests appear as SHA-256, or as HMAC-SHA-256 under a pseudonym key (then no source path is
    given); see :func:`anonymized`.
    """
    prov = sa.provenance(res)
    row = sa.sweep_row(res)
    done, failed = sa.completed(res)
    design = prov["design"]
    settings = ", ".join(f"{k} {v}" for k, v in design.items() if k != "method" and v is not None)
    rows = [("sweep", row["name"]), ("spec", row["source"])]
    for key, label in (("sweep_sha256", "sweep SHA-256 (spec, scenario, version)"),
                       ("sweep_hmac_sha256", "sweep HMAC-SHA-256 (under the pseudonym key)")):
        if key in prov:
            rows.append((label, prov[key]))
    rows += [("scenario", prov["scenario"]), ("scenario source", prov["scenario_source"])]
    for key, label in (("scenario_sha256", "scenario SHA-256"),
                       ("scenario_hmac_sha256", "scenario HMAC-SHA-256 (under the pseudonym key)")):
        if key in prov:
            rows.append((label, prov[key]))
    rows += [
        ("seed", str(prov["seed"])), ("seeds", prov["seeds"]),
        ("talentmoat version", row["version"]),
        ("design", f"{design['method']} ({settings})"),
        ("points", f"{prov['points']} ({done} with results, {failed} failed)"),
        ("replications per point", str(prov["replications"])),
        ("quarters", str(prov["quarters"])),
        ("strategies", ", ".join(prov["strategies"])),
        ("uncertainties", ", ".join(sa.uncertainties(res))),
        ("metrics kept", ", ".join(prov["metrics"])),
        ("libraries", ", ".join(f"{k} {v}" for k, v in prov["versions"].items())),
    ]
    return rows


def anonymized(res: sa.Analysis, key: bytes | None) -> sa.Analysis:
    """The analysis with no path and no plain digest of the inputs under a pseudonym key.

    A sweep store names no person (uncertainties address scenario fields, and a roster is a
    file or cohorts), so the paths and digests are all that could identify the inputs.
    """
    if key is None:
        return res
    from talentmoat.anonymize import keyed_digest
    from talentmoat.cli.privacy import ANONYMIZED_SOURCE

    prov = {k: v for k, v in sa.provenance(res).items()
            if k not in ("scenario_source", "scenario_sha256", "sweep_sha256")}
    prov |= {"scenario_source": ANONYMIZED_SOURCE,
             "scenario_hmac_sha256": keyed_digest(sa.provenance(res)["scenario_sha256"], key),
             "sweep_hmac_sha256": keyed_digest(sa.provenance(res)["sweep_sha256"], key)}
    info = {k: v for k, v in sa.sweep_row(res).items() if k not in ("source", "digest", "spec")}
    return {**res, "store": ANONYMIZED_SOURCE, "provenance": prov,
            "info": info | {"source": ANONYMIZED_SOURCE}}


def render_sweep_report(res: sa.Analysis, key: bytes | None = None) -> str:
    """The report of a sweep's analysis as one self-contained HTML document.

    Args:
        res: The analysis (see :func:`talentmoat.cli.experiments.store_analysis`).
        key: The pseudonym key under ``--anonymize``, or None.
    """
    res = anonymized(res, key)
    prov = sa.provenance(res)
    parts = sections(res)
    template = environment().get_template("sweep.html.j2")
    return template.render(
        title=f"talentmoat sweep report: {sa.sweep_row(res)['name']}",
        subtitle=(f"{prov['points']} points × {len(prov['strategies'])} strategies × "
                  f"{prov['replications']} replications × {prov['quarters']} quarters, "
                  f"seed {prov['seed']}, talentmoat {sa.sweep_row(res)['version']}"),
        summary=executive_summary(res),
        sections=[{"id": s.id, "title": s.title, "text": s.text,
                   "figures": [figure_json(f) for f in s.figures]} for s in parts],
        notes=[],
        rows=provenance_rows(res),
        plotly_js=get_plotlyjs(),
        config=json.dumps(PLOTLY_CONFIG),
    )
