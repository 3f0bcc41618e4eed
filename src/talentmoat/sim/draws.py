"""The random numbers of a simulation: one stream per replication, shared by every strategy.

Replication ``r`` draws from ``SeedSequence(seed, spawn_key=(*stream, r))``, quarter after quarter
in a fixed order (``stream`` is empty for a single run and ``(point,)`` in a sweep), so its numbers
depend only on the seed, the stream and ``r`` — never on how replications are split into chunks or
spread over workers — and they nest over the horizon: the first 4 quarters of a 16-quarter run are
a 4-quarter run. Every strategy sees the same offers and shocks (common random numbers).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Draws:
    """Uniforms, normals and Gumbels for a block of replications.

    Each rival has ``S`` offer slots a quarter (``S`` = the largest whole number of offers any
    rival can make); slot k of rival j always uses the same numbers in every strategy, whoever it
    lands on.

    Attributes:
        background: Uniforms deciding background departures, shape (R, T, N), float32 (half
            the memory and generation time; resolution 2⁻²⁴ against quarterly hazards).
        target: Uniforms choosing whom each offer slot targets, shape (R, T, J, S).
        multiple: Standard normals of each slot's offer multiple, shape (R, T, J, S).
        accept: Uniforms deciding each slot's offer, shape (R, T, J, S).
        count: Uniforms deciding a rival's fractional offer, shape (R, T, J).
    """

    background: np.ndarray
    target: np.ndarray
    multiple: np.ndarray
    accept: np.ndarray
    count: np.ndarray


def bytes_per_replication(quarters: int, people: int, rivals: int, slots: int) -> int:
    """Memory the draws of one replication take (float32 per seat, float64 per slot)."""
    return quarters * (4 * people + 8 * rivals * (3 * slots + 1))


def draw(
    seed: int, replications: range, quarters: int, people: int, rivals: int, slots: int,
    stream: tuple[int, ...] = (),
) -> Draws:
    """Draw the numbers of the given replications.

    Args:
        seed: The scenario or run seed.
        replications: Replication indices (e.g. ``range(100, 150)`` for one chunk).
        quarters: Horizon ``T``.
        people: Seats ``N``.
        rivals: Rivals ``J``.
        slots: Offer slots ``S`` per rival and quarter.
        stream: Leading spawn-key entries (a sweep's point index), empty for a single run.
    """
    shape = (len(replications), quarters)
    background = np.empty((*shape, people), dtype=np.float32)  # compared with hazards ≥ 1e-7
    target = np.empty((*shape, rivals, slots))
    multiple = np.empty((*shape, rivals, slots))
    accept = np.empty((*shape, rivals, slots))
    count = np.empty((*shape, rivals))
    for k, r in enumerate(replications):  # per-replication streams: chunking cannot matter
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(*stream, r)))
        js = rivals * slots
        for t in range(quarters):  # quarter by quarter: a shorter horizon is a prefix
            background[k, t] = rng.random(people, dtype=np.float32)
            u = rng.random(2 * js + rivals)
            target[k, t] = u[:js].reshape(rivals, slots)
            accept[k, t] = u[js:2 * js].reshape(rivals, slots)
            count[k, t] = u[2 * js:]
            multiple[k, t] = rng.standard_normal((rivals, slots))
    return Draws(background, target, multiple, accept, count)
