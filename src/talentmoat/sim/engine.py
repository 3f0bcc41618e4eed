"""The simulation engine: quarters of offers, moves, know-how walking out, rivals catching up.

Pure array code over a block of replications: state is shaped (R, N) per seat or (R, N, C) for
knowledge, and a quarter is a fixed sequence of vectorised steps (MODEL.md §E–G):

1. **Backfill.** Seats vacated ``backfill_quarters`` ago get a newcomer at
   ``min(K_new, target)``.
2. **Offers**, hiring party by hiring party (rivals, then investors' portfolio companies). Party
   j makes ``⌊h_j⌋`` offers, plus one with probability ``h_j − ⌊h_j⌋``, to distinct people in
   post drawn without replacement with probability ``∝ reach_ji · visibility_i · B({i})^θ_j``
   (successive sampling on cumulative weights); ``reach`` carries leaked talent maps and
   investors' routing (:mod:`talentmoat.investors`). Each offer has
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

Nothing here draws random numbers (they come in :class:`~talentmoat.sim.draws.Draws`) or reads
files, and no Python loop runs over people or replications: running totals (:class:`_Seats`)
are updated only for the seats that change, by compiled (numba) kernels that visit seats row by
row — newcomers in one pass (step 1), background attrition and learning in another (steps 4–5) —
so each replication's sums keep one fixed order whatever the chunk.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
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


def _row_sum(r: np.ndarray, values: np.ndarray, n_rep: int) -> np.ndarray:
    """Sum ``values`` (shape (m, ...)) into rows ``r`` (sorted, shape (m,)); shape (R, ...).

    Each row's terms are added in their own order, whatever the other rows hold, so a
    replication's totals do not depend on the chunk it runs in.
    """
    out = np.zeros((n_rep, *values.shape[1:]))
    if len(r):
        starts = np.flatnonzero(np.concatenate([[True], r[1:] != r[:-1]]))
        out[r[starts]] = np.add.reduceat(values, starts, axis=0)
    return out


def slots(setups: list[Setup]) -> int:
    """Offer slots a quarter: the most offers any hiring party of any of the setups can make."""
    return max((int(np.ceil(rv.offers_per_quarter)) for s in setups for rv in s.rivals),
               default=0)


class _Seats:
    """The seats of one strategy over a block of replications, with running totals.

    Knowledge ``K`` is (R, N, C); everything a quarter needs about the people in post — the
    lab's log-miss per component, each rival's targeting weights, headcount, costs — is kept as
    a running total and updated only for the seats that change (leavers, newcomers, learners),
    so a quarter costs O(R·N) for the draws and targeting, not O(R·N·C).
    """

    def __init__(self, setup: Setup, world: World, n_rep: int) -> None:
        self.setup, self.world = setup, world
        n, c = setup.target.shape
        n_parties = len(setup.rivals)
        self.target = setup.target
        self.reach = np.array([rv.reach for rv in setup.rivals]).reshape(n_parties, n)
        thetas = [rv.theta for rv in setup.rivals]
        self.thetas = np.array(sorted(set(thetas)), dtype=float)  # distinct exponents
        self.theta_of = np.array([list(self.thetas).index(t) for t in thetas], dtype=np.int64)
        # Every replication starts alike: fill one row with the compiled update, then copy it.
        self.K = np.zeros((1, n, c))
        self.lab_log = np.zeros((1, c))
        self.lab_certain = np.zeros((1, c))
        self.weights = np.zeros((n_parties, 1, n))  # targeting weight per party and seat
        _fill_kernel(self.K, self.target, *self._totals())
        self.K = np.tile(self.K, (n_rep, 1, 1))
        self.lab_log = np.tile(self.lab_log, (n_rep, 1))
        self.lab_certain = np.tile(self.lab_certain, (n_rep, 1))
        self.weights = np.tile(self.weights, (1, n_rep, 1))
        self.active = np.ones((n_rep, n), dtype=bool)
        self.original = np.ones((n_rep, n), dtype=bool)
        self.learning = np.zeros((n_rep, n), dtype=bool)
        self.refill_at = np.full((n_rep, n), -1)
        counts = np.bincount(world.role_of, minlength=world.n_roles).astype(float)
        self.headcount = np.tile(counts, (n_rep, 1))
        self.n_original = np.full(n_rep, float(n))
        self.seat_cost = np.full(n_rep, setup.cost_per_seat.sum())
        self.units = np.full(n_rep, setup.units_per_seat.sum())
        self.tender = np.full(n_rep, setup.tender_cash_per_seat.sum())

    def _totals(self) -> tuple:
        """The running totals and constants the compiled kernels update or read."""
        return (self.lab_log, self.lab_certain, self.weights, self.setup.visibility, self.reach,
                self.thetas, self.theta_of, self.world.weights)

    def leave(self, r: np.ndarray, n: np.ndarray, t: int) -> None:
        """Seats (r, n) (row-major) fall vacant in quarter t; refilled after the lag."""
        _leave_kernel(r, n, t, self.world.backfill_quarters, self.K, self.active, self.original,
                      self.learning, self.refill_at, *self._running(), *self._totals())

    def _running(self) -> tuple:
        """Per-replication running totals and their per-seat increments (compiled kernels)."""
        s = self.setup
        return (self.world.role_of, self.headcount, self.n_original, self.seat_cost, self.units,
                self.tender, s.cost_per_seat, s.units_per_seat, s.tender_cash_per_seat)

    def refill(self, t: int) -> None:
        """Newcomers take the seats due in quarter t, at ``min(K_new, target)``."""
        _refill_kernel(t, self.K, self.target, self.active, self.learning, self.refill_at,
                       self.world.newcomer_knowledge, *self._running(), *self._totals())

    def attrition_and_learning(self, u: np.ndarray, t: int) -> np.ndarray:
        """Background departures (``u < hazard``), then a quarter of learning, in one pass.

        Every backfilled seat learns for years, so learners are a growing share of the seats;
        both steps touch a seat once, in one compiled row-major pass (:func:`_quarter_kernel`).

        Args:
            u: This quarter's background uniforms, shape (R, N).
            t: The quarter.

        Returns:
            Background departures per replication, shape (R,).
        """
        departed = np.zeros(len(self.K), dtype=np.int64)
        _quarter_kernel(t, u, self.setup.hazard, self.world.backfill_quarters, self.K,
                        self.target, self.active, self.original, self.learning, self.refill_at,
                        self.world.learning_rate, LEARNED, departed, *self._running(),
                        *self._totals())
        return departed

    def lab_miss(self) -> np.ndarray:
        """``Π_{in post} (1 − K)`` per replication and component, shape (R, C)."""
        return np.minimum(np.exp(self.lab_log), 1.0) * (self.lab_certain < 0.5)


LEARNED = 1e-9
"""A newcomer within this of the seat's level on every component has learned it."""


