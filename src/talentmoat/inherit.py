"""Scenario inheritance: how a scenario's ``extends:`` parent and its own text merge.

A scenario may start ``extends: lean-lab`` (a bundled name) or ``extends: ../base.yaml`` (a path
relative to the file). The parent is resolved first (it may extend another, up to
:data:`MAX_EXTENDS_DEPTH` levels; a cycle is an error), then the child is merged over it:

1. **Mappings deep-merge**: a key the child gives replaces or merges into the parent's; keys the
   child leaves out are inherited. A key set to ``null`` is removed (its default applies).
2. **Lists of named items** (:data:`NAMED_LISTS`: components by ``id``, cohorts and compute teams
   by ``role``, rivals, investors, portfolio companies, parties and exit scenarios by ``name``,
   ties by ``to``) merge item by item: a child item with a parent item's key deep-merges into it,
   in the parent's order; new items are appended. The child may also write such a list as a
   mapping from key to fields (``rivals: {hyperscaler: {hires_per_quarter: 5}}``), where ``null``
   removes the item (``rivals: {hyperscaler: null}``).
3. **Any other list or value** the child gives replaces the parent's whole.
4. **Alternatives**: ``roster`` is either ``csv`` or ``cohorts``; giving one drops the other
   (and ``roster: roster.csv``, short for ``roster: {csv: roster.csv}``, replaces the whole).

Strategies are a mapping (rule 1): a child adds strategies, and ``null`` removes one.
This module is pure: it merges plain data and reads no file (:mod:`talentmoat.loader` does).
"""

from __future__ import annotations

from typing import Any

MAX_EXTENDS_DEPTH = 8
"""Longest chain of ``extends`` accepted."""

NAMED_LISTS: dict[tuple[str, ...], str] = {
    ("blueprint", "components"): "id",
    ("roster", "cohorts"): "role",
    ("firm", "compute", "teams"): "role",
    ("firm", "equity", "exits"): "name",
    ("rivals",): "name",
    ("investors", "syndicate"): "name",
    ("investors", "syndicate", "portfolio"): "name",
    ("investors", "syndicate", "ties"): "to",
    ("investors", "parties"): "name",
    ("investors", "parties", "ties"): "to",
}
"""Lists merged item by item: their path (list positions left out) → the key naming an item."""

ALTERNATIVES: dict[tuple[str, ...], tuple[str, ...]] = {("roster",): ("csv", "cohorts")}
"""Mappings whose keys exclude each other: the child giving one drops the parent's others."""


class MergeError(ValueError):
    """An override that cannot be merged; ``path`` says where (``rivals[2]``)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


def _render(path: tuple[str, ...]) -> str:
    return ".".join(path)


def merge(parent: Any, child: Any, path: tuple[str, ...] = ()) -> Any:
    """Merge ``child`` over ``parent`` by the module's rules; neither input is modified.

    Args:
        parent: The resolved parent's data (plain YAML data).
        child: The child's data.
        path: Where in the scenario the two sit (key names, list positions left out).

    Returns:
        The merged data.

    Raises:
        MergeError: A named list's item lacks its key, or repeats one.
    """
    if path in NAMED_LISTS and isinstance(parent, list):
        return _merge_named(parent, child, path)
    if isinstance(parent, dict) and isinstance(child, dict):
        out = dict(parent)
        for given in ALTERNATIVES.get(path, ()):
            if given in child:
                for other in ALTERNATIVES[path]:
                    if other != given:
                        out.pop(other, None)
        for key, value in child.items():
            if value is None:
                out.pop(key, None)
            else:
                sub = (*path, str(key))
                out[key] = merge(out[key] if key in out else _empty(value, sub), value, sub)
        return out
    return child


def _empty(value: Any, path: tuple[str, ...]) -> Any:
    """What a child's new value merges into: an empty named list or mapping, or nothing."""
    if path in NAMED_LISTS:
        return []
    return {} if isinstance(value, dict) else None


def _keyed(items: Any, key: str, path: tuple[str, ...], side: str) -> dict[Any, Any]:
    """A named list (or its mapping form) as an ordered mapping key → item."""
    if isinstance(items, dict):
        return {name: None if item is None else {key: name, **item}
                if isinstance(item, dict) else item for name, item in items.items()}
    if not isinstance(items, list):
        raise MergeError(_render(path), f"expected a list of items with '{key}' (or a mapping "
                         f"from {key} to fields) in the {side}")
    out: dict[Any, Any] = {}
    for n, item in enumerate(items):
        if not isinstance(item, dict) or key not in item:
            raise MergeError(f"{_render(path)}[{n}]", f"each item needs '{key}' for the "
                             f"{side} to be merged by it")
        name = item[key]
        try:
            repeated = name in out
        except TypeError:
            raise MergeError(f"{_render(path)}[{n}].{key}", "expected a plain value") from None
        if repeated:
            raise MergeError(f"{_render(path)}[{n}].{key}", f"'{name}' appears twice")
        out[name] = item
    return out


def _merge_named(parent: list[Any], child: Any, path: tuple[str, ...]) -> list[Any]:
    key = NAMED_LISTS[path]
    merged = _keyed(parent, key, path, "parent")
    for name, item in _keyed(child, key, path, "child").items():
        if item is None:
            merged.pop(name, None)
        else:
            merged[name] = merge(merged.get(name, {}), item, path)
    return list(merged.values())
