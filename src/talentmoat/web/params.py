"""The few key parameters the dashboard lets a user move, applied to a scenario's YAML data.

Pure functions on dicts. A parameter sits at a path in the scenario (a renamed section is a
one-line fix in :data:`PARAMETERS`) and is offered only when the scenario has that path; the
offer multiple scales every rival's distribution instead.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from talentmoat.errors import InputError
from talentmoat.scenario import Scenario

OFFER_SCALE = "offer_multiple"
OFFER_FIELDS = ("median", "value")
"""Fields of an offer-multiple distribution that scale with it (lognormal, constant)."""


@dataclass(frozen=True)
class Parameter:
    """A parameter the dashboard exposes as a slider.

    Attributes:
        key: Name in requests.
        label: What the slider says.
        path: Where it sits in the scenario (empty for the offer-multiple scale).
        low: Smallest value allowed.
        high: Largest value allowed.
        step: Slider step.
    """

    key: str
    label: str
    path: tuple[str, ...]
    low: float
    high: float
    step: float


PARAMETERS = (
    Parameter(OFFER_SCALE, "Rivals' offer multiple (× the scenario's)", (), 0.5, 2.0, 0.05),
    Parameter("attrition", "Observed attrition a year (roles without their own)",
              ("firm", "attrition", "total", "default"), 0.0, 0.5, 0.01),
    Parameter("reserve_share", "Blue-sky compute reserve share",
              ("policies", "blue_sky", "reserve_share"), 0.0, 0.5, 0.01),
    Parameter("tender_cap", "Tender cap (share of a holding per window)",
              ("policies", "tenders", "cap_share_of_vested"), 0.05, 1.0, 0.05),
)


def _get(data: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        if not isinstance(data, dict) or data.get(part) is None:
            return None
        data = data[part]
    return data


def available(scenario: Scenario) -> list[dict[str, Any]]:
    """The parameters this scenario has, with their current values."""
    dump = scenario.model_dump()
    out = []
    for p in PARAMETERS:
        value = (1.0 if scenario.rivals else None) if not p.path else _get(dump, p.path)
        if isinstance(value, int | float):
            out.append({"key": p.key, "label": p.label, "low": p.low, "high": p.high,
                        "step": p.step, "value": float(value)})
    return out


def apply(data: dict[str, Any], scenario: Scenario, values: dict[str, float]) -> dict[str, Any]:
    """A copy of the scenario's YAML data with the given parameter values set.

    Args:
        data: The scenario file as parsed YAML.
        scenario: The same scenario validated (supplies defaults the file leaves out).
        values: Parameter key → value.

    Raises:
        InputError: For an unknown parameter, one this scenario lacks, or a value out of range.
    """
    offered = {p["key"] for p in available(scenario)}
    by_key = {p.key: p for p in PARAMETERS}
    out = copy.deepcopy(data)
    for key, value in values.items():
        p = by_key.get(key)
        if p is None or key not in offered:
            raise InputError.single("parameters", key, f"not a parameter of this scenario; "
                                    f"known: {', '.join(sorted(offered))}")
        if not p.low <= value <= p.high:
            raise InputError.single("parameters", key, f"must be between {p.low} and {p.high}")
        if not p.path:
            for k, rival in enumerate(scenario.rivals):
                dist = rival.offer_multiple.model_dump()
                for name in OFFER_FIELDS:
                    if name in dist:
                        dist[name] *= value
                out["rivals"][k]["offer_multiple"] = dist
            continue
        node = out
        for part in p.path[:-1]:
            node = node.setdefault(part, {})
        node[p.path[-1]] = value
    return out
