"""Opening the files a user names: inputs checked before they are read, outputs before any work.

Every check fails with an :class:`~talentmoat.errors.InputError` naming the path as the user gave
it: an empty path, a missing file, a folder where a file is expected, something that is not a
regular file (a FIFO would block forever, ``/dev/zero`` never ends), a file over its size cap, or
text that is not UTF-8. A UTF-8 byte-order mark (what Excel writes) is dropped.
"""

from __future__ import annotations

import csv
import io
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from talentmoat.errors import InputError

MAX_INPUT_BYTES = 64 * 1024 * 1024
"""Default cap on one input file (roster and events CSVs, file lists)."""
BOM = "\ufeff"


def input_file(path: str | Path, what: str, max_bytes: int | None = MAX_INPUT_BYTES,
               source: str | None = None) -> Path:
    """Check that ``path`` names a regular file of at most ``max_bytes`` bytes.

    Args:
        path: The path as the user gave it.
        what: What the file should be, for messages (e.g. ``a roster CSV``).
        max_bytes: Size cap in bytes; None for none (streamed inputs such as git logs).
        source: Name used in messages (default: ``path``).

    Returns:
        The path.

    Raises:
        InputError: Empty path, missing, a directory, not a regular file, or too large.
    """
    name = str(path) if source is None else source
    if not str(path).strip():
        raise InputError.single(name.strip() or "(empty path)", "",
                                f"the path is empty; expected {what}")
    file = Path(path)
    try:
        info = file.stat()
    except FileNotFoundError:
        raise InputError.single(name, "", f"no such file; expected {what}") from None
    except OSError as exc:
        raise InputError.single(name, "", f"cannot read: {exc.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError.single(name, "", f"is a directory; expected {what}")
    if not stat.S_ISREG(info.st_mode):
        raise InputError.single(name, "", f"is not a regular file (a pipe, device or socket); "
                                f"expected {what}")
    if max_bytes is not None and info.st_size > max_bytes:
        raise InputError.single(name, "", f"file is {info.st_size:,} bytes, over the limit of "
                                f"{max_bytes:,} bytes for {what}")
    return file


def read_input_text(path: str | Path, what: str, max_bytes: int = MAX_INPUT_BYTES,
                    source: str | None = None) -> str:
    """Read a UTF-8 text file after :func:`input_file`'s checks; a leading BOM is dropped.

    Args:
        path: The path as the user gave it.
        what: What the file should be, for messages.
        max_bytes: Size cap in bytes (also enforced while reading, should the file grow).
        source: Name used in messages (default: ``path``).

    Raises:
        InputError: As :func:`input_file`, or the text is not UTF-8.
    """
    name = str(path) if source is None else source
    file = input_file(path, what, max_bytes, name)
    try:
        with file.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise InputError.single(name, "", f"cannot read: {exc.strerror}") from None
    if len(data) > max_bytes:
        raise InputError.single(name, "", f"file is over the limit of {max_bytes:,} bytes for "
                                f"{what}")
    return decode_text(data, name)


def decode_text(data: bytes, source: str) -> str:
    """Decode UTF-8 bytes (a leading byte-order mark is dropped).

    Raises:
        InputError: The bytes are not UTF-8.
    """
    try:
        return data.decode("utf-8").removeprefix(BOM)
    except UnicodeDecodeError as exc:
        raise InputError.single(source, f"byte {exc.start}", f"not UTF-8 text ({exc.reason})") \
            from None


def output_file(path: str, what: str) -> Path:
    """Check, before any work, that a file can be written at ``path`` (then leave it untouched).

    The folder must exist and take a new file (a probe file is created and removed there), and
    ``path`` itself must not be a folder or anything but a regular file.

    Args:
        path: The path as the user gave it.
        what: What will be written, for messages (e.g. ``the roster CSV``).

    Returns:
        The path.

    Raises:
        InputError: Empty path, a directory, not a regular file, the folder missing, not a
            folder, or not writable.
    """
    if not path.strip():
        raise InputError.single("(empty path)", "", f"the path is empty; expected where to "
                                f"write {what}")
    target = Path(path)
    if target.is_dir():
        raise InputError.single(path, "", f"is a directory; expected a file name for {what}")
    if target.exists() and not target.is_file():
        raise InputError.single(path, "", f"is not a regular file; cannot write {what} there")
    folder = target.parent
    if not folder.exists():
        raise InputError.single(path, "", f"the folder {folder} does not exist")
    if not folder.is_dir():
        raise InputError.single(path, "", f"{folder} is a file, not a folder")
    try:
        fd, probe = tempfile.mkstemp(prefix=".talentmoat-probe-", dir=folder)
    except OSError as exc:
        raise InputError.single(path, "", f"cannot write in {folder}: {exc.strerror}") from None
    os.close(fd)
    os.unlink(probe)
    return target


def write_text_atomically(path: str, text: str,
                          check: Callable[[Path], None] | None = None) -> None:
    """Write ``text`` to a temporary file beside ``path``, then rename it into place.

    An interruption leaves either the old file or the new one, never half of one.

    Args:
        path: Where to write.
        text: What to write.
        check: Called with the temporary file before it is renamed into place; an error it
            raises leaves ``path`` untouched (and removes the temporary file).

    Raises:
        InputError: The file cannot be written (checked as :func:`output_file`), or what
            ``check`` raised.
    """
    target = output_file(path, "the file")
    try:
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=target.suffix, dir=target.parent)
    except OSError as exc:
        raise InputError.single(path, "", f"cannot write: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        if check is not None:
            check(Path(tmp))
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError.single(path, "", f"cannot write: {exc.strerror}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class CsvRows:
    """The rows of a CSV text, each failure of the csv module an :class:`InputError`.

    Iterate for rows (lists of cells); :attr:`line_num` is the file line the last row ended on.
    A leading byte-order mark is dropped, so a header saved by Excel reads as written.

    Args:
        text: The CSV text.
        source: The file name, for messages.
    """

    def __init__(self, text: str, source: str) -> None:
        self._reader = csv.reader(io.StringIO(text.removeprefix(BOM)))
        self._source = source

    @property
    def line_num(self) -> int:
        """The file line the last row read ended on."""
        return self._reader.line_num

    def __iter__(self) -> CsvRows:
        return self

    def __next__(self) -> list[str]:
        try:
            return next(self._reader)
        except csv.Error as exc:
            limit = csv.field_size_limit()
            message = (f"a field is longer than {limit:,} characters" if "field larger" in
                       str(exc) else f"not valid CSV ({exc})")
            raise InputError.single(self._source, f"line {self._reader.line_num}",
                                    message) from None