@numba.njit(cache=True, inline="always")
def _put(K, r, i, new, lab_log, lab_certain, weights, visibility, reach, thetas, theta_of, w,
         powered):  # pragma: no cover - compiled
    """Set seat (r, i)'s knowledge to ``new`` (C,), updating the running totals in place."""
    value = 0.0
    for k in range(K.shape[2]):
        old = K[r, i, k]
        value += new[k] * w[k]
        if new[k] == old:
            continue  # e.g. a newcomer already at the seat's level on this component
        if old >= 1.0:
            lab_certain[r, k] -= 1.0
        elif old > 0.0:
            lab_log[r, k] -= np.log1p(-old)
        if new[k] >= 1.0:
            lab_certain[r, k] += 1.0
        elif new[k] > 0.0:
            lab_log[r, k] += np.log1p(-new[k])
        K[r, i, k] = new[k]
    for u in range(len(thetas)):
        if value <= 0.0:
            powered[u] = 0.0
        elif thetas[u] == 1.0:
            powered[u] = value
        elif thetas[u] == 1.5:
            powered[u] = value * np.sqrt(value)  # the default θ, without a general power
        else:
            powered[u] = value ** thetas[u]
    for j in range(weights.shape[0]):
        weights[j, r, i] = visibility[i] * reach[j, i] * powered[theta_of[j]]


