"""A plain-Python reference implementation of the engine's quarter (MODEL.md §E–G), for tests.

Readable and slow: loops over replications, parties and people, no NumPy vector tricks and no
numba, and every formula written out here rather than imported, so that a bug in
:mod:`talentmoat.lab_value`, :mod:`talentmoat.behaviour` or the engine shows up as a mismatch.
It reads the same inputs (:class:`~talentmoat.sim.inputs.Setup`,
:class:`~talentmoat.sim.inputs.World`) and the same random numbers
(:class:`~talentmoat.sim.draws.Draws`) as :func:`talentmoat.sim.engine.simulate_strategy`.
"""

from __future__ import annotations

import bisect
import math

LEARNED = 1e-4  # the engine's documented learning tolerance (docs/model.md)
FIRST_HIRES = 3


def _choose(weight, u, count):
    """Successive sampling without replacement, slot by slot, exactly as the engine draws."""
    n = len(weight)
    cum, total = [], 0.0
    for x in weight:
        total += x
        cum.append(total)
    chosen, starts, widths = [], [], []
    slots = [-1] * len(u)
    for k in range(min(count, len(u))):
        mass = u[k] * (total - sum(widths))
        for start, width in sorted(zip(starts, widths, strict=True)):
            if mass >= start:
                mass += width
        seat = min(bisect.bisect_right(cum, mass), n - 1)
        if weight[seat] <= 0.0 or seat in chosen:
            continue
        slots[k] = seat
        chosen.append(seat)
        starts.append(cum[seat] - weight[seat])
        widths.append(weight[seat])
    return slots


def _expit(x):
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


