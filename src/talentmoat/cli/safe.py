"""Terminal-safe text: what every user-derived string goes through before it reaches Rich.

Names, ids, file names and echoed input lines come from files the user may not have written (a
git history, a roster someone sent). Printed raw, an escape sequence in an author name recolours
the terminal or retitles its window, and Rich reads ``[bold]`` as a style. :func:`safe` makes
such text inert and visible; the consoles are built with ``emoji=False`` so ``:x:`` stays text.
"""

from __future__ import annotations

from rich.markup import escape


def _visible(char: str) -> str:
    r"""``char`` itself if printable (or a space), else its Python escape (``\x1b``)."""
    if char == " " or char.isprintable():
        return char
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def safe(text: object) -> str:
    r"""``text`` ready for a Rich table or message: nothing in it acts on the terminal or on Rich.

    Every non-printable character — C0/C1 controls (ESC, BEL, CR, newline, DEL), bidirectional
    overrides and other format characters, separators other than the plain space — is shown as
    its Python escape, e.g. ESC as ``\x1b``; Rich markup is escaped so ``[bold]`` prints as
    written. (Emoji codes such as ``:x:`` stay text because the consoles have ``emoji=False``.)

    Args:
        text: Anything; it is converted with ``str``.

    Returns:
        The escaped text, one line.
    """
    return escape("".join(_visible(c) for c in str(text)))
