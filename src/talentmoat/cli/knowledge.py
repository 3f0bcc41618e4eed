"""Commands about scenarios and the knowledge map.

``validate``, ``knowledge``, ``plan``, ``run``.
"""

from __future__ import annotations

from typing import Annotated

import typer

from talentmoat.cli.app import app, console, guarded
from talentmoat.loader import load_scenario

ScenarioArg = Annotated[
    str, typer.Argument(help="Scenario file (YAML) or bundled name, e.g. lean-lab.")
]


@app.command()
@guarded
def validate(scenario: ScenarioArg) -> None:
    """Check a scenario file and its roster; print 'ok' and a one-line summary."""
    lab = load_scenario(scenario)
    s = lab.scenario
    roles = sorted(set(lab.roster.roles) - {""})
    console.print(
        f"ok {lab.source}: '{s.name}', {lab.roster.size} people"
        + (f" in {len(roles)} roles" if roles else "")
        + f", {len(s.blueprint.components)} components, seed {s.seed}",
        highlight=False,
    )
