"""The simulation engine: quarters of offers, moves, know-how walking out, rivals catching up.

Pure array code over a block of replications: state is shaped (R, N) per seat or (R, N, C) for
knowledge, and a quarter is a fixed sequence of vectorised steps (MODEL.md §E–G):

1. **Backfill.** Seats vacated ``backfill_quarters`` ago get a newcomer at
   ``min(K_new, target)`` (seated by the previous quarter's pass over the seats, counted in the
   totals here: see :func:`_refill_kernel`).
2. **Offers**, hiring party by hiring party (rivals, then investors' portfolio companies). Party
   j makes ``⌊h_j⌋`` offers, plus one with probability ``h_j − ⌊h_j⌋``, to distinct people in
   post drawn without replacement with probability ``∝ reach_ji · visibility_i · B({i})^θ_j``
   (successive sampling on cumulative weights). Each offer has a multiple
   ``median · exp(σ Z)``; its value is ``m · face + buyout``. Under a retention grant the lab
   counters, adding ``min(cap, share · max(0, offer − stay))`` to the package. The person accepts
   with :func:`talentmoat.behaviour.accept_probability`.
3. **Leavers** are hired: what they cover waits ``absorption_quarters`` before it counts for
   the party, and what they carry (:func:`talentmoat.lab_value.carry`) is the tacit share of
   their noisy-OR coverage.
4. **Background attrition** among those still in post, then **learning** (newcomers move ``η``
   of the way to the seat's level).
5. **The frontier** (:mod:`talentmoat.lab_value`): the lab advances ``a_t`` (from the tacit
   know-how in post), every party's coverage goes stale by ``(1 − a_t)``, settled hires are
   absorbed, parties rebuild and learn from what the lab publishes.
6. **Outcomes**: ``B_lab``, each ``B_j``, the lead, ``V_t`` and the quarter's policy cost.

Nothing here draws random numbers (they come in :class:`~talentmoat.sim.draws.Draws`), reads
files or imports the scenario schema, and no Python loop runs over people or replications:
running totals (headcount, costs) are updated only for the seats that change, and the lab's
``Π_{in post} (1 − K)`` is multiplied up in the quarter's one pass over the seats (no logarithm
per changed seat: that pass reads each seat's knowledge anyway, and the product was 1.8–2.3×
faster than keeping ``Σ log(1 − K)`` up to date, bench/README.md), by compiled (numba)
kernels that take the seat state as two named tuples (:class:`SeatState`, :class:`SeatRules`,
so arguments cannot be mis-ordered) and visit seats row by row, so each replication's sums
keep one fixed order whatever the chunk.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numba
import numpy as np
from llvmlite import ir
from numba.core import cgutils, types
from numba.extending import intrinsic
from threadpoolctl import threadpool_limits

from talentmoat.behaviour import accept_probability
from talentmoat.lab_value import (
    absorb,
    advance,
    blueprint_share,
    bypassed_rd,
    diffuse,
    lab_coverage,
    lab_share,
    lab_value,
    lead,
    party_coverage,
    rebuild,
    stale,
    tacit_in_post,
)
from talentmoat.sim.draws import Draws
from talentmoat.sim.inputs import Setup, Shock, World, offer_terms

__all__ = ["LEARNED", "SeatRules", "SeatState", "Shock", "Trajectories", "World",
           "simulate_strategy", "slots", "vacant"]


@dataclass(frozen=True)
class Trajectories:
    """Per replication and quarter outcomes of one strategy (values at the end of a quarter).

    Attributes:
        b_lab: Lab's blueprint share, shape (R, T).
        b_rival: Each party's blueprint share, shape (R, T, J).
        bypassed_rd: R&D each party skipped through the hires it made so far (USD),
            ``Σ cost · tacit · cov_hired`` (no staleness), shape (R, T, J).
        departures: Leavers by destination, shape (R, T, J + 1); the last column is background
            attrition.
        to_parties_by_role: Leavers to any hiring party by role, shape (R, T, roles).
        headcount: People in post by role, shape (R, T, roles).
        retained: Share of the starting roster still in post, shape (R, T).
        original_by_role: People of the starting roster still in post by role, shape
            (R, T, roles).
        value: Lab value ``V_t`` (USD), shape (R, T).
        cost: Policy cost to the lab in the quarter (USD), shape (R, T).
        tender_cash: Tender proceeds paid to staff in the quarter (USD), shape (R, T).
        unit_payout: Realised synthetic-unit payout in the quarter (USD), shape (R, T).
        advance: The lab's advance ``a_t``, shape (R, T).
        first_hires_carry: Blueprint share carried by the first three people hired by any party
            so far, ``Σ w · tacit · cov`` of that set, shape (R, T).
    """

    b_lab: np.ndarray
    b_rival: np.ndarray
    bypassed_rd: np.ndarray
    departures: np.ndarray
    to_parties_by_role: np.ndarray
    headcount: np.ndarray
    retained: np.ndarray
    original_by_role: np.ndarray
    value: np.ndarray
    cost: np.ndarray
    tender_cash: np.ndarray
    unit_payout: np.ndarray
    advance: np.ndarray
    first_hires_carry: np.ndarray


FIRST_HIRES = 3
"""``first_hires_carry`` follows this many hires (MODEL.md §J's compartmentalization test)."""


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
    return max((int(np.ceil(rate)) for s in setups for p in s.parties
                for rate in (p.offers_per_quarter, *(r.offers_per_quarter for r in p.raids))),
               default=0)


class SeatState(NamedTuple):
    """Per-replication seat state and running totals (updated in place by the kernels).

    Attributes:
        K: Knowledge of each seat's occupant, (R, N, C); 0 when vacant.
        active: Seat in post, (R, N).
        original: First occupant still in post, (R, N).
        learning: Occupant still learning toward the seat's level, (R, N).
        refill_at: Quarter a vacant seat is refilled (−1: not vacant), (R, N).
        headcount: People in post by role, (R, roles).
        original_by_role: First occupants still in post by role, (R, roles).
        seat_cost: Σ cost_per_seat over seats in post, (R,).
        units: Σ units_per_seat over seats in post, (R,).
        payout: Σ unit_payout_per_seat over seats in post, (R,).
        tender: Σ tender_per_seat over seats in post, (R,).
        miss: ``Π_{in post} (1 − K)`` per component at the end of the last quarter kernel, (R, C)
            (products under 1e-300 are put at 0: ``1 − miss`` is then 1 exactly either way).
        weights: Each party's targeting weight per seat, (R, N, J) (a seat's weights are
            contiguous: a seat that changes writes one cache line).
    """

    K: np.ndarray
    active: np.ndarray
    original: np.ndarray
    learning: np.ndarray
    refill_at: np.ndarray
    headcount: np.ndarray
    original_by_role: np.ndarray
    seat_cost: np.ndarray
    units: np.ndarray
    payout: np.ndarray
    tender: np.ndarray
    miss: np.ndarray
    weights: np.ndarray


class SeatRules(NamedTuple):
    """What the kernels read about seats and parties (never written).

    Attributes:
        target: Level each seat learns toward, (N, C).
        role_of: Role index per seat, int (N,).
        money: Per seat in post and quarter, (N, 4): lab cost, units' grant-date fair value,
            units' payout at a full hit, tender proceeds (USD; the columns of :data:`MONEY`).
        vis_reach: ``visibility · reach`` per seat and party, (N, J): a seat's row is contiguous
            (with ``money``, a seat that changes reads two rows, not one entry of ten arrays).
        thetas: Distinct targeting exponents, (U,).
        theta_of: Index into ``thetas`` per party, int (J,).
        w: Component weights, (C,).
    """

    target: np.ndarray
    role_of: np.ndarray
    money: np.ndarray
    vis_reach: np.ndarray
    thetas: np.ndarray
    theta_of: np.ndarray
    w: np.ndarray


MONEY = ("cost_per_seat", "units_per_seat", "unit_payout_per_seat", "tender_cash_per_seat")
"""The :class:`~talentmoat.sim.inputs.Setup` fields of ``SeatRules.money``'s columns, (N,) each."""


LEARNED = 1e-4
"""A newcomer within this of the seat's level on every component has learned it (and is put at
the level: the learning tolerance of docs/model.md). At ``η = 0.15`` a newcomer from 0.3 to 0.9
is within 1e-4 after 54 quarters (within 1e-9 only after 125), so far fewer seats stay on the
learning path."""


def _own(x: object, dtype: type) -> np.ndarray:
    """``x`` as a C-contiguous, writeable array of ``dtype`` (a copy only when it is not one).

    Every array reaches the kernels through this, so each kernel compiles one signature whatever
    the strategy (read-only setup arrays, a planner's fresh ones), chunk size or slice.
    """
    a = np.ascontiguousarray(x, dtype=dtype)
    return a if a.flags.writeable else a.copy()


PREFETCH_AHEAD = 16
"""Seats ahead whose targeting weights :func:`_quarter_kernel` asks the CPU to fetch."""


@intrinsic
def _prefetch(typingctx, a, r, i):  # pragma: no cover - compiled
    """Ask the CPU to fetch the cache line of ``a[r, i, 0]`` (3-d array) for writing.

    LLVM's ``llvm.prefetch``: a hint, never a fault, whatever the address.
    """
    def codegen(context, builder, signature, args):
        ty = signature.args[0]
        arr = context.make_array(ty)(context, builder, args[0])
        at = [context.cast(builder, args[1], signature.args[1], types.intp),
              context.cast(builder, args[2], signature.args[2], types.intp),
              context.get_constant(types.intp, 0)]
        ptr = cgutils.get_item_pointer2(
            context, builder, data=arr.data, shape=cgutils.unpack_tuple(builder, arr.shape),
            strides=cgutils.unpack_tuple(builder, arr.strides), layout=ty.layout, inds=at)
        i32 = ir.IntType(32)
        hint = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(ir.VoidType(), [ptr.type, i32, i32, i32]),
            "llvm.prefetch.p0")
        builder.call(hint, [ptr, i32(1), i32(3), i32(1)])  # write, keep in all caches, data
        return context.get_dummy_value()
    return types.void(a, r, i), codegen


