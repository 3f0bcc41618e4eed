"""The simulation engine: quarters of offers, moves, know-how walking out, rivals catching up.

Pure array code over a block of replications: state is shaped (R, N) per seat or (R, N, C) for
knowledge, and a quarter is a fixed sequence of vectorised steps (MODEL.md §E–G):

1. **Backfill.** Seats vacated ``backfill_quarters`` ago get a newcomer at
   ``min(K_new, target)``.
2. **Offers**, rival by rival. Rival j makes ``⌊h_j⌋`` offers, plus one with probability
   ``h_j − ⌊h_j⌋``, to distinct active people drawn without replacement with probability
   ``∝ visibility_i · B({i})^θ_j`` (Gumbel-top-k: keys ``log weight + Gumbel``). Each offer has
   a multiple ``median · exp(σ Z)``; its value is ``m · face + buyout``. Under a retention grant
   the lab counters, adding ``min(cap, share · max(0, offer − stay))`` to the package. The person
   accepts with ``P = 1 / (1 + exp(−ΔU))``, ``ΔU = rest + β_comp ln(offer / stay)``.
3. **Leavers** carry the tacit part of their knowledge to the rival: its hired miss
   ``Π (1 − tacit[c] · K[i, c])`` takes each leaver's factor.
4. **Background attrition** among those still in post, with the quarterly hazard.
5. **Learning.** Every occupant moves ``η`` of the way to the seat's target (newcomers only
   move: first occupants start there).
6. **Rivals rebuild** their own coverage (capped at 1).
7. **Outcomes.** ``B_lab = Σ w [(1 − tacit) + tacit (1 − Π_active (1 − K))]``,
   ``B_j = Σ w [1 − (1 − own_j) · hired miss_j]``, ``lead = B_lab − max_j B_j``,
   ``V = V_0 (φ_fin + φ_int · max(0, lead) / lead_0)`` and the quarter's policy cost.

Nothing here draws random numbers (they come in :class:`~talentmoat.sim.draws.Draws`), reads
files or loops over people or replications.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from talentmoat.sim.draws import Draws
from talentmoat.sim.setup import Setup


@dataclass(frozen=True)
class World:
    """What every strategy shares (arrays over components have shape (C,)).

    Attributes:
        weights: Component weights ``w``.
        replication_cost: Replication cost per component (USD).
        valuation: ``V_0`` (USD).
        financial_moat: ``φ_fin``.
        lead0: The lab's starting lead ``lead_0 > 0``.
        backfill_quarters: Quarters a seat stays vacant.
        learning_rate: ``η``.
        newcomer_knowledge: ``K_new``.
        role_of: Role index per seat, shape (N,).
        n_roles: Number of roles.
    """

    weights: np.ndarray
    replication_cost: np.ndarray
    valuation: float
    financial_moat: float
    lead0: float
    backfill_quarters: int
    learning_rate: float
    newcomer_knowledge: float
    role_of: np.ndarray
    n_roles: int


@dataclass(frozen=True)
class Trajectories:
    """Per replication and quarter outcomes of one strategy (values at the end of a quarter).

    Attributes:
        b_lab: Lab's blueprint share, shape (R, T).
        b_rival: Each rival's blueprint share, shape (R, T, J).
        bypassed_rd: R&D each rival skipped through hires (USD), shape (R, T, J).
        departures: Leavers by destination, shape (R, T, J + 1); the last column is background
            attrition.
        headcount: People in post by role, shape (R, T, roles).
        retained: Share of the starting roster still in post, shape (R, T).
        value: Lab value (USD), shape (R, T).
        cost: Policy cost to the lab in the quarter (USD), shape (R, T).
        tender_cash: Tender proceeds paid to staff in the quarter (USD), shape (R, T).
    """

    b_lab: np.ndarray
    b_rival: np.ndarray
    bypassed_rd: np.ndarray
    departures: np.ndarray
    headcount: np.ndarray
    retained: np.ndarray
    value: np.ndarray
    cost: np.ndarray
    tender_cash: np.ndarray


def _dot(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``Σ x · y`` over the last axis of ``x`` (and ``y``), summed in a fixed order per row.

    Used instead of ``@``: BLAS may sum in an order that depends on the number of rows, and a
    replication's numbers must not depend on the chunk it runs in.
    """
    return (x * y).sum(axis=-1)


def _targets(key: np.ndarray, counts: np.ndarray, most: int) -> np.ndarray:
    """Boolean (R, N): in each row the ``counts[r]`` largest finite keys (at most ``most``)."""
    r, n = key.shape
    most = min(most, n)
    top = np.argpartition(-key, most - 1, axis=1)[:, :most] if most < n else np.tile(
        np.arange(n), (r, 1))
    top_key = np.take_along_axis(key, top, axis=1)
    order = np.argsort(-top_key, axis=1, kind="stable")
    top = np.take_along_axis(top, order, axis=1)
    top_key = np.take_along_axis(top_key, order, axis=1)
    chosen = (np.arange(most)[None, :] < counts[:, None]) & np.isfinite(top_key)
    out = np.zeros((r, n), dtype=bool)
    np.put_along_axis(out, top, chosen, axis=1)
    return out


