"""Result folders: recognised by a manifest talentmoat wrote, replaced without losing anything.

A *result folder* is a folder holding :data:`MANIFEST`, a JSON file with talentmoat's format name
(:data:`FORMAT`), its version (:data:`VERSION`) and the relative paths of every file talentmoat
wrote there. Nothing else counts: a folder that merely holds a ``summary.json`` is the user's.

Rules for ``write(out, files, fill)`` (and :func:`check`, which every command calls before any
work):

- ``out`` may be missing, an empty folder, or a result folder holding only the files its
  manifest lists; anything else (a foreign file or folder, a symbolic link, ``out`` being a
  regular file or lying under one, a folder talentmoat cannot write in) is refused with an
  :class:`~talentmoat.errors.InputError` naming the first offending path.
- The new result is written in the sibling ``.NAME.talentmoat-new`` and swapped in: the two
  folders are exchanged in one ``renameat2(RENAME_EXCHANGE)`` call where the platform has it
  (elsewhere: the old is renamed aside to ``.NAME.talentmoat-old`` and the new renamed in), and
  only then is the old one removed, file by listed file. An interruption at any moment therefore
  leaves the old or the new result whole at ``out`` (or, on the fallback path, the old one whole
  at ``.NAME.talentmoat-old``), plus at most one such leftover, which the next write restores or
  removes.
- Nothing the manifest does not list is ever deleted; folders and files get the user's umask.

A writer that learns the names of some files only while it fills the folder (a simulation's
trajectory parts, one per chunk) announces them with :func:`declare` before writing them: they
join the staging manifest at once, so an interrupted write still removes only listed files.

Pure file-system logic: callers decide what goes in the files.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import stat
import sys
from collections.abc import Callable, Sequence
from pathlib import Path, PurePosixPath

from talentmoat import __version__
from talentmoat.errors import InputError

MANIFEST = "talentmoat-manifest.json"
"""Name of the manifest inside a result folder."""

FORMAT = "talentmoat-result"
"""The manifest's ``format`` field: what marks a folder as talentmoat's."""

VERSION = 1
"""The manifest's ``version`` field; a manifest with a larger version is refused."""

NEW_SUFFIX = ".talentmoat-new"
OLD_SUFFIX = ".talentmoat-old"
_MANIFEST_PART = MANIFEST + ".part"
"""The manifest is written here first and renamed over :data:`MANIFEST`."""

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _checkpoint(stage: str) -> None:
    """Called at each stage of :func:`write`; tests replace it to interrupt a write there.

    Stages, in order: ``staging`` (empty new folder and its manifest exist), ``filled`` (files
    written), ``complete`` (manifest final), ``swapped`` (new result at ``out``, old aside),
    ``aside`` (fallback only: old renamed aside, new not yet in).
    """


def staging_path(out: Path) -> Path:
    """Where the new result is written before it is swapped in."""
    return out.parent / f".{out.name}{NEW_SUFFIX}"


def aside_path(out: Path) -> Path:
    """Where the old result waits while it is removed."""
    return out.parent / f".{out.name}{OLD_SUFFIX}"


def _refuse(path: Path, message: str) -> InputError:
    return InputError.single(str(path), "", message)


def _safe_relative(name: object) -> bool:
    """Whether a manifest entry is a plain relative path inside the folder."""
    if not isinstance(name, str) or not name or "\\" in name or "\x00" in name:
        return False
    parts = PurePosixPath(name).parts
    return not PurePosixPath(name).is_absolute() and all(p not in (".", "..") for p in parts)


def read_manifest(folder: Path) -> list[str] | None:
    """The files a folder's manifest lists, or None if it has no talentmoat manifest.

    Raises:
        InputError: If the manifest is talentmoat's but from a newer format version.
    """
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    version, files = data.get("version"), data.get("files")
    if not isinstance(version, int) or not isinstance(files, list):
        return None
    if version > VERSION:
        raise _refuse(folder / MANIFEST, f"written by a newer talentmoat (format version "
                      f"{version}; this one reads up to {VERSION}); use that version or another "
                      "--out")
    if not all(_safe_relative(f) for f in files):
        return None
    return list(files)


