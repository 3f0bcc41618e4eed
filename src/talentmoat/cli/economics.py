"""Commands about the drain vectors: ``value``, ``compute``, ``calibrate`` (MODEL.md §C–E)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from talentmoat.cli.app import app, console, finite, guarded, np, print_json
from talentmoat.cli.privacy import AnonKeyOpt, AnonOpt, People, input_fields, output_key
from talentmoat.cli.safe import safe
from talentmoat.errors import InputError

if TYPE_CHECKING:  # the heavy modules load inside the commands that use them
    from talentmoat.lab_economics import Assessment, LabCompute
    from talentmoat.loader import Lab

MAX_MULTIPLE = 1000.0
"""Largest offer multiple ``--multiple`` takes (the scenario schema's bound)."""

ScenarioArg = Annotated[
    str, typer.Argument(help="Scenario file (YAML) or bundled name, e.g. lean-lab.")
]
WithOpt = Annotated[
    list[str] | None,
    typer.Option("--with", help="Switch a policy on (tenders, synthetic_equity, blue_sky); "
                 "repeatable."),
]
WithoutOpt = Annotated[
    list[str] | None,
    typer.Option("--without", help="Switch a policy off; repeatable."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of tables.")]


def _policies(lab: Lab, on: list[str] | None, off: list[str] | None) -> tuple[str, ...]:
    from talentmoat.lab_economics import POLICY_NAMES, active_policies

    for name in [*(on or []), *(off or [])]:
        if name not in POLICY_NAMES:
            raise InputError.single(
                "--with/--without", "", f"unknown policy '{name}'; expected one of "
                f"{', '.join(POLICY_NAMES)}"
            )
    return active_policies(lab.scenario.policies, set(on or []), set(off or []))


def _header(lab: Lab, people: People) -> dict[str, Any]:
    return {"scenario": lab.scenario.name, **input_fields(lab, people.key)}


def _money(x: float) -> str:
    """Millions of USD with three decimals (the tables say M$)."""
    return f"{x / 1e6:,.3f}" if np.isfinite(x) else "—"


def _person_rows(lab: Lab, a: Assessment, people: People) -> list[dict[str, Any]]:
    p = a.package
    rows = []
    for i, pid in enumerate(people.ids):
        row: dict[str, Any] = {
            "id": pid,
            "role": lab.roster.roles[i],
            "cash": p.cash[i],
            "equity": p.equity[i],
            "tender": p.tender[i],
            "synthetic": p.synthetic[i],
            "stay_value": p.stay_value[i],
            "p_vest": p.p_vest[i],
            "dlom": p.dlom[i],
            "forfeit_stock": p.forfeit_stock[i],
            "forfeit_per_year": p.forfeit[i],
            "compute_gpu_hours_per_quarter": (
                None if a.compute is None else a.compute.access.total[i]
            ),
            "autonomy": a.autonomy[i],
            "background_attrition": a.background_attrition[i],
            "offers": {
                o.rival.name: {
                    "expected_offer": o.expected_offer[i],
                    "offer_value": o.offer_value[i],
                    "ratio": o.comp_ratio[i],
                    "compute_ratio": o.compute_ratio[i],
                    "autonomy_gap": o.autonomy_gap[i],
                    "p_accept": o.p_accept[i],
                    "p_accept_at_median": o.p_accept_median[i],
                    "compensatory_gap": o.gap[i],
                }
                for o in a.offers
            },
        }
        rows.append(row)
    return rows


def _groups(lab: Lab, chosen: list[str] | None, people: People) -> list[tuple[str, np.ndarray]]:
    """Row groups for the tables: the chosen ids one by one, else one group per role.

    A chosen person's label is their name in ``people`` (a pseudonym under ``--anonymize``).
    """
    ids = list(lab.roster.ids)
    if chosen:
        unknown = [p for p in chosen if p not in ids]
        if unknown:
            raise InputError.single("--person", "", f"unknown id(s) {', '.join(unknown)}")
        return [(people.ids[ids.index(p)], np.array([ids.index(p)])) for p in chosen]
    roles = list(lab.roster.roles)
    order = sorted(set(roles), key=roles.index)
    return [(r, np.flatnonzero(np.array(roles) == r)) for r in order]


def _gap_summary(lab: Lab, a: Assessment) -> dict[str, Any]:
    roles = np.array(lab.roster.roles)
    out = {}
    for o in a.offers:
        out[o.rival.name] = {
            "people_with_gap": int(np.sum(o.gap > 0)),
            "total_gap_per_year": float(np.nansum(o.gap)),
            "by_role": {
                r: {
                    "people": int(np.sum(roles == r)),
                    "mean_p_accept": float(o.p_accept[roles == r].mean()),
                    "mean_ratio": float(o.comp_ratio[roles == r].mean()),
                    "total_gap_per_year": float(np.nansum(o.gap[roles == r])),
                }
                for r in sorted(set(roles.tolist()), key=lab.roster.roles.index)
            },
        }
    return out


@app.command()
@guarded
def value(
    scenario: ScenarioArg,
    with_: WithOpt = None,
    without: WithoutOpt = None,
    multiple: Annotated[
        float | None,
        typer.Option(min=0.01, max=MAX_MULTIPLE, callback=finite("--multiple"),
                     help="Every rival offers exactly this multiple of cash + equity."),
    ] = None,
    person: Annotated[
        list[str] | None, typer.Option(help="Show these people (by id) instead of role means.")
    ] = None,
    json: JsonOpt = False,
    anonymize: AnonOpt = False,
    anonymize_key: AnonKeyOpt = None,
) -> None:
    """Risk-adjusted package per person (stay value), rivals' offers, P(accept) and the gap."""
    from talentmoat.lab_economics import assess, require_firm
    from talentmoat.loader import load_scenario

    lab = load_scenario(scenario)
    people = People(lab, output_key(anonymize, anonymize_key))
    require_firm(lab)
    policies = _policies(lab, with_, without)
    alpha = None
    if lab.scenario.rivals:  # the simulation's calibrated intercepts (MODEL.md §E)
        from talentmoat.sim.calibrate import calibrate_alpha

        alpha = calibrate_alpha(lab).per_person(lab)
    a = assess(lab, policies, multiple, alpha)
    groups = _groups(lab, person, people)
    if json:
        print_json({
            **_header(lab, people),
            "policies": list(policies),
            "multiple_override": multiple,
            "tender_fill": a.tender_fill,
            "people": _person_rows(lab, a, people),
            "rivals": [
                {
                    "name": o.rival.name,
                    "median_multiple": o.median_multiple,
                    "expected_multiple": o.expected_multiple,
                    "mean_p_accept": float(o.p_accept.mean()),
                }
                for o in a.offers
            ],
            "compensatory_gap": _gap_summary(lab, a),
        })
        return
    p = a.package
    table = Table(title=f"{safe(lab.scenario.name)}: package per person, M$ a year"
                  f"{'' if person else ' (role means)'}; policies: {', '.join(policies) or 'none'}")
    for col in ("who", "cash", "equity", "tender", "units", "stay", "forfeit/yr"):
        table.add_column(col, justify="left" if col == "who" else "right")
    for label, idx in groups:
        table.add_row(
            safe(label) if person else f"{safe(label)} ({len(idx)})",
            *(_money(x[idx].mean()) for x in (
                p.cash, p.equity, p.tender, p.synthetic, p.stay_value, p.forfeit)),
        )
    console.print(table)
    model = require_firm(lab).equity.dlom_model
    method = ("equity by PWERM over exit scenarios" if np.isnan(p.dlom).all()
              else f"DLOM ({model}) {p.dlom.min():.3f}–{p.dlom.max():.3f}")
    console.print(
        f"P(vest) {p.p_vest.min():.3f}–{p.p_vest.max():.3f}; {method}", highlight=False
    )
    for o in a.offers:
        t = Table(title=f"{safe(o.rival.name)}: multiple median {o.median_multiple:.2f}, "
                  f"mean {o.expected_multiple:.2f}; offers and gap in M$ a year")
        for col in ("who", "offer", "value", "ratio", "compute", "P(accept)", "gap"):
            t.add_column(col, justify="left" if col == "who" else "right")
        for label, idx in groups:
            t.add_row(
                safe(label), _money(o.expected_offer[idx].mean()),
                _money(o.offer_value[idx].mean()),
                f"{o.comp_ratio[idx].mean():.2f}", f"{o.compute_ratio[idx].mean():.2f}",
                f"{o.p_accept[idx].mean():.3f}", _money(np.nanmean(o.gap[idx])),
            )
        console.print(t)
        total = float(np.nansum(o.gap))
        console.print(
            f"compensatory gap vs {safe(o.rival.name)}: {int(np.sum(o.gap > 0))} people, "
            f"{_money(total)} M$ a year in total", highlight=False,
        )


def _compute_payload(lab: Lab, c: LabCompute, people: People) -> dict[str, Any]:
    rivals = [r for r in lab.scenario.rivals if r.compute_per_researcher_gpu_hours is not None]
    access = c.access
    return {
        "capacity_gpu_hours_per_quarter": c.capacity,
        "directed": c.directed,
        "blue_sky_reserve": c.reserve,
        "blue_sky_cost_per_quarter": c.reserve_cost,
        "unallocated": c.unallocated,
        "teams": [
            {
                "role": role,
                "gpu_hours": c.team_hours[k],
                "fair_share_factor": c.team_fair_share[k],
                "people": int(np.sum(np.array(lab.roster.roles) == role)),
            }
            for k, role in enumerate(c.team_roles)
        ],
        "people": [
            {
                "id": pid,
                "role": lab.roster.roles[i],
                "directed": access.directed[i],
                "blue_sky": access.blue_sky[i],
                "total": access.total[i],
                "tokens": c.tokens[i],
                "access_index": {
                    r.name: access.total[i] / r.compute_per_researcher_gpu_hours for r in rivals
                },
            }
            for i, pid in enumerate(people.ids)
        ],
        "rivals": {r.name: r.compute_per_researcher_gpu_hours for r in rivals},
    }


@app.command()
@guarded
def compute(
    scenario: ScenarioArg,
    with_: WithOpt = None,
    without: WithoutOpt = None,
    json: JsonOpt = False,
    anonymize: AnonOpt = False,
    anonymize_key: AnonKeyOpt = None,
) -> None:
    """Cluster allocation per team and person, blue-sky hours and access index vs rivals."""
    from talentmoat.lab_economics import lab_compute
    from talentmoat.loader import load_scenario

    lab = load_scenario(scenario)
    people = People(lab, output_key(anonymize, anonymize_key))
    policies = _policies(lab, with_, without)
    c = lab_compute(lab, policies)
    if c is None:
        raise InputError.single(lab.source, "firm.compute", "missing; the compute command "
                                "needs the cluster (gpu_hours_per_quarter)")
    payload = _compute_payload(lab, c, people)
    if json:
        print_json({**_header(lab, people), "policies": list(policies), **payload})
        return
    console.print(
        f"{safe(lab.scenario.name)}: {c.capacity:,.0f} GPU-hours a quarter = directed "
        f"{c.directed:,.0f} + blue-sky {c.reserve:,.0f} (unallocated {c.unallocated:,.0f}; "
        f"blue-sky cost {c.reserve_cost:,.0f} USD a quarter)",
        highlight=False,
    )
    rivals = payload["rivals"]
    table = Table(title="GPU-hours a quarter per person (role means); access index = A_i / A_j")
    for col in ("role", "n", "fair-share F", "directed", "blue-sky", "total",
                *(f"index vs {safe(r)}" for r in rivals)):
        table.add_column(col, justify="left" if col == "role" else "right")
    roles = np.array(lab.roster.roles)
    for k, role in enumerate(c.team_roles):
        idx = roles == role
        table.add_row(
            safe(role), str(int(idx.sum())), f"{c.team_fair_share[k]:.3f}",
            f"{c.access.directed[idx].mean():,.0f}", f"{c.access.blue_sky[idx].mean():,.0f}",
            f"{c.access.total[idx].mean():,.0f}",
            *(f"{c.access.total[idx].mean() / a_j:.2f}" for a_j in rivals.values()),
        )
    console.print(table)


@app.command()
@guarded
def calibrate(
    events: Annotated[str, typer.Argument(help="Offer/decision log (CSV); see docs/model.md.")],
    json: JsonOpt = False,
) -> None:
    """Fit the move-decision coefficients by maximum likelihood from an offer/decision log."""
    from talentmoat.calibration import fit_events, read_events_csv
    from talentmoat.loader import read_text_file

    source = str(events)
    fit = fit_events(read_events_csv(read_text_file(events, source), source), source)
    if json:
        print_json({
            "source": source,
            "n": fit.n,
            "accepted": fit.accepted,
            "coefficients": {
                name: {"estimate": fit.estimates[k], "std_error": fit.std_errors[k]}
                for k, name in enumerate(fit.names)
            },
            "p_accept_at_parity": fit.p_accept_at_parity,
            "log_likelihood": fit.log_likelihood,
            "null_log_likelihood": fit.null_log_likelihood,
            "pseudo_r2": fit.pseudo_r2,
            "llr_p_value": fit.llr_p_value,
            "snippet": fit.snippet(),
        })
        return
    table = Table(title=f"{safe(source)}: {fit.n} offers, {fit.accepted} accepted (logit MLE)")
    for col in ("coefficient", "estimate", "std. error", "z"):
        table.add_column(col, justify="left" if col == "coefficient" else "right")
    for k, name in enumerate(fit.names):
        est, se = fit.estimates[k], fit.std_errors[k]
        table.add_row(safe(name), f"{est:.4f}", f"{se:.4f}", f"{est / se:.2f}")
    console.print(table)
    console.print(
        f"fit: log-likelihood {fit.log_likelihood:.1f} vs {fit.null_log_likelihood:.1f} "
        f"(intercept only); McFadden pseudo-R² {fit.pseudo_r2:.4f}; LR test p = "
        f"{fit.llr_p_value:.3g}",
        highlight=False,
    )
    console.print("paste into a scenario:", highlight=False)
    console.print(fit.snippet(), highlight=False, markup=False)


__all__ = ["calibrate", "compute", "value"]
