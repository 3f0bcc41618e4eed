"""How the CLI names people and inputs: real ids, or keyed pseudonyms with ``--anonymize``.

Every command that prints people takes :data:`AnonOpt` and :data:`AnonKeyOpt`, turns them into a
key with :func:`output_key` and names people through :class:`People` and inputs through
:func:`input_fields`, so under ``--anonymize`` no id, name or digest of the inputs is shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from talentmoat.anonymize import KEY_ENV, keyed_digest, pseudonym, resolve_key

if TYPE_CHECKING:  # annotations only: importing this module stays light
    import numpy as np

    from talentmoat.loader import Lab

AnonOpt = Annotated[bool, typer.Option(
    "--anonymize", help="Name people by keyed pseudonyms and show no path or digest of the "
    "inputs (docs/model.md, Pseudonyms).")]
AnonKeyOpt = Annotated[str | None, typer.Option(
    "--anonymize-key", show_default=False, help=f"Pseudonym key (implies --anonymize; visible "
    f"to other local users in the process list — prefer ${KEY_ENV}). Default: ${KEY_ENV}, "
    "else the key file in the user's config directory, created on first use.")]

ANONYMIZED_SOURCE = "(anonymized)"


def output_key(anonymize: bool, given: str | None) -> bytes | None:
    """The pseudonym key when output is anonymized (``--anonymize`` or a given key), else None."""
    return resolve_key(given) if anonymize or given is not None else None


def input_fields(lab: Lab, key: bytes | None) -> dict[str, str]:
    """Where the inputs came from: path and SHA-256, or under a key no path and a keyed digest."""
    if key is None:
        return {"source": lab.source, "scenario_sha256": lab.digest}
    return {"source": ANONYMIZED_SOURCE, "scenario_hmac_sha256": keyed_digest(lab.digest, key)}


class People:
    """How people are named in output: real ids, or pseudonyms under a key.

    Args:
        lab: The lab whose roster is named.
        key: The pseudonym key, or ``None`` for real ids and names.
    """

    def __init__(self, lab: Lab, key: bytes | None) -> None:
        roster = lab.roster
        self.key = key
        self.ids = [pseudonym(i, key) for i in roster.ids] if key is not None else list(roster.ids)
        self.roles = list(roster.roles)

    def of(self, people: tuple[int, ...] | list[int] | np.ndarray) -> list[str]:
        """Ids of the given person indices."""
        return [self.ids[int(i)] for i in people]