@numba.njit(cache=True, inline="always")
def _put(s, c, r, i, new, powered):  # pragma: no cover - compiled
    """Set seat (r, i)'s knowledge to ``new`` (C,) and its targeting weights.

    The targeting weight is ``visibility · reach · B({i})^θ``, as
    :func:`talentmoat.behaviour.targeting_weights` (θ = 1 and 1.5 without a general power).
    """
    value = 0.0
    for k in range(s.K.shape[2]):
        value += new[k] * c.w[k]
        s.K[r, i, k] = new[k]
    for u in range(len(c.thetas)):
        if value <= 0.0:
            powered[u] = 0.0
        elif c.thetas[u] == 1.0:
            powered[u] = value
        elif c.thetas[u] == 1.5:
            powered[u] = value * np.sqrt(value)
        else:
            powered[u] = value ** c.thetas[u]
    for j in range(s.weights.shape[2]):
        s.weights[r, i, j] = c.vis_reach[i, j] * powered[c.theta_of[j]]


@numba.njit(cache=True, inline="always")
def _tally(s, c, r, i, sign):  # pragma: no cover - compiled
    """Add (sign 1) or remove (sign −1) seat (r, i) from the per-replication totals."""
    s.headcount[r, c.role_of[i]] += sign
    s.seat_cost[r] += sign * c.money[i, 0]
    s.units[r] += sign * c.money[i, 1]
    s.payout[r] += sign * c.money[i, 2]
    s.tender[r] += sign * c.money[i, 3]


