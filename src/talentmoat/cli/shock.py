"""Commands about poach shocks and what each person is worth: ``shock`` and ``people``."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from talentmoat.cli.app import app, console, guarded, print_json
from talentmoat.cli.knowledge import JsonOpt, ScenarioArg
from talentmoat.cli.privacy import AnonKeyOpt, AnonOpt, People, output_key
from talentmoat.cli.safe import safe
from talentmoat.errors import InputError

PartyOpt = Annotated[str | None, typer.Option(
    "--party", help="Hiring party (default: the strongest rival at the start).")]
StrategyOpt = Annotated[str | None, typer.Option(
    "--strategy", "-s", help="The lab's strategy (default: the baseline).")]
RepsOpt = Annotated[int | None, typer.Option("--reps", min=2, help="Replications R.")]
PEOPLE_REPS = 64
"""Replications per person of ``talentmoat people`` by default (one batched run)."""


def _bn(usd: float) -> str:
    return f"${usd / 1e9:,.2f}B"


def _ci(row: dict[str, float]) -> str:
    return f"{_bn(row['mean'])} ({_bn(row['low'])} to {_bn(row['high'])})"


@app.command()
@guarded
def shock(
    scenario: ScenarioArg,
    party: PartyOpt = None,
    people: Annotated[str | None, typer.Option(
        "--people", help="Comma-separated person ids the party hires at quarter 0.")] = None,
    top: Annotated[int | None, typer.Option(
        "--top", min=1, max=50, help="Hire the poach-k optimum of the knowledge map.")] = None,
    strategy: StrategyOpt = None,
    reps: RepsOpt = None,
    json: JsonOpt = False,
    anonymize: AnonOpt = False,
    anonymize_key: AnonKeyOpt = None,
) -> None:
    """A poach shock: a party hires a set at quarter 0; what it costs the lab (paired)."""
    from talentmoat.loader import load_scenario
    from talentmoat.sim.shock import person_indices, poach_shock, top_people

    if (people is None) == (top is None):
        raise InputError.single("--people/--top", "", "give exactly one of --people or --top")
    lab = load_scenario(scenario)
    exact = None
    if top is not None:
        chosen, exact = top_people(lab, top)
    else:
        chosen = person_indices(lab, [p.strip() for p in people.split(",") if p.strip()])
    result = poach_shock(lab, party, chosen, strategy=strategy, replications=reps)
    names = People(lab, output_key(anonymize, anonymize_key))
    result["people"] = names.of(result["people"])
    result["exact_optimum"] = exact
    if json:
        print_json(result)
        return
    _print_shock(result)


def _print_shock(r: dict[str, Any]) -> None:
    q = r["quarters_sooner"]
    ttp = r["time_to_parity"]
    console.print(f"{safe(r['party'])} hires {safe(', '.join(r['people']))} at quarter 0 "
                  f"(strategy {safe(r['strategy'])}, {r['replications']} replications × "
                  f"{r['quarters']} quarters, common random numbers)", highlight=False)
    rows = [
        ("share jump (once absorbed)", f"{r['share_jump']:+.3f} "
         f"(simulated at q{r['share_jump_quarter']}: {r['share_jump_simulated']['mean']:+.3f})"),
        ("bypassed R&D", _bn(r["bypassed_rd"])),
        ("first parity, without → with (mean q)",
         f"{ttp['without']['mean']:.1f} → {ttp['with']['mean']:.1f} (censored "
         f"{ttp['without']['censored_share']:.0%} → {ttp['with']['censored_share']:.0%})"),
        ("quarters sooner: mean, median, 5–95 %",
         f"{q['mean']:.2f}, {q['p50']:.0f}, {q['p5']:.0f}–{q['p95']:.0f}"),
        ("P(parity by T), without → with",
         f"{r['p_parity_by_quarter']['without'][-1]:.0%} → "
         f"{r['p_parity_by_quarter']['with'][-1]:.0%}"),
        ("value lost, discounted (95 % CI)", _ci(r["value_lost_discounted"])),
        ("value lost at T (95 % CI)", _ci(r["value_lost_end"])),
        ("share of discounted value lost", f"{r['value_lost_share']:.1%}"),
    ]
    table = Table(show_header=False)
    table.add_column("measure")
    table.add_column("value", justify="right")
    for label, value in rows:
        table.add_row(label, value)
    console.print(table)
    console.print(r["censoring"], highlight=False)


def named_values(result: dict[str, Any], names: People) -> dict[str, Any]:
    """Person values with each row's roster index replaced by its ``id`` and ``role``."""
    for row in result["people"]:
        i = row.pop("person")
        row["id"], row["role"] = names.ids[i], names.roles[i]
    return result


@app.command(name="people")
@guarded
def people_command(
    scenario: ScenarioArg,
    party: PartyOpt = None,
    top: Annotated[int, typer.Option("--top", min=1, help="How many people to list.")] = 20,
    strategy: StrategyOpt = None,
    reps: RepsOpt = PEOPLE_REPS,
    json: JsonOpt = False,
    anonymize: AnonOpt = False,
    anonymize_key: AnonKeyOpt = None,
) -> None:
    """What each person is worth: their one-person shock, ranked by discounted value lost."""
    from talentmoat.loader import load_scenario
    from talentmoat.sim.shock import person_values

    lab = load_scenario(scenario)
    result = named_values(person_values(lab, party, strategy=strategy, replications=reps),
                          People(lab, output_key(anonymize, anonymize_key)))
    result["people"] = result["people"][:top]
    if json:
        print_json(result)
        return
    table = Table(title=f"{safe(lab.scenario.name)}: one-person shocks by {safe(result['party'])} "
                  f"({result['replications']} replications × {result['quarters']} quarters)",
                  title_justify="left")
    for col in ("rank", "id", "role", "value lost, discounted (95 % CI)", "at T",
                "standalone", "carry"):
        table.add_column(col, justify="left" if col in ("id", "role") else "right")
    for k, row in enumerate(result["people"], 1):
        table.add_row(str(k), safe(row["id"]), safe(row["role"]), _ci(row["value_lost_discounted"]),
                      _bn(row["value_lost_end"]["mean"]), f"{row['standalone_share']:.3f}",
                      f"{row['carry']:.3f}")
    console.print(table)
