"""Plotly figures of a talentmoat result: pure functions from payload dicts to figures.

No I/O. The report and the dashboard share these builders. Inputs are the JSON payloads the
CLI already prints (``talentmoat knowledge --json``, ``summary.json``), a knowledge *view*
(the matrix ``K`` with people, roles and components) and an investor *network* (nodes and
edges), so a figure can be rebuilt from stored results. The simulation payload is read only
through :mod:`talentmoat.report.access`, a sweep's analysis only through
:mod:`talentmoat.report.sweep_access`.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import networkx as nx
import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from talentmoat.report import access, sweep_access

PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf")
DECISION_COLOURS = {"defects": "#d62728", "honours": "#2ca02c"}
KIND_COLOURS = {"company": "#ff7f0e", "party": "#7f7f7f", "rival": "#111111"}
FAN_COLUMNS = 4
DEFAULT_HEIGHT = 420
"""Figure height in pixels unless a builder needs more."""
LABELLED_ROWS = 40
"""A heatmap labels each person only up to this many rows (hover always names them)."""
TEMPLATE = "plotly_white"
"""The Plotly template of every figure, added when a figure is serialised
(:func:`as_plain`): setting it on each figure cost Plotly 14 ms of validation a figure."""


def _colour(k: int) -> str:
    return PALETTE[k % len(PALETTE)]


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _layout(fig: go.Figure, title: str, **kw: Any) -> go.Figure:
    """Title, margins and a fixed height (a container never squeezes a figure)."""
    kw.setdefault("height", DEFAULT_HEIGHT)
    fig.update_layout(title={"text": title, "x": 0.0},
                      margin={"l": 60, "r": 20, "t": 70, "b": 50}, **kw)
    return fig


def as_plain(fig: go.Figure) -> dict[str, Any]:
    """The figure as plain data (``data``, ``layout``) with :data:`TEMPLATE`, as drawn."""
    plain = fig.to_dict()
    plain["layout"]["template"] = _template()
    return plain


@functools.cache
def _template() -> dict[str, Any]:
    """:data:`TEMPLATE` as plain data (built once a process; never modified)."""
    return pio.templates[TEMPLATE].to_plotly_json()


# -- knowledge ------------------------------------------------------------------------------

def knowledge_heatmap(view: dict[str, Any]) -> go.Figure:
    """People × components heatmap of ``K``, people sorted by standalone share, with role bands.

    Args:
        view: ``people`` (N ids), ``roles`` (N), ``components`` (C ids), ``K`` (N × C, shares
            of a component a person can rebuild alone, 0–1) and ``standalone`` (N, ``B({i})``).

    Returns:
        Two heatmaps on shared rows: a narrow role strip and ``K``; the person with the largest
        standalone share is the top row.
    """
    order = np.argsort(-np.asarray(view["standalone"], dtype=float), kind="stable")
    people = [view["people"][i] for i in order]
    roles = [view["roles"][i] for i in order]
    K = np.asarray(view["K"], dtype=float)[order]
    role_names = list(dict.fromkeys(view["roles"]))
    role_index = [[role_names.index(r)] for r in roles]
    steps = max(len(role_names), 1)
    scale = []
    for k in range(steps):
        scale += [[k / steps, _colour(k)], [(k + 1) / steps, _colour(k)]]
    standalone = np.asarray(view["standalone"], dtype=float)[order]
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, column_widths=[0.06, 0.94],
                        horizontal_spacing=0.01)
    fig.add_trace(go.Heatmap(
        z=role_index, x=["role"], y=people, colorscale=scale, zmin=-0.5, zmax=steps - 0.5,
        showscale=False, name="role", customdata=[[r] for r in roles],
        hovertemplate="%{y}: %{customdata}<extra></extra>",
    ), row=1, col=1)
    fig.add_trace(go.Heatmap(
        z=K.tolist(), x=list(view["components"]), y=people, zmin=0.0, zmax=1.0,
        colorscale="Blues", name="K", colorbar={"title": {"text": "K (share)"}},
        customdata=[[[r, s]] * K.shape[1] for r, s in zip(roles, standalone, strict=True)],
        hovertemplate="%{y} (%{customdata[0]}, alone %{customdata[1]:.3f})<br>%{x}: "
                      "K = %{z:.2f}<extra></extra>",
    ), row=1, col=2)
    fig.update_xaxes(side="top", row=1, col=2)
    fig.update_yaxes(autorange="reversed", showticklabels=len(people) <= LABELLED_ROWS,
                     title_text="people, by standalone share", row=1, col=1)
    for k, role in enumerate(role_names):  # a legend for the role strip
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=role,
                                 marker={"color": _colour(k), "symbol": "square", "size": 10}))
    return _layout(fig, "Who holds the blueprint: knowledge K by person and component",
                   height=max(420, 8 * len(people) + 120),
                   legend={"orientation": "h", "y": -0.06})


def poach_curve(knowledge: dict[str, Any]) -> go.Figure:
    """Poach-k exposure: greedy share, its proven upper bound and the exact optima, by k.

    Args:
        knowledge: The ``talentmoat knowledge --json`` payload (``exposure`` rows).
    """
    rows = knowledge["exposure"]
    ks = [r["k"] for r in rows]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=ks, y=[r["greedy"]["value"] for r in rows], mode="lines+markers",
                             name="greedy"))
    fig.add_trace(go.Scatter(x=ks, y=[r["upper_bound"] for r in rows], mode="lines",
                             name="upper bound", line={"dash": "dash"}))
    exact = [r for r in rows if r["exact"] is not None]
    fig.add_trace(go.Scatter(x=[r["k"] for r in exact], y=[r["exact"]["value"] for r in exact],
                             mode="markers", name="exact optimum",
                             marker={"symbol": "diamond", "size": 11},
                             text=[", ".join(r["exact"]["people"]) for r in exact],
                             hovertemplate="k = %{x}: %{y:.3f}<br>%{text}<extra></extra>"))
    fig.update_xaxes(title_text="people a rival hires (k)", dtick=1)
    fig.update_yaxes(title_text="blueprint share a rival gets", rangemode="tozero")
    return _layout(fig, "Poach-k exposure: the most blueprint k hires carry")


def truck_factor_bars(knowledge: dict[str, Any]) -> go.Figure:
    """Deep holders (K ≥ hold threshold) per component, with the overall truck factor.

    Args:
        knowledge: The ``talentmoat knowledge --json`` payload (``truck_factor``,
            ``hold_threshold``).
    """
    truck = knowledge["truck_factor"]
    per = truck["per_component"]
    orphaned = set(truck["orphaned_components"])
    fig = go.Figure(go.Bar(
        x=list(per), y=list(per.values()), name="deep holders",
        marker={"color": ["#d62728" if c in orphaned else "#1f77b4" for c in per]},
        hovertemplate="%{x}: %{y} deep holders<extra></extra>",
    ))
    fig.update_xaxes(title_text="component")
    fig.update_yaxes(title_text=f"people with K ≥ {knowledge['hold_threshold']}")
    return _layout(fig, f"Truck factor {truck['overall']}: deep holders per component "
                   "(red: orphaned when those people leave)")


# -- simulation -----------------------------------------------------------------------------

def _grid(n: int) -> tuple[int, int]:
    cols = min(n, FAN_COLUMNS)
    return math.ceil(n / cols), cols


def _fan(fig: go.Figure, x: list[int], b: dict[str, list[float]], colour: str, name: str,
         row: int, col: int, legend: bool, scale: float) -> None:
    """Add a 90 % band, a 50 % band and the median to one subplot."""
    def y(key: str) -> list[float]:
        return [v / scale for v in b[key]]

    group = f"{name}"
    for low, high, alpha, label in (("p5", "p95", 0.15, "90 %"), ("p25", "p75", 0.35, "50 %")):
        fig.add_trace(go.Scatter(x=x, y=y(low), mode="lines", line={"width": 0},
                                 hoverinfo="skip", showlegend=False, legendgroup=group,
                                 name=f"{name} {label} low"), row=row, col=col)
        fig.add_trace(go.Scatter(x=x, y=y(high), mode="lines", line={"width": 0},
                                 fill="tonexty", fillcolor=_rgba(colour, alpha),
                                 name=f"{name} {label} band", legendgroup=group,
                                 showlegend=False, hoverinfo="skip"), row=row, col=col)
    fig.add_trace(go.Scatter(x=x, y=y("p50"), mode="lines", line={"color": colour},
                             name=f"{name} median", legendgroup=group, showlegend=legend),
                  row=row, col=col)


def fan_chart(payload: access.Payload, metric: str, label: str, unit: str,
              scale: float = 1.0) -> go.Figure:
    """Median with 50 % and 90 % bands of one outcome by quarter, one panel per strategy.

    Args:
        payload: The simulation payload.
        metric: ``lead``, ``value`` or ``headcount``.
        label: Axis label.
        unit: Unit shown after the label (after ``scale``).
        scale: Values are divided by this (e.g. 1e9 for USD billions).
    """
    names = access.strategies(payload)
    rows, cols = _grid(len(names))
    fig = make_subplots(rows=rows, cols=cols, shared_yaxes=True, subplot_titles=names,
                        vertical_spacing=0.12)
    x = list(range(1, access.quarters(payload) + 1))
    for k, name in enumerate(names):
        b = access.band(payload, name, metric)
        if b is None:
            continue
        _fan(fig, x, b, _colour(k), name, k // cols + 1, k % cols + 1, False, scale)
    fig.update_xaxes(title_text="quarter", row=rows)
    fig.update_yaxes(title_text=f"{label} ({unit})", col=1)
    return _layout(fig, f"{label} by quarter: median, 50 % and 90 % bands",
                   height=260 * rows + 80, showlegend=False)


def headcount_fans(payload: access.Payload) -> go.Figure:
    """Headcount by role by quarter (median, 50 % and 90 % bands), one panel per strategy."""
    names = access.strategies(payload)
    rows, cols = _grid(len(names))
    fig = make_subplots(rows=rows, cols=cols, shared_yaxes=True, subplot_titles=names,
                        vertical_spacing=0.12)
    x = list(range(1, access.quarters(payload) + 1))
    for k, name in enumerate(names):
        for j, (role, b) in enumerate(access.role_bands(payload, name).items()):
            _fan(fig, x, b, _colour(j), role, k // cols + 1, k % cols + 1, k == 0, 1.0)
    fig.update_xaxes(title_text="quarter", row=rows)
    fig.update_yaxes(title_text="people in post", col=1)
    return _layout(fig, "Headcount by role: median, 50 % and 90 % bands",
                   height=260 * rows + 110, legend={"orientation": "h", "y": -0.12})


def parity_chart(payload: access.Payload) -> go.Figure:
    """P(some rival at parity) by quarter per strategy: solid by t, dotted in quarter t."""
    fig = go.Figure()
    x = list(range(1, access.quarters(payload) + 1))
    for k, name in enumerate(access.strategies(payload)):
        for dash, (label, y) in zip(("solid", "dot"), access.parity_curves(payload, name)
                                    .items(), strict=False):
            fig.add_trace(go.Scatter(x=x, y=y, mode="lines", name=f"{name} ({label})",
                                     line={"color": _colour(k), "dash": dash}))
    fig.update_xaxes(title_text="quarter")
    fig.update_yaxes(title_text="probability", range=[0, 1.02])
    return _layout(fig, "P(a rival reaches parity)")


def _scaled(iv: dict[str, float | None], scale: float) -> tuple[float, float | None,
                                                                  float | None]:
    mean = iv["mean"] / scale
    if iv["low"] is None or iv["high"] is None:
        return mean, None, None
    return mean, iv["high"] / scale - mean, mean - iv["low"] / scale


SCALES = {"USD": (1e6, "USD M"), "people": (1.0, "people"),
          "blueprint share": (1.0, "blueprint share"), "probability": (1.0, "probability")}


def forest_plot(payload: access.Payload) -> go.Figure:
    """Paired differences against the baseline with 95 % CIs, one panel per metric.

    One row per strategy (the comparison's order); a bare number (no CI) is a point.
    """
    rows = access.comparison(payload)
    metrics = access.paired_metrics(payload)
    fig = make_subplots(rows=1, cols=max(len(metrics), 1), shared_yaxes=True,
                        subplot_titles=[f"{label}<br>({SCALES[unit][1]})"
                                        for _, label, unit in metrics])
    names = [r["strategy"] for r in rows]
    for col, (key, label, unit) in enumerate(metrics, start=1):
        scale = SCALES[unit][0]
        points = [_scaled(access.interval(r, key), scale) for r in rows]
        fig.add_trace(go.Scatter(
            x=[p[0] for p in points], y=names, mode="markers", name=label,
            marker={"size": 9, "color": _colour(col - 1)},
            error_x={"type": "data", "symmetric": False,
                     "array": [p[1] for p in points], "arrayminus": [p[2] for p in points]},
            hovertemplate="%{y}: %{x:.4g}<extra>" + label + "</extra>",
        ), row=1, col=col)
        fig.add_vline(x=0, line={"color": "#888", "dash": "dot"}, row=1, col=col)
    fig.update_yaxes(autorange="reversed", col=1)
    _layout(fig, f"Against '{access.baseline(payload)}' on the same draws: paired mean and "
            "95 % CI", showlegend=False, height=max(340, 40 * len(names) + 170))
    return fig.update_layout(margin={"t": 110})  # room for two-line panel titles


def cost_benefit(payload: access.Payload) -> go.Figure:
    """Benefit (headline paired difference) against policy cost per strategy, with 95 % CIs."""
    key = access.benefit_key(payload)
    rows = access.comparison(payload)
    label = next((lab for k, lab, _ in access.PAIRED_METRICS if k == key), "benefit")
    fig = go.Figure()
    for k, row in enumerate(rows):
        c = _scaled(access.cost(row), 1e6)
        b = _scaled(access.interval(row, key), 1e6) if key else (0.0, None, None)
        fig.add_trace(go.Scatter(
            x=[c[0]], y=[b[0]], mode="markers+text", name=row["strategy"],
            text=[row["strategy"]], textposition="top center",
            marker={"size": 11, "color": _colour(k + 1)},
            error_x={"type": "data", "symmetric": False, "array": [c[1]], "arrayminus": [c[2]]},
            error_y={"type": "data", "symmetric": False, "array": [b[1]], "arrayminus": [b[2]]},
        ))
    fig.add_hline(y=0, line={"color": "#888", "dash": "dot"})
    fig.update_xaxes(title_text="policy cost over the horizon (USD M)")
    fig.update_yaxes(title_text=f"{label} (USD M)")
    return _layout(fig, "What each strategy buys and what it costs (95 % CIs)",
                   showlegend=False)


# -- shocks and person value (MODEL.md §I) -------------------------------------------------

def _role_colours(roles: list[str], order: list[str] | None) -> dict[str, str]:
    """A colour per role; ``order`` (e.g. the heatmap's roster order) fixes the palette index."""
    names = list(dict.fromkeys([*(order or []), *roles]))
    return {r: _colour(k) for k, r in enumerate(names)}


def person_value_ranking(values: dict[str, Any], role_order: list[str] | None = None
                         ) -> go.Figure:
    """The off-boarding view: each person's discounted value lost to a one-person shock.

    Args:
        values: The ``talentmoat people --json`` payload: ``party``, ``replications``,
            ``quarters`` and ``people`` rows (highest loss first), each with ``id``, ``role``,
            ``value_lost_discounted`` (paired ``{mean, low, high}``, USD), ``standalone_share``
            (``B({i})``, 0–1) and ``carry`` (0–1).
        role_order: Roles in the order that fixes their colours (the heatmap's), or None.

    Returns:
        Horizontal bars in USD B, the most valuable person at the top, one trace per role (its
        colour), asymmetric 95 % CI error bars, standalone share and carry in the hover.
    """
    rows = values["people"]
    colours = _role_colours([r["role"] for r in rows], role_order)
    fig = go.Figure()
    for role, colour in colours.items():
        mine = [r for r in rows if r["role"] == role]
        if not mine:
            continue
        points = [_scaled(r["value_lost_discounted"], 1e9) for r in mine]
        fig.add_trace(go.Bar(
            x=[p[0] for p in points], y=[r["id"] for r in mine], orientation="h", name=role,
            marker={"color": colour},
            error_x={"type": "data", "symmetric": False, "array": [p[1] for p in points],
                     "arrayminus": [p[2] for p in points], "color": "#444"},
            customdata=[[role, r["standalone_share"], r["carry"],
                         r["value_lost_discounted"]["low"] / 1e9,
                         r["value_lost_discounted"]["high"] / 1e9] for r in mine],
            hovertemplate="%{y} (%{customdata[0]}): $%{x:.2f}B lost (95 % CI "
                          "$%{customdata[3]:.2f}B to $%{customdata[4]:.2f}B)<br>standalone "
                          "share %{customdata[1]:.3f}, carry %{customdata[2]:.3f}<extra></extra>",
        ))
    fig.update_yaxes(categoryorder="array", categoryarray=[r["id"] for r in rows],
                     autorange="reversed", title_text="person",
                     showticklabels=len(rows) <= LABELLED_ROWS)
    fig.update_xaxes(title_text="discounted lab value lost (USD B)", rangemode="tozero")
    return _layout(fig, f"What each person is worth: value lost if {values['party']} hires them "
                   f"at quarter 0 ({values['replications']} paired replications, 95 % CI)",
                   barmode="overlay", height=max(DEFAULT_HEIGHT, 22 * len(rows) + 160),
                   legend={"title": {"text": "role"}})


NO_PARITY = "none by {T}"
"""The time-to-parity axis's last category: replications with no parity within the horizon."""


def first_parity_shares(by_t: list[float]) -> tuple[list[float], float]:
    """Shares of replications whose first parity is in quarter t, and the censored share.

    The first differences of P(parity at least once by t) (a cumulative share, so it never
    falls), and ``1 − P(by T)``: the replications with no parity within the horizon.

    Args:
        by_t: P(parity at least once by quarter t), t = 1..T.

    Returns:
        Shares for t = 1..T (sum ``P(by T)``) and the censored share.
    """
    cum = np.asarray(by_t, dtype=float)
    return np.diff(cum, prepend=0.0).tolist(), float(1.0 - cum[-1])


SHOCK_ARMS = (("without", "without the shock", "#7f7f7f"), ("with", "with the shock", "#d62728"))
"""The two arms of a shock: (payload key, label, colour)."""


def poach_shock_panel(shock: dict[str, Any]) -> go.Figure:
    """A poach shock against no shock: first-parity distribution, P(parity by t), value lost.

    Args:
        shock: The ``talentmoat shock --json`` payload: ``party``, ``people`` (ids),
            ``quarters`` T, ``p_parity_by_quarter`` (``without``/``with``, T shares each),
            ``quarters_sooner`` (``mean``, ``ci``), ``value_lost_discounted`` and
            ``value_lost_end`` (paired ``{mean, low, high}``, USD).

    Returns:
        Three panels: the share of replications whose first parity falls in each quarter with
        and without the shock, the censored ones (no parity within T) as their own hatched bar;
        both P(parity at least once by t) curves; the discounted and end-of-horizon value lost
        in USD B with 95 % CIs.
    """
    T = int(shock["quarters"])
    curves = shock["p_parity_by_quarter"]
    fig = make_subplots(rows=1, cols=3, column_widths=[0.42, 0.33, 0.25],
                        horizontal_spacing=0.08, subplot_titles=[
                            "first parity in quarter (share of replications)",
                            "P(parity at least once by t)", "value lost (USD B, 95 % CI)"])
    categories = [str(t) for t in range(1, T + 1)] + [NO_PARITY.format(T=T)]
    quarters = list(range(1, T + 1))
    for arm, label, colour in SHOCK_ARMS:
        shares, censored = first_parity_shares(curves[arm])
        fig.add_trace(go.Bar(
            x=categories, y=[*shares, censored], name=label, legendgroup=arm,
            marker={"color": colour, "pattern": {"shape": [""] * T + ["/"]}},
            hovertemplate="%{x}: %{y:.1%}<extra>" + label + "</extra>"), row=1, col=1)
        fig.add_trace(go.Scatter(x=quarters, y=curves[arm], mode="lines+markers",
                                 name=f"{label}: P(by t)", legendgroup=arm, showlegend=False,
                                 line={"color": colour}), row=1, col=2)
    lost = [("discounted", shock["value_lost_discounted"]), (f"at quarter {T}",
                                                            shock["value_lost_end"])]
    points = [_scaled(iv, 1e9) for _, iv in lost]
    fig.add_trace(go.Scatter(
        x=[name for name, _ in lost], y=[p[0] for p in points], mode="markers",
        name="value lost", showlegend=False, marker={"size": 12, "color": "#d62728"},
        error_y={"type": "data", "symmetric": False, "array": [p[1] for p in points],
                 "arrayminus": [p[2] for p in points]},
        hovertemplate="%{x}: $%{y:.2f}B<extra></extra>"), row=1, col=3)
    fig.update_xaxes(title_text="quarter", type="category", row=1, col=1)
    fig.update_xaxes(title_text="quarter", row=1, col=2)
    fig.update_yaxes(tickformat=".0%", rangemode="tozero", row=1, col=1)
    fig.update_yaxes(range=[0, 1.02], tickformat=".0%", row=1, col=2)
    fig.update_yaxes(title_text="USD B", rangemode="tozero", row=1, col=3)
    q = shock["quarters_sooner"]
    title = (f"If {shock['party']} hires {', '.join(shock['people'])} at quarter 0: first "
             f"parity {q['mean']:.1f} quarters sooner on average (95 % CI {q['ci']['low']:.1f} "
             f"to {q['ci']['high']:.1f}; no parity within {T} counts as quarter {T + 1})")
    _layout(fig, title, barmode="group", height=460,
            legend={"x": 0.01, "y": 0.97, "xanchor": "left", "yanchor": "top",
                    "bgcolor": "rgba(255,255,255,0.8)"})
    return fig.update_layout(margin={"t": 100}, title={"font": {"size": 14}})


# -- investors ------------------------------------------------------------------------------

def investor_network(network: dict[str, Any], seed: int = 0) -> go.Figure:
    """The syndicate's network: who defects, who honours, and where talent maps leak.

    Args:
        network: ``nodes`` (each ``name``, ``kind`` in investor/company/party/rival,
            ``decision`` for investors, ``reach`` = probability the node is reached by some
            map) and ``edges`` (``source``, ``target``, ``p`` = leak probability).
        seed: Seed of the spring layout (the figure is deterministic).
    """
    graph = nx.DiGraph()
    for node in network["nodes"]:
        graph.add_node(node["name"])
    for e in network["edges"]:
        graph.add_edge(e["source"], e["target"], p=e["p"])
    pos = nx.spring_layout(graph, seed=seed)
    fig = go.Figure()
    for e in network["edges"]:
        (x0, y0), (x1, y1) = pos[e["source"]], pos[e["target"]]
        fig.add_trace(go.Scatter(x=[x0, x1], y=[y0, y1], mode="lines", hoverinfo="text",
                                 text=f"{e['source']} → {e['target']}: leak {e['p']:.0%}",
                                 line={"width": 1 + 6 * e["p"], "color": "#9aa"},
                                 showlegend=False, name=f"{e['source']}→{e['target']}"))
        fig.add_annotation(x=x1, y=y1, ax=x0, ay=y0, xref="x", yref="y", axref="x", ayref="y",
                           showarrow=True, arrowhead=2, arrowsize=1.2, arrowcolor="#9aa",
                           standoff=12, text="")
    groups: dict[str, list[dict[str, Any]]] = {}
    for node in network["nodes"]:
        group = node.get("decision") or node["kind"]
        groups.setdefault(group, []).append(node)
    for group, nodes in groups.items():
        colour = DECISION_COLOURS.get(group, KIND_COLOURS.get(group, "#1f77b4"))
        fig.add_trace(go.Scatter(
            x=[pos[n["name"]][0] for n in nodes], y=[pos[n["name"]][1] for n in nodes],
            mode="markers+text", name=group, text=[n["name"] for n in nodes],
            textposition="top center",
            marker={"size": [14 + 20 * n.get("reach", 0.0) for n in nodes], "color": colour,
                    "line": {"width": 1, "color": "#333"}},
            customdata=[n.get("reach", 0.0) for n in nodes],
            hovertemplate="%{text}: reached by a map with P = %{customdata:.2f}<extra>"
                          + group + "</extra>",
        ))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, "Investors under the non-poach request: who defects (red), who honours "
                   "(green); node size = chance a talent map reaches it", height=520)


# -- sweeps ---------------------------------------------------------------------------------

def _unit_scale(unit: str, values: list[float]) -> tuple[float, str]:
    """Divisor and axis unit for values in ``unit``: USD in billions or millions, else as is."""
    if unit != "USD":
        return 1.0, unit
    top = max((abs(v) for v in values), default=0.0)
    return (1e9, "USD B") if top >= 1e9 else (1e6, "USD M")


def sensitivity_bars(res: sweep_access.Analysis, strategy: str) -> go.Figure:
    """Sobol S1 and ST with their 95 % CIs, or Morris μ* (with its CI) and σ, per uncertainty.

    Args:
        res: A sweep analysis (see :mod:`talentmoat.report.sweep_access`).
        strategy: The strategy whose level (baseline) or paired difference is analysed.

    Returns:
        Grouped bars, one group per uncertainty, the most influential (ST, or μ*) first. Sobol
        indices are shares of the output's variance; Morris statistics are in the metric's unit
        per input range.
    """
    entry = sweep_access.sensitivity(res, strategy)
    idx = entry["indices"]
    unit = sweep_access.unit(res)
    if entry["method"] == "sobol":
        keys, rank, y_title = sweep_access.SOBOL_KEYS, "ST", "index (share of variance)"
        scale = 1.0
        title = (f"What drives {entry['column']} for {strategy}: Sobol indices "
                 f"({entry['blocks']} complete blocks, 95 % CI)")
    else:
        keys, rank = sweep_access.MORRIS_KEYS, "mu_star"
        scale, shown = _unit_scale(unit, [i[k] for i in idx.values() for k in keys])
        y_title = f"{shown} per input range"
        title = (f"What drives {entry['column']} for {strategy}: Morris screening "
                 f"({entry['trajectories']} trajectories, μ* with 95 % CI)")
    names = sorted(idx, key=lambda n: -(idx[n][rank] if idx[n][rank] is not None else -1.0))
    labels = {"S1": "S1 (first order)", "ST": "ST (total)", "mu_star": "μ* (mean |effect|)",
              "sigma": "σ (spread of effects)"}
    fig = go.Figure()
    for k, key in enumerate(keys):
        values = [idx[n][key] for n in names]
        conf = [idx[n].get(f"{key}_conf") for n in names]
        error = ({"type": "data", "array": [c / scale if c is not None else None for c in conf]}
                 if any(c is not None for c in conf) else None)
        fig.add_trace(go.Bar(x=names, y=[v / scale if v is not None else None for v in values],
                             name=labels[key], error_y=error, marker={"color": _colour(k)}))
    fig.update_xaxes(title_text="uncertainty")
    fig.update_yaxes(title_text=y_title, rangemode="tozero")
    return _layout(fig, title, barmode="group")


def prim_tradeoff(res: sweep_access.Analysis, strategy: str) -> go.Figure:
    """PRIM's peeling trajectory, coverage against density, with the chosen box marked.

    Args:
        res: A sweep analysis whose PRIM entry for ``strategy`` has a box.
        strategy: The strategy asked "where is it worse than the baseline?".

    Returns:
        The trajectory (one point per peel, mass in the hover), the box chosen on it and the box
        after pasting (coverage and density, shares 0–1).
    """
    p = sweep_access.prim(res, strategy)
    steps = p["trajectory"]
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=[s["coverage"] for s in steps], y=[s["density"] for s in steps], mode="lines+markers",
        name="peeling trajectory", customdata=[[k, s["mass"]] for k, s in enumerate(steps)],
        hovertemplate="step %{customdata[0]}: coverage %{x:.2f}, density %{y:.2f}, "
                      "mass %{customdata[1]:.2f}<extra></extra>"))
    chosen = steps[p["chosen_step"]]
    fig.add_trace(go.Scatter(x=[chosen["coverage"]], y=[chosen["density"]], mode="markers",
                             name=f"chosen (step {p['chosen_step']})",
                             marker={"symbol": "star", "size": 16, "color": _colour(3)}))
    fig.add_trace(go.Scatter(x=[p["coverage"]], y=[p["density"]], mode="markers",
                             name="after pasting",
                             marker={"symbol": "diamond-open", "size": 14, "color": "#111111"}))
    fig.update_xaxes(title_text="coverage (share of the worse points in the box)",
                     range=[1.05, 0])
    fig.update_yaxes(title_text="density (share of the box's points that are worse)",
                     range=[0, 1.05])
    return _layout(fig, f"Where {p['question']} ({p['share_true']:.0%} of points): "
                   "PRIM trade-off")


