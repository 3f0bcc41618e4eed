"""``talentmoat init``: a complete, commented scenario for a roster CSV, built on a template.

The roster (``id``, ``name``, optional ``role`` and pay columns, ``k.<component>`` per
component — what ``talentmoat scan --roster-out`` writes) gives the people and the blueprint's
components; a template scenario (bundled ``lean-lab`` by default) gives everything else.

Rules (each is an ASSUMPTION the written file repeats in a comment):

- **Components**: one per ``k.<id>`` column, equal weights; replication cost and tacit share are
  the template's means over its components.
- **Roles**, when the roster has no ``role`` column (or a row leaves it empty): the written
  scenario sets ``roster.core_per_component`` (:data:`CORE_PER_COMPONENT`), so the loader makes
  the largest holders of each component ``core`` and everyone else ``contributor``
  (:func:`talentmoat.roster.fill_roles`). ``core`` pays like the template's ``core`` cohort (else
  its best-paid cohort) and ``contributor`` like its largest cohort; every template role that
  pays at least as much as the ``core`` source maps to ``core``, the others to ``contributor``,
  and role lists (policy eligibility, visibility) follow that map. Roles a ``role`` column gives
  are kept; template role names the roster does not have are dropped.
- **Compute**: teams follow headcount (no ``teams``); the cluster is scaled to the roster's
  headcount. Firm, rivals, behaviour, policies, investors, strategies and simulation are the
  template's.

Pure: it takes texts and validated objects and returns YAML text; the CLI reads and writes.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Any

import numpy as np

from talentmoat.compensation import resolve_pay
from talentmoat.roster import (
    CONTRIBUTOR_ROLE,
    CORE_ROLE,
    PAY_COLUMNS,
    Roster,
    csv_components,
    fill_roles,
    generate_cohorts,
    read_roster_csv,
)
from talentmoat.safeyaml import dump_yaml
from talentmoat.scenario import Scenario

CORE_PER_COMPONENT = 3
"""How many of each component's largest holders are ``core`` when the roster gives no roles."""
CORE = CORE_ROLE
CONTRIBUTOR = CONTRIBUTOR_ROLE
_PAY_FIELDS = ("cash", "equity_grant_per_year", "vest_years", "tenure_years")


@dataclass(frozen=True)
class Scaffold:
    """A scenario written for a roster.

    Attributes:
        text: The commented YAML.
        roles: The role of every person, in roster order (length N).
        assigned: Whether roles came from the rule (True) or the roster's ``role`` column.
    """

    text: str
    roles: tuple[str, ...]
    assigned: bool


def _template_pay(template: Scenario) -> dict[str, dict[str, float]]:
    """Each template role's resolved pay (the first person of the role, via resolve_pay)."""
    components = template.blueprint.ids
    if template.roster.cohorts is None:
        return {}
    people = generate_cohorts(template.roster.cohorts, components, template.seed)
    pay = resolve_pay(template, people)
    out: dict[str, dict[str, float]] = {}
    for i, role in enumerate(people.roles):
        if role not in out:
            out[role] = {f: float(getattr(pay, f)[i]) for f in _PAY_FIELDS}
    return out


def _role_map(template: Scenario, pay: dict[str, dict[str, float]]) -> tuple[str, str,
                                                                             dict[str, str]]:
    """The template cohorts that pay ``core`` and ``contributor``, and template role → role."""
    cohorts = template.roster.cohorts or []
    if not cohorts:
        return "", "", {}
    total = {r: p["cash"] + p["equity_grant_per_year"] for r, p in pay.items()}
    roles = [c.role for c in cohorts]
    core_src = CORE if CORE in roles else max(roles, key=lambda r: total[r])
    largest = max(cohorts, key=lambda c: c.count).role
    contributor_src = largest if largest != core_src else min(roles, key=lambda r: total[r])
    mapping = {r: CORE if total[r] >= total[core_src] else CONTRIBUTOR for r in roles}
    return core_src, contributor_src, mapping


def _mapped(role: str, mapping: dict[str, str], present: set[str]) -> str:
    """A template role as a role of this roster (a role the roster has stays itself)."""
    return role if role in present else mapping.get(role, role)


