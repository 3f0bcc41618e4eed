"""Stable pseudonyms, so reports can be shared without names (``--anonymize``)."""

from __future__ import annotations

import hashlib


def pseudonym(value: str, salt: str, prefix: str = "person") -> str:
    """A stable pseudonym for ``value``: the same value and salt always give the same name.

    Args:
        value: The real identifier (id, name or e-mail).
        salt: Secret-ish context (e.g. the scenario digest) so pseudonyms differ across datasets
            and cannot be reversed by hashing a list of known names.
        prefix: Readable prefix of the pseudonym.

    Returns:
        ``<prefix>-<10 hex digits>``.
    """
    digest = hashlib.sha256(f"{salt}\x00{value}".encode()).hexdigest()
    return f"{prefix}-{digest[:10]}"
