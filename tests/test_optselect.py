"""Honest selection: an optimistic candidate arising from the simulation is caught out of sample.

No row is written by hand. A search with very few replications (6) misjudges candidates; the
same candidates on the validation seed with many more (100) are the truth. The bound on core
2-year retention is then put, by construction, between a candidate's in-sample and out-of-sample
values, at the first candidate (cheapest first) for which that makes it the in-sample choice: it
meets the constraint only on the search's seeds. The optimizer must re-check it, see it fail, and
recommend the cheapest re-checked candidate that holds.
"""

from __future__ import annotations

import pytest

from optspecs import grid_spec
from talentmoat.experiments.optimize import by_cost, evaluate
from talentmoat.experiments.optrun import run_optimization
from talentmoat.experiments.optspec import load_optimization
from talentmoat.loader import load_scenario

SPEC = grid_spec("honest", 6, "core_retention_2y, min", 100)
METRIC = "core_retention_2y"


def construct(opt, in_sample, truth):
    """The first candidate (cheapest in sample first) that a bound between its in-sample and
    out-of-sample retention makes the in-sample choice, with a re-checked one that truly holds.

    Returns:
        (position of the candidate in the grid, the bound), or None.
    """
    order = by_cost(opt, in_sample)  # the spec's bound is 0: every candidate passes
    for k, i in enumerate(order):
        seen, true = in_sample[i][METRIC], truth[i][METRIC]
        if not seen > true:
            continue
        bound = (seen + true) / 2
        if any(in_sample[j][METRIC] >= bound for j in order[:k]):
            continue   # a cheaper candidate would be chosen instead
        passing = [j for j in order if in_sample[j][METRIC] >= bound]
        shortlist = passing[: opt.spec.validation.candidates]
        if any(truth[j][METRIC] >= bound for j in shortlist):
            return i, bound
    return None


@pytest.fixture(scope="module")
def lab():
    return load_scenario("lean-lab")


def test_the_recheck_catches_an_optimistic_candidate_found_by_the_search(tmp_path, lab):
    path = tmp_path / "o.yaml"
    path.write_text(SPEC.replace("BOUND", "0"))
    loose = load_optimization(path, lab)
    grid = loose.candidates()
    in_sample = evaluate(loose, grid, replications=6, seed=3)
    truth = evaluate(loose, grid, replications=100, seed=4)
    found = construct(loose, in_sample, truth)
    assert found is not None, "no candidate is optimistic on the search's seeds"
    optimistic, bound = found
    path.write_text(SPEC.replace("BOUND", repr(bound)))
    opt = load_optimization(path, lab)
    out = run_optimization(opt, tmp_path / "o.duckdb")
    sel = out.selection
    # in sample, the optimistic candidate is the cheapest that meets the bound ...
    assert sel.checked[0] == optimistic
    assert out.rows[optimistic][METRIC] >= bound
    # ... out of sample (the same numbers as the truth: common random numbers) it fails
    assert sel.out_of_sample == [truth[i] for i in sel.checked]
    assert sel.out_of_sample[0][METRIC] < bound
    # the recommendation is the cheapest re-checked candidate that holds out of sample
    held = [k for k, row in enumerate(sel.out_of_sample) if row[METRIC] >= bound]
    assert held and sel.recommended == min(
        held, key=lambda k: (sel.out_of_sample[k]["d_policy_cost"],
                             -sel.out_of_sample[k]["d_net_benefit"]))
    assert out.recommended["candidate"] != grid[optimistic]
    assert out.recommended[METRIC] >= bound