def simulate_strategy(setup: Setup, world: World, draws: Draws) -> Trajectories:
    """Run one strategy over a block of replications.

    Args:
        setup: The strategy's static inputs (seats N, components C, rivals J).
        world: What all strategies share.
        draws: The block's random numbers, shapes (R, T, ...).

    Returns:
        The trajectories, shapes (R, T, ...).
    """
    n_rep, quarters, n = draws.background.shape
    n_rivals = len(setup.rivals)
    w, tacit = world.weights, setup.tacit
    target = np.broadcast_to(setup.target, (n_rep, *setup.target.shape))
    K = target.copy()
    active = np.ones((n_rep, n), dtype=bool)
    original = np.ones((n_rep, n), dtype=bool)
    refill_at = np.full((n_rep, n), -1)
    hired_log_miss = np.zeros((n_rep, n_rivals, len(w)))
    own = np.zeros((n_rep, n_rivals, len(w)))
    rebuild = np.zeros((n_rivals, len(w)))
    for j, rv in enumerate(setup.rivals):
        own[:, j] = rv.initial_own
        rebuild[j] = rv.rebuild_per_quarter
    roles = np.eye(world.n_roles, dtype=float)[world.role_of]  # (N, roles)
    log_vis = np.log(setup.visibility)

    out = {
        "b_lab": np.empty((n_rep, quarters)),
        "b_rival": np.empty((n_rep, quarters, n_rivals)),
        "bypassed_rd": np.empty((n_rep, quarters, n_rivals)),
        "departures": np.zeros((n_rep, quarters, n_rivals + 1), dtype=np.int64),
        "headcount": np.empty((n_rep, quarters, world.n_roles)),
        "retained": np.empty((n_rep, quarters)),
        "value": np.empty((n_rep, quarters)),
        "cost": np.zeros((n_rep, quarters)),
        "tender_cash": np.empty((n_rep, quarters)),
    }

    def leave(mask: np.ndarray, t: int) -> None:
        active[mask] = False
        original[mask] = False
        K[mask] = 0.0
        refill_at[mask] = t + world.backfill_quarters + 1

    for t in range(quarters):
        due = refill_at == t
        if due.any():
            K[due] = np.minimum(world.newcomer_knowledge, target[due])
            active[due] = True
            refill_at[due] = -1

        for j, rv in enumerate(setup.rivals):
            most = int(np.ceil(rv.offers_per_quarter))
            if most == 0:
                continue
            value = _dot(K, w)
            with np.errstate(divide="ignore"):
                weight = log_vis + rv.theta * np.log(value)
            key = np.where(active & (value > 0), weight + draws.target[:, t, j], -np.inf)
            whole = np.floor(rv.offers_per_quarter)
            counts = whole + (draws.count[:, t, j] < rv.offers_per_quarter - whole)
            targeted = _targets(key, counts.astype(int), most)
            multiple = rv.multiple_median * np.exp(rv.multiple_sigma * draws.multiple[:, t, j])
            offer = multiple * rv.offer_face + rv.buyout
            raise_ = np.minimum(setup.counter_cap,
                                setup.counter_share * np.maximum(0.0, offer - setup.stay_value))
            stay = setup.stay_value + raise_
            p = expit(rv.utility_rest + setup.beta_comp * np.log(offer / stay))
            accept = targeted & (draws.accept[:, t, j] < p)
            kept_by_counter = targeted & ~accept & (raise_ > 0)
            out["cost"][:, t] += (kept_by_counter * raise_).sum(axis=1) * setup.counter_years
            with np.errstate(divide="ignore"):
                carried = np.where(accept[..., None], np.log1p(-tacit * K), 0.0)
            hired_log_miss[:, j] += carried.sum(axis=1)
            out["departures"][:, t, j] = accept.sum(axis=1)
            leave(accept, t)

        background = active & (draws.background[:, t] < setup.hazard)
        out["departures"][:, t, n_rivals] = background.sum(axis=1)
        leave(background, t)

        K += world.learning_rate * (target - K) * active[..., None]
        own = np.minimum(1.0, own + rebuild)

        with np.errstate(divide="ignore"):
            lab_miss = np.exp(np.where(active[..., None], np.log1p(-K), 0.0).sum(axis=1))
        b_lab = _dot((1.0 - tacit) + tacit * (1.0 - lab_miss), w)
        hired_miss = np.exp(hired_log_miss)
        b_rival = _dot(1.0 - (1.0 - own) * hired_miss, w)
        lead = b_lab - (b_rival.max(axis=1) if n_rivals else 0.0)
        kept_lead = np.clip(lead / world.lead0, 0.0, 1.0)
        phi = world.financial_moat
        out["b_lab"][:, t] = b_lab
        out["b_rival"][:, t] = b_rival
        out["bypassed_rd"][:, t] = _dot(1.0 - hired_miss, world.replication_cost)
        out["value"][:, t] = world.valuation * (phi + (1.0 - phi) * np.maximum(0.0, lead)
                                                / world.lead0)
        tender = _dot(active, setup.tender_cash_per_seat)
        out["tender_cash"][:, t] = tender
        out["cost"][:, t] += (_dot(active, setup.cost_per_seat) + setup.fixed_cost
                              + _dot(active, setup.units_per_seat) * kept_lead
                              + (tender if setup.tender_is_lab_cost else 0.0))
        out["headcount"][:, t] = (active[..., None] * roles).sum(axis=1)
        out["retained"][:, t] = original.mean(axis=1)
    return Trajectories(**out)