@numba.njit(cache=True)
def _fill_kernel(K, target, lab_log, lab_certain, weights, visibility, reach, thetas, theta_of,
                 w):  # pragma: no cover - compiled
    """Put every seat of every row of K (all zero) at its target, updating the totals.

    Shapes: K (R, N, C), target (N, C), lab_log and lab_certain (R, C), weights (J, R, N),
    visibility (N,), reach (J, N), thetas (distinct exponents), theta_of (J,), w (C,).
    """
    powered = np.empty(len(thetas))
    for r in range(K.shape[0]):
        for i in range(K.shape[1]):
            _put(K, r, i, target[i], lab_log, lab_certain, weights, visibility, reach, thetas,
                 theta_of, w, powered)


@numba.njit(cache=True, inline="always")
def _tally_seat(r, i, sign, role_of, headcount, n_original, seat_cost, units, tender,
                cost_per_seat, units_per_seat, tender_per_seat):  # pragma: no cover - compiled
    """Add (sign 1) or remove (sign −1) seat (r, i) from the per-replication totals."""
    headcount[r, role_of[i]] += sign
    seat_cost[r] += sign * cost_per_seat[i]
    units[r] += sign * units_per_seat[i]
    tender[r] += sign * tender_per_seat[i]


@numba.njit(cache=True, inline="always")
def _vacate(r, i, t, backfill, K, active, original, learning, refill_at, role_of, headcount,
            n_original, seat_cost, units, tender, cost_per_seat, units_per_seat,
            tender_per_seat, lab_log, lab_certain, weights, visibility, reach, thetas,
            theta_of, w, powered, blank):  # pragma: no cover - compiled
    """Seat (r, i) falls vacant in quarter t.

    Its knowledge leaves the lab's totals, and it is refilled at the start of quarter
    ``t + backfill + 1``. ``blank`` is a zero vector (C,).
    """
    _put(K, r, i, blank, lab_log, lab_certain, weights, visibility, reach,
         thetas, theta_of, w, powered)
    _tally_seat(r, i, -1.0, role_of, headcount, n_original, seat_cost, units, tender,
                cost_per_seat, units_per_seat, tender_per_seat)
    if original[r, i]:
        n_original[r] -= 1.0
    active[r, i] = False
    original[r, i] = False
    learning[r, i] = False
    refill_at[r, i] = t + backfill + 1


@numba.njit(cache=True)
def _leave_kernel(rows, seats, t, backfill, K, active, original, learning, refill_at, role_of,
                  headcount, n_original, seat_cost, units, tender, cost_per_seat,
                  units_per_seat, tender_per_seat, lab_log, lab_certain, weights, visibility,
                  reach, thetas, theta_of, w):  # pragma: no cover - compiled
    """Vacate seats (rows[m], seats[m]) in the order given.

    Given row-major, each replication's totals change in its own fixed order, whatever the
    chunk.
    """
    powered = np.empty(len(thetas))
    blank = np.zeros(K.shape[2])
    for m in range(len(rows)):
        _vacate(rows[m], seats[m], t, backfill, K, active, original, learning, refill_at,
                role_of, headcount, n_original, seat_cost, units, tender, cost_per_seat,
                units_per_seat, tender_per_seat, lab_log, lab_certain, weights, visibility,
                reach, thetas, theta_of, w, powered, blank)