def _write_manifest(folder: Path, files: Sequence[str], complete: bool) -> None:
    part = folder / _MANIFEST_PART
    part.write_text(json.dumps({"format": FORMAT, "version": VERSION, "complete": complete,
                                "talentmoat_version": __version__, "files": list(files)},
                               indent=2) + "\n", encoding="utf-8")
    os.replace(part, folder / MANIFEST)


def _is_regular(folder: Path, name: str) -> bool:
    """Whether ``folder/name`` is a regular file reached through real folders (no links)."""
    path = folder
    parts = PurePosixPath(name).parts
    for k, part in enumerate(parts):
        path = path / part
        try:
            mode = os.lstat(path).st_mode
        except OSError:
            return False
        if not (stat.S_ISREG(mode) if k == len(parts) - 1 else stat.S_ISDIR(mode)):
            return False
    return True


def foreign_entries(folder: Path, listed: Sequence[str], own: Sequence[str] = (MANIFEST,),
                    ) -> list[str]:
    """Entries of ``folder`` (relative, sorted) that are neither listed nor folders of listed ones.

    Symbolic links and special files are always foreign; a folder is foreign when no listed
    file lies in it (it is reported with a trailing ``/``).
    """
    allowed = {*listed, *own}
    parents = {str(p) for name in allowed for p in PurePosixPath(name).parents if str(p) != "."}
    found: list[str] = []
    for root, dirs, names in os.walk(folder):
        base = Path(root).relative_to(folder)
        for d in sorted(dirs):
            rel = (base / d).as_posix()
            if os.path.islink(Path(root) / d) or rel not in parents:
                found.append(rel + "/")
        dirs[:] = [d for d in sorted(dirs) if (base / d).as_posix() + "/" not in found]
        for name in sorted(names):
            rel = (base / name).as_posix()
            if rel not in allowed or not _is_regular(folder, rel):
                found.append(rel)
    return sorted(found)


def _ours(folder: Path) -> list[str] | None:
    """Listed files of a talentmoat folder (empty list for an empty folder), else None."""
    if not any(folder.iterdir()):
        return []
    return read_manifest(folder)


def _top_entries(folder: Path) -> list[str]:
    return sorted(p.name + ("/" if p.is_dir() else "") for p in folder.iterdir())


def _check_leftover(path: Path) -> None:
    """Raise unless ``path`` is absent or a leftover :func:`write` can remove."""
    if not os.path.lexists(path):
        return
    if not path.is_dir() or path.is_symlink():
        raise _refuse(path, "is not a folder talentmoat left behind; talentmoat needs this name "
                      "for its temporary result folder: move it away")
    listed = _ours(path)
    foreign = (foreign_entries(path, listed, (MANIFEST, _MANIFEST_PART)) if listed is not None
               else _top_entries(path))
    if foreign:
        raise _refuse(path, f"holds {foreign[0]}, which talentmoat did not write; talentmoat "
                      "needs this name for its temporary result folder: move it away")


def _nearest_existing(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if os.path.lexists(candidate):
            return candidate
    return Path(".")


def check(out: Path) -> None:
    """Raise unless a result can be written at ``out``; touches nothing. Call before any work.

    Raises:
        InputError: If ``out`` is a regular file or a link, lies under a regular file, is a
            folder holding anything talentmoat did not write (naming the first such file), or
            cannot be written.
    """
    out = Path(out)
    existing = _nearest_existing(out.absolute())
    if existing != out.absolute() and not existing.is_dir():
        raise _refuse(out, f"cannot be a folder: {existing} is a file; choose another --out")
    if os.path.islink(out):
        raise _refuse(out, "is a symbolic link; --out must name a folder itself")
    if out.exists() and not out.is_dir():
        raise _refuse(out, "is a file, not a folder; --out must name a new or empty folder, or "
                      "an earlier talentmoat result")
    writable = out if out.exists() else existing
    for folder in {writable, _nearest_existing(out.absolute().parent)}:
        if not os.access(folder, os.W_OK | os.X_OK):
            raise _refuse(out, f"cannot write in {folder} (permission denied); choose another "
                          "--out")
    if out.is_dir():
        listed = _ours(out)
        foreign = foreign_entries(out, listed) if listed is not None else _top_entries(out)
        if foreign:
            raise _refuse(out, f"holds {foreign[0]}, which talentmoat did not write; --out "
                          f"must name a new or empty folder, or an earlier talentmoat result "
                          f"(one with {MANIFEST}); nothing was changed")
    _check_leftover(staging_path(out))
    _check_leftover(aside_path(out))


def _discard(folder: Path) -> None:
    """Remove a talentmoat folder: its listed files, its manifest, then the emptied folders.

    Raises:
        InputError: If anything else is in it (which is left in place).
    """
    if not os.path.lexists(folder):
        return
    listed = _ours(folder) or []
    for name in [*listed, MANIFEST, _MANIFEST_PART]:
        if _is_regular(folder, name):
            (folder / name).unlink()
    subfolders = {p for name in listed for p in PurePosixPath(name).parents if str(p) != "."}
    for sub in sorted(subfolders, key=lambda p: len(p.parts), reverse=True):
        with contextlib.suppress(OSError):  # holds something unlisted: reported below
            (folder / sub).rmdir()
    try:
        folder.rmdir()
    except OSError:
        raise _refuse(folder, "left in place: it holds files talentmoat did not write") from None


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2``); False where that is unavailable."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: the file system cannot exchange
        return False
    raise OSError(err, os.strerror(err), str(a))