def _map_roles(roles: list[str], mapping: dict[str, str], present: set[str]) -> list[str]:
    out = [_mapped(r, mapping, present) for r in roles]
    return list(dict.fromkeys(r for r in out if r in present))


def _visibility(template: dict[str, float], sources: dict[str, str],
                present: set[str]) -> dict[str, float]:
    """Visibility by role: each role takes its source role's (``default`` is kept)."""
    out = {r: v for r, v in template.items() if r == "default"}
    for role in sorted(present):
        source = sources.get(role, role)
        if source in template:
            out[role] = template[source]
    return out


def build_scaffold(roster_text: str, roster_source: str, roster_ref: str, template: Scenario,
                   template_name: str, name: str) -> Scaffold:
    """Write a scenario for a roster CSV on a template.

    Args:
        roster_text: The roster CSV.
        roster_source: Its name, for messages.
        roster_ref: The path the scenario names it by (relative to the scenario file).
        template: The validated template scenario.
        template_name: How the template is named in comments (e.g. ``lean-lab``).
        name: The new scenario's ``name``.

    Returns:
        The scenario text and the roles it gives.

    Raises:
        InputError: The roster is invalid or has no ``k.<component>`` column.
    """
    components = csv_components(roster_text, roster_source)
    roster = read_roster_csv(roster_text, roster_source, components)
    pay = _template_pay(template)
    core_src, contributor_src, mapping = _role_map(template, pay)
    assigned = not all(roster.roles)
    roles = fill_roles(roster, CORE_PER_COMPONENT).roles
    present = set(roles)
    data = template.model_dump(mode="json", exclude_defaults=False)
    n_template = sum(c.count for c in template.roster.cohorts or [])

    data["name"] = name
    data["description"] = (f"{name}: {roster.size} people from {roster_ref}, on the "
                           f"{template_name} template.")
    bp = template.blueprint
    data["blueprint"] = {"components": [
        {"id": c, "weight": 1.0 / len(components),
         "replication_cost": float(np.mean(bp.replication_costs)),
         "tacit": round(float(np.mean(bp.tacit)), 6)} for c in components]}
    data["roster"] = {"csv": roster_ref}
    if assigned:
        data["roster"]["core_per_component"] = CORE_PER_COMPONENT
    plan = data["knowledge"]["plan"]
    plan["org_holds"] = [c for c in plan["org_holds"] if c in components]
    plan["max_components"] = min(plan["max_components"], len(components))
    data["pay"] = _pay_section(template, pay, core_src, contributor_src, present)
    firm = data.get("firm")
    if firm is not None:
        sources = {CORE: core_src, CONTRIBUTOR: contributor_src} if assigned else {}
        firm["visibility"] = _visibility(firm["visibility"], sources, present)
        if firm.get("compute") is not None:
            firm["compute"]["teams"] = []
            if n_template:
                firm["compute"]["gpu_hours_per_quarter"] *= roster.size / n_template
    for section in ("synthetic_equity", "retention_grant"):
        policy = data["policies"].get(section)
        if policy is not None:
            policy["roles"] = _map_roles(policy["roles"], mapping, present)
    tables = [data["policies"]["blue_sky"]["tokens"]] if data["policies"].get("blue_sky") else []
    if firm is not None:
        tables += [firm["attrition"]["total"], firm["attrition"]["to_parties"]]
    for table in tables:  # role-keyed tables: tokens, observed attrition
        mapped = {("default" if r == "default" else _mapped(r, mapping, present)): v
                  for r, v in table.items()}
        table.clear()
        table.update({r: v for r, v in mapped.items() if r == "default" or r in present})
    if firm is not None:  # the template's parties aim at its core: others leave elsewhere
        shares = firm["attrition"]["to_parties"]
        kept = {r: v for r, v in shares.items() if r == CORE}
        shares.clear()
        shares.update({"default": 0.0, **kept})
    for rival in data["rivals"]:
        rival["rebuild_focus"] = {c: v for c, v in rival["rebuild_focus"].items()
                                  if c in components}
        if isinstance(rival["initial_coverage"], dict):
            rival["initial_coverage"] = {c: v for c, v in rival["initial_coverage"].items()
                                         if c in components}
    text = _render(data, roster, roster_ref, template_name, assigned, core_src, contributor_src)
    return Scaffold(text=text, roles=roles, assigned=assigned)


