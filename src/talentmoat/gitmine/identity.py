"""Who is who: merging a person's aliases into one developer, and recognising bots.

Two signatures (name, e-mail) belong to the same developer when they share an e-mail or a
normalised name, transitively (the rule of Avelino et al.'s ``NewAliasHandler``). ``.mailmap`` is
applied by git itself before this (``%aN``/``%aE``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

DEFAULT_BOT_PATTERN = (
    r"\[bot\]|^(dependabot|renovate|github-actions|pre-commit-ci|copilot-swe-agent)\b"
    r"|<noreply@github\.com>|<actions@github\.com>"
)
"""Matched (case-insensitively) against ``name <email>``; a match marks a bot signature."""


def avelino_key(text: str) -> str:
    """Normalise a name or e-mail as the reference tool does (Java ``toUpperCase``)."""
    return text.upper()


def casefold_key(text: str) -> str:
    """Normalise a name or e-mail for the default mode: case-folded, whitespace collapsed."""
    return " ".join(text.casefold().split())


@dataclass(frozen=True)
class Developer:
    """One person after alias merging.

    Attributes:
        name: Display name: the name on this person's most recent commit.
        emails: Distinct e-mails seen, sorted.
        names: Distinct names seen, sorted.
    """

    name: str
    emails: tuple[str, ...]
    names: tuple[str, ...]


class IdentityIndex:
    """Collects signatures while a log streams, then merges them into developers.

    Args:
        normalise: Key function applied to names and e-mails before comparing them.
    """

    def __init__(self, normalise: Callable[[str], str]) -> None:
        self._normalise = normalise
        self._ids: dict[tuple[str, str], int] = {}
        self._signatures: list[tuple[str, str]] = []
        self._latest: list[int] = []

    def add(self, name: str, email: str, time: int) -> int:
        """Register one use of a signature at ``time`` (seconds); return the signature id."""
        key = (name, email)
        sid = self._ids.get(key)
        if sid is None:
            sid = len(self._signatures)
            self._ids[key] = sid
            self._signatures.append(key)
            self._latest.append(time)
        elif time > self._latest[sid]:
            self._latest[sid] = time
        return sid

    def resolve(self) -> tuple[list[int], list[Developer]]:
        """Merge signatures sharing a normalised e-mail or a non-empty normalised name.

        Returns:
            ``(developer_of, developers)``: ``developer_of[sid]`` is the developer index of
            signature ``sid``; developers are ordered by first appearance.
        """
        n = len(self._signatures)
        parent = list(range(n))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        owner: dict[str, int] = {}
        for sid, (name, email) in enumerate(self._signatures):
            keys = []
            norm_name = self._normalise(name)
            norm_email = self._normalise(email)
            keys.append("e:" + norm_email if norm_email else "n:" + norm_name)
            if norm_name:
                keys.append("n:" + norm_name)
            for key in keys:
                other = owner.setdefault(key, sid)
                root_a, root_b = find(sid), find(other)
                if root_a != root_b:
                    parent[max(root_a, root_b)] = min(root_a, root_b)
        index_of_root: dict[int, int] = {}
        developer_of = []
        members: list[list[int]] = []
        for sid in range(n):
            root = find(sid)
            if root not in index_of_root:
                index_of_root[root] = len(members)
                members.append([])
            members[index_of_root[root]].append(sid)
            developer_of.append(index_of_root[root])
        developers = []
        for sids in members:
            newest = max(sids, key=lambda s: (self._latest[s], -s))
            developers.append(
                Developer(
                    name=self._signatures[newest][0] or self._signatures[newest][1],
                    emails=tuple(sorted({self._signatures[s][1] for s in sids} - {""})),
                    names=tuple(sorted({self._signatures[s][0] for s in sids} - {""})),
                )
            )
        return developer_of, developers


def bot_matcher(pattern: str) -> Callable[[str, str], bool]:
    """Build a predicate ``is_bot(name, email)`` from a regular expression.

    Args:
        pattern: Searched case-insensitively in ``name <email>``; empty disables the filter.

    Returns:
        The predicate.
    """
    if not pattern:
        return lambda name, email: False
    regex = re.compile(pattern, re.IGNORECASE)
    return lambda name, email: regex.search(f"{name} <{email}>") is not None
