r"""Incremental parser of the exported history format (``data/gitlogs/README.md``).

The format is the output of ``git log --no-merges --find-renames --raw --numstat --no-abbrev
--format='@@commit %H%x09%at%x09%aN%x09%aE' HEAD -- .``: per commit a header line, then ``--raw``
lines (``:mode mode blob blob STATUS<TAB>path[<TAB>newpath]``), then ``--numstat`` lines
(``added<TAB>deleted<TAB>path``, ``-`` for binary files), in the same order as the raw lines.
An optional fifth header field holds ``Co-authored-by`` trailers separated by ``\x1f``.

The parser reads line by line from any text iterator (a gzip file, a ``git log`` pipe) and yields
one :class:`Commit` at a time; it never holds more than one commit's lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from talentmoat.errors import InputError

HEADER_PREFIX = "@@commit "
TRAILER_SEPARATOR = "\x1f"
_HEX = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")
_PERSON = re.compile(r"^\s*(.*?)\s*<([^<>]*)>\s*$")
_RAW_STATUS = re.compile(r"^[AMDTUXB]$|^[RC][0-9]{0,3}$")
_C_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}
EARLIEST_TIME = 0
"""Earliest author time accepted: 1970-01-01 (seconds since the Unix epoch)."""
LATEST_TIME = 4_102_444_800
"""Latest author time accepted: 2100-01-01; later (or earlier) dates are broken, not history."""
MAX_ERRORS = 20
"""At most this many problems are listed for one log file."""


@dataclass(slots=True)
class Change:
    """One file pair of a commit.

    Attributes:
        status: Git's status letter: ``A``, ``M``, ``D``, ``R``, ``C``, ``T`` (or ``U``, ``X``).
        path: The path after the change (the new name of a rename or copy).
        old_path: The path before the change; equal to ``path`` unless ``R`` or ``C``.
        added: Lines added (0 for binary files or when no numstat line was given).
        deleted: Lines deleted (0 for binary files or when no numstat line was given).
        binary: True when numstat printed ``-`` (git considers the file binary).
    """

    status: str
    path: str
    old_path: str
    added: int = 0
    deleted: int = 0
    binary: bool = False


@dataclass(slots=True)
class Commit:
    """One commit's metadata and file changes.

    Attributes:
        sha: Full commit hash.
        time: Author time, seconds since the Unix epoch.
        name: Author name (after ``.mailmap``, as ``%aN`` prints it).
        email: Author e-mail (after ``.mailmap``, as ``%aE`` prints it).
        coauthors: ``(name, email)`` of each ``Co-authored-by`` trailer (empty unless asked for).
        changes: File changes, in git's order.
    """

    sha: str
    time: int
    name: str
    email: str
    coauthors: tuple[tuple[str, str], ...] = ()
    changes: list[Change] = field(default_factory=list)


def unquote_path(text: str) -> str:
    r"""Undo git's C-style quoting of a path (``core.quotePath``), if the path is quoted.

    Args:
        text: A path as git prints it, e.g. ``"caf\303\251.py"`` (with the double quotes).

    Returns:
        The real path (UTF-8 decoded, undecodable bytes replaced); unquoted input unchanged.
    """
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        return text
    body = text[1:-1]
    out = bytearray()
    i = 0
    while i < len(body):
        ch = body[i]
        if ch != "\\" or i + 1 == len(body):
            out += ch.encode("utf-8")
            i += 1
            continue
        nxt = body[i + 1]
        if nxt in _C_ESCAPES:
            out.append(_C_ESCAPES[nxt])
            i += 2
        elif body[i + 1 : i + 4].isdigit() and len(body[i + 1 : i + 4]) == 3:
            out.append(int(body[i + 1 : i + 4], 8) & 0xFF)
            i += 4
        else:
            out += nxt.encode("utf-8")
            i += 2
    return out.decode("utf-8", errors="replace")


def parse_people(field_text: str) -> tuple[tuple[str, str], ...]:
    r"""Parse ``Name <email>`` entries separated by ``\x1f`` (the co-author header field).

    Args:
        field_text: The fifth header field; entries that are not ``Name <email>`` are skipped.

    Returns:
        ``(name, email)`` pairs in order.
    """
    people = []
    for entry in field_text.split(TRAILER_SEPARATOR):
        match = _PERSON.match(entry)
        if match and (match.group(1) or match.group(2)):
            people.append((match.group(1), match.group(2).strip()))
    return tuple(people)


class _Problems:
    """Collects parse problems and raises once too many accumulate or at the end."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.items: list[tuple[str, str]] = []

    def add(self, line_no: int, message: str) -> None:
        self.items.append((f"line {line_no}", message))
        if len(self.items) >= MAX_ERRORS:
            raise InputError(self.source, self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise InputError(self.source, self.items)


def _parse_header(line: str, line_no: int, problems: _Problems) -> Commit | None:
    parts = line[len(HEADER_PREFIX) :].split("\t")
    if len(parts) not in (4, 5):
        problems.add(line_no, f"commit header has {len(parts)} tab-separated fields; expected "
                     "'@@commit <hash>\\t<author time>\\t<name>\\t<email>'")
        return None
    sha, time_text, name, email = parts[:4]
    if not _HEX.match(sha):
        problems.add(line_no, f"'{sha[:50]}' is not a full commit hash (40 or 64 hex digits)")
        return None
    try:
        time = int(time_text)
    except ValueError:
        problems.add(line_no, f"author time '{time_text[:50]}' is not an integer (seconds)")
        return None
    if not EARLIEST_TIME <= time < LATEST_TIME:
        problems.add(line_no, f"author time {time_text[:50]} is outside 1970-01-01 to 2100-01-01; "
                     "expected seconds since the Unix epoch")
        return None
    coauthors = parse_people(parts[4]) if len(parts) == 5 and parts[4] else ()
    return Commit(sha, time, name, email, coauthors)


def _parse_raw(line: str, line_no: int, problems: _Problems) -> Change | None:
    meta, _, rest = line.partition("\t")
    fields = meta.split(" ")
    paths = rest.split("\t") if rest else []
    status = fields[-1] if len(fields) == 5 else ""
    if not _RAW_STATUS.match(status):
        problems.add(line_no, "raw line is not ':mode mode blob blob STATUS<TAB>path'")
        return None
    letter = status[0]
    want = 2 if letter in "RC" else 1
    if len(paths) != want:
        problems.add(line_no, f"status {status} needs {want} path(s), found {len(paths)}")
        return None
    new = unquote_path(paths[-1])
    return Change(letter, new, unquote_path(paths[0]) if want == 2 else new)


def _attach_numstat(
    commit: Commit, start: int, line: str, line_no: int, problems: _Problems
) -> int:
    """Attach one numstat line to the next matching raw change; return the next search index."""
    added_text, deleted_text, path_text = line.split("\t", 2)
    binary = added_text == "-" and deleted_text == "-"
    if not binary and not (added_text.isdigit() and deleted_text.isdigit()):
        problems.add(line_no, "numstat line is not '<added>\\t<deleted>\\t<path>'")
        return start
    renamed = " => " in path_text  # "old => new" or "dir/{old => new}/f" (or a name with " => ")
    path = unquote_path(path_text)
    changes = commit.changes
    for k in range(start, len(changes)):
        change = changes[k]
        if (renamed and change.status in "RC") or change.path == path:
            change.binary = binary
            if not binary:
                change.added = int(added_text)
                change.deleted = int(deleted_text)
            return k + 1
    problems.add(line_no, f"numstat line for '{path_text[:80]}' matches no raw line of commit "
                 f"{commit.sha[:12]}")
    return start


def parse_log(lines: Iterable[str], source: str) -> Iterator[Commit]:
    """Parse the history format incrementally, yielding commits in log order (newest first).

    Args:
        lines: Text lines (with or without trailing newlines), e.g. an open file or a pipe.
        source: Name of the input for error messages.

    Yields:
        One :class:`Commit` per header, with its changes and line counts.

    Raises:
        InputError: Naming the line number of every malformed line (up to ``MAX_ERRORS``);
            raised after the last commit is parsed, or as soon as ``MAX_ERRORS`` accumulate.
    """
    problems = _Problems(source)
    current: Commit | None = None
    next_numstat = 0
    line_no = 0
    for raw_line in lines:
        line_no += 1
        line = raw_line.rstrip("\r\n")
        if not line:
            continue
        if line.startswith(HEADER_PREFIX):
            if current is not None:
                yield current
            current = _parse_header(line, line_no, problems)
            next_numstat = 0
        elif current is None:
            if not problems.items:
                problems.add(line_no, "expected a commit header '@@commit <hash>\\t<author time>"
                             "\\t<name>\\t<email>' (is this a history exported with the command "
                             "in data/gitlogs/README.md?)")
        elif line[0] == ":":
            change = _parse_raw(line, line_no, problems)
            if change is not None:
                current.changes.append(change)
        elif line.count("\t") >= 2:
            next_numstat = _attach_numstat(current, next_numstat, line, line_no, problems)
        else:
            problems.add(line_no, f"unexpected line '{line[:60]}'; expected a raw line "
                         "(':mode …'), a numstat line or a commit header")
    if current is not None:
        yield current
    problems.raise_if_any()