@numba.njit(cache=True)
def _refill_kernel(t, K, target, active, learning, refill_at, k_new, role_of, headcount,
                   n_original, seat_cost, units, tender, cost_per_seat, units_per_seat,
                   tender_per_seat, lab_log, lab_certain, weights, visibility, reach, thetas,
                   theta_of, w):  # pragma: no cover - compiled
    """Newcomers take the seats due in quarter t, row-major, at ``min(k_new, target)``."""
    n_rep, n, c = K.shape
    start = np.empty(c)
    powered = np.empty(len(thetas))
    for r in range(n_rep):
        for i in range(n):
            if refill_at[r, i] != t:
                continue
            behind = False
            for k in range(c):
                start[k] = min(k_new, target[i, k])
                if start[k] < target[i, k]:
                    behind = True
            active[r, i] = True
            refill_at[r, i] = -1
            learning[r, i] = behind
            _put(K, r, i, start, lab_log, lab_certain, weights, visibility, reach, thetas,
                 theta_of, w, powered)
            _tally_seat(r, i, 1.0, role_of, headcount, n_original, seat_cost, units, tender,
                        cost_per_seat, units_per_seat, tender_per_seat)


@numba.njit(cache=True)
def _quarter_kernel(t, u, hazard, backfill, K, target, active, original, learning, refill_at,
                    eta, tol, departed, role_of, headcount, n_original, seat_cost, units,
                    tender, cost_per_seat, units_per_seat, tender_per_seat, lab_log,
                    lab_certain, weights, visibility, reach, thetas, theta_of,
                    w):  # pragma: no cover - compiled
    """Background attrition, then learning, for every seat in one row-major pass.

    A seat in post leaves when ``u[r, i] < hazard[i]`` (vacant until quarter
    ``t + backfill + 1``); otherwise, if it is learning, it moves ``eta`` of the way to its
    target (snapping to it within ``tol``). Shapes as in :func:`_fill_kernel`; u (R, N),
    hazard (N,), departed (R,) counts leavers.
    """
    n_rep, n, c = K.shape
    new = np.empty(c)
    blank = np.zeros(c)
    powered = np.empty(len(thetas))
    for r in range(n_rep):
        for i in range(n):
            if not active[r, i]:
                continue
            if u[r, i] < hazard[i]:
                _vacate(r, i, t, backfill, K, active, original, learning, refill_at, role_of,
                        headcount, n_original, seat_cost, units, tender, cost_per_seat,
                        units_per_seat, tender_per_seat, lab_log, lab_certain, weights,
                        visibility, reach, thetas, theta_of, w, powered, blank)
                departed[r] += 1
                continue
            if not learning[r, i]:
                continue
            done = True
            for k in range(c):
                new[k] = K[r, i, k] + eta * (target[i, k] - K[r, i, k])
                if target[i, k] - new[k] > tol:
                    done = False
            if done:
                new[:] = target[i]
                learning[r, i] = False
            _put(K, r, i, new, lab_log, lab_certain, weights, visibility, reach, thetas,
                 theta_of, w, powered)


