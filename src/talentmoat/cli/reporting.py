"""Gather a report's inputs from a scenario and a simulation payload, and write report.html.

Shared by ``talentmoat run``, ``talentmoat report`` and the dashboard. People are named through
:class:`~talentmoat.cli.privacy.People` (one call site) and inputs through
:func:`~talentmoat.cli.privacy.input_fields`, so under a pseudonym key the report holds no
roster id or name, no path and no plain digest of the inputs.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from talentmoat.cli.investors import investors_payload
from talentmoat.cli.knowledge import PLAN_K, knowledge_payload, knowledge_summary
from talentmoat.cli.privacy import ANONYMIZED_SOURCE, People, input_fields
from talentmoat.cli.shock import PEOPLE_REPS, named_values
from talentmoat.errors import InputError

if TYPE_CHECKING:  # Plotly and Jinja2 load only when a report is made (CLI start-up stays light)
    from talentmoat.loader import Lab
    from talentmoat.report.document import ReportInputs

REPORT = "report.html"
SHOCK_TOP = 3
"""The report's poach shock hires the poach-k optimum of this many people (the seed's "two or
three key architects")."""
VALUE_CANDIDATES = 20
"""The report values only this many people, those with the largest standalone share."""
REPORT_MODE = 0o644
"""A report is meant to be handed on: readable by others, unlike ``mkstemp``'s 0600."""

DUCKDB_MAGIC = (8, b"DUCK")
"""Offset and bytes that mark a DuckDB database file."""

GENERATOR = '<meta name="generator" content="talentmoat report">'
"""The line near the top of every report: only a file holding it is replaced by a new report."""


def knowledge_view(lab: Lab, standalone: list[float], people: People) -> dict[str, Any]:
    """The heatmap's data: person ids, roles, components, ``K`` (N × C) and ``B({i})``."""
    return {
        "people": people.ids,
        "roles": people.roles,
        "components": lab.scenario.blueprint.ids,
        "K": lab.roster.K.tolist(),
        "standalone": list(standalone),
    }


def investor_network(lab: Lab, key: bytes | None) -> dict[str, Any] | None:
    """Nodes and edges of the syndicate under the request, or None without investors."""
    from talentmoat.investors import syndicate_graph

    section = lab.scenario.investors
    if not section.syndicate:
        return None
    payload = investors_payload(lab, key)
    reach: dict[str, float] = {}
    for inv in payload["investors"]:
        reach[inv["name"]] = 1.0  # each investor holds the map
        for node, p in inv["reach"].items():
            reach[node] = max(reach.get(node, 0.0), p)
    graph = syndicate_graph(section, [r.name for r in lab.scenario.rivals])
    kinds = {v.name: "investor" for v in section.syndicate}
    kinds |= {p.name: "company" for v in section.syndicate for p in v.portfolio}
    kinds |= {p.name: "party" for p in section.parties}
    kinds |= {r.name: "rival" for r in lab.scenario.rivals}
    decisions = {inv["name"]: inv["decision"] for inv in payload["investors"]}
    return {
        "nodes": [{"name": n, "kind": kinds.get(n, "party"), "decision": decisions.get(n),
                   "reach": reach.get(n, 0.0)} for n in graph.nodes],
        "edges": [{"source": u, "target": v, "p": p} for u, v, p in graph.edges(data="p")],
    }


