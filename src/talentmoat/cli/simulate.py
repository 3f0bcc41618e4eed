"""Commands that run the simulation: ``simulate``, ``compare`` and the main job ``run``."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from talentmoat import resultdir
from talentmoat.cli.app import app, console, err_console, guarded, print_json
from talentmoat.cli.investors import warn_antitrust
from talentmoat.cli.knowledge import (
    DEFAULT_SCENARIO,
    PLAN_K,
    JsonOpt,
    ScenarioArg,
    knowledge_summary,
    print_knowledge,
)
from talentmoat.cli.privacy import AnonKeyOpt, AnonOpt, People, input_fields, output_key
from talentmoat.cli.reporting import REPORT, report_html
from talentmoat.cli.safe import safe
from talentmoat.limits import MAX_QUARTERS, MAX_REPLICATIONS, MAX_SEED

if TYPE_CHECKING:  # the heavy modules load inside the commands that use them
    from talentmoat.loader import Lab
    from talentmoat.sim import SimulationResult

StrategyOpt = Annotated[
    list[str] | None,
    typer.Option("--strategy", "-s", help="Strategy to run (repeat; default: all). The "
                 "baseline is always included."),
]
RepsOpt = Annotated[int | None, typer.Option("--reps", min=1, max=MAX_REPLICATIONS,
                                             help="Replications R.")]
QuartersOpt = Annotated[int | None, typer.Option("--quarters", min=1, max=MAX_QUARTERS,
                                                 help="Horizon T in quarters.")]
SeedOpt = Annotated[int | None, typer.Option("--seed", min=0, max=MAX_SEED, help="Root seed.")]
OutOpt = Annotated[Path | None, typer.Option("--out", help="Results directory.")]
WorkersOpt = Annotated[int, typer.Option("--workers", min=1, max=64,
                                         help="Worker processes for chunks.")]

RESULTS_ROOT = Path("talentmoat-results")


@contextmanager
def _progress(enabled: bool):
    """A progress bar on stderr over replications (no bar when disabled)."""
    if not enabled:
        yield None
        return
    with Progress(TextColumn("simulating"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err_console, transient=True) as bar:
        task = bar.add_task("reps", total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def _run(lab: Lab, strategies: list[str] | None, reps: int | None, quarters: int | None,
         seed: int | None, workers: int, show_progress: bool, folder: Path | None = None,
         declare: Callable[[list[str]], None] | None = None) -> SimulationResult:
    """Simulate (the trajectories written as parts under ``folder`` if given, else kept)."""
    from talentmoat.sim import simulate
    from talentmoat.workers import process_pool

    warn_antitrust(lab)
    pool = process_pool(workers) if workers > 1 else nullcontext()
    with pool as executor, _progress(show_progress) as update:
        return simulate(lab, strategies, replications=reps, quarters=quarters, seed=seed,
                        workers=workers, executor=executor, progress=update, folder=folder,
                        declare=declare)


def _payload(lab: Lab, result: SimulationResult, out: Path | None,
             key: bytes | None) -> dict[str, Any]:
    """The summary printed by ``--json`` and written as ``summary.json``.

    Under ``key`` its provenance names no path and no plain digest of the inputs.
    """
    from talentmoat.sim.results import compare as compare_strategies
    from talentmoat.sim.results import summarize_strategy

    provenance = {name: v for name, v in result.provenance.items()
                  if name not in ("source", "scenario_sha256")}
    return {
        "provenance": {**provenance, **input_fields(lab, key)},
        "rivals": list(result.rivals),
        "lead0": result.lead0,
        "strategies": {name: summarize_strategy(result, name) for name in result.strategies},
        "comparison": compare_strategies(result),
        "raids": _raids(lab),
        "out": None if out is None else str(out),
    }


def _target(lab: Lab, out: Path | None) -> Path:
    """The result folder, checked before any work (see :mod:`talentmoat.resultdir`)."""
    target = out if out is not None else RESULTS_ROOT / lab.scenario.name
    resultdir.check(target)
    return target


def save_run(lab: Lab, target: Path, key: bytes | None,
             run: Callable[[Path, Callable[[list[str]], None]], SimulationResult],
             report: bool = False) -> tuple[SimulationResult, dict[str, Any]]:
    """Run a simulation into the result folder ``target`` (with ``report.html`` if asked).

    Args:
        lab: The scenario.
        target: The result folder.
        key: Pseudonym key of the output (None: plain names).
        run: Runs the simulation with its parts under the folder it is given, announced first
            with the callable it is given (:func:`talentmoat.sim.store.write_results`).
        report: Also write ``report.html``.

    Returns:
        The run and the summary payload written as ``summary.json``.
    """
    from talentmoat.experiments.store import RUN_STORE
    from talentmoat.sim.store import write_results, write_store

    def files(payload: dict[str, Any]) -> dict[str, Callable[[Path], None]]:
        out: dict[str, Callable[[Path], None]] = {
            RUN_STORE: lambda path: write_store(path, payload)}
        if report:
            out[REPORT] = lambda path: path.write_text(report_html(lab, payload, key),
                                                       encoding="utf-8")
        return out

    return write_results(target, run, lambda result: _payload(lab, result, target, key), files)


def _bn(usd: float) -> str:
    return f"${usd / 1e9:,.2f}B"


def _mn(usd: float) -> str:
    return f"${usd / 1e6:,.1f}M"


def print_strategies(payload: dict[str, Any]) -> None:
    """One row per strategy: value, lead, parity, departures, cost."""
    p = payload["provenance"]
    table = Table(title=f"{safe(p['scenario'])}: {p['replications']} replications × "
                  f"{p['quarters']} quarters (mean, with 5–95 % range)", title_justify="left")
    for col in ("strategy", "discounted value", "lead at end", "P(parity by T)",
                "first parity (median q)", "to parties", "background", "policy cost"):
        table.add_column(col, justify="left" if col == "strategy" else "right")
    for name, s in payload["strategies"].items():
        gap = s["by_quarter"]["lead"]
        t = s["totals"]
        ttp = s["time_to_parity"]
        first = ttp["median_quarter_if_reached"]
        table.add_row(
            safe(name),
            _bn(t["value_discounted"]),
            f"{gap['mean'][-1]:+.3f} ({gap['p5'][-1]:+.3f}–{gap['p95'][-1]:+.3f})",
            f"{s['p_parity_by_quarter']['any'][-1]:.0%}",
            "—" if first is None else f"{first:.0f} ({ttp['censored_share']:.0%} censored)",
            f"{sum(t['departures_by_rival'].values()):.1f}",
            f"{t['departures_background']:.1f}",
            _mn(t["policy_cost"]),
        )
    console.print(table)


def print_comparison(payload: dict[str, Any]) -> None:
    """The ranked paired comparison against the baseline."""
    rows = payload["comparison"]
    if not rows:
        return
    base = next(iter(payload["strategies"]))
    table = Table(title=f"Against '{safe(base)}' on the same draws (paired mean [95 % CI]), "
                  "ranked by net benefit = Δ discounted value − Δ discounted cost",
                  title_justify="left")
    for col in ("rank", "strategy", "net benefit", "Δ discounted value", "Δ departures",
                "Δ P(parity)", "policy cost", "value per $"):
        table.add_column(col, justify="left" if col == "strategy" else "right")
    for k, row in enumerate(rows, start=1):
        nb, dv, dd = row["net_benefit"], row["delta_value_discounted"], row["delta_departures"]
        ratio = row["value_per_dollar"]
        table.add_row(
            str(k), safe(row["strategy"]),
            f"{_bn(nb['mean'])} [{_bn(nb['low'])}, {_bn(nb['high'])}]",
            f"{_bn(dv['mean'])} [{_bn(dv['low'])}, {_bn(dv['high'])}]",
            f"{dd['mean']:+.1f} [{dd['low']:+.1f}, {dd['high']:+.1f}]",
            f"{row['delta_p_parity']:+.0%}",
            _mn(row["policy_cost"]["mean"]),
            "no cost" if ratio is None else f"{ratio:,.0f}",
        )
    console.print(table)


def _raids(lab: Lab) -> dict[str, list[dict[str, Any]]]:
    """Each rival's raids as in the scenario (MODEL.md §I), rivals without raids left out."""
    return {r.name: [raid.model_dump() for raid in r.raids] for r in lab.scenario.rivals
            if r.raids}


