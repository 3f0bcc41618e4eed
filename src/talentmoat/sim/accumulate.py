"""Streaming statistics of a simulation: what the summaries need, gathered chunk by chunk.

A chunk's :class:`~talentmoat.sim.engine.Trajectories` are reduced to a :class:`Stats`: sums
over replications for the means (kept per fixed block of :data:`BLOCK` replications, so a sum
never depends on how replications were split into chunks or workers), exact counts for the
probabilities, and a few numbers per replication (the paired comparison's differences and the
time to parity, ``R`` values each). :func:`merge` joins the chunks' statistics in replication
order. The percentile bands need every replication's value in a quarter: they come from
:func:`bands` of a whole run (in memory, or read back from the
written parts). Pure NumPy; no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from talentmoat.lab_value import discounted_mean, discounted_total
from talentmoat.lab_value import lead as lab_lead
from talentmoat.sim.engine import Trajectories

PERCENTILES = (5, 25, 50, 75, 95)
BLOCK = 50
"""Replications per block of sums; chunks hold whole blocks (see :func:`block_chunks`)."""

BANDS = ("b_lab", "b_strongest_rival", "lead", "value", "headcount", "cumulative_departures",
         "cumulative_cost")
"""The outcomes summarised by quarter with a mean and percentile band."""


def lead(tr: Trajectories) -> np.ndarray:
    """Blueprint lead over the strongest party, shape (R, T)."""
    return lab_lead(tr.b_lab, tr.b_rival)


def parity_quarter(tr: Trajectories) -> np.ndarray:
    """First quarter (1-based) in which some party's share reaches the lab's, else 0; (R,).

    0 means censored at T (no parity within the horizon). Parity is not absorbing (§G.5).
    """
    reached = lead(tr) <= 0
    first = reached.argmax(axis=1) + 1
    return np.where(reached.any(axis=1), first, 0)


def parity_by_quarter(tr: Trajectories) -> np.ndarray:
    """Whether some party has reached parity at least once by each quarter, bool (R, T)."""
    return np.maximum.accumulate(lead(tr) <= 0, axis=1)


def band_series(tr: Trajectories) -> dict[str, np.ndarray]:
    """Each of :data:`BANDS` by replication and quarter, shape (R, T).

    ``b_strongest_rival`` is left out when the scenario has no hiring party.
    """
    series = {
        "b_lab": tr.b_lab,
        "b_strongest_rival": tr.b_rival.max(axis=-1) if tr.b_rival.shape[-1] else None,
        "lead": lead(tr),
        "value": tr.value,
        "headcount": tr.headcount.sum(axis=-1),
        "cumulative_departures": tr.departures.sum(axis=-1).cumsum(axis=1),
        "cumulative_cost": tr.cost.cumsum(axis=1),
    }
    return {k: v for k, v in series.items() if v is not None}


def role_band(role: str) -> str:
    """Name of the band of one role's headcount (also its column in a part)."""
    return f"headcount.{role}"


def percentiles(x: np.ndarray) -> np.ndarray:
    """:data:`PERCENTILES` over replications (axis 0) of an (R, T) array; shape (P, T)."""
    return np.percentile(x, PERCENTILES, axis=0)


def bands(tr: Trajectories, roles: tuple[str, ...]) -> dict[str, np.ndarray]:
    """Percentiles by quarter of each :func:`band_series` and each role's headcount; (P, T).

    Args:
        tr: A whole run's trajectories of one strategy, arrays shaped (R, T, ...).
        roles: Role names (the columns of ``tr.headcount``), named by :func:`role_band`.
    """
    out = {band: percentiles(x) for band, x in band_series(tr).items()}
    out.update({role_band(role): percentiles(tr.headcount[..., k])
                for k, role in enumerate(roles)})
    return out


def block_chunks(replications: int, size: int) -> list[range]:
    """Chunks of at most ``size`` replications that hold whole :data:`BLOCK` blocks.

    ``size`` is rounded down to a multiple of :data:`BLOCK` when it holds at least one block, so
    every chunk but the last starts and ends on a block boundary.
    """
    if size >= BLOCK:
        size -= size % BLOCK
    return [range(a, min(a + size, replications)) for a in range(0, replications, size)]


def _block_sum(x: np.ndarray, first: int) -> np.ndarray:
    """Sums of ``x`` (shape (n, ...), replications ``first …``) by block; (blocks, ...)."""
    block = (first + np.arange(len(x))) // BLOCK
    starts = np.flatnonzero(np.concatenate([[True], block[1:] != block[:-1]]))
    return np.add.reduceat(x, starts, axis=0)


