"""The ``optimize`` command: the cheapest mix of firewalls that meets the lab's constraints.

The optimizer's modules (NumPy, DuckDB, the engine) are imported when the command runs, so other
commands start without them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from talentmoat.cli.app import app, console, err_console, guarded, print_json
from talentmoat.cli.experiments import RESULTS_ROOT, _executor
from talentmoat.errors import InputError

STRATEGY_NAME = "recommended"
"""Name of the strategy ``--write-strategy`` writes."""


def _money(usd: float) -> str:
    return f"${usd / 1e6:,.1f}M"


def _value(column: str, x: float) -> str:
    return _money(x) if abs(x) >= 1e4 or column.endswith(("cost", "value_mean", "value_end")) \
        else f"{x:.3g}"


def _print(summary: dict[str, Any]) -> None:
    cost, benefit = summary["objective"]["minimise"], summary["objective"]["maximise"]
    bounds = summary["constraints"]
    cols = list(dict.fromkeys([cost, benefit, *[b["metric"] for b in bounds]]))
    search = summary["search"]
    if search["method"] == "nsga2":
        console.print(f"Search: NSGA-II ({search['library']}), {search['trials']} trials in "
                      f"generations of {search['population']}, sampler seed "
                      f"{search['sampler_seed']}; {summary['candidates']} distinct candidates.")
    front = Table(title=f"Pareto front of {cost} vs {benefit}, feasible in sample "
                  f"({len(summary['feasible_front'])} of {summary['candidates']} candidates; "
                  f"{summary['search']['replications']} replications, seed "
                  f"{summary['search']['seed']})", title_justify="left")
    front.add_column("mix")
    for c in cols:
        front.add_column(c, justify="right")
    for row in summary["feasible_front"]:
        front.add_row(_mix(row), *[_value(c, row[c]) for c in cols])
    console.print(front)
    check = Table(title=f"Re-check on seed {summary['validation']['seed']} with "
                  f"{summary['validation']['replications']} replications (in → out of sample)",
                  title_justify="left")
    check.add_column("mix")
    for c in cols:
        check.add_column(c, justify="right")
    check.add_column("holds", justify="center")
    for pair in summary["checked"]:
        a, b = pair["in_sample"], pair["out_of_sample"]
        check.add_row(_mix(a), *[f"{_value(c, a[c])} → {_value(c, b[c])}" for c in cols],
                      "yes" if b["feasible"] else "no")
    console.print(check)
    rec = summary["recommended"]
    if rec is None:
        console.print("No candidate meets the constraints out of sample: loosen them, add "
                      "levers, or re-check more candidates (validation.candidates).")
        return
    ci = rec["ci"].get(benefit)
    band = f" (95 % CI {_value(benefit, ci[0])} to {_value(benefit, ci[1])})" if ci else ""
    console.print(f"Recommended: {_mix(rec)} — {cost} {_value(cost, rec[cost])}, {benefit} "
                  f"{_value(benefit, rec[benefit])}{band}; "
                  + ", ".join(f"{b['metric']} {rec[b['metric']]:.3g}" for b in bounds))


def _print_robust(robust: dict[str, Any]) -> None:
    table = Table(title=f"Across the {robust['points']} points of {robust['sweep']} "
                  f"({robust['measure']}; constraints must hold at ≥ {robust['min_share']:.0%})",
                  title_justify="left")
    for col in ("mix", "constraints hold", "90 % regret", "benefit mean", "benefit p10",
                "cost mean"):
        table.add_column(col, justify="left" if col == "mix" else "right")
    for c in robust["candidates"]:
        table.add_row(_mix(c), f"{c['satisficing_share']:.0%}", _money(c["regret_p90"]),
                      _money(c["benefit_mean"]), _money(c["benefit_p10"]),
                      _money(c["cost_mean"]))
    console.print(table)
    rec = robust["recommended"]
    console.print("Robust recommendation: " + ("none of the re-checked candidates holds at "
                                               "enough of the points" if rec is None
                                               else _mix(rec)))
    for label, breaks in robust["breaks"].items():
        if breaks is None:
            continue
        limits = "; ".join(f"{n} {_bound(v['from'])} to {_bound(v['to'])}"
                           for n, v in breaks["limits"].items()) or "no box"
        console.print(f"Where the {label} recommendation breaks ({breaks['failed_share']:.0%} "
                      f"of points; PRIM box coverage {breaks['coverage']:.2f}, density "
                      f"{breaks['density']:.2f}): {limits}")


def _bound(x: float | None) -> str:
    return "…" if x is None else f"{x:.3g}"


def _mix(row: dict[str, Any]) -> str:
    on = [f"{k}={v:g}" for k, v in row["levers"].items() if v != "off"]
    return ", ".join(on) or "no policy"


@app.command()
@guarded
def optimize(
    scenario: Annotated[str, typer.Argument(help="Scenario file or bundled name.")],
    spec: Annotated[str, typer.Option("--spec", help="Optimization spec file or bundled name "
                                      "(e.g. lean-lab-firewalls).")],
    store: Annotated[Path | None, typer.Option(
        "--store", help="DuckDB store (default: talentmoat-results/<name>.opt.duckdb); rerun "
        "to resume.")] = None,
    workers: Annotated[int, typer.Option(
        "--workers", min=1, max=64, help="Start a local Dask cluster of N worker processes "
        "(1: run in this process).")] = 1,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="Use an existing Dask cluster, e.g. tcp://HOST:8786.")] = None,
    new: Annotated[bool, typer.Option(
        "--new", help="Replace a store that holds another optimization.")] = False,
    write_strategy: Annotated[Path | None, typer.Option(
        "--write-strategy", help=f"Write the recommended mix as a scenario file (strategy "
        f"'{STRATEGY_NAME}') that compare and report accept.")] = None,
    report: Annotated[Path | None, typer.Option(
        "--report", help="Write an HTML report (the Pareto front and the recommended mix).",
    )] = None,
    json: Annotated[bool, typer.Option("--json", help="Print a JSON summary instead.")] = False,
) -> None:
    """Find the cheapest firewall mix that meets the spec's constraints, checked out of sample."""
    import yaml

    from talentmoat.cli.reporting import check_report_target, write_report
    from talentmoat.experiments.optrun import payload, run_optimization
    from talentmoat.experiments.optspec import load_optimization
    from talentmoat.loader import load_scenario

    if scheduler is not None and workers != 1:
        raise InputError.single("--workers", "", "give --workers or --scheduler, not both")
    if write_strategy is not None and write_strategy.is_dir():
        raise InputError.single(str(write_strategy), "", "is a directory; give a file name")
    if report is not None:
        check_report_target(report)
    opt = load_optimization(spec, load_scenario(scenario))
    target = store if store is not None else RESULTS_ROOT / f"{opt.spec.name}.opt.duckdb"
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with Progress(*columns, console=err_console, transient=True, disable=json) as bar:
        tasks: dict[str, Any] = {}

        def update(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(phase, total=total)
            bar.update(tasks[phase], completed=done, total=total)

        with _executor(workers, scheduler) as (executor, n):
            outcome = run_optimization(opt, target, executor=executor, workers=n, new=new,
                                       progress=update)
    summary = payload(opt, outcome)
    summary["store"] = str(target)
    rec = outcome.recommended
    if write_strategy is not None and rec is not None:
        document = opt.strategy_document(rec["candidate"], STRATEGY_NAME)
        write_strategy.parent.mkdir(parents=True, exist_ok=True)
        write_strategy.write_text(f"# the recommendation of {opt.spec.name} ({opt.source})\n"
                                  + yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
        summary["strategy_file"] = str(write_strategy)
    if report is not None:
        from talentmoat.report.optimization import render_optimization_report

        summary["report"] = str(write_report(report, render_optimization_report(summary)))
    if json:
        print_json(summary)
        return
    _print(summary)
    if summary["robust"] is not None:
        _print_robust(summary["robust"])
    console.print(f"Store: {target}")
    if report is not None:
        console.print(f"Report: {report}")
    if "strategy_file" in summary:
        console.print(f"Strategy: {write_strategy}  (talentmoat compare {write_strategy} "
                      f"-s {STRATEGY_NAME} --seed N)")
    elif write_strategy is not None:
        console.print("No strategy written (no recommendation).")