@numba.njit(cache=True)
def _choose(weight, u, counts):  # pragma: no cover - compiled
    """Draw seats without replacement with probability ``∝ weight``, one per slot (compiled).

    Successive sampling: in each row that makes offers, slot k takes ``u[r, k]`` of the weight
    not yet chosen and finds it by binary search on the row's cumulative weights, skipping the
    intervals of the seats already chosen; a row's draws depend on that row alone.

    Args:
        weight: Non-negative weights, shape (R, N).
        u: Uniforms, shape (R, S).
        counts: Offers each row makes, shape (R,) (≤ S).

    Returns:
        Chosen seat per slot, shape (R, S); −1 where the slot makes no offer.
    """
    n_rep, n = weight.shape
    n_slots = u.shape[1]
    chosen = np.full((n_rep, n_slots), -1, dtype=np.int64)
    cum = np.empty(n)
    starts = np.empty(n_slots)
    widths = np.empty(n_slots)
    for r in range(n_rep):
        if counts[r] <= 0:
            continue
        total = 0.0
        for i in range(n):
            total += weight[r, i]
            cum[i] = total
        taken = 0
        for k in range(min(counts[r], n_slots)):
            removed = 0.0
            for q in range(taken):
                removed += widths[q]
            mass = u[r, k] * (total - removed)
            for q in np.argsort(starts[:taken]):
                if mass >= starts[q]:
                    mass += widths[q]
            seat = min(np.searchsorted(cum, mass, side="right"), n - 1)
            w_seat = weight[r, seat]
            fresh = True
            for q in range(k):
                if chosen[r, q] == seat:
                    fresh = False
            if w_seat <= 0.0 or not fresh:
                continue
            chosen[r, k] = seat
            starts[taken] = cum[seat] - w_seat
            widths[taken] = w_seat
            taken += 1
    return chosen


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
    seats = _Seats(setup, world, n_rep)
    hired_log_miss = np.zeros((n_rep, n_rivals, len(w)))
    own = np.zeros((n_rep, n_rivals, len(w)))
    rebuild = np.zeros((n_rivals, len(w)))
    for j, rv in enumerate(setup.rivals):
        own[:, j] = rv.initial_own
        rebuild[j] = rv.rebuild_per_quarter
    phi = world.financial_moat
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

    for t in range(quarters):
        seats.refill(t)
        for j, rv in enumerate(setup.rivals):
            most = int(np.ceil(rv.offers_per_quarter))
            if most == 0:
                continue
            whole = np.floor(rv.offers_per_quarter)
            counts = (whole + (draws.count[:, t, j] < rv.offers_per_quarter - whole)).astype(int)
            chosen = _choose(seats.weights[j], draws.target[:, t, j, :most], counts)
            valid = chosen >= 0
            seat = np.where(valid, chosen, 0)
            multiple = rv.multiple_median * np.exp(rv.multiple_sigma
                                                   * draws.multiple[:, t, j, :most])
            offer = multiple * rv.offer_face[seat] + rv.buyout[seat]
            stay = setup.stay_value[seat]
            raise_ = np.minimum(setup.counter_cap[seat],
                                setup.counter_share[seat] * np.maximum(0.0, offer - stay))
            p = expit(rv.utility_rest[seat] + setup.beta_comp * np.log(offer / (stay + raise_)))
            accept = valid & (draws.accept[:, t, j, :most] < p)
            countered = valid & ~accept & (raise_ > 0)
            out["cost"][:, t] += (countered * raise_).sum(axis=1) * setup.counter_years
            r, k = np.nonzero(accept)
            m = chosen[r, k]
            with np.errstate(divide="ignore"):
                hired_log_miss[:, j] += _row_sum(r, np.log1p(-tacit * seats.K[r, m]), n_rep)
            out["departures"][:, t, j] = accept.sum(axis=1)
            seats.leave(r, m, t)

        out["departures"][:, t, n_rivals] = seats.attrition_and_learning(
            draws.background[:, t], t)
        own = np.minimum(1.0, own + rebuild)

        b_lab = _dot((1.0 - tacit) + tacit * (1.0 - seats.lab_miss()), w)
        hired_miss = np.exp(hired_log_miss)
        b_rival = _dot(1.0 - (1.0 - own) * hired_miss, w)
        lead = b_lab - (b_rival.max(axis=1) if n_rivals else 0.0)
        out["b_lab"][:, t] = b_lab
        out["b_rival"][:, t] = b_rival
        out["bypassed_rd"][:, t] = _dot(1.0 - hired_miss, world.replication_cost)
        out["value"][:, t] = world.valuation * (phi + (1.0 - phi) * np.maximum(0.0, lead)
                                                / world.lead0)
        out["tender_cash"][:, t] = seats.tender
        out["cost"][:, t] += (seats.seat_cost + setup.fixed_cost
                              + seats.units * np.clip(lead / world.lead0, 0.0, 1.0)
                              + (seats.tender if setup.tender_is_lab_cost else 0.0))
        out["headcount"][:, t] = seats.headcount
        out["retained"][:, t] = seats.n_original / n
    return Trajectories(**out)
