"""Where a history comes from: a git repository (streamed from ``git log``) or exported files.

A repository is read with exactly the command of ``data/gitlogs/README.md`` (plus, when asked,
a fifth header field for ``Co-authored-by`` trailers), through one ``git log`` subprocess whose
stdout is parsed line by line. Nothing is ever run through a shell, and nothing read from a log
is executed. A ``git log`` that dies midway is detected twice over: its exit status and the
number of commits parsed against ``git rev-list --count`` with the same history simplification.
"""

from __future__ import annotations

import gzip
import subprocess
import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from talentmoat.errors import InputError
from talentmoat.gitmine.logparse import Commit, parse_log, unquote_path
from talentmoat.inputfiles import BOM, input_file

LOG_FORMAT = "@@commit %H%x09%at%x09%aN%x09%aE"
COAUTHOR_FIELD = "%x09%(trailers:key=Co-authored-by,valueonly,separator=%x1f)"
WORKAROUND = (
    "the repository is probably missing objects (a partial, shallow or damaged clone). Fetch "
    "them (a full 'git clone', or 'git fetch --refetch'), or leave out the paths that held them "
    "with --exclude-path PATH (repeatable), or export the history where it is complete and scan "
    "it with --log/--files"
)


def _pathspec(exclude_paths: tuple[str, ...]) -> list[str]:
    return ["--", ".", *(f":(exclude,literal){p}" for p in exclude_paths)]


def git_log_command(coauthors: bool = False, exclude_paths: tuple[str, ...] = ()) -> list[str]:
    """The ``git log`` argument vector (the README's command; no shell involved).

    Args:
        coauthors: Add a fifth header field with the ``Co-authored-by`` trailers.
        exclude_paths: Literal paths to leave out of the history (``:(exclude,literal)``).

    Returns:
        The argument list, starting with ``git``.
    """
    fmt = LOG_FORMAT + (COAUTHOR_FIELD if coauthors else "")
    return ["git", "-c", "diff.renameLimit=999999", "log", "--no-merges", "--find-renames",
            "--raw", "--numstat", "--no-abbrev", f"--format={fmt}", "HEAD",
            *_pathspec(exclude_paths)]


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True,
                              encoding="utf-8", errors="replace", check=False)
    except FileNotFoundError:
        raise InputError.single("git", "", "git is not installed or not on PATH") from None


def open_repository(path: str) -> Path:
    """Check that ``path`` is a non-bare, non-shallow git work tree with at least one commit.

    Args:
        path: The directory the user named.

    Returns:
        The work tree's top-level directory.

    Raises:
        InputError: Not a directory, not a repository, bare, shallow, or no commits yet.
    """
    if not path.strip():
        raise InputError.single("(empty path)", "", "the path is empty; expected a git "
                                "repository")
    where = Path(path)
    if not where.is_dir():
        raise InputError.single(path, "", "no such directory; expected a git repository")
    top = _git(where, "rev-parse", "--show-toplevel")
    if top.returncode != 0:
        bare = _git(where, "rev-parse", "--is-bare-repository")
        if bare.returncode == 0 and bare.stdout.strip() == "true":
            raise InputError.single(path, "", "a bare repository; scan a clone with a work tree")
        raise InputError.single(path, "", "not a git repository (git rev-parse failed: "
                                f"{top.stderr.strip()[:200]})")
    root = Path(top.stdout.strip())
    if _git(root, "rev-parse", "--verify", "--quiet", "HEAD").returncode != 0:
        raise InputError.single(path, "", "the repository is empty: it has no commit (no HEAD)")
    if _git(root, "rev-parse", "--is-shallow-repository").stdout.strip() == "true":
        raise InputError.single(path, "", "a shallow clone: its history is cut off, so every "
                                "file would look created by the oldest commit's author. Run "
                                "'git fetch --unshallow' first")
    return root


def repository_files(root: Path) -> list[str]:
    """``git ls-files`` of the work tree, in git's order (the file universe before filtering)."""
    result = _git(root, "ls-files", "-z")
    if result.returncode != 0:
        raise InputError.single(str(root), "git ls-files", result.stderr.strip()[:300])
    return [p for p in result.stdout.split("\0") if p]


def _rev_list_command(exclude_paths: tuple[str, ...]) -> list[str]:
    """``git rev-list --count``: the same pathspec gives the same history simplification."""
    return ["git", "rev-list", "--count", "--no-merges", "HEAD", *_pathspec(exclude_paths)]


