"""Commands for experiments at scale: ``sweep`` (run a sweep into its store) and ``analyze``.

The experiment modules (DuckDB, SALib, Dask) are imported when a command runs, so other
commands start without them.
"""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from talentmoat.cli.app import app, console, err_console, guarded, print_json
from talentmoat.errors import InputError

RESULTS_ROOT = Path("talentmoat-results")


def _executor(workers: int, scheduler: str | None) -> Any:
    """A context giving (executor or None, workers): Dask for several workers or a cluster."""
    if scheduler is None and workers == 1:
        return nullcontext((None, 1))
    from talentmoat.experiments.executor import dask_executor

    return dask_executor(workers=None if scheduler else workers, scheduler=scheduler)


@app.command()
@guarded
def sweep(
    spec: Annotated[str, typer.Argument(help="Sweep spec file or bundled name "
                                        "(e.g. lean-lab-sweep).")],
    store: Annotated[Path | None, typer.Option(
        "--store", help="DuckDB store (default: talentmoat-results/<name>.duckdb).")] = None,
    workers: Annotated[int, typer.Option(
        "--workers", min=1, max=64, help="Start a local Dask cluster of N worker processes "
        "(1: run in this process).")] = 1,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="Use an existing Dask cluster, e.g. tcp://HOST:8786 (its workers "
        "must see the store's directory).")] = None,
    new: Annotated[bool, typer.Option(
        "--new", help="Replace a store that holds another sweep.")] = False,
    points_per_task: Annotated[int | None, typer.Option(
        "--points-per-task", min=1, help="Points per task (default: sized to take seconds); "
        "results do not depend on it.")] = None,
    json: Annotated[bool, typer.Option("--json", help="Print a JSON summary instead.")] = False,
) -> None:
    """Run a parameter sweep into a DuckDB store; rerun to finish an interrupted one."""
    from talentmoat.experiments.executor import Interrupted, run_sweep
    from talentmoat.experiments.spec import load_spec

    if scheduler is not None and workers != 1:
        raise InputError.single("--workers", "", "give --workers or --scheduler, not both")
    checked = load_spec(spec)
    target = store if store is not None else RESULTS_ROOT / f"{checked.spec.name}.duckdb"
    columns = (TextColumn("sweep"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TextColumn("ETA"),
               TimeRemainingColumn())
    with Progress(*columns, console=err_console, transient=True, disable=json) as bar:
        task = bar.add_task("points", total=None, rate="")
        first: list[int] = []

        def update(done: int, total: int) -> None:
            first.append(done)
            elapsed = bar.tasks[0].elapsed or 0.0
            rate = (done - first[0]) / elapsed if elapsed > 0 else 0.0
            bar.update(task, completed=done, total=total, rate=f"{rate:.1f} points/s")

        try:
            with _executor(workers, scheduler) as (executor, n):
                result = run_sweep(checked, target, executor=executor, workers=n,
                                   points_per_task=points_per_task, new=new, progress=update)
        except Interrupted as stop:
            bar.stop()
            err_console.print(f"stopped at {stop.done} of {stop.total} points; run the same "
                              "command again to finish (nothing is lost or run twice)")
            raise typer.Exit(code=130) from None
    share = 1 - result.engine_seconds / result.seconds if result.seconds > 0 else 0.0
    if json:
        print_json({"sweep": checked.spec.name, "store": str(result.store),
                    "points": result.points, "done": result.done, "failed": result.failed,
                    "ran": result.ran, "tasks": result.tasks, "task_seconds": result.seconds,
                    "engine_seconds": result.engine_seconds, "outside_engine_share": share})
        return
    console.print(f"{checked.spec.name}: {result.done} of {result.points} points "
                  f"({result.failed} failed); this run: {result.ran} points in {result.tasks} "
                  f"tasks, {result.seconds:.1f} s of task time, {share:.0%} outside the engine")
    console.print(f"Store: {result.store}  (talentmoat analyze {result.store})")


def _fmt(x: float | None, digits: int = 3) -> str:
    return "—" if x is None or x != x else f"{x:.{digits}g}"


def _print_analysis(res: dict[str, Any], names: list[str]) -> None:
    unit = res["unit"]
    for strategy, entry in res["sensitivity"].items():
        if "method" not in entry:  # a Latin hypercube or factorial design: no indices
            continue
        if entry["method"] == "sobol":
            table = Table(title=f"Sobol indices of {entry['column']} for {strategy} "
                          f"({entry['blocks']} complete blocks, 95 % bootstrap CI)",
                          title_justify="left")
            for col in ("uncertainty", "S1", "S1 CI ±", "ST", "ST CI ±"):
                table.add_column(col, justify="left" if col == "uncertainty" else "right")
            for n in names:
                i = entry["indices"][n]
                table.add_row(n, _fmt(i["S1"]), _fmt(i["S1_conf"]), _fmt(i["ST"]),
                              _fmt(i["ST_conf"]))
        else:
            table = Table(title=f"Morris screening of {entry['column']} for {strategy} "
                          f"({entry['trajectories']} trajectories; {unit} per input range)",
                          title_justify="left")
            for col in ("uncertainty", "μ*", "μ* CI ±", "μ", "σ"):
                table.add_column(col, justify="left" if col == "uncertainty" else "right")
            ranked = sorted(entry["indices"].items(), key=lambda kv: -kv[1]["mu_star"])
            for n, i in ranked:
                table.add_row(n, _fmt(i["mu_star"]), _fmt(i["mu_star_conf"]), _fmt(i["mu"]),
                              _fmt(i["sigma"]))
        console.print(table)
    for p in res["prim"].values():
        if p["box"] is None:
            console.print(f"PRIM — {p['question']}: at no point.")
            continue
        table = Table(title=f"PRIM — {p['question']} ({p['share_true']:.0%} of points): "
                      f"box coverage {p['coverage']:.2f}, density {p['density']:.2f}, "
                      f"mass {p['mass']:.2f}", title_justify="left")
        for col in ("uncertainty", "from", "to", "quasi-p"):
            table.add_column(col, justify="left" if col == "uncertainty" else "right")
        for n, lim in p["box"].items():
            table.add_row(n, _fmt(lim["low"], 4), _fmt(lim["high"], 4), f"{lim['quasi_p']:.2g}")
        console.print(table)
        steps = p["trajectory"]
        marks = sorted({0, p["chosen_step"], len(steps) - 1, *range(0, len(steps), 5)})
        console.print("  peeling trajectory (step: coverage / density): " + ", ".join(
            f"{k}: {steps[k]['coverage']:.2f}/{steps[k]['density']:.2f}" for k in marks))
    rob = res.get("robustness")
    if rob:
        table = Table(title=f"Robustness over {rob['points']} points of {rob['benefit']}, "
                      f"target {rob['target']:g} {unit}", title_justify="left")
        for col in ("strategy", "mean", "p10", "p90", "regret (p90)", "satisficing"):
            table.add_column(col, justify="left" if col == "strategy" else "right")
        for n, r in rob["strategies"].items():
            table.add_row(n, _fmt(r["mean"]), _fmt(r["p10"]), _fmt(r["p90"]),
                          _fmt(r["regret"]), f"{r['satisficing']:.0%}")
        console.print(table)
        console.print("  rankings: " + "; ".join(f"{k}: {' > '.join(v)}"
                                                 for k, v in rob["rankings"].items()))


def store_analysis(store: Path, metric: str | None = None, strategy: list[str] | None = None,
                   target: float = 0.0, *, export: Path | None = None) -> dict[str, Any]:
    """Read a sweep store and analyse one metric (see :func:`experiments.analyze.analyze`).

    Shared by ``analyze`` and ``report``.

    Args:
        store: The sweep's DuckDB store.
        metric: Metric to analyse (default: the robustness metric if kept, else the first).
        strategy: Strategies to analyse (default: all); the baseline is always included.
        target: Satisficing target of the benefit (metric units).
        export: Also write every table to ``export/<table>.parquet``.

    Returns:
        The analysis, with ``sweep``, ``store``, ``completed_points``, ``failed_points``,
        ``uncertainties`` (names, in design order), ``info`` (the ``sweep`` row)
        and ``provenance`` (the stored facts).

    Raises:
        InputError: If the file is no sweep store, or the metric or a strategy is unknown.
    """
    import numpy as np

    from talentmoat.experiments.analyze import analyze
    from talentmoat.experiments.design import design_values
    from talentmoat.experiments.metrics import ROBUSTNESS_METRIC
    from talentmoat.experiments.spec import parse_spec
    from talentmoat.experiments.store import RUN, TABLES, Store

    with Store(store, read_only=True) as st:
        st.require_results()
        info, prov = st.info(), st.provenance()
        if info["kind"] == RUN:
            raise InputError.single(str(store), "", f"holds a single run of '{info['name']}' "
                                    "(one point, no uncertainties): sensitivity, PRIM and "
                                    "robustness need a sweep; `talentmoat analyze` shows "
                                    "its metrics per strategy, `talentmoat report` on its "
                                    "result folder the run's report")
        design, frame = st.frame("design"), st.frame("metrics")
        failed = st.counts()[1]
        if export is not None:
            for table in TABLES:
                st.export(table, export / f"{table}.parquet")
    spec = parse_spec(info["spec"], f"{store} (stored spec)")
    kept = prov["metrics"]
    name = metric or (ROBUSTNESS_METRIC if ROBUSTNESS_METRIC in kept else kept[0])
    if name not in kept:
        raise InputError.single("--metric", name, f"not kept by this sweep; it has "
                                f"{', '.join(kept)}")
    stored = prov["strategies"]
    unknown = [s for s in strategy or [] if s not in stored]
    if unknown:
        raise InputError.single("--strategy", ", ".join(unknown), "not run by this sweep; it "
                                f"has {', '.join(stored)}")
    chosen = [stored[0], *[s for s in stored[1:] if not strategy or s in strategy]]
    unit, values = design_values(spec.design, spec.uncertainties, prov["seed"])
    names = [u.name for u in spec.uncertainties]
    if not np.array_equal(values, design[names].to_numpy(dtype=float)):
        raise InputError.single(str(store), "design", "the stored design cannot be drawn "
                                "again (another SALib or SciPy version?)")
    res = analyze(design, unit, frame, names=names, strategies=chosen,
                  spec_design=spec.design, metric=name, seed=prov["seed"], target=target)
    return res | {"sweep": info["name"], "store": str(store),
                  "completed_points": int(frame["point"].nunique()), "failed_points": failed,
                  "uncertainties": names, "info": info, "provenance": prov}


def run_metrics(store: Path, metric: str | None, strategy: list[str] | None,
                export: Path | None) -> dict[str, Any] | None:
    """A single run's store (``results.duckdb`` of a result folder) as plain data.

    Args:
        store: The store file.
        metric: The metric shown (default: the robustness metric).
        strategy: Strategies shown (default: all); the baseline is always included.
        export: Also write every table to ``export/<table>.parquet``.

    Returns:
        ``run`` (the scenario), ``store``, ``metric``, ``columns`` (its level and difference
        columns present) and ``strategies`` (per strategy shown, every stored column); None
        for a sweep's store.

    Raises:
        InputError: If the file is no results store, or the metric or a strategy is unknown.
    """
    from talentmoat.experiments.metrics import METRICS, ROBUSTNESS_METRIC, columns
    from talentmoat.experiments.store import RUN, TABLES, Store

    with Store(store, read_only=True) as st:
        st.require_results()
        info = st.info()
        if info["kind"] != RUN:
            return None
        frame = st.frame("metrics")
        order = st.provenance()["strategies"]
        if export is not None:
            for table in TABLES:
                st.export(table, export / f"{table}.parquet")
    name = metric or ROBUSTNESS_METRIC
    if name not in METRICS:
        raise InputError.single("--metric", name, f"unknown; the store has {', '.join(METRICS)}")
    unknown = [x for x in strategy or [] if x not in order]
    if unknown:
        raise InputError.single("--strategy", ", ".join(unknown), "not run here; the run has "
                                f"{', '.join(order)}")
    shown = [order[0], *[x for x in order[1:] if not strategy or x in strategy]]
    frame = frame.set_index("strategy").loc[shown].reset_index()  # as run: baseline first
    rows = frame.drop(columns="point").to_dict(orient="records")
    return {"run": info["name"], "store": str(store), "metric": name,
            "columns": [c for c in columns([name]) if c in frame.columns],
            "strategies": {r.pop("strategy"): {k: (None if v != v else v) for k, v in r.items()}
                           for r in rows}}


@app.command(name="analyze")
@guarded
def analyze_command(
    store: Annotated[Path, typer.Argument(help="A sweep's DuckDB store.")],
    metric: Annotated[str | None, typer.Option(
        "--metric", "-m",
        help="Metric to analyse (default: net_benefit if kept, else the first kept).")] = None,
    strategy: Annotated[list[str] | None, typer.Option(
        "--strategy", "-s", help="Strategy (repeat; default: all); the baseline is always "
        "included.")] = None,
    target: Annotated[float, typer.Option(
        "--target", help="Satisficing target of the benefit (metric units).")] = 0.0,
    export: Annotated[Path | None, typer.Option(
        "--export", help="Also write every table of the store to DIR/<table>.parquet.")] = None,
    json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """Sensitivity (Sobol or Morris), PRIM scenario discovery and robustness of a sweep.

    On a single run's store (``results.duckdb`` of a ``simulate``/``compare``/``run`` result
    folder) it shows the stored metrics per strategy.
    """
    single = run_metrics(store, metric, strategy, export)
    if single is not None:
        if json:
            print_json(single)
            return
        table = Table(title=f"{single['run']}: one run, {single['metric']} per strategy "
                      "(level; d_ = paired mean difference from the baseline)",
                      title_justify="left")
        table.add_column("strategy")
        for col in single["columns"]:
            table.add_column(col, justify="right")
        for name, row in single["strategies"].items():
            table.add_row(name, *(_fmt(row[c], 4) for c in single["columns"]))
        console.print(table)
        return
    res = store_analysis(store, metric, strategy, target, export=export)
    names = res["uncertainties"]
    res = {k: v for k, v in res.items() if k not in ("provenance", "info", "uncertainties")}
    if json:
        print_json(res)
        return
    console.print(f"{res['sweep']}: {res['completed_points']} of {res['points']} points, "
                  f"metric {res['metric']} ({res['unit']})")
    _print_analysis(res, names)
    if export is not None:
        from talentmoat.experiments.store import TABLES

        console.print(f"Exported {', '.join(TABLES)} to {export}/")
