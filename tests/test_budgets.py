"""Every solver and sampler is bounded: one budget per command, best answer with its bound."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import talentmoat.knowledge.milp as milp_module
from talentmoat.cli import app
from talentmoat.errors import InputError
from talentmoat.knowledge import plan_compartments, poach_exposure, truck_factor
from talentmoat.knowledge.coverage import blueprint_share, mask
from talentmoat.knowledge.summary import plan_effect
from talentmoat.loader import load_scenario, parse_scenario
from talentmoat.scenarios import __file__ as scenarios_init

runner = CliRunner()
SLACK_S = 2.0
"""Time allowed past a budget: greedy, bounds and the worker's start and kill."""

LEAN_LAB = Path(scenarios_init).with_name("lean-lab.yaml")


def saturated(n: int = 200, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Everyone knows a uniform share of everything: thousands of k-sets tie, no proof is cheap."""
    rng = np.random.default_rng(seed)
    return rng.uniform(0.0, 1.0, (n, 6)), np.full(6, 1 / 6)


def test_all_k_share_one_budget_and_keep_a_proven_bound():
    K, w = saturated()
    budget = 1.0
    start = time.perf_counter()
    rows = poach_exposure(K, w, np.ones(6), np.ones(6), k_max=12, time_budget_s=budget)
    elapsed = time.perf_counter() - start
    assert elapsed < budget + SLACK_S  # per-k budgets would allow 12 s
    assert any(r.exact is None for r in rows)
    for r in rows:
        value = blueprint_share(K, w, mask(len(K), r.best.people))
        assert r.best.value == pytest.approx(value)  # the reported set has the reported value
        assert r.best.value <= r.upper_bound + 1e-12 <= 1.0 + 1e-12


def test_a_zero_budget_gives_greedy_with_its_bound_at_once():
    K, w = saturated()
    start = time.perf_counter()
    rows = poach_exposure(K, w, np.ones(6), np.ones(6), k_max=5, time_budget_s=0.0)
    assert time.perf_counter() - start < SLACK_S
    assert all(r.exact is None and r.greedy.value <= r.upper_bound for r in rows)


def test_plan_effect_keeps_to_one_budget_before_and_after():
    K, w = saturated()
    start = time.perf_counter()
    plan_effect(K, np.minimum(K, 0.6), w, np.ones(6), np.ones(6), hold_threshold=0.5,
                k_max=8, time_budget_s=1.0)
    assert time.perf_counter() - start < 1.0 + SLACK_S  # was 2 × 8 × the budget


@pytest.fixture
def hanging_solver(monkeypatch):
    """HiGHS that ignores its time limit (as it did on a 100,000-person plan), in a worker."""
    monkeypatch.setattr(milp_module, "IN_PROCESS_MAX_VARIABLES", 0)
    monkeypatch.setattr(milp_module, "milp", lambda *a, **k: time.sleep(120))


def test_a_hanging_truck_factor_solver_is_killed_and_greedy_answers(hanging_solver):
    K = np.array([[0.9, 0.0, 0.0], [0.8, 0.0, 0.0], [0.0, 0.9, 0.0], [0.0, 0.0, 0.9]])
    w = np.array([0.5, 0.3, 0.2])
    start = time.perf_counter()
    tf = truck_factor(K, w, time_limit_s=0.5)
    assert time.perf_counter() - start < 0.5 + milp_module.GRACE_S + SLACK_S
    assert not tf.optimal and tf.lower_bound == 1
    # Greedy orphans the components cheapest per unit of weight first: arch (1 holder for 0.3)
    # leaves 0.3 orphaned, then data (2 holders for 0.5) makes it 0.8 > 0.5. (Also the optimum.)
    assert tf.size == 3 and tf.people == (0, 1, 2) and tf.orphaned == (0, 1)


def test_a_hanging_planner_is_killed_and_a_feasible_plan_comes_back(hanging_solver):
    rng = np.random.default_rng(0)
    K = rng.uniform(0.0, 1.0, (30, 4))
    start = time.perf_counter()
    plan = plan_compartments(K, np.full(4, 0.25), max_components=1, redundancy=2,
                             time_limit_s=0.5)
    assert time.perf_counter() - start < 0.5 + milp_module.GRACE_S + SLACK_S
    assert not plan.optimal and plan.bound <= plan.objective
    assert (plan.keep.sum(axis=1) <= 1).all()  # the cap holds
    assert (plan.keep.sum(axis=0) + plan.shortfall >= 2).all()  # floors met or reported
    assert not (plan.keep & (K < 0.5)).any()


def test_the_greedy_plan_is_no_better_than_the_proven_optimum():
    rng = np.random.default_rng(0)
    K, w = rng.uniform(0.0, 1.0, (30, 4)), np.full(4, 0.25)
    best = plan_compartments(K, w, max_components=1, redundancy=2)
    assert best.optimal and best.bound == pytest.approx(best.objective, abs=1e-6)


def lean_lab_with(tmp_path, **replace: str) -> str:
    text = LEAN_LAB.read_text()
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "budget.yaml"
    path.write_text(text)
    return str(path)


def test_knowledge_says_which_answers_are_the_best_within_budget(tmp_path):
    path = lean_lab_with(tmp_path, **{"exact_time_budget_s: 5.0": "exact_time_budget_s: 0.0"})
    result = runner.invoke(app, ["knowledge", path])
    assert result.exit_code == 0, result.output
    assert ("For 5 of the k (1–5) the exact optimum was not proven within the time budget of "
            "0 s (knowledge.exact_time_budget_s, one budget for every k together)"
            in result.stdout)


def test_plan_says_it_is_the_best_plan_within_budget(tmp_path, hanging_solver):
    path = lean_lab_with(tmp_path, **{"    residual: 0.1 ": "    time_budget_s: 0.5\n"
                                      "    residual: 0.1 ",
                                      "exact_time_budget_s: 5.0": "exact_time_budget_s: 1.0"})
    start = time.perf_counter()
    result = runner.invoke(app, ["plan", path])
    assert result.exit_code == 0, result.output
    # The planner's 0.5 s, the exposure and truck-factor searches' 1 s, three killed workers.
    assert time.perf_counter() - start < 1.5 + 3 * milp_module.GRACE_S + SLACK_S
    assert ("The solver did not prove this plan optimal within its time budget of 0.5 s "
            "(knowledge.plan.time_budget_s): it is the best plan found" in result.stdout)
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("field", "value", "reason"), [
    ("knowledge:\n  hold_threshold: 0.5", "knowledge:\n  exact_time_budget_s: 3600\n"
     "  hold_threshold: 0.5", "knowledge.exact_time_budget_s: at most 600 s: it bounds a "
     "whole command's exact searches"),
    ("  leak_depth: 1 ", "  cascade_samples: 10000000\n  leak_depth: 1 ",
     "investors.cascade_samples: at most 1,000,000: a million live-edge graphs give every "
     "reach probability a standard error below 0.0005"),
])
def test_schema_caps_say_why(field, value, reason):
    text = LEAN_LAB.read_text().replace("  exact_time_budget_s: 5.0\n", "")
    assert field in text
    with pytest.raises(InputError) as info:
        parse_scenario(text.replace(field, value, 1), "s.yaml")
    assert reason in info.value.render()


def test_the_bundled_scenarios_still_load():
    assert load_scenario("lean-lab").scenario.knowledge.plan.time_budget_s == 30.0