@numba.njit(cache=True, inline="always")
def _vacate(s, c, r, i, t, backfill, powered, blank):  # pragma: no cover - compiled
    """Seat (r, i) falls vacant in quarter t; refilled at the start of ``t + backfill + 1``."""
    _put(s, c, r, i, blank, powered)
    _tally(s, c, r, i, -1.0)
    if s.original[r, i]:
        s.original_by_role[r, c.role_of[i]] -= 1.0
    s.active[r, i] = False
    s.original[r, i] = False
    s.learning[r, i] = False
    s.refill_at[r, i] = t + backfill + 1


@numba.njit(cache=True)
def _leave_kernel(s, c, rows, seats, t, backfill):  # pragma: no cover - compiled
    """Vacate seats (rows[m], seats[m]) in the order given (row-major: a fixed order per row)."""
    powered = np.empty(len(c.thetas))
    blank = np.zeros(s.K.shape[2])
    for m in range(len(rows)):
        _vacate(s, c, rows[m], seats[m], t, backfill, powered, blank)


@numba.njit(cache=True, inline="always")
def _newcomer(c, i, k_new, start):  # pragma: no cover - compiled
    """A newcomer's knowledge in seat i, ``min(k_new, target)``, into ``start`` (C,).

    Returns whether it is below the seat's level on some component (so learning).
    """
    behind = False
    for k in range(len(start)):
        start[k] = min(k_new, c.target[i, k])
        if start[k] < c.target[i, k]:
            behind = True
    return behind