def prim_box_table(res: sweep_access.Analysis, strategy: str) -> go.Figure:
    """The chosen PRIM box: per restricted uncertainty its limits and quasi-p-value.

    Args:
        res: A sweep analysis whose PRIM entry for ``strategy`` has a box.
        strategy: The strategy asked about.

    Returns:
        A table, one row per restricted uncertainty (``from``/``to`` in the input's own unit,
        "—" where unbounded), titled with the box's coverage, density and mass.
    """
    p = sweep_access.prim(res, strategy)
    box = p["box"]

    def limit(x: float | None) -> str:
        return "—" if x is None else f"{x:.4g}"

    names = list(box)
    fig = go.Figure(go.Table(
        header={"values": ["uncertainty", "from", "to", "quasi-p"], "align": "left"},
        cells={"values": [names, [limit(box[n]["low"]) for n in names],
                          [limit(box[n]["high"]) for n in names],
                          [f"{box[n]['quasi_p']:.2g}" for n in names]], "align": "left",
               "height": 26}))
    return _layout(fig, f"The box for {strategy}: coverage {p['coverage']:.2f}, density "
                   f"{p['density']:.2f}, mass {p['mass']:.2f}",
                   height=max(200, 40 * len(names) + 140))


def robustness_table(res: sweep_access.Analysis) -> go.Figure:
    """Per strategy: mean, 10 % and 90 % of its benefit, regret, satisficing and its ranks.

    Args:
        res: A sweep analysis with robustness (see :func:`sweep_access.robustness`).

    Returns:
        A table, one row per strategy in run order: benefit statistics and regret in the metric's
        unit (USD in millions or billions), satisficing as a share of points, then the strategy's
        rank (1 = best) under each criterion.
    """
    rob = sweep_access.robustness(res)
    rows = rob["strategies"]
    names = list(rows)
    money = [k for k, _ in sweep_access.ROBUSTNESS_COLUMNS if k != "satisficing"]
    scale, shown = _unit_scale(sweep_access.unit(res),
                               [rows[n][k] for n in names for k in money])
    columns = [names]
    header = ["strategy"]
    for key, label in sweep_access.ROBUSTNESS_COLUMNS:
        if key == "satisficing":
            header.append(f"{label} (benefit ≥ {rob['target']:g})")
            columns.append([f"{rows[n][key]:.0%}" for n in names])
        else:
            header.append(f"{label} ({shown})")
            columns.append([f"{rows[n][key] / scale:,.3g}" for n in names])
    for criterion in sweep_access.RANKING_CRITERIA:
        order = rob["rankings"][criterion]
        header.append(f"rank by {criterion}")
        columns.append([order.index(n) + 1 for n in names])
    fig = go.Figure(go.Table(header={"values": header, "align": "left"},
                             cells={"values": columns, "align": "left", "height": 26}))
    return _layout(fig, f"Robustness over {rob['points']} points of {rob['benefit']}",
                   height=max(240, 30 * len(names) + 160))


