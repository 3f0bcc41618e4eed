r"""Keyed pseudonyms, so reports can be shared without names (``--anonymize``).

A pseudonym is ``<prefix>-`` + the first :data:`PSEUDONYM_HEX` hex digits of
HMAC-SHA256(key, ``<prefix>\0<id>``). Without the key nobody can compute one from a candidate id,
name or e-mail — not even with the scenario file in hand; with the same key the same person gets
the same pseudonym in every command and run. The key never appears in any output.

Where the key comes from, first match wins: the ``--anonymize-key`` option, the environment
variable :data:`KEY_ENV`, or the per-user key file :func:`key_file` (created on first use with
32 random bytes, readable by its owner only). A key is used as the UTF-8 bytes of its text
(surrounding whitespace removed), so a team that shares the text of one key file — as the
variable, the option or a copied file — gets the same pseudonyms.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import stat
import tempfile
from pathlib import Path

from talentmoat.errors import InputError

KEY_ENV = "TALENTMOAT_ANONYMIZE_KEY"
"""Environment variable holding a pseudonym key (team use: the same key gives the same names)."""
KEY_FILE_NAME = "anonymize.key"
MIN_KEY_CHARS = 16
"""A given key shorter than this could be guessed; it is refused."""
PSEUDONYM_HEX = 12
"""Hex digits of a pseudonym (48 bits: two of 100,000 people collide with chance ≈ 2e-5)."""


def pseudonym(value: str, key: bytes, prefix: str = "person") -> str:
    """The pseudonym of ``value`` under ``key``: the same value and key always give the same one.

    Args:
        value: The real identifier (a person's id, or a developer's e-mail).
        key: The secret key (bytes; see :func:`resolve_key`).
        prefix: Readable prefix; also separates domains (an id and an e-mail that happen to be
            equal get different pseudonyms under different prefixes).

    Returns:
        ``<prefix>-<PSEUDONYM_HEX hex digits>``.
    """
    mac = hmac.new(key, f"{prefix}\x00{value}".encode(), hashlib.sha256).hexdigest()
    return f"{prefix}-{mac[:PSEUDONYM_HEX]}"


def keyed_digest(digest: str, key: bytes) -> str:
    r"""A digest of the inputs that only the key holder can check (provenance under anonymity).

    Args:
        digest: The plain digest (e.g. the scenario's SHA-256, hex).
        key: The secret key.

    Returns:
        HMAC-SHA256(key, ``digest\0<digest>``) as 64 hex digits.
    """
    return hmac.new(key, f"digest\x00{digest}".encode(), hashlib.sha256).hexdigest()


def key_file() -> Path:
    """The per-user key file: ``$XDG_CONFIG_HOME/talentmoat/anonymize.key``.

    ``XDG_CONFIG_HOME`` defaults to ``~/.config`` when unset or not an absolute path (the XDG
    base-directory rule).
    """
    base = os.environ.get("XDG_CONFIG_HOME", "")
    root = Path(base) if os.path.isabs(base) else Path.home() / ".config"
    return root / "talentmoat" / KEY_FILE_NAME


def _checked(text: str, source: str) -> bytes:
    key = text.strip()
    if len(key) < MIN_KEY_CHARS:
        raise InputError.single(source, "", f"the pseudonym key has {len(key)} characters; "
                                f"expected at least {MIN_KEY_CHARS} (a short key can be guessed)")
    return key.encode()


def _create_key_file(path: Path) -> None:
    """Write a new random key to ``path`` (mode 0600) unless another process got there first."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".anonymize-", dir=path.parent)  # mkstemp: mode 0600
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32) + "\n")
        with contextlib.suppress(FileExistsError):  # another process made one meanwhile: keep it
            os.link(tmp, path)  # atomic, and never replaces an existing key
    finally:
        os.unlink(tmp)


def _read_key_file(path: Path) -> bytes:
    source = str(path)
    try:
        info = path.stat()
        if os.name == "posix" and (info.st_mode & 0o077 or info.st_uid != os.getuid()):
            raise InputError.single(source, "", f"the pseudonym key file has mode "
                                    f"{stat.S_IMODE(info.st_mode):04o} (owner uid "
                                    f"{info.st_uid}); expected 0600 and owned by you: "
                                    f"chmod 600 {source}")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise InputError.single(source, "", f"cannot read the pseudonym key file: {reason}") \
            from None
    return _checked(text, source)


def resolve_key(given: str | None = None) -> bytes:
    """The pseudonym key: ``given``, else :data:`KEY_ENV`, else the key file (made if missing).

    Args:
        given: A key from the command line (``--anonymize-key``), or ``None``.

    Returns:
        The key bytes.

    Raises:
        InputError: A given key is too short, or the key file cannot be made or read, or can be
            read by someone else than its owner.
    """
    if given is not None:
        return _checked(given, "--anonymize-key")
    from_env = os.environ.get(KEY_ENV)
    if from_env is not None:
        return _checked(from_env, KEY_ENV)
    path = key_file()
    if not path.exists():
        try:
            _create_key_file(path)
        except OSError as exc:
            raise InputError.single(str(path), "", f"cannot create the pseudonym key file: "
                                    f"{exc.strerror}") from None
    return _read_key_file(path)