@numba.njit(cache=True)
def _refill_kernel(s, c, t, k_new, place):  # pragma: no cover - compiled
    """The newcomers due in quarter t join the totals, row-major; ``place``: they sit down first.

    In a run the last :func:`_quarter_kernel` has seated them already (``place`` False): its
    pass reads every seat anyway, while seating them here, a few in a hundred seats apart, cost
    ≈ 200 ns a seat in cache misses. Their cost and headcount join here, in the same order as
    before, so every total is summed in one fixed order per replication.
    """
    n_rep, n, n_c = s.K.shape
    start = np.empty(n_c)
    powered = np.empty(len(c.thetas))
    for r in range(n_rep):
        for i in range(n):
            if s.refill_at[r, i] != t:
                continue
            if place:
                s.active[r, i] = True
                s.learning[r, i] = _newcomer(c, i, k_new, start)
                _put(s, c, r, i, start, powered)
            s.refill_at[r, i] = -1
            _tally(s, c, r, i, 1.0)


@numba.njit(cache=True)
def _quarter_kernel(s, c, t, u, hazard, backfill, eta, tol, k_new,
                    departed):  # pragma: no cover - compiled
    """Background attrition, learning, the lab's miss and next quarter's newcomers, one pass.

    A seat in post leaves when ``u[r, t, i] < hazard[i]``; otherwise, if it is learning, it moves
    ``eta`` of the way to its target (snapping to it within ``tol``); then its ``1 − K`` joins
    the row's product ``s.miss`` (seats in row-major order: one fixed order per replication).
    A vacant seat due for refill in quarter ``t + 1`` gets its newcomer at ``min(k_new,
    target)`` (:func:`_newcomer`), after the miss; the next :func:`_refill_kernel` adds it to
    the totals. u (R, T, N) float32 (the whole block, so its layout never changes), hazard (N,),
    departed (R,) counts leavers.
    """
    n_rep, n, n_c = s.K.shape
    new = np.empty(n_c)
    blank = np.zeros(n_c)
    powered = np.empty(len(c.thetas))
    for r in range(n_rep):
        for k in range(n_c):
            s.miss[r, k] = 1.0
        for i in range(n):
            _prefetch(s.weights, r, min(i + PREFETCH_AHEAD, n - 1))
            if s.active[r, i] and u[r, t, i] < hazard[i]:
                _vacate(s, c, r, i, t, backfill, powered, blank)
                departed[r] += 1
            in_post = s.active[r, i]
            moved = False
            if in_post and s.learning[r, i]:
                done = True
                for k in range(n_c):
                    new[k] = s.K[r, i, k] + eta * (c.target[i, k] - s.K[r, i, k])
                    if c.target[i, k] - new[k] > tol:
                        done = False
                if done:
                    for k in range(n_c):
                        new[k] = c.target[i, k]
                    s.learning[r, i] = False
                moved = True
            elif not in_post and s.refill_at[r, i] == t + 1:
                s.active[r, i] = True
                s.learning[r, i] = _newcomer(c, i, k_new, new)
                moved = True
            if moved:  # one seat update for both (each inlined copy costs compile time)
                _put(s, c, r, i, new, powered)
            if in_post:
                for k in range(n_c):
                    m = s.miss[r, k] * (1.0 - s.K[r, i, k])
                    s.miss[r, k] = m if m >= 1e-300 else 0.0


def vacant(n_rep: int, n: int, n_c: int, n_roles: int, n_parties: int) -> SeatState:
    """Every seat vacant and due for refill in quarter 0, every total 0.

    The state's arrays at the dtypes and layouts every kernel is compiled for: R = ``n_rep``
    replications, N = ``n`` seats, C = ``n_c`` components, ``n_roles`` roles, J = ``n_parties``.
    """
    return SeatState(
        K=np.zeros((n_rep, n, n_c)), active=np.zeros((n_rep, n), dtype=bool),
        original=np.zeros((n_rep, n), dtype=bool), learning=np.zeros((n_rep, n), dtype=bool),
        refill_at=np.zeros((n_rep, n), dtype=np.int64), headcount=np.zeros((n_rep, n_roles)),
        original_by_role=np.zeros((n_rep, n_roles)), seat_cost=np.zeros(n_rep),
        units=np.zeros(n_rep), payout=np.zeros(n_rep), tender=np.zeros(n_rep),
        miss=np.zeros((n_rep, n_c)), weights=np.zeros((n_rep, n, n_parties)))


