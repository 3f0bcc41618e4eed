"""Commands about scenarios and the knowledge map: validate, knowledge and plan."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from talentmoat.cli.app import app, console, err_console, guarded, np, print_json
from talentmoat.cli.privacy import AnonKeyOpt, AnonOpt, People, input_fields, output_key
from talentmoat.cli.safe import safe
from talentmoat.errors import InputError

if TYPE_CHECKING:  # the heavy modules load inside the commands that use them
    from talentmoat.knowledge import KnowledgeSummary, Plan
    from talentmoat.loader import Lab

ScenarioArg = Annotated[
    str, typer.Argument(help="Scenario file (YAML) or bundled name, e.g. lean-lab.")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of tables.")]
KOpt = Annotated[int, typer.Option("--k", min=1, max=50, help="Largest number of people poached.")]

DEFAULT_SCENARIO = "lean-lab"
PLAN_K = 5


def _provenance(lab: Lab, key: bytes | None) -> dict[str, Any]:
    from talentmoat import __version__

    return {
        "scenario": lab.scenario.name,
        **input_fields(lab, key),
        "seed": lab.scenario.seed,
        "version": __version__,
    }


def knowledge_summary(lab: Lab, k: int) -> KnowledgeSummary:
    """The knowledge report of a scenario's roster."""
    from talentmoat.knowledge import summarize

    bp, ks = lab.scenario.blueprint, lab.scenario.knowledge
    return summarize(
        lab.roster.K, bp.weights, bp.replication_costs, bp.tacit,
        hold_threshold=ks.hold_threshold, k_max=k, time_budget_s=ks.exact_time_budget_s,
    )


def knowledge_payload(lab: Lab, summary: KnowledgeSummary, people: People, top: int) -> dict:
    """The JSON object of ``talentmoat knowledge``."""
    comps = lab.scenario.blueprint.ids
    truck = summary.truck
    return {
        **_provenance(lab, people.key),
        "people": lab.roster.size,
        "hold_threshold": lab.scenario.knowledge.hold_threshold,
        "blueprint_total": summary.blueprint_total,
        "exact_time_budget_s": lab.scenario.knowledge.exact_time_budget_s,
        "truck_factor": {
            "overall": truck.size,
            "proven": truck.optimal,
            "lower_bound": truck.lower_bound,
            "people": people.of(truck.people),
            "orphaned_components": [comps[j] for j in truck.orphaned],
            "per_component": dict(zip(comps, truck.per_component.tolist(), strict=True)),
        },
        "key_people": [
            {
                "id": people.ids[i],
                "role": people.roles[i],
                "standalone": summary.standalone[i],
                "marginal": summary.marginal[i],
            }
            for i in summary.key_people(top)
        ],
        "exposure": [
            {
                "k": row.k,
                "greedy": {"value": row.greedy.value, "people": people.of(row.greedy.people)},
                "upper_bound": row.upper_bound,
                "exact": None if row.exact is None
                else {"value": row.exact.value, "people": people.of(row.exact.people)},
                "greedy_gap": row.gap,
                "bypassed_rd": row.bypassed_rd,
            }
            for row in summary.exposure
        ],
    }


def _money(usd: float) -> str:
    return f"${usd / 1e6:,.0f}M"


