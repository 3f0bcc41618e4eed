"""The ``scan`` command: degree of authorship, truck factors and a roster from git history."""

from __future__ import annotations

import time
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from talentmoat.anonymize import resolve_key
from talentmoat.cli.app import app, console, guarded, print_json
from talentmoat.cli.privacy import ANONYMIZED_SOURCE, AnonKeyOpt, AnonOpt
from talentmoat.cli.safe import safe
from talentmoat.errors import InputError
from talentmoat.gitmine.identity import DEFAULT_BOT_PATTERN

if TYPE_CHECKING:  # the heavy modules load inside the command
    from talentmoat.gitmine.scan import ScanResult


class ScanMode(StrEnum):
    """How authorship and the truck factor are computed."""

    default = "default"
    avelino = "avelino"


class Weight(StrEnum):
    """What a stage's share of files counts."""

    files = "files"
    lines = "lines"


def _print_table(result: ScanResult, labels: list[str], source: str) -> None:
    a = result.assignment
    console.print(
        f"[bold]{safe(source)}[/] ({result.options.mode} mode): "
        f"{result.history.commits} commits, "
        f"{int(a.kept.sum())} files analysed ({int((~a.kept).sum())} excluded), "
        f"{int(result.active.sum())} developers", highlight=False)
    table = Table(title="Truck factor")
    for column in ("scope", "files", "TF", "coverage left", "truck-factor developers (files)"):
        table.add_column(column)
    for group in (result.overall, *result.stages):
        tf = group.truck_factor
        coverage = "-" if tf.coverage is None else f"{100 * tf.coverage:.1f} %"
        who = ", ".join(f"{safe(labels[d])} ({n})" for d, n in tf.authors) or "-"
        table.add_row(safe(group.id), str(group.files), str(tf.tf), coverage, who)
    console.print(table)
    unit = "lines" if result.options.weight_by_lines else "files"
    holders = Table(title=f"Top holders (K = share of the stage's {unit} held)")
    holders.add_column("developer")
    holders.add_column("files held")
    for k_id in result.k_ids:
        holders.add_column(safe(f"K[{k_id}]"))
    for d, n in result.overall.holders:
        holders.add_row(safe(labels[d]), str(n), *(f"{v:.2f}" for v in result.K[d]))
    console.print(holders)


@app.command()
@guarded
def scan(
    path: Annotated[str | None, typer.Argument(help="A git repository (work tree).")] = None,
    log: Annotated[str | None, typer.Option(
        "--log", help="An exported history (.log or .log.gz) instead of a repository.")] = None,
    files: Annotated[str | None, typer.Option(
        "--files", help="With --log: the git ls-files listing at HEAD.")] = None,
    mode: Annotated[ScanMode, typer.Option(
        help="avelino: bit-compatible with Avelino et al.'s tool; default: improved.")]
        = ScanMode.default,
    stages: Annotated[str | None, typer.Option(
        "--stages", help="YAML stage rules: stages: {<id>: [<pattern>, …]}, exclude: […].")]
        = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    roster_out: Annotated[str | None, typer.Option(
        "--roster-out", help="Write a roster CSV (id, name, k.<stage>).")] = None,
    anonymize: AnonOpt = False,
    anonymize_key: AnonKeyOpt = None,
    decay_days: Annotated[float | None, typer.Option(
        "--decay-days", help="Default mode: weigh commits by exp(-age/DAYS).")] = None,
    window_days: Annotated[float | None, typer.Option(
        "--window-days", help="Default mode: only commits of the last DAYS days.")] = None,
    bot_pattern: Annotated[str, typer.Option(
        "--bot-pattern", help="Default mode: regex on 'name <email>' marking bots ('' keeps "
        "bots).")] = DEFAULT_BOT_PATTERN,
    coauthors: Annotated[bool, typer.Option(
        "--coauthors/--no-coauthors", help="Default mode, repository scans: credit "
        "Co-authored-by trailers.")] = True,
    weight: Annotated[Weight, typer.Option(help="K counts files or (estimated) lines.")]
        = Weight.files,
    top: Annotated[int, typer.Option(help="Top holders reported per stage.")] = 5,
    exclude_path: Annotated[list[str] | None, typer.Option(
        "--exclude-path", help="Repository scans: leave this literal path out of the history "
        "(repeatable), e.g. to step around missing blobs.")] = None,
) -> None:
    """Degree of authorship, truck factor per stage and a roster, from git history."""
    from talentmoat import __version__
    from talentmoat.gitmine.scan import (
        ScanOptions,
        analyse,
        collect_history,
        person_labels,
        roster_csv,
        to_json,
        validate_options,
    )
    from talentmoat.gitmine.source import (
        log_file_commits,
        open_repository,
        read_file_list,
        repository_commits,
        repository_files,
    )
    from talentmoat.gitmine.stages import load_stage_rules
    from talentmoat.inputfiles import output_file, write_text_atomically

    started = time.perf_counter()
    options = ScanOptions(mode=mode.value, decay_days=decay_days, window_days=window_days,
                          bot_pattern=bot_pattern, weight_by_lines=weight is Weight.lines,
                          top=top)
    validate_options(options)
    if (path is None) == (log is None):
        raise InputError.single("arguments", "", "give either a repository PATH or --log FILE "
                                "(with --files FILE), not both or neither")
    if roster_out is not None:
        output_file(roster_out, "the roster CSV")
    rules = load_stage_rules(stages) if stages is not None else None
    if log is not None:
        if exclude_path:
            raise InputError.single("arguments", "--exclude-path", "only goes with a repository "
                                    "PATH (export the log without those paths instead)")
        if files is None:
            raise InputError.single("arguments", "--files", "--log needs --files (the git "
                                    "ls-files listing at HEAD)")
        source = log
        head_files = read_file_list(files)
        commits = log_file_commits(log)
    else:
        if files is not None:
            raise InputError.single("arguments", "--files", "--files only goes with --log")
        assert path is not None
        root = open_repository(path)
        source = str(root)
        head_files = repository_files(root)
        commits = repository_commits(root, coauthors and mode is ScanMode.default,
                                     tuple(exclude_path or ()))
    anonymize = anonymize or anonymize_key is not None
    key = resolve_key(anonymize_key) if anonymize or roster_out else None  # roster ids are keyed
    history = collect_history(commits, options, source)
    result = analyse(history, head_files, rules, options)
    if roster_out is not None:
        assert key is not None
        write_text_atomically(roster_out, roster_csv(result, key, anonymize))
    shown_key = key if anonymize else None
    shown_source = ANONYMIZED_SOURCE if anonymize else source
    if json_out:
        payload = to_json(result, shown_key, shown_source)
        payload["provenance"] = {"version": __version__,
                                 "wall_time_s": round(time.perf_counter() - started, 3)}
        print_json(payload)
    else:
        _print_table(result, person_labels(result, shown_key), shown_source)