def check_complete(
    source: str, parsed: int, expected: int | None, returncode: int, stderr: str
) -> None:
    """Refuse a truncated history.

    Args:
        source: The repository, for the message.
        parsed: Commits parsed from the log.
        expected: Commits ``git rev-list --count`` reports (None when it failed).
        returncode: Exit status of ``git log``.
        stderr: What ``git log`` wrote on stderr.

    Raises:
        InputError: When git failed, the count failed, or fewer/more commits than expected were
            parsed.
    """
    detail = " ".join(stderr.strip().splitlines()[-3:])[:400]
    if returncode != 0:
        raise InputError.single(
            source, "git log",
            f"stopped with exit status {returncode} after {parsed} of "
            f"{'?' if expected is None else expected} commits"
            + (f" ({detail})" if detail else "") + f"; the history would be truncated. "
            f"Workaround: {WORKAROUND}")
    if expected is None:
        raise InputError.single(source, "git rev-list", "could not count the commits of HEAD, "
                                "so a complete history cannot be confirmed")
    if parsed != expected:
        raise InputError.single(
            source, "git log",
            f"printed {parsed} commits but 'git rev-list --count' counts {expected}; refusing a "
            f"partial history. Workaround: {WORKAROUND}")


def repository_commits(
    root: Path, coauthors: bool = False, exclude_paths: tuple[str, ...] = ()
) -> Iterator[Commit]:
    """Stream a repository's history through one ``git log`` subprocess.

    Args:
        root: A work tree checked by :func:`open_repository`.
        coauthors: Ask git for ``Co-authored-by`` trailers too.
        exclude_paths: Literal paths to leave out.

    Yields:
        Commits, newest first. After the last one, the exit status and the commit count (from
        ``git rev-list --count``, run concurrently) are checked (:func:`check_complete`).
    """
    source = str(root)
    parsed = 0
    with tempfile.TemporaryFile() as err:
        # the count runs beside the log (a second, cheaper walk of the same history)
        counter = subprocess.Popen(
            _rev_list_command(exclude_paths), cwd=root, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, text=True)
        proc = subprocess.Popen(
            git_log_command(coauthors, exclude_paths), cwd=root, stdout=subprocess.PIPE,
            stderr=err, stdin=subprocess.DEVNULL, text=True, encoding="utf-8",
            errors="replace")
        assert proc.stdout is not None
        completed = False
        try:
            for commit in parse_log(proc.stdout, f"git log in {root}"):
                parsed += 1
                yield commit
            completed = True
        finally:
            if not completed:
                proc.kill()
                counter.kill()
            proc.stdout.close()
            returncode = proc.wait()
            counted, _ = counter.communicate()
        err.seek(0)
        stderr = err.read().decode("utf-8", errors="replace")
    valid = counter.returncode == 0 and counted.strip().isdigit()
    check_complete(source, parsed, int(counted) if valid else None, returncode, stderr)


def log_file_commits(path: str) -> Iterator[Commit]:
    """Stream an exported history file (plain text or gzip, told apart by content).

    Args:
        path: The ``.log`` or ``.log.gz`` file.

    Yields:
        Commits, newest first.

    Raises:
        InputError: Missing file, corrupt or truncated gzip, or malformed content.
    """
    file = input_file(path, "a history exported with the git log command in "
                      "data/gitlogs/README.md", max_bytes=None)
    with file.open("rb") as probe:
        gzipped = probe.read(2) == b"\x1f\x8b"
    opener = gzip.open if gzipped else open
    try:
        with opener(file, "rt", encoding="utf-8", errors="replace") as lines:
            yield from parse_log(lines, path)
    except (EOFError, OSError, zlib.error) as exc:
        raise InputError.single(path, "", f"cannot read the file ({exc}); is it truncated or "
                                "not gzip?") from None


def read_file_list(path: str) -> list[str]:
    """Read a ``git ls-files`` listing (one path a line, git's quoting undone).

    Raises:
        InputError: Missing or empty file.
    """
    file = input_file(path, "the output of git ls-files")
    try:
        text = file.read_bytes().decode("utf-8", errors="replace").removeprefix(BOM)
    except OSError as exc:
        raise InputError.single(path, "", f"cannot read: {exc.strerror}") from None
    paths = [unquote_path(line.rstrip("\r\n")) for line in text.splitlines()]
    paths = [p for p in paths if p]
    if not paths:
        raise InputError.single(path, "", "the file list is empty; expected git ls-files output")
    return paths
