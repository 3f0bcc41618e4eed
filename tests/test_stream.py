"""Streaming results: statistics per chunk, parts on disk, summaries equal to the in-memory ones."""

from __future__ import annotations

import json
from dataclasses import fields

import numpy as np
import pandas as pd
import pytest

from reference_summary import compare as reference_compare
from reference_summary import summarize_strategy as reference_summary
from talentmoat.loader import load_scenario
from talentmoat.sim import simulate
from talentmoat.sim.accumulate import BLOCK, block_chunks, chunk_stats, mean, merge
from talentmoat.sim.results import compare, summarize_strategy
from talentmoat.workers import process_pool

STRATEGIES = ["tenders", "retention_grant"]


@pytest.fixture(scope="module")
def lab():
    return load_scenario("lean-lab")


@pytest.fixture(scope="module")
def memory(lab):
    """120 replications kept in memory, in chunks that split blocks (37 is not a multiple)."""
    return simulate(lab, STRATEGIES, replications=120, quarters=6, chunk=37)


@pytest.fixture(scope="module")
def streamed(lab, tmp_path_factory):
    """The same replications, parts written (and bands read back) by two worker processes."""
    folder = tmp_path_factory.mktemp("parts")
    with process_pool(2) as pool:
        return folder, simulate(lab, STRATEGIES, replications=120, quarters=6, chunk=60,
                                workers=2, executor=pool, folder=folder)


def _close(got, want, path=""):
    """Same structure; numbers equal up to floating-point summation order."""
    if isinstance(want, dict):
        assert list(got) == list(want), path
        for k in want:
            _close(got[k], want[k], f"{path}.{k}")
    elif isinstance(want, list):
        assert len(got) == len(want), path
        for k, (g, w) in enumerate(zip(got, want, strict=True)):
            _close(g, w, f"{path}[{k}]")
    elif isinstance(want, float):
        assert got == pytest.approx(want, rel=1e-12, abs=1e-9), path
    else:
        assert got == want, path


def test_streamed_summaries_match_the_in_memory_summaries(memory, streamed):
    _, result = streamed
    for name in memory.strategies:
        _close(summarize_strategy(result, name), reference_summary(memory, name), name)
    _close(compare(result), reference_compare(memory))


def test_percentile_bands_are_exact_and_nothing_is_kept_in_memory(memory, streamed):
    _, result = streamed
    assert result.trajectories == {}
    for name in memory.strategies:
        want = reference_summary(memory, name)["by_quarter"]
        got = summarize_strategy(result, name)["by_quarter"]
        for band, values in want.items():
            for q in ("p5", "p50", "p95"):
                assert got[band][q] == values[q], (name, band, q)


def test_parts_hold_every_trajectory(memory, streamed):
    folder, result = streamed
    assert result.parts == tuple(f"trajectories/part-{k:05d}.parquet" for k in range(3))
    frame = pd.read_parquet(folder / "trajectories")
    assert len(frame) == 3 * 120 * 6
    for name in memory.strategies:
        tr = memory.trajectories[name]
        rows = frame[frame.strategy == name].sort_values(["replication", "quarter"])
        np.testing.assert_array_equal(rows["value_usd"].to_numpy(), tr.value.ravel())
        np.testing.assert_array_equal(rows["cumulative_cost_usd"].to_numpy(),
                                      tr.cost.cumsum(axis=1).ravel())
        np.testing.assert_array_equal(rows["departures.hyperscaler"].to_numpy(),
                                      tr.departures[..., 0].ravel())


def test_two_workers_are_bit_identical_to_one(lab, streamed, tmp_path):
    folder, two = streamed
    one = simulate(lab, STRATEGIES, replications=120, quarters=6, chunk=60, workers=1,
                   folder=tmp_path)
    for name in one.strategies:
        assert json.dumps(summarize_strategy(one, name)) == json.dumps(
            summarize_strategy(two, name))
    assert json.dumps(compare(one)) == json.dumps(compare(two))
    for part in one.parts:
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / part),
                                      pd.read_parquet(folder / part))


def test_block_aligned_chunks_give_the_sums_of_one_chunk_exactly(memory):
    tr = memory.trajectories["baseline"]
    whole = chunk_stats(tr, 0, 0.1)
    chunks = block_chunks(120, 70)
    assert [c.start for c in chunks] == [0, 50, 100] and BLOCK == 50
    parts = [(c.start, chunk_stats(_rows(tr, c), c.start, 0.1)) for c in chunks]
    merged = merge(parts)
    np.testing.assert_array_equal(merged.band_sums["value"], whole.band_sums["value"])
    np.testing.assert_array_equal(merged.headcount, whole.headcount)
    np.testing.assert_array_equal(merged.reached_party, whole.reached_party)
    np.testing.assert_array_equal(merged.value_discounted, whole.value_discounted)
    # a block split between chunks still sums to the mean (up to summation order)
    split = merge([(c.start, chunk_stats(_rows(tr, c), c.start, 0.1))
                   for c in (range(0, 37), range(37, 120))])
    np.testing.assert_allclose(mean(split.band_sums["lead"], 120),
                               mean(whole.band_sums["lead"], 120), rtol=1e-13)
    np.testing.assert_allclose(mean(whole.retained, 120), tr.retained.mean(axis=0), rtol=1e-13)


def test_reached_by_quarter_counts_brute_force(memory):
    """P(party j has reached the lab by quarter t), against a loop over quarters."""
    tr = memory.trajectories["baseline"]
    st = chunk_stats(tr, 0, 0.1)
    for j in range(tr.b_rival.shape[-1]):
        for t in range(tr.b_lab.shape[1]):
            want = sum(any(tr.b_rival[r, s, j] >= tr.b_lab[r, s] for s in range(t + 1))
                       for r in range(tr.b_lab.shape[0]))
            assert st.reached_party[t, j] == want


def _rows(tr, reps):
    return type(tr)(**{f.name: getattr(tr, f.name)[reps.start:reps.stop] for f in fields(tr)})