def print_knowledge(lab: Lab, summary: KnowledgeSummary, people: People, top: int) -> None:
    """Rich tables of the knowledge report."""
    s = lab.scenario
    console.print(
        f"[bold]{safe(s.name)}[/]: {lab.roster.size} people, "
        f"{len(s.blueprint.components)} components; "
        f"the whole roster holds {summary.blueprint_total:.1%} of the blueprint."
    )
    comps = Table(title="Blueprint components", title_justify="left")
    for col in ("component", "weight", "tacit", "rebuild cost", "deep holders"):
        comps.add_column(col, justify="left" if col == "component" else "right")
    for c, n in zip(s.blueprint.components, summary.truck.per_component, strict=True):
        comps.add_row(safe(c.id), f"{c.weight:.2f}", f"{c.tacit:.2f}", _money(c.replication_cost),
                      str(n))
    console.print(comps)
    truck = summary.truck
    orphaned = ", ".join(safe(s.blueprint.ids[j]) for j in truck.orphaned)
    proof = "" if truck.optimal else (
        f" (best found within the time budget; proven at least {truck.lower_bound})")
    console.print(
        f"Truck factor: [bold]{truck.size}[/]{proof} — that many departures leave more than "
        f"half the blueprint's value without a holder (K ≥ {s.knowledge.hold_threshold}); "
        f"orphaned then: {orphaned}."
    )
    keys = Table(title=f"Key people (top {top})", title_justify="left")
    for col in ("id", "role", "alone: B({i})", "loss if i leaves"):
        keys.add_column(col, justify="left" if col in ("id", "role") else "right")
    for i in summary.key_people(top):
        keys.add_row(safe(people.ids[i]), safe(people.roles[i]), f"{summary.standalone[i]:.3f}",
                     f"{summary.marginal[i]:.2e}")
    console.print(keys)
    exp = Table(title="Poach-k exposure: the most blueprint a rival gets by hiring k people",
                title_justify="left")
    for col in ("k", "share", "proof", "greedy", "bound", "bypassed R&D", "people"):
        exp.add_column(col, justify="left" if col in ("proof", "people") else "right")
    for row in summary.exposure:
        exp.add_row(
            str(row.k), f"{row.best.value:.3f}", "exact" if row.exact else "greedy ≤ bound",
            f"{row.greedy.value:.3f}", f"{row.upper_bound:.3f}", _money(row.bypassed_rd),
            ", ".join(safe(p) for p in people.of(row.best.people)),
        )
    console.print(exp)
    unproven = [row.k for row in summary.exposure if row.exact is None]
    if unproven:
        console.print(_budget_note(unproven, s.knowledge.exact_time_budget_s), highlight=False)


def _budget_note(ks: list[int], budget_s: float) -> str:
    """Says which k are the best found within the budget rather than proven optima."""
    which = f"k = {ks[0]}" if len(ks) == 1 else f"{len(ks)} of the k ({ks[0]}–{ks[-1]})"
    return (f"For {which} the exact optimum was not proven within the time budget of "
            f"{budget_s:g} s (knowledge.exact_time_budget_s, one budget for every k together): "
            "the share shown is the best found, and 'bound' is a proven upper bound.")


@app.command()
@guarded
def validate(
    scenario: ScenarioArg,
    show: Annotated[bool, typer.Option(
        "--show", help="Print the resolved scenario (extends merged, defaults filled) as YAML.")]
        = False,
    model: Annotated[bool, typer.Option(
        "--model", help="Also print the lab's and each rival's starting and steady-state "
        "blueprint share and the calibrated acceptance intercept per role (loads the engine: "
        "seconds, not milliseconds).")] = False,
) -> None:
    """Check a scenario file and its roster; print 'ok' and a one-line summary."""
    from talentmoat.loader import load_scenario

    lab = load_scenario(scenario)
    s = lab.scenario
    if show:  # YAML quotes and escapes any control character in a string
        from talentmoat.safeyaml import dump_yaml

        sys.stdout.write(dump_yaml(s.model_dump(mode="json")))
        return
    roles = sorted(set(lab.roster.roles) - {""})
    console.print(
        f"ok {safe(lab.source)}: '{safe(s.name)}', {lab.roster.size} people"
        + (f" in {len(roles)} roles" if roles else "")
        + f", {len(s.blueprint.components)} components, seed {s.seed}",
        highlight=False,
    )
    if model and s.firm is not None and s.rivals:
        from talentmoat.sim.calibrate import calibrate_alpha
        from talentmoat.sim.setup import initial_lead, rival_shares

        b_lab = initial_lead(lab) + max(b for _, b, _ in rival_shares(lab))
        console.print(f"lab blueprint share at the start: {b_lab:.3f}", highlight=False)
        for name, start, steady in rival_shares(lab):
            console.print(f"rival {safe(name)}: share {start:.3f} at the start, {steady:.3f} "
                          "in its steady state without hires", highlight=False)
        cal = calibrate_alpha(lab)
        for r, a, want, got in zip(cal.roles, cal.alpha, cal.target, cal.expected,
                                   strict=True):
            console.print(f"role {safe(r)}: alpha {a:+.2f} ({cal.mode}), first-year departures to "
                          f"parties {got:.2f} (target {want:.2f})", highlight=False)
        for line in cal.warnings():
            err_console.print(f"warning: {line}", highlight=False)