def print_raids(raids: dict[str, list[dict[str, Any]]]) -> None:
    """One line per raid: who, which quarters, how many offers, at what multiple."""
    for name, terms in raids.items():
        for raid in terms:
            first = raid["start_quarter"] + 1
            console.print(f"raid: {name} in quarters {first}–{first + raid['quarters'] - 1}, "
                          f"{raid['hires_per_quarter']:g} offers a quarter at "
                          f"{raid['offer_multiple_scale']:g}× its usual multiple",
                          highlight=False)


def _simulate_and_report(scenario: str, strategy: list[str] | None, reps: int | None,
                         quarters: int | None, seed: int | None, out: Path | None, workers: int,
                         json: bool, ranked: bool, key: bytes | None) -> None:
    from talentmoat.loader import load_scenario
    from talentmoat.sim.kernel_cache import compile_ahead

    compile_ahead()
    lab = load_scenario(scenario)
    target = _target(lab, out)
    _, payload = save_run(lab, target, key, lambda folder, declare: _run(
        lab, strategy, reps, quarters, seed, workers, not json, folder, declare))
    if json:
        print_json(payload)
        return
    print_raids(payload["raids"])
    print_strategies(payload)
    if ranked:
        print_comparison(payload)
    _print_results_path(target)


def _print_results_path(target: Path) -> None:
    console.print(f"Results: {safe(target)}/ (results.duckdb, trajectories/ parts, "
                  "summary.json, manifest)")


