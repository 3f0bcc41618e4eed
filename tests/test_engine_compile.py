"""One compiled signature per engine kernel, and the compartmentalization plan solved once."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numba
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from talentmoat import policies
from talentmoat.knowledge import plan_compartments
from talentmoat.loader import bundled_names, load_scenario
from talentmoat.memo import Memo
from talentmoat.sim import engine, kernel_cache, shock
from talentmoat.sim.runner import simulate

KERNELS = ("_refill_kernel", "_leave_kernel", "_quarter_kernel", "_choose")


def test_every_kernel_compiles_one_signature():
    """Every bundled strategy at chunk sizes 1 and 7 (8 replications: chunks of 7 and 1), and a
    poach shock (its rows and seats built outside the engine)."""
    names = bundled_names()
    assert {"lean-lab", "capital-heavy", "lean-lab-raid"} <= set(names)
    for name in names:
        lab = load_scenario(name)
        for chunk in (1, 7):
            simulate(lab, replications=8, quarters=3, chunk=chunk)
    prep = shock.prepare(load_scenario("lean-lab"), replications=3, quarters=3)
    shock.run_pair(prep, 0, [(0, 1), (2,)])
    for kernel in KERNELS:
        assert len(getattr(engine, kernel).signatures) == 1, kernel


def test_the_plan_is_solved_once_per_distinct_input(monkeypatch):
    calls = []

    def counted(*args, **kwargs):
        calls.append(1)
        return plan_compartments(*args, **kwargs)

    monkeypatch.setattr(policies, "_plans", Memo(policies.PLAN_CACHE_SIZE))
    monkeypatch.setattr(policies, "plan_compartments", counted)
    lab = load_scenario("lean-lab")
    simulate(lab, ["compartmentalize", "all"], replications=2, quarters=2)
    simulate(lab, ["all"], replications=2, quarters=2)
    assert len(calls) == 1
    (plan,) = policies._plans._items.values()
    s = lab.scenario
    spec = s.knowledge.plan
    direct = plan_compartments(
        lab.roster.K, np.asarray(s.blueprint.weights, dtype=float),
        max_components=spec.max_components, redundancy=spec.redundancy,
        hold_threshold=s.knowledge.hold_threshold, residual=spec.residual,
        time_limit_s=spec.time_budget_s, org_holds=np.isin(s.blueprint.ids, spec.org_holds))
    np.testing.assert_array_equal(plan.K_after, direct.K_after)
    # other inputs are another plan
    policies.cached_plan(lab.roster.K[1:], np.asarray(s.blueprint.weights, dtype=float),
                         np.isin(s.blueprint.ids, spec.org_holds),
                         max_components=spec.max_components, redundancy=spec.redundancy,
                         hold_threshold=s.knowledge.hold_threshold, residual=spec.residual,
                         time_limit_s=spec.time_budget_s)
    assert len(calls) == 2 and len(policies._plans._items) == 2


def test_the_examples_compile_the_signature_a_run_compiles():
    """The second process of kernel_cache compiles what a run will look up, nothing else."""
    simulate(load_scenario("lean-lab"), replications=3, quarters=2)
    args = kernel_cache.examples()
    assert set(args) == set(KERNELS)
    for kernel in KERNELS:
        (signature,) = getattr(engine, kernel).signatures
        assert signature == tuple(numba.typeof(a) for a in args[kernel]), kernel


def test_compile_ahead_fills_a_cold_cache_and_then_does_nothing(tmp_path):
    code = textwrap.dedent("""
        from talentmoat.sim import kernel_cache
        from talentmoat.sim.kernel_cache import AHEAD, cached, compile_ahead
        assert not any(cached(name) for name in AHEAD)
        child = compile_ahead()
        assert compile_ahead() is None  # one per interpreter
        assert child.wait(timeout=300) == 0
        kernel_cache._started.clear()
        print(all(cached(name) for name in AHEAD), compile_ahead() is None)
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True"]
    assert {p.name.split("-")[0] for p in tmp_path.rglob("*.nbi")} == {
        f"engine.{name}" for name in kernel_cache.AHEAD}


def test_compile_ahead_without_a_process_to_spare_leaves_the_compile_to_the_run(monkeypatch):
    def refused(*args, **kwargs):
        raise OSError("no more processes")

    monkeypatch.setattr(kernel_cache, "cached", lambda name: False)
    monkeypatch.setattr(kernel_cache, "_started", [])
    monkeypatch.setattr(kernel_cache.subprocess, "Popen", refused)
    assert kernel_cache.compile_ahead() is None
    assert kernel_cache._started == []


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([0.0, 0.5, 1.0, 2.5]), min_size=1, max_size=12),
       st.integers(min_value=-1, max_value=12), st.floats(-1.0, 30.0))
def test_first_above_is_searchsorted_right(steps, at, x):
    """The compiled binary search of ``_choose`` against NumPy, ties included (equal
    cumulative weights are zero-weight seats; a point on a boundary goes past it)."""
    cum = np.cumsum(steps)
    if 0 <= at < len(cum):
        x = float(cum[at])  # exactly on a boundary
    assert engine._first_above(cum, x) == np.searchsorted(cum, x, side="right")