@app.command()
@guarded
def knowledge(
    scenario: ScenarioArg,
    k: KOpt = 5,
    top: Annotated[int, typer.Option(min=1, help="How many key people to list.")] = 10,
    json: JsonOpt = False,
    anonymize: AnonOpt = False,
    anonymize_key: AnonKeyOpt = None,
) -> None:
    """Who holds the blueprint: key people, truck factor and poach-k exposure."""
    from talentmoat.loader import load_scenario

    lab = load_scenario(scenario)
    people = People(lab, output_key(anonymize, anonymize_key))
    summary = knowledge_summary(lab, k)
    if json:
        print_json(knowledge_payload(lab, summary, people, top))
    else:
        print_knowledge(lab, summary, people, top)


def _make_plan(
    lab: Lab, max_components: int | None, redundancy: int | None, residual: float | None,
    org_holds: str | None,
) -> tuple[Plan, dict[str, Any]]:
    """Run the planner with the scenario's defaults overridden by command-line options."""
    from talentmoat.knowledge import plan_compartments

    s = lab.scenario
    defaults = s.knowledge.plan
    comps = s.blueprint.ids
    held = defaults.org_holds if org_holds is None else [
        c.strip() for c in org_holds.split(",") if c.strip()
    ]
    unknown = [c for c in held if c not in comps]
    if unknown:
        raise InputError.single("--org-holds", "", f"unknown component(s) {', '.join(unknown)}; "
                                f"known: {', '.join(comps)}")
    params = {
        "max_components": defaults.max_components if max_components is None else max_components,
        "redundancy": defaults.redundancy if redundancy is None else redundancy,
        "residual": defaults.residual if residual is None else residual,
        "org_holds": held,
    }
    if params["residual"] >= s.knowledge.hold_threshold:
        raise InputError.single("--residual", "", f"must be below the hold threshold "
                                f"{s.knowledge.hold_threshold}")
    plan = plan_compartments(
        lab.roster.K, s.blueprint.weights,
        max_components=params["max_components"], redundancy=params["redundancy"],
        hold_threshold=s.knowledge.hold_threshold, residual=params["residual"],
        org_holds=np.isin(comps, held), k_max=PLAN_K, time_limit_s=defaults.time_budget_s,
    )
    return plan, params


def plan_payload(lab: Lab, plan: Plan, params: dict[str, Any], people: People) -> dict:
    """The JSON object of ``talentmoat plan``."""
    from talentmoat.knowledge import plan_effect

    s = lab.scenario
    bp, h = s.blueprint, s.knowledge.hold_threshold
    comps = bp.ids
    K = lab.roster.K
    effect = plan_effect(K, plan.K_after, bp.weights, bp.replication_costs, bp.tacit,
                         hold_threshold=h, k_max=PLAN_K,
                         time_budget_s=s.knowledge.exact_time_budget_s)
    tf_before, tf_after = effect.truck_before, effect.truck_after
    affected = np.flatnonzero((h <= K).any(axis=1))
    return {
        **_provenance(lab, people.key),
        "parameters": params,
        "solver_optimal": plan.optimal,
        "solver_time_budget_s": s.knowledge.plan.time_budget_s,
        "objective": plan.objective,
        "objective_lower_bound": plan.bound,
        "person_components_losing_access": int(plan.revoked.sum()),
        "people_losing_access": int(plan.revoked.any(axis=1).sum()),
        "exposure": [
            {
                "k": b.k,
                "before": b.best.value,
                "before_exact": b.exact is not None,
                "after": a.best.value,
                "after_exact": a.exact is not None,
                "bypassed_rd_before": b.bypassed_rd,
                "bypassed_rd_after": a.bypassed_rd,
            }
            for b, a in zip(effect.before, effect.after, strict=True)
        ],
        "exact_time_budget_s": s.knowledge.exact_time_budget_s,
        "truck_factor": {"before": tf_before.size, "after": tf_after.size,
                         "proven": tf_before.optimal and tf_after.optimal},
        "components": [
            {
                "id": c,
                "holders_before": int(tf_before.per_component[j]),
                "holders_after": int(tf_after.per_component[j]),
                "shortfall": int(plan.shortfall[j]),
            }
            for j, c in enumerate(comps)
        ],
        "assignments": [
            {
                "id": people.ids[i],
                "keeps": [comps[j] for j in np.flatnonzero(plan.keep[i])],
                "loses": [comps[j] for j in np.flatnonzero(plan.revoked[i])],
            }
            for i in affected
        ],
    }