def _start(setup: Setup, world: World, n_rep: int) -> tuple[SeatState, SeatRules]:
    """Every seat at its first occupant's knowledge, in every replication."""
    n, n_c = setup.target.shape
    n_parties = len(setup.parties)
    thetas_of = [p.theta for p in setup.parties]
    thetas = np.array(sorted(set(thetas_of)), dtype=float)
    rules = SeatRules(
        target=_own(setup.target, np.float64),
        role_of=_own(world.role_of, np.int64),
        money=_own(np.stack([getattr(setup, f) for f in MONEY], axis=1), np.float64),
        vis_reach=_own(np.asarray(setup.visibility, dtype=float)[:, None]
                       * np.reshape([p.reach for p in setup.parties], (n_parties, n)).T,
                       np.float64),
        thetas=thetas,
        theta_of=np.array([list(thetas).index(t) for t in thetas_of], dtype=np.int64),
        w=_own(world.weights, np.float64),
    )
    one = vacant(1, n, n_c, world.n_roles, n_parties)  # due now: the refill puts each at
    one.original[:] = True                              # its target, as a first occupant
    one.original_by_role[0] = np.bincount(rules.role_of, minlength=world.n_roles)
    _refill_kernel(one, rules, 0, np.inf, True)
    one.headcount[0] = np.bincount(rules.role_of, minlength=world.n_roles)
    one.seat_cost[0], one.units[0], one.payout[0], one.tender[0] = (
        np.asarray(getattr(setup, f), dtype=float).sum() for f in MONEY)
    state = SeatState(*[np.repeat(x, n_rep, axis=0) for x in one])
    return state, rules


@numba.njit(cache=True)
def _first_above(cum, x):  # pragma: no cover - compiled
    """The first index whose ``cum`` exceeds ``x`` (``np.searchsorted(cum, x, side="right")``).

    Written out: numba's ``searchsorted`` compiles its ``side`` string handling, 0.3 s of a
    cold run.
    """
    lo, hi = 0, len(cum)
    while lo < hi:
        mid = (lo + hi) // 2
        if cum[mid] <= x:
            lo = mid + 1
        else:
            hi = mid
    return lo


@numba.njit(cache=True)
def _choose(weight, j, u, counts):  # pragma: no cover - compiled
    """Draw seats without replacement with probability ``∝ weight``, one per slot (compiled).

    Successive sampling: in each row that makes offers, slot k takes ``u[r, k]`` of the weight
    not yet chosen and finds it by binary search on the row's cumulative weights, skipping the
    intervals of the seats already chosen; a row's draws depend on that row alone.

    Args:
        weight: Non-negative weights, shape (R, N, J).
        j: The party whose weights ``weight[:, :, j]`` are drawn on.
        u: Uniforms, shape (R, S).
        counts: Offers each row makes, shape (R,) (≤ S).

    Returns:
        Chosen seat per slot, shape (R, S); −1 where the slot makes no offer.
    """
    n_rep, n = weight.shape[:2]
    n_slots = u.shape[1]
    chosen = np.empty((n_rep, n_slots), dtype=np.int64)
    for r in range(n_rep):  # a loop, not np.full or a slice: 0.1–2 s less to compile
        for k in range(n_slots):
            chosen[r, k] = -1
    cum = np.empty(n)
    starts = np.empty(n_slots)
    widths = np.empty(n_slots)
    order = np.empty(n_slots, dtype=np.int64)  # chosen intervals by start (no argsort to compile)
    for r in range(n_rep):
        if counts[r] <= 0:
            continue
        total = 0.0
        for i in range(n):
            total += weight[r, i, j]
            cum[i] = total
        taken = 0
        for k in range(min(counts[r], n_slots)):
            removed = 0.0
            for q in range(taken):
                removed += widths[q]
            mass = u[r, k] * (total - removed)
            for p in range(taken):
                if mass >= starts[order[p]]:
                    mass += widths[order[p]]
            seat = min(_first_above(cum, mass), n - 1)
            w_seat = weight[r, seat, j]
            fresh = True
            for q in range(k):
                if chosen[r, q] == seat:
                    fresh = False
            if w_seat <= 0.0 or not fresh:
                continue
            chosen[r, k] = seat
            starts[taken] = cum[seat] - w_seat
            widths[taken] = w_seat
            p = taken
            while p > 0 and starts[order[p - 1]] > starts[taken]:
                order[p] = order[p - 1]
                p -= 1
            order[p] = taken
            taken += 1
    return chosen


