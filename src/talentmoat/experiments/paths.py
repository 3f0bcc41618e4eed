"""Paths into a scenario: ``firm.valuation``, ``rivals[hyperscaler].offer_multiple.median``.

A path is a dot-separated chain of field names; a list item is addressed in brackets by its
``name``, ``id`` or ``role`` (``blueprint.components[data_curation].tacit``), or ``[*]`` for every
item; a mapping entry by its key (``firm.visibility.core``). Paths are resolved against the plain
data of a validated scenario (``Scenario.model_dump()``), so every field — set in the file or left
at its default — can be addressed. Pure functions; no I/O.
"""

from __future__ import annotations

import re
from typing import Any

ITEM_KEYS = ("name", "id", "role")
"""Fields that name a list item, tried in this order."""

_SEGMENT = re.compile(r"([^.\[\]]+)((?:\[[^\[\]]+\])*)")

Location = tuple[str | int, ...]
"""A resolved place in the data: keys and list indices, e.g. ``("rivals", 0, "friction")``."""


class PathError(ValueError):
    """A path that is malformed or does not resolve (the message says where it stops)."""


def _steps(path: str) -> list[str | tuple[str]]:
    """Split a path into keys (str) and list selectors (1-tuples)."""
    steps: list[str | tuple[str]] = []
    rest = path
    while rest:
        m = _SEGMENT.match(rest)
        if not m:
            raise PathError(f"malformed path '{path}' near '{rest}'")
        steps.append(m.group(1))
        steps += [(sel,) for sel in re.findall(r"\[([^\[\]]+)\]", m.group(2))]
        rest = rest[m.end():]
        if rest.startswith("."):
            rest = rest[1:]
            if not rest:
                raise PathError(f"malformed path '{path}': ends with '.'")
        elif rest:
            raise PathError(f"malformed path '{path}' near '{rest}'")
    if not steps:
        raise PathError("empty path")
    return steps


def _label(item: Any) -> str | None:
    if isinstance(item, dict):
        for key in ITEM_KEYS:
            if isinstance(item.get(key), str):
                return item[key]
    return None


def resolve(data: Any, path: str) -> list[Location]:
    """Every location a path addresses in ``data`` (several with ``[*]``).

    Raises:
        PathError: If the path is malformed or a step does not exist (naming the step and,
            for a list, the names it has).
    """
    found: list[tuple[Location, Any]] = [((), data)]
    done = ""
    for step in _steps(path):
        nxt: list[tuple[Location, Any]] = []
        for loc, node in found:
            if isinstance(step, tuple):
                sel = step[0]
                if not isinstance(node, list):
                    raise PathError(f"'{done}' is not a list; '[{sel}]' does not apply")
                if sel == "*":
                    nxt += [((*loc, k), item) for k, item in enumerate(node)]
                    continue
                hits = [k for k, item in enumerate(node) if _label(item) == sel]
                if not hits:
                    names = ", ".join(n for n in map(_label, node) if n) or "none"
                    raise PathError(f"'{done}' has no item named '{sel}' (it has: {names})")
                nxt += [((*loc, k), node[k]) for k in hits]
            else:
                if isinstance(node, list):
                    raise PathError(f"'{done}' is a list; address an item as "
                                    f"'{done}[NAME]' or '{done}[*]'")
                if not isinstance(node, dict) or step not in node:
                    where = f"'{done}'" if done else "the scenario"
                    keys = ", ".join(sorted(node)) if isinstance(node, dict) else "none"
                    raise PathError(f"{where} has no field '{step}' (fields: {keys})")
                nxt.append(((*loc, step), node[step]))
        found = nxt
        done += f"[{step[0]}]" if isinstance(step, tuple) else (f".{step}" if done else step)
    if not found:
        raise PathError(f"'{path}' addresses no item (an empty list)")
    return [loc for loc, _ in found]


def get(data: Any, loc: Location) -> Any:
    """The value at a resolved location."""
    for key in loc:
        data = data[key]
    return data


def render(loc: Location) -> str:
    """A location as text, list indices in brackets: ``rivals[0].friction``."""
    out = ""
    for key in loc:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else key)
    return out