def print_plan(payload: dict) -> None:
    """Rich tables of the plan."""
    p = payload["parameters"]
    console.print(
        f"[bold]Compartmentalization plan[/] for {safe(payload['scenario'])}: at most "
        f"{p['max_components']} deep component(s) per person, at least {p['redundancy']} deep "
        f"holders per component; organisation holds: "
        f"{', '.join(safe(c) for c in p['org_holds']) or 'nothing'}."
    )
    console.print(
        f"{payload['person_components_losing_access']} person-components lose deep access "
        f"({payload['people_losing_access']} people); truck factor "
        f"{payload['truck_factor']['before']} → {payload['truck_factor']['after']}"
        + ("." if payload["truck_factor"]["proven"] else " (best found within the time budget).")
    )
    if not payload["solver_optimal"]:
        console.print(
            f"The solver did not prove this plan optimal within its time budget of "
            f"{payload['solver_time_budget_s']:g} s (knowledge.plan.time_budget_s): it is the "
            f"best plan found, objective {payload['objective']:.4f}, proven optimum at least "
            f"{payload['objective_lower_bound']:.4f}.", highlight=False,
        )
    exp = Table(title="Poach-k exposure before → after", title_justify="left")
    for col in ("k", "before", "after", "change", "bypassed R&D before", "after"):
        exp.add_column(col, justify="right")
    for row in payload["exposure"]:
        mark = lambda exact: "" if exact else "*"  # noqa: E731
        exp.add_row(
            str(row["k"]), f"{row['before']:.3f}{mark(row['before_exact'])}",
            f"{row['after']:.3f}{mark(row['after_exact'])}",
            f"{row['after'] - row['before']:+.3f}", _money(row["bypassed_rd_before"]),
            _money(row["bypassed_rd_after"]),
        )
    console.print(exp)
    comps = Table(title="Deep holders per component", title_justify="left")
    for col in ("component", "before", "after", "below floor"):
        comps.add_column(col, justify="left" if col == "component" else "right")
    for c in payload["components"]:
        comps.add_row(safe(c["id"]), str(c["holders_before"]), str(c["holders_after"]),
                      str(c["shortfall"]) if c["shortfall"] else "")
    console.print(comps)
    if any(not (r["before_exact"] and r["after_exact"]) for r in payload["exposure"]):
        console.print("* greedy value: the exact optimum was not proven within the time budget "
                      f"of {payload['exact_time_budget_s']:g} s (knowledge.exact_time_budget_s, "
                      "one budget for every k, before and after together).", highlight=False)


@app.command()
@guarded
def plan(
    scenario: ScenarioArg,
    max_components: Annotated[
        int | None, typer.Option(min=1, help="Cap m on deep components per person.")
    ] = None,
    redundancy: Annotated[
        int | None, typer.Option(min=1, help="Floor r on deep holders per component.")
    ] = None,
    residual: Annotated[
        float | None,
        typer.Option(min=0.0, max=1.0, help="Knowledge left after losing deep access."),
    ] = None,
    org_holds: Annotated[
        str | None,
        typer.Option(help="Comma-separated components the organisation holds ('' for none)."),
    ] = None,
    json: JsonOpt = False,
    anonymize: AnonOpt = False,
    anonymize_key: AnonKeyOpt = None,
) -> None:
    """Plan who keeps deep access to which component, and show the exposure it saves."""
    from talentmoat.loader import load_scenario

    lab = load_scenario(scenario)
    people = People(lab, output_key(anonymize, anonymize_key))
    result, params = _make_plan(lab, max_components, redundancy, residual, org_holds)
    payload = plan_payload(lab, result, params, people)
    if json:
        print_json(payload)
    else:
        print_plan(payload)
