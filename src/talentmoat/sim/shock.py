"""Poach shocks and what each person is worth (MODEL.md §I).

A **poach shock**: at the start of quarter 0 a hiring party hires a set S of people, through the
same path as any accepted offer (:class:`~talentmoat.sim.inputs.Shock`). It is run against the
same scenario without the shock on the same draws (common random numbers), so every difference
is paired replication by replication.

A **person's value** is the one-person shock: every person is shocked in one batched run, the
people stacked as groups of rows that share the replications' draws (a vectorised shock axis),
so person i's row r sees exactly the numbers the unshocked row r sees.

Paired statistics come from :func:`talentmoat.sim.results.paired`, discounted values from
:func:`talentmoat.lab_value.discounted_mean`, bypassed R&D and coverage from the knowledge
report's functions (:mod:`talentmoat.knowledge.coverage`).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from talentmoat.errors import InputError
from talentmoat.knowledge.coverage import bypassed_rd, coverage, mask, standalone_share
from talentmoat.knowledge.summary import poach_exposure
from talentmoat.lab_value import blueprint_share, carry, discounted_mean, party_coverage
from talentmoat.loader import Lab
from talentmoat.sim.calibrate import calibrate_alpha
from talentmoat.sim.draws import Draws, draw
from talentmoat.sim.engine import Trajectories, simulate_strategy, slots
from talentmoat.sim.inputs import Setup, Shock, World
from talentmoat.sim.results import paired, parity_by_quarter, parity_quarter
from talentmoat.sim.runner import chunk_size
from talentmoat.sim.setup import build_setup, make_world, rival_shares

PERCENTILES = (5, 50, 95)


@dataclass(frozen=True)
class Prepared:
    """A strategy ready to shock: the shared world, its setup and the run's dimensions.

    ``rows`` is the largest number of replication rows one engine call takes (the scenario's
    ``simulation.chunk``, shrunk to the memory budget by the runner's rule).
    """

    world: World
    setup: Setup
    strategy: str
    replications: int
    quarters: int
    seed: int
    rows: int


def prepare(lab: Lab, strategy: str | None = None, replications: int | None = None,
            quarters: int | None = None, seed: int | None = None,
            value_loss: np.ndarray | None = None) -> Prepared:
    """Build the world and one strategy's setup with the scenario's calibrated intercepts.

    ``value_loss`` is the investors' ``ΔV_lab(i → p)`` that routes the portfolio companies'
    offers (:func:`talentmoat.sim.setup.build_setup`); None: the value model's own
    (:func:`talentmoat.investors.valuation.value_losses`).

    Raises:
        InputError: For an unknown strategy.
    """
    s = lab.scenario
    sim = s.simulation
    name = sim.baseline if strategy is None else strategy
    if name not in s.strategies:
        raise InputError.single("--strategy", "", f"unknown strategy {name}; the scenario has "
                                f"{', '.join(s.strategies)}")
    world, _ = make_world(lab)
    alpha = calibrate_alpha(lab, value_loss).per_person(lab)
    setup = build_setup(lab, name, s.strategies[name], alpha, value_loss)
    return Prepared(world, setup, name,
                    sim.replications if replications is None else replications,
                    sim.quarters if quarters is None else quarters,
                    s.seed if seed is None else seed, sim.chunk)


def strongest_rival(lab: Lab) -> str:
    """The rival with the largest blueprint share at the start (the first on a tie).

    Raises:
        InputError: When the scenario has no rival.
    """
    shares = rival_shares(lab)
    if not shares:
        raise InputError.single(lab.source, "rivals", "a shock needs at least one rival")
    return max(shares, key=lambda row: row[1])[0]


def party_index(setup: Setup, name: str) -> int:
    """Index of a hiring party in ``setup.parties``.

    Raises:
        InputError: For an unknown party.
    """
    names = [p.name for p in setup.parties]
    if name not in names:
        raise InputError.single("--party", "", f"unknown party {name}; the scenario has "
                                f"{', '.join(names)}")
    return names.index(name)


def person_indices(lab: Lab, ids: list[str]) -> tuple[int, ...]:
    """Roster indices of person ids, in the order given.

    Raises:
        InputError: For an unknown or repeated id.
    """
    known = {pid: k for k, pid in enumerate(lab.roster.ids)}
    unknown = [pid for pid in ids if pid not in known]
    if unknown:
        raise InputError.single("--people", "", f"unknown person id(s) {', '.join(unknown)}")
    if len(set(ids)) != len(ids):
        raise InputError.single("--people", "", "a person is named twice")
    return tuple(known[pid] for pid in ids)


def top_people(lab: Lab, k: int) -> tuple[tuple[int, ...], bool]:
    """The poach-k optimum of the knowledge engine and whether it is proven exact."""
    bp, ks = lab.scenario.blueprint, lab.scenario.knowledge
    row = poach_exposure(lab.roster.K, bp.weights, bp.replication_costs, bp.tacit,
                         k_max=k, time_budget_s=ks.exact_time_budget_s)[-1]
    return row.best.people, row.exact is not None


def share_jump(world: World, setup: Setup, party: int, people: tuple[int, ...]) -> float:
    """The party's blueprint share gained once the set is absorbed, at its starting coverage.

    ``B(1 − (1 − own_j)(1 − carry_S)) − B(own_j)``: what the hires add to the party's own
    research before anything goes stale (:func:`talentmoat.lab_value.party_coverage`).
    """
    own = setup.parties[party].initial_own
    cov_s = coverage(setup.K, mask(setup.K.shape[0], people))
    return float(blueprint_share(world.weights, party_coverage(own, setup.tacit, cov_s))
                 - blueprint_share(world.weights, own))


def _tile(draws: Draws, groups: int) -> Draws:
    """The block's draws repeated ``groups`` times along the replication axis."""
    return Draws(**{f.name: np.tile(getattr(draws, f.name),
                                    (groups,) + (1,) * (getattr(draws, f.name).ndim - 1))
                    for f in fields(Draws)})


@dataclass(frozen=True)
class Outcomes:
    """What a comparison needs of one arm, per replication (R rows).

    Attributes:
        discounted: Discounted mean lab value (USD), shape (R,).
        final: Lab value at T (USD), shape (R,).
        parity: First parity quarter (1-based; 0 when censored at T), shape (R,).
        parity_by: Whether some party reached parity by each quarter, bool shape (R, T).
        party_share: The shocked party's blueprint share, shape (R, T).
    """

    discounted: np.ndarray
    final: np.ndarray
    parity: np.ndarray
    parity_by: np.ndarray
    party_share: np.ndarray

    @staticmethod
    def of(tr: Trajectories, party: int, rate: float) -> Outcomes:
        """Reduce trajectories to what a shock reports."""
        return Outcomes(discounted_mean(tr.value, rate), tr.value[:, -1], parity_quarter(tr),
                        parity_by_quarter(tr), tr.b_rival[:, :, party])

    @staticmethod
    def concat(parts: list[Outcomes]) -> Outcomes:
        """Stack chunks of replications."""
        return Outcomes(**{f.name: np.concatenate([getattr(p, f.name) for p in parts])
                           for f in fields(Outcomes)})


def run_pair(prep: Prepared, party: int, groups: list[tuple[int, ...]]
             ) -> tuple[Outcomes, list[Outcomes]]:
    """The unshocked run and one shocked run per group of people, all on the same draws.

    The groups are stacked as blocks of rows sharing the replications' numbers, as many at a
    time as :func:`talentmoat.sim.runner.chunk_size` allows.

    Returns:
        The unshocked outcomes and, per group, the shocked outcomes (R rows each).
    """
    setup, world = prep.setup, prep.world
    n = setup.K.shape[0]
    size = chunk_size([setup], prep.quarters, prep.rows)
    rate = world.discount_rate
    base_parts: list[Outcomes] = []
    shocked_parts: list[list[Outcomes]] = [[] for _ in groups]
    for start in range(0, prep.replications, size):
        reps = range(start, min(start + size, prep.replications))
        m = len(reps)
        draws = draw(prep.seed, reps, prep.quarters, n, len(setup.parties), slots([setup]))
        base_parts.append(Outcomes.of(simulate_strategy(setup, world, draws), party, rate))
        per_run = max(1, size // m)
        for g0 in range(0, len(groups), per_run):
            batch = groups[g0:g0 + per_run]
            rows = np.concatenate([np.repeat(np.arange(g * m, (g + 1) * m), len(people))
                                   for g, people in enumerate(batch)]).astype(np.int64)
            seats = np.concatenate([np.tile(np.asarray(people, dtype=np.int64), m)
                                    for people in batch]).astype(np.int64)
            tr = simulate_strategy(setup, world, _tile(draws, len(batch)),
                                   Shock(party, rows, seats))
            out = Outcomes.of(tr, party, rate)
            for g in range(len(batch)):
                part = slice(g * m, (g + 1) * m)
                shocked_parts[g0 + g].append(Outcomes(*[getattr(out, f.name)[part]
                                                        for f in fields(Outcomes)]))
    return Outcomes.concat(base_parts), [Outcomes.concat(p) for p in shocked_parts]


def _spread(x: np.ndarray) -> dict[str, float]:
    p = np.percentile(x, PERCENTILES)
    return {"mean": float(x.mean()), **{f"p{q}": float(p[k]) for k, q in enumerate(PERCENTILES)}}


def value_lost(base: Outcomes, shocked: Outcomes) -> dict[str, float]:
    """Discounted lab value lost to a shock, paired over the replications (USD; mean, 95 % CI).

    The person value of MODEL.md §I, and so the investors' ``ΔV_lab(i → p)`` of §F.
    """
    return paired(base.discounted - shocked.discounted)


def compare_shock(base: Outcomes, shocked: Outcomes, quarters: int, lag: int) -> dict[str, Any]:
    """The paired effect of a shock (MODEL.md §I), per replication then summarised.

    Time to first parity counts a replication with no parity within the horizon as ``T + 1``
    (censored at T), so "quarters sooner" is a lower bound where the unshocked run is censored;
    the censored share of each arm is reported beside it.

    Args:
        base: The unshocked outcomes.
        shocked: The shocked outcomes on the same replications.
        quarters: ``T``.
        lag: ``absorption_quarters``: the party's share is compared at the end of quarter
            ``lag + 1``, the first in which the hires count.
    """
    def first(q: np.ndarray) -> np.ndarray:
        return np.where(q > 0, q, quarters + 1)

    sooner = first(base.parity) - first(shocked.parity)
    lost = value_lost(base, shocked)
    at = min(lag, quarters - 1)
    return {
        "share_jump_simulated": paired(shocked.party_share[:, at] - base.party_share[:, at]),
        "share_jump_quarter": at + 1,
        "quarters_sooner": {**_spread(sooner), "ci": paired(sooner)},
        "time_to_parity": {
            arm: {"mean": float(first(o.parity).mean()), "median": float(np.median(
                first(o.parity))), "censored_share": float((o.parity == 0).mean())}
            for arm, o in (("without", base), ("with", shocked))},
        "censored_at_quarter": quarters,
        "censoring": f"a replication without parity within {quarters} quarters counts as "
                     f"quarter {quarters + 1}",
        "p_parity_by_quarter": {"without": base.parity_by.mean(axis=0).tolist(),
                                "with": shocked.parity_by.mean(axis=0).tolist()},
        "value_lost_discounted": lost,
        "value_lost_end": paired(base.final - shocked.final),
        "value_lost_share": lost["mean"] / float(base.discounted.mean()),
        "value_discounted_without": float(base.discounted.mean()),
    }


def poach_shock(lab: Lab, party: str | None, people: tuple[int, ...], *,
                strategy: str | None = None, replications: int | None = None,
                quarters: int | None = None, seed: int | None = None,
                prepared: Prepared | None = None) -> dict[str, Any]:
    """A named set hired by a party at quarter 0, against no shock (MODEL.md §I).

    Args:
        lab: The loaded scenario.
        party: Hiring party (default: :func:`strongest_rival`).
        people: Roster indices of the set.
        strategy: The lab's strategy (default: the baseline).
        replications: ``R`` (default: the scenario's).
        quarters: ``T`` (default: the scenario's).
        seed: Root seed (default: the scenario's).
        prepared: A :func:`prepare` result to reuse instead of strategy, replications,
            quarters and seed (its calibration is not redone).

    Returns:
        The party, the strategy, the static share jump and bypassed R&D of the set, and
        :func:`compare_shock`'s paired statistics.
    """
    prep = prepare(lab, strategy, replications, quarters, seed) if prepared is None else prepared
    name = strongest_rival(lab) if party is None else party
    j = party_index(prep.setup, name)
    base, (shocked,) = run_pair(prep, j, [people])
    cost = lab.scenario.blueprint.replication_costs
    return {
        "party": name, "strategy": prep.strategy, "people": list(people),
        "replications": prep.replications, "quarters": prep.quarters, "seed": prep.seed,
        "share_jump": share_jump(prep.world, prep.setup, j, people),
        "bypassed_rd": float(bypassed_rd(prep.setup.K, cost, prep.setup.tacit,
                                         mask(prep.setup.K.shape[0], people))),
        **compare_shock(base, shocked, prep.quarters, prep.world.absorption_quarters),
    }


def person_values(lab: Lab, party: str | None = None, *, people: list[int] | None = None,
                  strategy: str | None = None, replications: int | None = None,
                  quarters: int | None = None, seed: int | None = None,
                  prepared: Prepared | None = None) -> dict[str, Any]:
    """Every person's one-person shock by a party, ranked by discounted value lost (§I).

    Args:
        lab: The loaded scenario.
        party: Hiring party (default: :func:`strongest_rival`).
        people: Roster indices to value (default: everyone).
        strategy: The lab's strategy (default: the baseline).
        replications: ``R`` (default: the scenario's).
        quarters: ``T`` (default: the scenario's).
        seed: Root seed (default: the scenario's).
        prepared: A :func:`prepare` result to reuse instead of strategy, replications,
            quarters and seed (its calibration is not redone).

    Returns:
        The party, the run's dimensions and one row per person (highest mean loss first): the
        roster index, discounted value lost and value lost at T (paired, USD), standalone share
        ``B({i})``, carry ``Σ w · tacit · K_i`` and the share jump.
    """
    prep = prepare(lab, strategy, replications, quarters, seed) if prepared is None else prepared
    name = strongest_rival(lab) if party is None else party
    j = party_index(prep.setup, name)
    chosen = list(range(prep.setup.K.shape[0])) if people is None else list(people)
    base, shocked = run_pair(prep, j, [(i,) for i in chosen])
    w, tacit, K = prep.world.weights, prep.setup.tacit, prep.setup.K
    standalone = standalone_share(K, w)
    carried = blueprint_share(w, carry(tacit, K))
    rows = [{
        "person": i,
        "value_lost_discounted": value_lost(base, s),
        "value_lost_end": paired(base.final - s.final),
        "standalone_share": float(standalone[i]),
        "carry": float(carried[i]),
        "share_jump": share_jump(prep.world, prep.setup, j, (i,)),
    } for i, s in zip(chosen, shocked, strict=True)]
    rows.sort(key=lambda row: -row["value_lost_discounted"]["mean"])
    return {"party": name, "strategy": prep.strategy, "replications": prep.replications,
            "quarters": prep.quarters, "seed": prep.seed,
            "value_discounted_without": float(base.discounted.mean()), "people": rows}
