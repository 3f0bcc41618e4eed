"""The HTML report: sections from whatever data exists, an executive summary, one file.

Pure: from payload dicts to an HTML string (Jinja2 templates shipped with the package, plotly.js
embedded once, so the file opens from ``file://`` with no network). Writing the file is the
caller's job.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio
from jinja2 import Environment, PackageLoader, select_autoescape
from plotly.offline import get_plotlyjs

from talentmoat.report import access, figures

PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}
BENEFIT_PHRASES = {
    "net_benefit": "the lab's discounted value net of the policy's discounted cost",
    "delta_value_mean": "the lab's value averaged over the {horizon} quarters",
}
"""How the summary names each headline metric of :data:`access.BENEFIT_KEYS`."""


@dataclass(frozen=True)
class Section:
    """One part of the report: a heading, a paragraph and its figures.

    Attributes:
        id: HTML anchor.
        title: Heading.
        text: A paragraph saying what the figures show.
        figures: The figures, in order.
    """

    id: str
    title: str
    text: str
    figures: list[go.Figure] = field(default_factory=list)


@dataclass(frozen=True)
class ReportInputs:
    """Everything a report can show; a section appears only when its data is here.

    Attributes:
        simulation: The simulation payload (``summary.json``).
        knowledge: The ``talentmoat knowledge --json`` payload, or None.
        view: The knowledge view for the heatmap (see :func:`figures.knowledge_heatmap`).
        network: The investor network (see :func:`figures.investor_network`), or None.
        shock: The top-k poach shock (see :func:`figures.poach_shock_panel`), or None.
        values: Person values (see :func:`figures.person_value_ranking`) with ``selection``
            (whom they cover, e.g. "the 20 of 150 people with the largest standalone share"),
            or None.
        notes: Sentences about what is missing and why.
    """

    simulation: dict[str, Any]
    knowledge: dict[str, Any] | None = None
    view: dict[str, Any] | None = None
    network: dict[str, Any] | None = None
    shock: dict[str, Any] | None = None
    values: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)


def musd(usd: float | None) -> str:
    """An amount in USD as ``$1.2M`` or ``$3.45B`` ("—" for None)."""
    if usd is None:
        return "—"
    if abs(usd) >= 1e9:
        return f"${usd / 1e9:,.2f}B"
    return f"${usd / 1e6:,.1f}M"


def _cost(usd: float) -> str:
    return "at no policy cost" if usd <= 0 else f"at a policy cost of {musd(usd)}"


def names(items: list[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    return " and ".join([", ".join(items[:-1]), items[-1]]) if len(items) > 1 else "".join(items)


def shock_sentence(shock: dict[str, Any]) -> str:
    """The poach shock in one sentence: who, how much sooner parity comes, what the lab loses."""
    q = shock["quarters_sooner"]
    lost = shock["value_lost_discounted"]
    T = shock["quarters"]
    return (f"If {shock['party']} hires {names(shock['people'])} at quarter 0, a rival first "
            f"reaches parity {q['mean']:.1f} quarters sooner on average (95 % CI "
            f"{q['ci']['low']:.1f} to {q['ci']['high']:.1f}; a run with no parity within {T} "
            f"quarters counts as quarter {T + 1}) and the lab loses {musd(lost['mean'])} of "
            f"discounted value (95 % CI {musd(lost['low'])} to {musd(lost['high'])}; "
            f"{shock['value_lost_share']:.0%}).")


def executive_summary(inputs: ReportInputs) -> list[str]:
    """The answer in words, from the numbers: best strategy, its 95 % CI, its cost, the risk.

    Returns:
        Sentences (plain text), most important first.
    """
    sim = inputs.simulation
    prov = access.provenance(sim)
    base = access.baseline(sim)
    horizon = access.quarters(sim)
    out = []
    parity = access.parity_curves(sim, base)
    if parity:
        by_t = next(iter(parity.values()))  # "at least once by t"
        out.append(f"Under '{base}', a rival catches up with the lab's blueprint by quarter "
                   f"{horizon} with probability {by_t[-1]:.0%} ({prov['replications']} "
                   "replications).")
    key = access.benefit_key(sim)
    rows = access.comparison(sim)
    if key is None or not rows:
        out.append("No strategy was compared with the baseline.")
    else:
        what = BENEFIT_PHRASES[key].format(horizon=horizon)
        best = max(rows, key=lambda r: access.interval(r, key)["mean"])
        iv = access.interval(best, key)
        cost = access.cost(best)["mean"]
        policy = ", ".join(access.policies(sim, best["strategy"])) or "no policy"
        if iv["mean"] <= 0:
            out.append(f"No strategy beats '{base}' on {what}; the least harmful is "
                       f"'{best['strategy']}' ({musd(iv['mean'])}).")
        else:
            ci = (f" (95 % CI {musd(iv['low'])} to {musd(iv['high'])})"
                  if iv["low"] is not None else "")
            out.append(f"Best strategy: '{best['strategy']}' ({policy}). Against '{base}' on "
                       f"the same draws it adds {musd(iv['mean'])}{ci} to {what}, "
                       f"{_cost(cost)}.")
            if iv["low"] is not None and iv["low"] <= 0:
                out.append("Its 95 % interval includes zero: on these replications it cannot "
                           "be told apart from the baseline; run more replications.")
        dp = access.interval(best, "delta_p_parity")
        if dp is not None and parity:
            before = next(iter(parity.values()))[-1]
            out.append(f"It moves the chance that a rival catches up by quarter {horizon} from "
                       f"{before:.0%} to {before + dp['mean']:.0%}.")
        first = rows[0]  # the comparison's own ranking
        if first is not best:
            gain = access.interval(first, key)
            out.append(f"Ranked first by the comparison ({access.RANKING}): "
                       f"'{first['strategy']}', {musd(gain['mean'])} "
                       f"{_cost(access.cost(first)['mean'])}.")
    if inputs.knowledge is not None:
        k = inputs.knowledge
        top = k["exposure"][-1] if k["exposure"] else None
        if top is not None:
            best_k = top["exact"] or top["greedy"]
            out.append(f"Truck factor {k['truck_factor']['overall']}: that many departures "
                       f"orphan more than half the blueprint; {top['k']} well-chosen hires "
                       f"give a rival {best_k['value']:.0%} of it.")
    if inputs.shock is not None:
        out.append(shock_sentence(inputs.shock))
    return out


def sections(inputs: ReportInputs) -> list[Section]:
    """The report's sections, each only when its data exists."""
    sim = inputs.simulation
    out = []
    if inputs.knowledge is not None and inputs.view is not None:
        out.append(Section(
            "knowledge", "Who holds the blueprint",
            "Each row is a person (most valuable alone at the top), each column a component of "
            "the blueprint; the strip on the left is the role. Then what a rival gets by hiring "
            "k people, and how many deep holders each component has.",
            [figures.knowledge_heatmap(inputs.view), figures.poach_curve(inputs.knowledge),
             figures.truck_factor_bars(inputs.knowledge)]))
    if inputs.shock is not None or inputs.values is not None:
        out.append(shock_section(inputs))
    if access.comparison(sim):
        out.append(Section(
            "comparison", "Which firewall buys what",
            "Each strategy against the baseline on the same random draws (common random "
            "numbers): the paired mean difference with its 95 % confidence interval, then "
            "benefit against cost.",
            [figures.forest_plot(sim), figures.cost_benefit(sim)]))
    out.append(Section(
        "trajectories", "How the lead evolves",
        "Median and 50 % / 90 % bands over replications, one panel per strategy: the lab's "
        "blueprint lead over the strongest rival, the lab's value, and people in post by role; "
        "then the chance a rival has reached parity.",
        [figures.fan_chart(sim, "lead", "Lead over the strongest rival", "blueprint share"),
         figures.fan_chart(sim, "value", "Lab value", "USD B", scale=1e9),
         figures.headcount_fans(sim), figures.parity_chart(sim)]))
    if inputs.network is not None and inputs.network["edges"]:
        out.append(Section(
            "investors", "Investors and talent maps",
            "The syndicate under the non-poach request: an investor defects when facilitating "
            "a hire into its portfolio pays more than honouring the request; arrows are ties a "
            "talent map can leak along.",
            [figures.investor_network(inputs.network)]))
    return out