def run(setup, world, draws):
    """Outcomes per replication and quarter: a dict of nested lists shaped like Trajectories."""
    n_rep, quarters, n = draws.background.shape
    parties = setup.parties
    n_j, n_c = len(parties), len(world.weights)
    w, tacit, cost = list(world.weights), list(setup.tacit), list(world.replication_cost)
    lag = world.absorption_quarters
    out = {k: [] for k in ("departures", "to_parties_by_role", "headcount", "retained", "b_lab",
                           "b_rival", "advance", "value", "cost", "bypassed_rd",
                           "first_hires_carry", "unit_payout", "tender_cash")}

    def in_post_coverage(K, active):
        return [1.0 - math.prod(1.0 - K[i][c] for i in range(n) if active[i])
                for c in range(n_c)]

    tacit0 = sum(w[c] * tacit[c] * (1.0 - math.prod(1.0 - setup.K[i][c] for i in range(n)))
                 for c in range(n_c))
    for r in range(n_rep):
        K = [list(setup.K[i]) for i in range(n)]
        active, original = [True] * n, [True] * n
        learning, refill_at = [False] * n, [-1] * n
        own = [list(p.initial_own) for p in parties]
        hired = [[0.0] * n_c for _ in parties]
        pending = [[[0.0] * n_c for _ in parties] for _ in range(lag + 1)]
        every_hire_miss = [[1.0] * n_c for _ in parties]
        first_miss, n_hired = [1.0] * n_c, 0
        rows = {k: [] for k in out}
        for t in range(quarters):
            for i in range(n):  # 1. backfill
                if refill_at[i] == t:
                    K[i] = [min(world.newcomer_knowledge, x) for x in setup.target[i]]
                    active[i], refill_at[i] = True, -1
                    learning[i] = any(a < b for a, b in zip(K[i], setup.target[i], strict=True))
            quarter_cost = 0.0
            gone = [0] * (n_j + 1)
            by_role = [0] * world.n_roles
            slot = t % (lag + 1)
            for j, p in enumerate(parties):  # 2. offers
                most = math.ceil(p.offers_per_quarter)
                if most == 0:
                    continue
                whole = math.floor(p.offers_per_quarter)
                count = whole + (draws.count[r, t, j] < p.offers_per_quarter - whole)
                weight = []
                for i in range(n):
                    b = sum(K[i][c] * w[c] for c in range(n_c))
                    weight.append(setup.visibility[i] * p.reach[i] * b ** p.theta if b > 0
                                  else 0.0)
                slots = _choose(weight, list(draws.target[r, t, j, :most]), count)
                leavers = []
                for k, i in enumerate(slots):
                    if i < 0:
                        continue
                    m = p.multiple_median * math.exp(p.multiple_sigma
                                                     * draws.multiple[r, t, j, k])
                    offer = m * p.offer_face[i] + p.buyout[i]
                    stay = setup.stay_value[i]
                    counter = min(setup.counter_cap[i],
                                  setup.counter_share[i] * max(0.0, offer - stay))
                    du = p.utility_rest[i] + setup.beta_comp * math.log(offer / (stay + counter))
                    if draws.accept[r, t, j, k] < _expit(du):
                        leavers.append(i)
                    elif counter > 0:
                        quarter_cost += counter * setup.counter_years
                for i in sorted(leavers):
                    for c in range(n_c):
                        pending[slot][j][c] = 1 - (1 - pending[slot][j][c]) * (1 - K[i][c])
                        every_hire_miss[j][c] *= 1 - K[i][c]
                        if n_hired < FIRST_HIRES:
                            first_miss[c] *= 1 - K[i][c]
                    n_hired += 1
                    by_role[world.role_of[i]] += 1
                    K[i] = [0.0] * n_c
                    active[i], original[i], learning[i] = False, False, False
                    refill_at[i] = t + world.backfill_quarters + 1
                gone[j] = len(leavers)
            for i in range(n):  # 3. background attrition, then learning
                if not active[i]:
                    continue
                if draws.background[r, t, i] < setup.hazard[i]:
                    K[i] = [0.0] * n_c
                    active[i], original[i], learning[i] = False, False, False
                    refill_at[i] = t + world.backfill_quarters + 1
                    gone[n_j] += 1
                elif learning[i]:
                    new = [K[i][c] + world.learning_rate * (setup.target[i][c] - K[i][c])
                           for c in range(n_c)]
                    if all(setup.target[i][c] - new[c] <= LEARNED for c in range(n_c)):
                        new, learning[i] = list(setup.target[i]), False
                    K[i] = new
            cov = in_post_coverage(K, active)  # 4. the frontier
            t_now = sum(w[c] * tacit[c] * cov[c] for c in range(n_c))
            ratio = t_now / tacit0 if tacit0 > 0 else 1.0
            a = min(1.0, world.a0 * ratio ** world.gamma * setup.directed_ratio ** world.kappa
                    * (1 + world.exploration_gain * setup.blue_sky_share) * (1 - setup.drag))
            lab_cov = [(1 - tacit[c]) + tacit[c] * cov[c] for c in range(n_c)]
            shares = []
            for j, p in enumerate(parties):
                for c in range(n_c):
                    own[j][c] *= 1 - a
                    hired[j][c] *= 1 - a
                    for q in range(lag + 1):
                        pending[q][j][c] *= 1 - a
                due = (t - lag) % (lag + 1)
                for c in range(n_c):
                    hired[j][c] = 1 - (1 - hired[j][c]) * (1 - pending[due][j][c])
                    own[j][c] = min(1.0, own[j][c] + p.rebuild_per_quarter[c])
                    cov_j = 1 - (1 - own[j][c]) * (1 - tacit[c] * hired[j][c])
                    own[j][c] = min(1.0, own[j][c] + setup.diffusion * max(0.0, lab_cov[c]
                                                                            - cov_j))
                shares.append(sum(w[c] * (1 - (1 - own[j][c]) * (1 - tacit[c] * hired[j][c]))
                                  for c in range(n_c)))
            for j in range(n_j):
                pending[(t - lag) % (lag + 1)][j] = [0.0] * n_c
            b_lab = sum(w[c] * lab_cov[c] for c in range(n_c))
            lead = b_lab - max(shares) if shares else b_lab
            held = min(1.0, max(0.0, lead / world.lead0))
            seats = [i for i in range(n) if active[i]]
            tender = sum(setup.tender_cash_per_seat[i] for i in seats)
            quarter_cost += (sum(setup.cost_per_seat[i] for i in seats) + setup.fixed_cost
                             + sum(setup.units_per_seat[i] for i in seats)
                             + (tender if setup.tender_is_lab_cost else 0.0)
                             + (setup.one_off_cost if t == 0 else 0.0))
            headcount = [0.0] * world.n_roles
            for i in seats:
                headcount[world.role_of[i]] += 1.0
            rows["departures"].append(gone)
            rows["to_parties_by_role"].append(by_role)
            rows["headcount"].append(headcount)
            rows["retained"].append(sum(original) / n)
            rows["b_lab"].append(b_lab)
            rows["b_rival"].append(shares)
            rows["advance"].append(a)
            rows["value"].append(world.valuation * (world.financial_moat
                                                    + (1 - world.financial_moat)
                                                    * max(0.0, lead) / world.lead0))
            rows["cost"].append(quarter_cost)
            rows["bypassed_rd"].append([sum(cost[c] * tacit[c] * (1 - every_hire_miss[j][c])
                                            for c in range(n_c)) for j in range(n_j)])
            rows["first_hires_carry"].append(sum(w[c] * tacit[c] * (1 - first_miss[c])
                                                 for c in range(n_c)))
            rows["unit_payout"].append(sum(setup.unit_payout_per_seat[i] for i in seats) * held)
            rows["tender_cash"].append(tender)
        for k in out:
            out[k].append(rows[k])
    return out