def shock_payloads(lab: Lab, simulation: dict[str, Any], standalone: list[float],
                   people: People) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The report's top-k poach shock and person values, on the run's dimensions and seed.

    The shock runs the run's replications; person values take the :data:`VALUE_CANDIDATES`
    people with the largest standalone share, at most :data:`PEOPLE_REPS` replications each
    (``talentmoat people`` values everyone). Both hire into the strongest rival under the
    baseline (MODEL.md §I). Each payload records its own ``wall_time_s``.

    Returns:
        The shock and the values payloads (people named through ``people``), or None for both
        when the scenario has no rival or the run has fewer than two replications (no CI).
    """
    from talentmoat.sim.setup import rival_shares
    from talentmoat.sim.shock import person_values, poach_shock, prepare, top_people

    prov = simulation["provenance"]
    reps, quarters, seed = int(prov["replications"]), int(prov["quarters"]), int(prov["seed"])
    if reps < 2 or not rival_shares(lab):
        return None, None
    start = time.perf_counter()
    prep = prepare(lab, replications=reps, quarters=quarters, seed=seed)  # calibrated once
    chosen, exact = top_people(lab, min(SHOCK_TOP, len(standalone)))
    shock = poach_shock(lab, None, chosen, prepared=prep)
    shock["people"], shock["exact_optimum"] = people.of(shock["people"]), exact
    shock["wall_time_s"] = round(time.perf_counter() - start, 2)
    start = time.perf_counter()
    order = sorted(range(len(standalone)), key=lambda i: -standalone[i])[:VALUE_CANDIDATES]
    values = named_values(person_values(lab, None, people=order, prepared=replace(
        prep, replications=min(reps, PEOPLE_REPS))), people)
    values["wall_time_s"] = round(time.perf_counter() - start, 2)
    values["selection"] = (f"the {len(order)} of {len(standalone)} people with the largest "
                           "standalone share")
    return shock, values


def anonymized(simulation: dict[str, Any], lab: Lab | None, key: bytes | None
               ) -> dict[str, Any]:
    """The payload with its input fields as :func:`input_fields` gives them under ``key``."""
    if key is None:
        return simulation
    prov = {k: v for k, v in simulation["provenance"].items()
            if k not in ("source", "scenario_sha256", "scenario_hmac_sha256")}
    fields = input_fields(lab, key) if lab is not None else {"source": ANONYMIZED_SOURCE}
    return {**simulation, "provenance": {**prov, **fields}}


def report_inputs(lab: Lab | None, simulation: dict[str, Any], key: bytes | None,
                  notes: list[str] | None = None) -> ReportInputs:
    """Everything the report shows; without the scenario only the simulation sections.

    Args:
        lab: The scenario, or None when it is not known.
        simulation: The simulation payload.
        key: The pseudonym key under ``--anonymize``, or None for real ids and names.
        notes: Sentences about missing sections.
    """
    from talentmoat.report.document import ReportInputs

    simulation = anonymized(simulation, lab, key)
    if lab is None:
        return ReportInputs(simulation=simulation, notes=notes or [])
    summary = knowledge_summary(lab, PLAN_K)
    people = People(lab, key)
    standalone = summary.standalone.tolist()
    shock, values = shock_payloads(lab, simulation, standalone, people)
    return ReportInputs(
        simulation=simulation,
        knowledge=knowledge_payload(lab, summary, people, top=10),
        view=knowledge_view(lab, standalone, people),
        network=investor_network(lab, key) if lab.scenario.firm is not None else None,
        shock=shock,
        values=values,
        notes=notes or [],
    )


def report_html(lab: Lab | None, simulation: dict[str, Any], key: bytes | None,
                notes: list[str] | None = None) -> str:
    """The report of a simulation payload (and its scenario, when known) as HTML."""
    from talentmoat.report.document import render_report

    return render_report(report_inputs(lab, simulation, key, notes))


def is_duckdb(path: Path) -> bool:
    """Whether ``path`` is a DuckDB file (a sweep or optimization store), by its header."""
    offset, magic = DUCKDB_MAGIC
    if not path.is_file():
        return False
    with path.open("rb") as f:
        return f.read(offset + len(magic))[offset:] == magic


def check_report_target(path: Path) -> None:
    """Raise unless a report may be written at ``path``; touches nothing. Call before any work.

    A report replaces only an earlier talentmoat report (a regular file with :data:`GENERATOR`
    in its first 4 KiB), never another file of the user's.

    Raises:
        InputError: If ``path`` is a folder, a link, a special file or a file talentmoat did
            not write, or lies under a regular file.
    """
    path = Path(path)
    for parent in path.absolute().parents:
        if os.path.lexists(parent):
            if not parent.is_dir():
                raise InputError.single(str(path), "", f"cannot be written: {parent} is a file")
            break
    if not os.path.lexists(path):
        return
    if path.is_symlink() or not path.is_file():
        raise InputError.single(str(path), "", "is not a regular file; -o must name a new file "
                                "or an earlier talentmoat report")
    with path.open("rb") as f:
        head = f.read(4096)
    if GENERATOR.encode() not in head:
        raise InputError.single(str(path), "", "exists and is not a talentmoat report; "
                                "choose another -o (nothing was changed)")


def write_report(path: Path, text: str) -> Path:
    """Write a report at ``path`` (see :func:`check_report_target`), atomically."""
    check_report_target(path)
    return write_atomic(path, text)


def write_atomic(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` through a temporary sibling and a rename (never half a file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, REPORT_MODE)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def read_results(folder: Path) -> dict[str, Any]:
    """The simulation payload of a results directory (its ``summary.json``).

    Raises:
        InputError: If the folder holds no readable talentmoat summary.
    """
    from talentmoat.loader import read_text_file
    from talentmoat.sim.store import SUMMARY

    source = str(Path(folder) / SUMMARY)
    text = read_text_file(Path(folder) / SUMMARY, source)
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError.single(source, f"line {exc.lineno}, column {exc.colno}",
                                f"invalid JSON: {exc.msg}") from None
    if not isinstance(payload, dict) or not {"provenance", "strategies"} <= payload.keys():
        raise InputError.single(source, "", "not a talentmoat summary (expected provenance and "
                                "strategies)")
    return payload


def scenario_of(payload: dict[str, Any]) -> tuple[Lab | None, list[str]]:
    """The scenario a stored result came from, if it is still there unchanged.

    Returns:
        The lab (or None) and a note saying why the scenario sections are missing (naming no
        path: the note may go into an anonymized report).
    """
    from talentmoat.loader import load_scenario

    prov = payload["provenance"]
    missing = "the knowledge and investor sections are left out."
    if "scenario_sha256" not in prov:
        return None, [f"The stored results name no scenario file (anonymized): {missing}"]
    try:
        lab = load_scenario(str(prov.get("source", "")).removeprefix("bundled:"))
    except InputError:
        return None, [f"The scenario of this run could not be loaded: {missing}"]
    if lab.digest != prov["scenario_sha256"]:
        return None, [f"The scenario file changed since this run (its SHA-256 differs): "
                      f"{missing}"]
    return lab, []