@dataclass(frozen=True)
class Stats:
    """One strategy's statistics over a run of replications (or one chunk of it).

    Block sums have a leading axis of blocks (:data:`BLOCK` replications each); per-replication
    arrays have one entry per replication, in replication order.

    Attributes:
        band_sums: Per outcome of :data:`BANDS`, sums by block and quarter, (blocks, T).
        retained: Σ share of the starting roster in post, (blocks, T).
        original_by_role: Σ people of the starting roster in post by role, (blocks, T, roles).
        headcount: Σ people in post by role, (blocks, T, roles).
        at_parity: Replications at parity in each quarter, (T,) integers.
        reached_any: Replications where some party has reached the lab by each quarter, (T,).
        reached_party: The same per party, (T, J).
        to_parties_by_role: Σ leavers to any party over the horizon by role, (blocks, roles).
        first_year_by_role: The same over the first four quarters, (blocks, roles).
        departures: Σ leavers by destination over the horizon, (blocks, J + 1).
        bypassed_end: Σ bypassed R&D at the horizon by party, (blocks, J).
        value_discounted: Discounted mean lab value per replication (USD), (R,).
        cost_discounted: Discounted policy cost per replication (USD), (R,).
        value_mean: Mean lab value over the horizon per replication (USD), (R,).
        value_end: Lab value at the horizon per replication (USD), (R,).
        lead_mean: Mean lead over the horizon per replication, (R,).
        lead_end: Lead at the horizon per replication, (R,).
        policy_cost: Policy cost over the horizon per replication (USD), (R,).
        tender_cash: Tender proceeds over the horizon per replication (USD), (R,).
        unit_payout: Unit payouts over the horizon per replication (USD), (R,).
        departures_total: Leavers to anywhere per replication, (R,).
        departures_to_parties: Leavers to the hiring parties per replication, (R,).
        parity_quarter: :func:`parity_quarter` per replication, (R,).
    """

    band_sums: dict[str, np.ndarray]
    retained: np.ndarray
    original_by_role: np.ndarray
    headcount: np.ndarray
    at_parity: np.ndarray
    reached_any: np.ndarray
    reached_party: np.ndarray
    to_parties_by_role: np.ndarray
    first_year_by_role: np.ndarray
    departures: np.ndarray
    bypassed_end: np.ndarray
    value_discounted: np.ndarray
    cost_discounted: np.ndarray
    value_mean: np.ndarray
    value_end: np.ndarray
    lead_mean: np.ndarray
    lead_end: np.ndarray
    policy_cost: np.ndarray
    tender_cash: np.ndarray
    unit_payout: np.ndarray
    departures_total: np.ndarray
    departures_to_parties: np.ndarray
    parity_quarter: np.ndarray

    @property
    def replications(self) -> int:
        """Replications the statistics cover."""
        return len(self.parity_quarter)


def chunk_stats(tr: Trajectories, first: int, discount_rate: float) -> Stats:
    """Statistics of one chunk of replications ``first, first + 1, …`` (every cost O(R·T)).

    Args:
        tr: The chunk's trajectories, arrays shaped (R, T, ...).
        first: Index of the chunk's first replication (places the block boundaries).
        discount_rate: The firm's annual discount rate.
    """
    gap = lead(tr)
    n_parties = tr.b_rival.shape[-1]
    reached = np.logical_or.accumulate(tr.b_rival >= tr.b_lab[..., None], axis=1)
    departures = tr.departures.sum(axis=1)
    return Stats(
        band_sums={k: _block_sum(v, first) for k, v in band_series(tr).items()},
        retained=_block_sum(tr.retained, first),
        original_by_role=_block_sum(tr.original_by_role, first),
        headcount=_block_sum(tr.headcount, first),
        at_parity=(gap <= 0).sum(axis=0),
        reached_any=parity_by_quarter(tr).sum(axis=0),
        reached_party=reached.sum(axis=0),
        to_parties_by_role=_block_sum(tr.to_parties_by_role.sum(axis=1), first),
        first_year_by_role=_block_sum(tr.to_parties_by_role[:, :4].sum(axis=1), first),
        departures=_block_sum(departures, first),
        bypassed_end=_block_sum(tr.bypassed_rd[:, -1], first),
        value_discounted=discounted_mean(tr.value, discount_rate),
        cost_discounted=discounted_total(tr.cost, discount_rate),
        value_mean=tr.value.mean(axis=1),
        value_end=tr.value[:, -1].copy(),
        lead_mean=gap.mean(axis=1),
        lead_end=gap[:, -1].copy(),
        policy_cost=tr.cost.sum(axis=1),
        tender_cash=tr.tender_cash.sum(axis=1),
        unit_payout=tr.unit_payout.sum(axis=1),
        departures_total=departures.sum(axis=1),
        departures_to_parties=departures[:, :n_parties].sum(axis=1),
        parity_quarter=parity_quarter(tr),
    )


_BLOCKED = ("retained", "original_by_role", "headcount", "to_parties_by_role",
            "first_year_by_role", "departures", "bypassed_end")
_COUNTS = ("at_parity", "reached_any", "reached_party")


def _join(parts: list[np.ndarray], first_blocks: list[int]) -> np.ndarray:
    """Block sums of consecutive chunks; a block split between two chunks is added up."""
    rows = list(parts[0])
    last = first_blocks[0] + len(parts[0]) - 1
    for part, first in zip(parts[1:], first_blocks[1:], strict=True):
        split = first == last
        if split:
            rows[-1] = rows[-1] + part[0]
        rows.extend(part[1:] if split else part)
        last = first + len(part) - 1
    return np.stack(rows)


def merge(chunks: list[tuple[int, Stats]]) -> Stats:
    """Statistics of consecutive chunks, given as (first replication, statistics) in order."""
    first_blocks = [first // BLOCK for first, _ in chunks]
    joined: dict[str, object] = {}
    for f in fields(Stats):
        values = [getattr(s, f.name) for _, s in chunks]
        if f.name == "band_sums":
            joined[f.name] = {k: _join([v[k] for v in values], first_blocks) for k in values[0]}
        elif f.name in _BLOCKED:
            joined[f.name] = _join(values, first_blocks)
        elif f.name in _COUNTS:
            joined[f.name] = np.sum(values, axis=0)
        else:
            joined[f.name] = np.concatenate(values)
    return Stats(**joined)  # type: ignore[arg-type]


def mean(block_sums: np.ndarray, replications: int) -> np.ndarray:
    """Mean over replications from block sums (blocks added in order); shape block_sums[0]."""
    total = block_sums[0].copy()
    for block in block_sums[1:]:
        total += block
    return total / replications