def simulate_strategy(setup: Setup, world: World, draws: Draws,
                      shock: Shock | None = None) -> Trajectories:
    """Run one strategy over a block of replications.

    Args:
        setup: The strategy's static inputs (seats N, components C, parties J).
        world: What all strategies share.
        draws: The block's random numbers, shapes (R, T, ...).
        shock: Seats a party hires at the start of quarter 0, before any offer (MODEL.md §I);
            they go through the same path as any hire.

    Returns:
        The trajectories, shapes (R, T, ...).

    BLAS runs on one thread here: the per-quarter products are small, and OpenBLAS's idle
    threads spin between them, taking a core from the other workers (a one-process run used
    1.8 cores for 12 % less wall time, and two workers then gained nothing).
    """
    with threadpool_limits(1, user_api="blas"):
        return _simulate(setup, world, draws, shock)


def _simulate(setup: Setup, world: World, draws: Draws, shock: Shock | None) -> Trajectories:
    """:func:`simulate_strategy`'s body."""
    n_rep, quarters, n = draws.background.shape
    n_parties = len(setup.parties)
    w, tacit = world.weights, setup.tacit
    n_c = len(w)
    state, rules = _start(setup, world, n_rep)
    background = _own(draws.background, np.float32)
    offer_u = _own(draws.target, np.float64)
    hazard = _own(setup.hazard, np.float64)
    backfill = int(world.backfill_quarters)
    k_new = float(world.newcomer_knowledge)
    lag = world.absorption_quarters
    own = np.zeros((n_rep, n_parties, n_c))
    for j, party in enumerate(setup.parties):
        own[:, j] = party.initial_own
    rate = np.array([p.rebuild_per_quarter for p in setup.parties]).reshape(n_parties, n_c)
    hired = np.zeros((n_rep, n_parties, n_c))  # absorbed hires' coverage (stale-adjusted)
    pending = np.zeros((lag + 1, n_rep, n_parties, n_c))  # hires still settling, by quarter
    hired_log = np.zeros((n_rep, n_parties, n_c))  # Σ log(1 − K) of every hire (bypassed R&D)
    first_log = np.zeros((n_rep, n_c))  # the first FIRST_HIRES hires, any party
    n_hired = np.zeros(n_rep, dtype=np.int64)
    tacit0 = float(tacit_in_post(w, tacit, 1.0 - np.prod(1.0 - setup.K, axis=0)))
    out = {
        "b_lab": np.empty((n_rep, quarters)),
        "b_rival": np.empty((n_rep, quarters, n_parties)),
        "bypassed_rd": np.empty((n_rep, quarters, n_parties)),
        "departures": np.zeros((n_rep, quarters, n_parties + 1), dtype=np.int64),
        "to_parties_by_role": np.zeros((n_rep, quarters, world.n_roles), dtype=np.int64),
        "headcount": np.empty((n_rep, quarters, world.n_roles)),
        "retained": np.empty((n_rep, quarters)),
        "original_by_role": np.empty((n_rep, quarters, world.n_roles)),
        "value": np.empty((n_rep, quarters)),
        "cost": np.zeros((n_rep, quarters)),
        "tender_cash": np.empty((n_rep, quarters)),
        "unit_payout": np.empty((n_rep, quarters)),
        "advance": np.empty((n_rep, quarters)),
        "first_hires_carry": np.empty((n_rep, quarters)),
    }

    def hire(t: int, j: int, r: np.ndarray, m: np.ndarray) -> None:
        """Party j hires seats ``m`` of rows ``r`` (sorted) in quarter t.

        They leave, and what they cover settles after ``absorption_quarters``: one path for
        accepted offers and for a shock.
        """
        r, m = _own(r, np.int64), _own(m, np.int64)
        slot = t % (lag + 1)
        with np.errstate(divide="ignore"):
            logs = np.log1p(-state.K[r, m])
        summed = _row_sum(r, logs, n_rep)
        pending[slot][:, j] = absorb(pending[slot][:, j], 1.0 - np.exp(summed))
        hired_log[:, j] += summed
        rank = np.arange(len(r)) - np.searchsorted(r, r)  # order within the row
        first = n_hired[r] + rank < FIRST_HIRES
        first_log[:] += _row_sum(r[first], logs[first], n_rep)
        n_hired[:] += np.bincount(r, minlength=n_rep)
        out["departures"][:, t, j] += np.bincount(r, minlength=n_rep)
        np.add.at(out["to_parties_by_role"][:, t], (r, rules.role_of[m]), 1)
        _leave_kernel(state, rules, r, m, t, backfill)

    for t in range(quarters):
        _refill_kernel(state, rules, t, k_new, False)
        if t == 0 and shock is not None and len(shock.rows):
            hire(0, shock.party, shock.rows, shock.seats)
        for j, party in enumerate(setup.parties):
            offers, scale = offer_terms(party, t)
            most = int(np.ceil(offers))
            if most == 0:
                continue
            whole = np.floor(offers)
            counts = (whole + (draws.count[:, t, j] < offers - whole)).astype(np.int64)
            chosen = _choose(state.weights, j, _own(offer_u[:, t, j, :most], np.float64),
                             counts)
            valid = chosen >= 0
            seat = np.where(valid, chosen, 0)
            multiple = scale * party.multiple_median * np.exp(party.multiple_sigma
                                                      * draws.multiple[:, t, j, :most])
            offer = multiple * party.offer_face[seat] + party.buyout[seat]
            stay = setup.stay_value[seat]
            raise_ = np.minimum(setup.counter_cap[seat],
                                setup.counter_share[seat] * np.maximum(0.0, offer - stay))
            p = accept_probability(party.utility_rest[seat], setup.beta_comp,
                                   offer / (stay + raise_))
            accept = valid & (draws.accept[:, t, j, :most] < p)
            countered = valid & ~accept & (raise_ > 0)
            out["cost"][:, t] += (countered * raise_).sum(axis=1) * setup.counter_years
            r, k = np.nonzero(accept)
            hire(t, j, r, chosen[r, k])

        departed = np.zeros(n_rep, dtype=np.int64)
        _quarter_kernel(state, rules, t, background, hazard, backfill,
                        float(world.learning_rate), float(LEARNED), k_new, departed)
        out["departures"][:, t, n_parties] = departed

        cov_post = 1.0 - state.miss
        ratio = tacit_in_post(w, tacit, cov_post) / tacit0 if tacit0 > 0 else np.ones(n_rep)
        a_t = advance(world.a0, ratio, world.gamma, setup.directed_ratio, world.kappa,
                      world.exploration_gain, setup.blue_sky_share, setup.drag)
        own = stale(own, a_t)
        hired = stale(hired, a_t)
        for q in range(lag + 1):
            pending[q] = stale(pending[q], a_t)
        due = (t - lag) % (lag + 1)
        hired = absorb(hired, pending[due])
        pending[due] = 0.0
        own = rebuild(own, rate)
        cov_lab = lab_coverage(tacit, cov_post)[:, None, :]
        own = diffuse(own, party_coverage(own, tacit, hired), cov_lab, setup.diffusion)
        b_rival = blueprint_share(w, party_coverage(own, tacit, hired))
        b_lab = lab_share(w, tacit, cov_post)
        gap = lead(b_lab, b_rival)
        held = np.clip(gap / world.lead0, 0.0, 1.0)
        out["b_lab"][:, t] = b_lab
        out["b_rival"][:, t] = b_rival
        out["advance"][:, t] = a_t
        out["bypassed_rd"][:, t] = bypassed_rd(world.replication_cost, tacit,
                                               1.0 - np.exp(hired_log))
        out["first_hires_carry"][:, t] = blueprint_share(w, tacit * (1.0 - np.exp(first_log)))
        out["value"][:, t] = lab_value(world.valuation, world.financial_moat, gap, world.lead0)
        out["tender_cash"][:, t] = state.tender
        out["unit_payout"][:, t] = state.payout * held
        out["cost"][:, t] += (state.seat_cost + setup.fixed_cost + state.units
                              + (state.tender if setup.tender_is_lab_cost else 0.0)
                              + (setup.one_off_cost if t == 0 else 0.0))
        out["headcount"][:, t] = state.headcount
        out["retained"][:, t] = state.original_by_role.sum(axis=1) / n
        out["original_by_role"][:, t] = state.original_by_role
    return Trajectories(**out)