def shock_section(inputs: ReportInputs) -> Section:
    """The poach shock and the person values (MODEL.md §I), whichever of them exists."""
    text, figs = [], []
    if inputs.shock is not None:
        sh = inputs.shock
        text.append(f"At quarter 0 {sh['party']} hires the {len(sh['people'])} people whose "
                    f"knowledge carries the most blueprint (the poach-k optimum"
                    f"{', proven exact' if sh.get('exact_optimum') else ''}; chosen together, "
                    "so not necessarily the most valuable one by one); the same "
                    f"{sh['replications']} replications are run with and without the hires "
                    "(common random numbers). Replications with no parity within the horizon "
                    "have their own hatched bar.")
        figs.append(figures.poach_shock_panel(sh))
    if inputs.values is not None:
        v = inputs.values
        text.append(f"Then each person's own shock: the discounted value the lab loses if "
                    f"{v['party']} hires that person alone at quarter 0, ranked. Valued here: "
                    f"{v['selection']}, {v['replications']} replications each (talentmoat "
                    "people values everyone).")
        role_order = list(dict.fromkeys(inputs.view["roles"])) if inputs.view else None
        figs.append(figures.person_value_ranking(v, role_order))
    return Section("shock", "If a rival hires them on Monday", " ".join(text), figs)


