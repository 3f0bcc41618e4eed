"""The random numbers of a simulation: one stream per replication, shared by every strategy.

Replication ``r`` draws from ``SeedSequence(seed, spawn_key=(r,))`` in a fixed order, so its
numbers depend only on the seed and ``r`` — never on how replications are split into chunks or
spread over workers — and every strategy sees the same offers and shocks (common random numbers).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Draws:
    """Uniforms, normals and Gumbels for a block of replications.

    Attributes:
        background: Uniforms deciding background departures, shape (R, T, N).
        target: Gumbel noise for each rival's targeting, shape (R, T, J, N).
        multiple: Standard normals of each rival's offer multiple, shape (R, T, J, N).
        accept: Uniforms deciding each offer, shape (R, T, J, N).
        count: Uniforms deciding a rival's fractional offer, shape (R, T, J).
    """

    background: np.ndarray
    target: np.ndarray
    multiple: np.ndarray
    accept: np.ndarray
    count: np.ndarray


def bytes_per_replication(quarters: int, people: int, rivals: int) -> int:
    """Memory the draws of one replication take (float64)."""
    return 8 * quarters * (people * (1 + 3 * rivals) + rivals)


def draw(seed: int, replications: range, quarters: int, people: int, rivals: int) -> Draws:
    """Draw the numbers of the given replications.

    Args:
        seed: The scenario or run seed.
        replications: Replication indices (e.g. ``range(100, 150)`` for one chunk).
        quarters: Horizon ``T``.
        people: Seats ``N``.
        rivals: Rivals ``J``.
    """
    shape = (len(replications), quarters)
    background = np.empty((*shape, people))
    target = np.empty((*shape, rivals, people))
    multiple = np.empty((*shape, rivals, people))
    accept = np.empty((*shape, rivals, people))
    count = np.empty((*shape, rivals))
    for k, r in enumerate(replications):  # per-replication streams: chunking cannot matter
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(r,)))
        background[k] = rng.random((quarters, people))
        target[k] = rng.gumbel(size=(quarters, rivals, people))
        multiple[k] = rng.standard_normal((quarters, rivals, people))
        accept[k] = rng.random((quarters, rivals, people))
        count[k] = rng.random((quarters, rivals))
    return Draws(background, target, multiple, accept, count)