@app.command(name="simulate")
@guarded
def simulate_command(
    scenario: ScenarioArg,
    strategy: StrategyOpt = None,
    reps: RepsOpt = None,
    quarters: QuartersOpt = None,
    seed: SeedOpt = None,
    out: OutOpt = None,
    workers: WorkersOpt = 1,
    json: JsonOpt = False,
    anonymize: AnonOpt = False,
    anonymize_key: AnonKeyOpt = None,
) -> None:
    """Simulate quarters of offers, moves and rivals catching up; write results to --out."""
    _simulate_and_report(scenario, strategy, reps, quarters, seed, out, workers, json,
                         ranked=False, key=output_key(anonymize, anonymize_key))


@app.command()
@guarded
def compare(
    scenario: ScenarioArg,
    strategy: StrategyOpt = None,
    reps: RepsOpt = None,
    quarters: QuartersOpt = None,
    seed: SeedOpt = None,
    out: OutOpt = None,
    workers: WorkersOpt = 1,
    json: JsonOpt = False,
    anonymize: AnonOpt = False,
    anonymize_key: AnonKeyOpt = None,
) -> None:
    """Compare strategies with the baseline on common random numbers (paired 95 % CIs)."""
    _simulate_and_report(scenario, strategy, reps, quarters, seed, out, workers, json,
                         ranked=True, key=output_key(anonymize, anonymize_key))


@app.command()
@guarded
def run(
    scenario: Annotated[
        str, typer.Argument(help="Scenario file or bundled name.")
    ] = DEFAULT_SCENARIO,
    out: OutOpt = None,
    workers: WorkersOpt = 1,
    anonymize: AnonOpt = False,
    anonymize_key: AnonKeyOpt = None,
) -> None:
    """The main job: the knowledge report, then every strategy against the baseline."""
    from talentmoat.loader import load_scenario
    from talentmoat.sim.kernel_cache import compile_ahead

    compile_ahead()
    lab = load_scenario(scenario)
    target = _target(lab, out)
    people = People(lab, output_key(anonymize, anonymize_key))
    print_knowledge(lab, knowledge_summary(lab, PLAN_K), people, top=10)
    console.print()
    _, payload = save_run(lab, target, people.key, lambda folder, declare: _run(
        lab, None, None, None, None, workers, True, folder, declare), report=True)
    print_strategies(payload)
    print_comparison(payload)
    _print_results_path(target)
    console.print(f"Report: {safe(target / REPORT)}")