def shock_provenance(inputs: ReportInputs) -> list[tuple[str, str]]:
    """Provenance rows of the shock section: what was run, on how many replications, how long."""
    rows = []
    if inputs.shock is not None:
        sh = inputs.shock
        rows.append(("poach shock", f"top {len(sh['people'])} by poach-k"
                     f"{' (proven exact)' if sh.get('exact_optimum') else ''} hired by "
                     f"{sh['party']} under '{sh['strategy']}', {sh['replications']} replications "
                     f"× {sh['quarters']} quarters, {sh['wall_time_s']} s"))
    if inputs.values is not None:
        v = inputs.values
        rows.append(("person values", f"{v['selection']}, hired one at a time by "
                     f"{v['party']}, {v['replications']} replications × {v['quarters']} "
                     f"quarters, {v['wall_time_s']} s"))
    return rows


def figure_json(fig: go.Figure) -> str:
    """Figure JSON safe inside a ``<script>`` element."""
    return pio.to_json(figures.as_plain(fig), validate=False).replace("</", "<\\/")


def environment() -> Environment:
    """The Jinja2 environment of the report templates (HTML autoescaped)."""
    return Environment(loader=PackageLoader("talentmoat.report", "templates"),
                       autoescape=select_autoescape(["html", "j2"]))


def figure_payload(fig: go.Figure) -> dict[str, Any]:
    """A figure as plain JSON data (``data``, ``layout``) for the dashboard."""
    return json.loads(pio.to_json(figures.as_plain(fig), validate=False))


def render_report(inputs: ReportInputs) -> str:
    """The whole report as one self-contained HTML document."""
    parts = sections(inputs)
    prov = access.provenance(inputs.simulation)
    template = environment().get_template("report.html.j2")
    return template.render(
        title=f"talentmoat report: {prov['scenario']}",
        summary=executive_summary(inputs),
        sections=[{"id": s.id, "title": s.title, "text": s.text,
                   "figures": [figure_json(f) for f in s.figures]} for s in parts],
        notes=inputs.notes,
        provenance=prov,
        shock_provenance=shock_provenance(inputs),
        strategies={name: access.policies(inputs.simulation, name)
                    for name in access.strategies(inputs.simulation)},
        plotly_js=get_plotlyjs(),
        config=json.dumps(PLOTLY_CONFIG),
    )