def _pay_section(template: Scenario, pay: dict[str, dict[str, float]], core_src: str,
                 contributor_src: str, present: set[str]) -> dict[str, Any]:
    """Role defaults: core and contributor from their sources, other roles by name."""
    out: dict[str, Any] = {r: p for r, p in template.model_dump(mode="json")["pay"].items()
                           if r == "default" or r in present}
    if core_src and CORE in present:
        out[CORE] = pay[core_src]
    if contributor_src and CONTRIBUTOR in present:
        out[CONTRIBUTOR] = pay[contributor_src]
    for role in sorted(present - {CORE, CONTRIBUTOR}):
        if role in pay:
            out[role] = pay[role]
    if contributor_src and "default" not in out:
        out["default"] = pay[contributor_src]
    return out


_SECTION_NOTES = {
    "blueprint": "One component per k.<id> column of the roster. ASSUMPTION: equal weights; "
                 "replication cost (USD) and tacit share are the template's means. Set your own.",
    "knowledge": "From the template; org_holds keeps only components this blueprint has.",
    "pay": "Role defaults (a roster cell wins). USD a year and years; from the template's "
           "cohorts (see the header for which pays which role).",
    "firm": "From the template (valuation, cash, equity, autonomy, ...): set your lab's own. "
            "Compute teams follow headcount; the cluster is the template's scaled to this "
            "headcount (ASSUMPTION).",
    "rivals": "From the template: who makes offers, how large, how fast they rebuild.",
    "behaviour": "Coefficients of the move decision, from the template (docs/model.md §E).",
    "policies": "The firewalls, from the template; role lists mapped to this roster's roles "
                "(an empty list means everyone).",
    "investors": "The template's syndicate and network: ASSUMPTIONS to replace with your own.",
    "strategies": "Strategies compared by talentmoat run / compare (from the template).",
    "simulation": "Horizon and replications (from the template).",
}


def _render(data: dict[str, Any], roster: Roster, roster_ref: str, template_name: str,
            assigned: bool, core_src: str, contributor_src: str) -> str:
    """The scenario as YAML with a comment header and a comment above each section."""
    pay_note = ", ".join(c for c in PAY_COLUMNS if not np.isnan(roster.pay[c]).all()) or "none"
    if assigned:
        pays = (f"'{CORE}' pays like the template's '{core_src}', '{CONTRIBUTOR}' like its "
                f"'{contributor_src}'." if core_src else
                "Both take the template's pay defaults (it has no cohorts).")
        role_rule = (f"ASSUMPTION: roles by rule (no role column, or empty cells): the "
                     f"{CORE_PER_COMPONENT} largest holders of each component are '{CORE}', "
                     f"everyone else '{CONTRIBUTOR}'. {pays} Add a role column to the roster "
                     "to set them yourself.")
    else:
        role_rule = "Roles from the roster's role column."
    header = [
        f"Written by talentmoat init from {roster_ref} ({roster.size} people) on the "
        f"'{template_name}' template. Every section below except the blueprint and the roster",
        "is the template's; check each against your lab (docs/model.md explains each field).",
        role_rule,
        f"Pay columns in the roster: {pay_note}; the rest comes from 'pay' below.",
    ]
    lines = [f"# {h}" for h in _wrap(" ".join(header))]
    lines.append("")
    for key in ("name", "description", "seed", "currency"):
        lines.append(dump_yaml({key: data[key]}).rstrip("\n"))
    lines.append("")
    lines.append("# The people; the path is relative to this file."
                 + (" core_per_component: the role rule above." if assigned else ""))
    lines.append(dump_yaml({"roster": data["roster"]}).rstrip("\n"))
    for key, value in data.items():
        if key in ("name", "description", "seed", "currency", "roster"):
            continue
        if value is None:
            continue
        lines.append("")
        note = _SECTION_NOTES.get(key)
        if note:
            lines.extend(f"# {line}" for line in _wrap(note))
        lines.append(dump_yaml({key: value}).rstrip("\n"))
    return "\n".join(lines) + "\n"


def _wrap(text: str, width: int = 96) -> list[str]:
    return textwrap.wrap(text, width=width)