def _recover(out: Path) -> None:
    """Finish what an interrupted write left: restore an old result set aside, drop leftovers."""
    aside, new = aside_path(out), staging_path(out)
    if not os.path.lexists(out) and os.path.isdir(aside) and read_manifest(aside) is not None:
        os.rename(aside, out)  # interrupted between the two renames of the fallback swap
    _discard(new)
    _discard(aside)


def declare(folder: Path, files: Sequence[str]) -> None:
    """Add files to the staging folder's manifest before ``fill`` writes them.

    Args:
        folder: The folder :func:`write` gave ``fill``.
        files: Further relative paths (``/``-separated) ``fill`` will write.

    Raises:
        ValueError: If a path is not a plain relative one, is the manifest, or ``folder`` is
            not a staging folder (programming errors).
    """
    folder = Path(folder)
    listed = read_manifest(folder)
    if not folder.name.endswith(NEW_SUFFIX) or listed is None:
        raise ValueError(f"{folder} is not a result folder being written")
    if not all(_safe_relative(f) for f in files) or MANIFEST in files:
        raise ValueError(f"result files must be plain relative paths other than {MANIFEST}")
    _write_manifest(folder, [*listed, *[f for f in files if f not in listed]], complete=False)


def write(out: Path, files: Sequence[str], fill: Callable[[Path], None]) -> Path:
    """Write a result folder at ``out`` by the rules of this module, replacing an earlier one.

    Args:
        out: The result folder.
        files: Relative paths of the files ``fill`` writes (``/``-separated).
        fill: Writes exactly those files into the folder it is given, and those it announces
            with :func:`declare` first.

    Returns:
        ``out``.

    Raises:
        InputError: As :func:`check`.
        ValueError: If ``fill`` wrote other files than ``files`` (a programming error).
    """
    out = Path(out)
    if not all(_safe_relative(f) for f in files) or MANIFEST in files:
        raise ValueError(f"result files must be plain relative paths other than {MANIFEST}")
    check(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    _recover(out)
    new = staging_path(out)
    new.mkdir()
    try:
        _write_manifest(new, files, complete=False)
        _checkpoint("staging")
        fill(new)
        files = read_manifest(new) or []
        _checkpoint("filled")
        missing = [f for f in files if not _is_regular(new, f)]
        stray = foreign_entries(new, files)
        if missing or stray:
            raise ValueError(f"result writer wrote {stray} and left out {missing}")
        _write_manifest(new, files, complete=True)
        _checkpoint("complete")
        check(out)  # nothing foreign appeared in out while the result was computed
    except BaseException:
        _discard(new)
        raise
    if not os.path.lexists(out):
        os.rename(new, out)
        return out
    aside = aside_path(out)
    if _exchange(new, out):
        os.rename(new, aside)
    else:
        os.rename(out, aside)
        _checkpoint("aside")
        os.rename(new, out)
    _checkpoint("swapped")
    _discard(aside)
    return out
