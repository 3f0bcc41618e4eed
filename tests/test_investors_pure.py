"""Investors: payoff calculus, repeated game, independent cascade (Oracle 14), antitrust text."""

from __future__ import annotations

import tracemalloc

import networkx as nx
import numpy as np
import pytest

from talentmoat.investors import (
    FORMAL_AGREEMENT_WARNING,
    cooperation_sustainable,
    defects,
    facilitation_gain,
    facilitation_payoff,
    formal_agreement_warning,
    independent_cascade,
    repeated_game_threshold,
    self_enforcing_cost,
)
from talentmoat.investors.cascade import sample_bytes


def graph(edges, p):
    g = nx.DiGraph()
    for u, v in edges:
        g.add_edge(u, v, p=p)
    return g


PATH = graph([("s", "a"), ("a", "b")], 0.5)
DIAMOND = graph([("s", "a"), ("s", "b"), ("a", "t"), ("b", "t")], 0.5)


def proxy(companies=3, a=0.3, b=0.2):
    g = nx.DiGraph()
    for k in range(companies):
        g.add_edge("investor", f"p{k}", p=a)
        g.add_edge(f"p{k}", "engineer", p=b)
    return g


def test_oracle_14_exact_by_live_edge_enumeration():
    path = independent_cascade(PATH, ["s"], max_depth=None)
    diamond = independent_cascade(DIAMOND, ["s"], max_depth=None)
    assert path.exact and path.samples == 4
    assert path.expected_spread == pytest.approx(1.75, abs=1e-12)
    assert diamond.expected_spread == pytest.approx(2.4375, abs=1e-12)
    assert diamond.probability("t") == pytest.approx(1 - (1 - 0.25) ** 2)
    p = independent_cascade(proxy(), ["investor"], max_depth=None).probability("engineer")
    assert p == pytest.approx(0.169416, abs=1e-9)
    assert p == pytest.approx(1 - (1 - 0.3 * 0.2) ** 3)


def test_one_degree_by_default():
    one = independent_cascade(PATH, ["s"])
    assert one.expected_spread == pytest.approx(1.5)
    one_degree = independent_cascade(proxy(), ["investor"])
    assert one_degree.probability("engineer") == 0.0
    assert one_degree.samples == 2 ** 3  # the companies' onward ties cannot fire
    assert one_degree.probability("p0") == pytest.approx(0.3)
    two = independent_cascade(proxy(), ["investor"], max_depth=2)
    assert two.probability("engineer") == pytest.approx(0.169416, abs=1e-9)
    assert independent_cascade(PATH, ["s"], max_depth=0).expected_spread == 1.0


@pytest.mark.parametrize("g,seed_node,node,expected", [
    (DIAMOND, "s", "t", 0.4375),
    (PATH, "s", "b", 0.25),
    (proxy(), "investor", "engineer", 0.169416),
])
def test_monte_carlo_agrees_with_exact_within_a_few_standard_errors(g, seed_node, node,
                                                                    expected):
    exact = independent_cascade(g, [seed_node], max_depth=None)
    mc = independent_cascade(g, [seed_node], max_depth=None, exact_max_edges=0,
                             samples=50_000, seed=3)
    assert exact.exact and not mc.exact
    assert abs(mc.probability(node) - expected) < 4 * mc.stderr[mc.nodes.index(node)]
    assert (np.abs(mc.reach - exact.reach) <= 4 * mc.stderr + 1e-12).all()
    again = independent_cascade(g, [seed_node], max_depth=None, exact_max_edges=0,
                                samples=50_000, seed=3)
    np.testing.assert_array_equal(mc.reach, again.reach)


def test_large_graphs_go_to_monte_carlo():
    g = nx.gnp_random_graph(30, 0.1, seed=1, directed=True)
    nx.set_edge_attributes(g, 0.2, "p")
    g = nx.relabel_nodes(g, str)
    spread = independent_cascade(g, ["0"], max_depth=None, samples=2000, seed=1)
    assert not spread.exact and spread.samples == 2000
    assert spread.probability("0") == 1.0 and 1.0 <= spread.expected_spread <= 30


def test_batches_bound_memory_without_changing_the_estimate():
    g = nx.relabel_nodes(nx.gnp_random_graph(30, 0.1, seed=1, directed=True), str)
    nx.set_edge_attributes(g, 0.2, "p")
    whole = independent_cascade(g, ["0"], max_depth=None, exact_max_edges=0, samples=3001,
                                seed=5, memory=10**12)
    tiny = independent_cascade(g, ["0"], max_depth=None, exact_max_edges=0, samples=3001,
                               seed=5, memory=1)  # one live-edge graph per batch
    np.testing.assert_array_equal(whole.reach, tiny.reach)


def test_peak_memory_does_not_grow_with_the_samples():
    g = nx.relabel_nodes(nx.gnp_random_graph(30, 0.1, seed=1, directed=True), str)
    nx.set_edge_attributes(g, 0.2, "p")
    edges = g.number_of_edges()
    budget = 200 * sample_bytes(edges, 30)  # 200 graphs a batch
    tracemalloc.start()
    independent_cascade(g, ["0"], max_depth=None, exact_max_edges=0, samples=20_000,
                        memory=budget)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 3 * budget  # unbatched: 20,000 graphs ≈ 100× the budget