# -- optimization: the Pareto view (one builder, on the ``optimize --json`` summary) ----------

def mix_label(row: dict[str, Any]) -> str:
    """A candidate's levers that are on, as ``name value`` pairs (``no policy`` if none)."""
    on = [f"{k} {v:g}" for k, v in row["levers"].items() if v != "off"]
    return ", ".join(on) or "no policy"


def pareto_view(summary: dict[str, Any]) -> go.Figure:
    """Cost vs benefit of every evaluated candidate, the feasible front, the recommended mix.

    Args:
        summary: The ``talentmoat optimize --json`` summary: ``objective`` (``minimise``,
            ``maximise`` column names), ``constraints``, ``evaluated`` (``cost``, ``benefit``,
            ``feasible``: one entry per candidate, in sample; USD), ``feasible_front`` (the
            front over the feasible candidates, cheapest first, each with ``levers``) and
            ``recommended`` (its out-of-sample row with ``ci``, or None).

    Returns:
        A scatter in USD (millions or billions): candidates that miss the constraints in sample
        (grey), those that meet them (blue), the feasible Pareto front as a line, and the
        recommendation as a star with its out-of-sample 95 % CI of the benefit.
    """
    cost, benefit = summary["objective"]["minimise"], summary["objective"]["maximise"]
    ev = summary["evaluated"]
    front, rec = summary["feasible_front"], summary["recommended"]
    xs = [*ev["cost"], *[r[cost] for r in front], *([rec[cost]] if rec else [])]
    ys = [*ev["benefit"], *[r[benefit] for r in front], *([rec[benefit]] if rec else [])]
    sx, ux = _unit_scale("USD", xs)
    sy, uy = _unit_scale("USD", ys)
    rule = " and ".join(f"{b['metric']} {'≤' if 'max' in b else '≥'} "
                        f"{b.get('max', b.get('min')):g}" for b in summary["constraints"])
    rule = rule or "no constraint"
    fig = go.Figure()
    for ok, name, colour in ((False, f"misses {rule} (in sample)", "#bbbbbb"),
                             (True, f"meets {rule} (in sample)", PALETTE[0])):
        keep = [k for k, f in enumerate(ev["feasible"]) if f == ok]
        fig.add_trace(go.Scatter(x=[ev["cost"][k] / sx for k in keep],
                                 y=[ev["benefit"][k] / sy for k in keep], mode="markers",
                                 name=name, marker={"color": colour, "size": 7}))

    fig.add_trace(go.Scatter(x=[r[cost] / sx for r in front], y=[r[benefit] / sy for r in front],
                             mode="lines+markers", name="Pareto front (feasible)",
                             text=[mix_label(r) for r in front], hoverinfo="text+x+y",
                             line={"color": PALETTE[1]}, marker={"color": PALETTE[1],
                                                                 "size": 9}))
    if rec is not None:
        ci = rec["ci"].get(benefit)
        error = None if ci is None else {"type": "data", "symmetric": False,
                                         "array": [(ci[1] - rec[benefit]) / sy],
                                         "arrayminus": [(rec[benefit] - ci[0]) / sy]}
        fig.add_trace(go.Scatter(x=[rec[cost] / sx], y=[rec[benefit] / sy], mode="markers",
                                 name=f"recommended: {mix_label(rec)} (out of sample, 95 % CI)",
                                 text=[mix_label(rec)], error_y=error,
                                 marker={"symbol": "star", "size": 16, "color": PALETTE[3]}))
    return _layout(fig, f"Cost vs benefit of {len(ev['cost'])} candidates ({rule})",
                   xaxis_title=f"{cost} ({ux})", yaxis_title=f"{benefit} ({uy})",
                   legend={"orientation": "h", "y": -0.2})
