"""``ΔV_lab(i → p)`` from the value model: what a key person's departure costs the lab (§F).

MODEL.md §F prices a person leaving to portfolio company ``p`` by the value model of §G: the
expected loss of the lab's discounted value when ``i`` leaves to ``p`` at the start, against
nobody leaving, on common random numbers — the one-person shock of §I
(:func:`talentmoat.sim.shock.run_pair` reduced by :func:`talentmoat.sim.shock.value_lost`,
the same code as ``talentmoat people``). The investors' decisions route the portfolio
companies' offers, and so are an input of the very simulation that prices the people; the two
are solved together by fixed-point iteration on the baseline strategy:

1. **Round 0**: no pair is valued (``ΔV = NaN``), so no investor facilitates; the portfolio
   companies reach only the mapped people their leaked maps reach.
2. **Round k**: the baseline is built with round ``k − 1``'s ``ΔV`` (its routing), ``α``
   calibrated for that routing (:func:`talentmoat.sim.calibrate.calibrate_alpha`), and every
   person on the talent map is shocked to every portfolio company on
   ``investors.valuation_replications`` replications: ``ΔV_k``.
3. **Stop** when the baseline's decisions under ``ΔV_k`` equal those under ``ΔV_{k−1}``: the
   routing ``ΔV_k`` was simulated on is then the routing it produces, so ``ΔV_k`` is exactly
   the person value of the scenario as simulated (``talentmoat people --party portfolio:<p>
   --reps R`` prints the same numbers). After :data:`MAX_ROUNDS` rounds the last is used and
   ``converged`` says it did not settle.

Only the pairs the calculus needs are valued: the portfolio companies × the people on the
talent map (``investors.map_size`` by ``B({i})`` on the baseline's knowledge); an investor acts
only on the people its map lets it price, so a pair off the map stays NaN and is never
facilitated. Every strategy routes with the baseline's ``ΔV`` (what a person is worth to the
lab as it runs by default); a strategy changes whom the companies can reach and who honours the
request, not the investors' price of a person.

Results are memoised per process on the scenario's content (every field but names, the other
strategies and, when the baseline has none, the policies), so ``simulate``, ``run``, the
calibration, ``shock`` and the optimizer's candidates compute them once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from talentmoat.investors.syndicate import assess_syndicate, companies_of, key_people
from talentmoat.knowledge import standalone_share
from talentmoat.loader import Lab
from talentmoat.memo import Memo, content_key
from talentmoat.sim.shock import party_index, prepare, run_pair, value_lost

MAX_ROUNDS = 4
"""Rounds of the fixed point before the last is used unsettled (two settle the lean lab)."""

CACHE_SIZE = 16
"""Valuations kept per process: a sweep's or optimizer's points mostly share one."""

PORTFOLIO_PREFIX = "portfolio:"
"""Name of a portfolio company's hiring party (:func:`talentmoat.sim.setup.hiring_parties`)."""


@dataclass(frozen=True)
class Valuation:
    """``ΔV_lab(i → p)`` for the portfolio companies (P) × the people (N), and how it settled.

    Attributes:
        loss: Mean discounted lab value lost (USD), NaN off the valued pairs, shape (P, N).
        low: Lower end of its paired 95 % CI (USD), shape (P, N).
        high: Upper end (USD), shape (P, N).
        people: Roster indices valued (the talent map), ascending.
        parties: The hiring parties valued, ``portfolio:<company>``, length P.
        replications: Replications of each shock.
        rounds: Rounds run (1 when nobody facilitates even at the first prices).
        converged: Whether the last round left every baseline decision unchanged.
        changed: Baseline decisions (company, person pairs) that flipped in each round against
            the round before, length ``rounds``.
    """

    loss: np.ndarray
    low: np.ndarray
    high: np.ndarray
    people: tuple[int, ...]
    parties: tuple[str, ...]
    replications: int
    rounds: int
    converged: bool
    changed: tuple[int, ...]


_memo: Memo[Valuation] = Memo(CACHE_SIZE)


def unvalued(lab: Lab) -> np.ndarray:
    """Round 0's ``ΔV``: NaN for every company and person (nobody facilitates), shape (P, N)."""
    return np.full((len(companies_of(lab.scenario.investors)), lab.roster.size), np.nan)


def value_losses(lab: Lab) -> Valuation:
    """The investors' ``ΔV_lab(i → p)`` from the value model, memoised (module docstring)."""
    return _memo.get(content_key(lab), lambda: solve(lab))


def solve(lab: Lab, max_rounds: int = MAX_ROUNDS) -> Valuation:
    """Iterate prices and decisions to the fixed point on the baseline (module docstring).

    Args:
        lab: The loaded scenario (with a syndicate).
        max_rounds: Rounds at most.
    """
    s = lab.scenario
    reps = s.investors.valuation_replications
    loss = unvalued(lab)
    parties = tuple(PORTFOLIO_PREFIX + c.name for c in companies_of(s.investors))
    decided = np.zeros(loss.shape, dtype=bool)
    changed: list[int] = []
    for _ in range(max_rounds):
        prep = prepare(lab, replications=reps, value_loss=loss)
        people = np.flatnonzero(key_people(standalone_share(prep.setup.K, s.blueprint.weights),
                                           s.investors.map_size))
        new, low, high = (unvalued(lab) for _ in range(3))
        for k, name in enumerate(parties):
            base, shocked = run_pair(prep, party_index(prep.setup, name),
                                     [(int(i),) for i in people])
            for i, arm in zip(people, shocked, strict=True):
                lost = value_lost(base, arm)
                new[k, i], low[k, i], high[k, i] = lost["mean"], lost["low"], lost["high"]
        loss = new
        now = assess_syndicate(lab, prep.setup.K, loss, prep.setup.nonpoach_request).facilitated
        changed.append(int((now != decided).sum()))
        decided = now
        if changed[-1] == 0:
            break
    return Valuation(loss=loss, low=low, high=high, people=tuple(int(i) for i in people),
                     parties=parties, replications=reps, rounds=len(changed),
                     converged=changed[-1] == 0, changed=tuple(changed))