# --- payoff: hand-computed cases -------------------------------------------------------------

# Two investors: A holds 2 % of the lab and 40 % of an apps company (uplift $150M a hire);
# B holds 10 % of the lab and 15 % of an agents company (uplift $40M a hire).
LAB_STAKE = np.array([0.02, 0.10])
COMPANY_STAKE = np.array([0.40, 0.15])
UPLIFT = np.array([1.5e8, 4.0e7])
INVESTOR_OF = np.array([0, 1])
VALUE_LOSS = np.array([1.0e9, 5.0e7, 0.0])  # a key person, an engineer, someone holding nothing


def test_facilitation_gain_and_payoff_by_hand():
    gain = facilitation_gain(LAB_STAKE, COMPANY_STAKE, UPLIFT, INVESTOR_OF, VALUE_LOSS)
    # A: 0.4·150M = 60M, minus 0.02·ΔV: 60M − 20M, 60M − 1M, 60M
    # B: 0.15·40M = 6M, minus 0.10·ΔV: 6M − 100M, 6M − 5M, 6M
    np.testing.assert_allclose(gain, [[4.0e7, 5.9e7, 6.0e7], [-9.4e7, 1.0e6, 6.0e6]])
    # Without a request nobody honours anything: A defects for all, B for all but the key one.
    no_request = facilitation_payoff(gain, INVESTOR_OF, [0, 0], [1.0e7, 2.0e7])
    np.testing.assert_array_equal(defects(no_request), [[True, True, True],
                                                        [False, True, True]])
    # Both agreed: a $10M reputation cost does not hold A (40M > 10M); $20M holds B (6M < 20M).
    asked = facilitation_payoff(gain, INVESTOR_OF, [1, 1], [1.0e7, 2.0e7])
    np.testing.assert_allclose(asked, [[3.0e7, 4.9e7, 5.0e7], [-1.14e8, -1.9e7, -1.4e7]])
    np.testing.assert_array_equal(defects(asked), [[True, True, True], [False, False, False]])
    # Self-enforcing reputation cost: the largest gain over the people it could move.
    np.testing.assert_allclose(self_enforcing_cost(gain, INVESTOR_OF, 2), [6.0e7, 6.0e6])
    at_threshold = facilitation_payoff(gain, INVESTOR_OF, [1, 1], [6.0e7, 6.0e6])
    assert not defects(at_threshold).any()


def test_large_portfolio_stake_defects_without_reputation_cost_even_on_a_key_person():
    gain = facilitation_gain([0.02], [0.40], [1.5e8], [0], [1.0e9])
    assert defects(facilitation_payoff(gain, [0], [1], [0.0])).all()


def test_an_investor_without_companies_has_nothing_to_gain():
    gain = facilitation_gain([0.1, 0.2], [0.3], [1.0e7], [1], VALUE_LOSS)
    np.testing.assert_allclose(self_enforcing_cost(gain, [1], 2), [0.0, 3.0e6])


def test_a_pair_nobody_valued_is_never_facilitated_and_sets_no_threshold():
    # ΔV per company and person, NaN where the investor could not price the person.
    loss = np.array([[1.0e9, np.nan, 0.0], [np.nan, np.nan, np.nan]])
    gain = facilitation_gain(LAB_STAKE, COMPANY_STAKE, UPLIFT, INVESTOR_OF, loss)
    np.testing.assert_allclose(gain, [[4.0e7, np.nan, 6.0e7], [np.nan] * 3])
    payoff = facilitation_payoff(gain, INVESTOR_OF, [0, 0], [0.0, 0.0])
    np.testing.assert_array_equal(defects(payoff), [[True, False, True], [False] * 3])
    # B valued nobody: nothing to deter.
    np.testing.assert_allclose(self_enforcing_cost(gain, INVESTOR_OF, 2), [6.0e7, 0.0])


def test_repeated_game_threshold():
    # δ = 0.9: the deterrent is 9 L.
    assert repeated_game_threshold(0.9, 1.0e6) == pytest.approx(9.0e6)
    assert cooperation_sustainable(9.0e6, 0.9, 1.0e6)
    assert not cooperation_sustainable(9.0e6 + 1, 0.9, 1.0e6)
    # δ = 0.5: the deterrent equals L; δ = 0: nothing deters.
    np.testing.assert_array_equal(cooperation_sustainable([1.0, 2.0, 0.0], [0.5, 0.5, 0.0],
                                                          [1.5, 1.5, 5.0]),
                                  [True, False, True])


def test_formal_agreement_warning_cites_the_legal_basis():
    assert formal_agreement_warning(False) is None
    text = formal_agreement_warning(True)
    assert text == FORMAL_AGREEMENT_WARNING
    for needle in ("per se illegal", "third-party intermediary", "2016", "2025",
                   "Delivery Hero", "Glovo", "minority", "unenforceable"):
        assert needle in text, needle
