"""``talentmoat report`` (one offline HTML file) and ``talentmoat serve`` (the local dashboard)."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated

import typer

from talentmoat.cli.app import app, console, guarded
from talentmoat.cli.privacy import AnonKeyOpt, AnonOpt, output_key
from talentmoat.cli.reporting import (
    REPORT,
    check_report_target,
    is_duckdb,
    read_results,
    report_html,
    scenario_of,
    write_report,
)
from talentmoat.cli.safe import safe
from talentmoat.cli.simulate import RESULTS_ROOT, QuartersOpt, RepsOpt, _payload, _run
from talentmoat.errors import InputError

DEFAULT_PORT = 8765
SERVE_ROOT = RESULTS_ROOT / "serve"


@app.command()
@guarded
def report(
    source: Annotated[str, typer.Argument(
        help="A results directory (with summary.json), a sweep store (.duckdb) or a scenario "
        "(file or bundled name).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="HTML file to write.")] = Path(
        REPORT),
    reps: RepsOpt = None,
    quarters: QuartersOpt = None,
    anonymize: AnonOpt = False,
    anonymize_key: AnonKeyOpt = None,
) -> None:
    """Write one self-contained HTML report (opens offline): results, a sweep store or a run."""
    from talentmoat.loader import load_scenario
    from talentmoat.sim.store import SUMMARY

    key = output_key(anonymize, anonymize_key)
    check_report_target(output)
    folder = Path(source)
    if is_duckdb(folder):
        from talentmoat.cli.experiments import store_analysis
        from talentmoat.report.sweep import render_sweep_report

        path = write_report(output, render_sweep_report(store_analysis(folder), key))
        console.print(f"Report: {safe(path)} ({path.stat().st_size / 1e6:.1f} MB)")
        return
    if folder.is_dir() and (folder / SUMMARY).exists():
        payload = read_results(folder)
        lab, notes = scenario_of(payload)
    else:
        lab, notes = load_scenario(source), []
        payload = _payload(lab, _run(lab, None, reps, quarters, None, 1, True), None, key)
    path = write_report(output, report_html(lab, payload, key, notes))
    console.print(f"Report: {safe(path)} ({path.stat().st_size / 1e6:.1f} MB)")


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@app.command()
@guarded
def serve(
    scenario: Annotated[str | None, typer.Argument(
        help="Scenario to open first (file or bundled name; default: the first bundled).")] = None,
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = DEFAULT_PORT,
    host: Annotated[str, typer.Option("--host", help="Address to bind.")] = "127.0.0.1",
    allow_remote: Annotated[bool, typer.Option(
        "--allow-remote", help="Allow binding a non-loopback address (no authentication!).")
    ] = False,
    root: Annotated[Path, typer.Option("--root", help="Where runs and uploads are kept.")
                    ] = SERVE_ROOT,
    store: Annotated[Path, typer.Option("--store", help="Results store whose past runs, "
                                        "sweeps and optimizations are listed.")] = RESULTS_ROOT,
) -> None:
    """The local dashboard: pick or upload a scenario, switch strategies, run, see the figures."""
    from talentmoat.loader import load_scenario

    if not allow_remote and not _loopback(host):
        raise InputError.single("--host", "", f"{host} is not a loopback address; the dashboard "
                                "has no authentication (pass --allow-remote to bind it anyway)")
    if scenario is not None:
        load_scenario(scenario)  # a bad scenario fails here, before the server starts
    import uvicorn  # the web stack loads only for this command

    from talentmoat.web.app import create_app

    console.print(f"Dashboard: http://{safe(host)}:{port}/ (Ctrl-C to stop); runs kept in "
                  f"{safe(root)}/")
    uvicorn.run(create_app(root, scenario, allow_remote=allow_remote, store=store), host=host,
                port=port, log_level="warning")
