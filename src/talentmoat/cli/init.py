"""``talentmoat init``: a complete scenario for a roster CSV (:mod:`talentmoat.scaffold`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from talentmoat.cli.app import app, console, guarded
from talentmoat.cli.safe import safe
from talentmoat.errors import InputError


@app.command()
@guarded
def init(
    roster: Annotated[str, typer.Option(
        "--roster", help="Roster CSV (id, name, k.<component>...; e.g. from scan --roster-out).")],
    out: Annotated[str, typer.Option("--out", "-o", help="The scenario file to write (YAML).")],
    template: Annotated[str, typer.Option(
        help="Scenario (bundled name or file) that gives everything but the people.")]
        = "lean-lab",
    name: Annotated[str | None, typer.Option(
        help="The scenario's name (default: the file name without .yaml).")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Replace the scenario file if it exists.")] = False,
) -> None:
    """Write a complete, commented scenario for a roster; the rest comes from a template."""
    from talentmoat.inputfiles import (
        MAX_INPUT_BYTES,
        output_file,
        read_input_text,
        write_text_atomically,
    )
    from talentmoat.loader import load_scenario, resolve_scenario
    from talentmoat.scaffold import build_scaffold

    target = output_file(out, "the scenario")
    if target.exists() and not force:
        raise InputError.single(out, "", "exists; choose another file name or give --force to "
                                "replace it")
    if not out.endswith((".yaml", ".yml")):
        raise InputError.single(out, "", "expected a file name ending in .yaml")
    text = read_input_text(roster, "a roster CSV", MAX_INPUT_BYTES)
    base, _ = resolve_scenario(template)
    ref = os.path.relpath(Path(roster).resolve(), target.resolve().parent)
    scaffold = build_scaffold(text, roster, Path(ref).as_posix(), base, template,
                              name or target.stem)

    def check(written: Path) -> None:
        try:
            load_scenario(written)
        except InputError as exc:  # a roster the template cannot take, e.g. a bad component id
            raise InputError(out, exc.problems) from None

    write_text_atomically(out, scaffold.text, check)
    counts = {r: scaffold.roles.count(r) for r in dict.fromkeys(scaffold.roles)}
    how = "assigned by rule" if scaffold.assigned else "from the roster"
    console.print(
        f"wrote {safe(out)}: {len(scaffold.roles)} people, roles {how}: "
        + ", ".join(f"{safe(r)} {n}" for r, n in counts.items())
        + f"; everything else from {safe(template)}. Next: talentmoat run {safe(out)}",
        highlight=False,
    )
