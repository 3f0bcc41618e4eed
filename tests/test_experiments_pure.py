"""Experiments: paths, designs, PRIM and robustness against hand-worked and planted answers."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import stats

from talentmoat.experiments.design import to_values, unit_design
from talentmoat.experiments.paths import PathError, get, resolve
from talentmoat.experiments.prim import prim
from talentmoat.experiments.robustness import robustness
from talentmoat.experiments.spec import Design, Target, Uncertainty, write_values

DATA = {
    "firm": {"valuation": 1e10, "visibility": {"core": 2.0}},
    "rivals": [{"name": "a", "friction": 0.1}, {"name": "b", "friction": 0.2}],
    "blueprint": {"components": [{"id": "x", "tacit": 0.5}, {"id": "y", "tacit": 0.7}]},
    "roster": {"cohorts": [{"role": "core", "count": 4}]},
}


def test_paths_address_items_by_name_id_role_key_and_wildcard():
    assert resolve(DATA, "firm.valuation") == [("firm", "valuation")]
    assert resolve(DATA, "rivals[b].friction") == [("rivals", 1, "friction")]
    assert resolve(DATA, "blueprint.components[y].tacit") == [("blueprint", "components", 1,
                                                               "tacit")]
    assert resolve(DATA, "roster.cohorts[core].count") == [("roster", "cohorts", 0, "count")]
    assert resolve(DATA, "firm.visibility.core") == [("firm", "visibility", "core")]
    tacit = resolve(DATA, "blueprint.components[*].tacit")
    assert [get(DATA, loc) for loc in tacit] == [0.5, 0.7]


def test_writing_values_scales_factors_rounds_counts_and_leaves_the_base_alone():
    import copy
    before = copy.deepcopy(DATA)
    tacit = Target(tuple(resolve(DATA, "blueprint.components[*].tacit")), True, (0.5, 0.7),
                   (False, False))
    count = Target(tuple(resolve(DATA, "roster.cohorts[core].count")), False, (4.0,), (True,))
    out = write_values(DATA, (tacit, count), [1.2, 6.6])
    assert [c["tacit"] for c in out["blueprint"]["components"]] == [0.6, 0.84]
    assert out["roster"]["cohorts"][0]["count"] == 7
    assert DATA == before
    assert out["rivals"] is DATA["rivals"]  # untouched parts are shared, not copied


@pytest.mark.parametrize(("path", "needle"), [
    ("firm.valuaton", "no field 'valuaton'"),
    ("rivals[c].friction", "no item named 'c' (it has: a, b)"),
    ("rivals.friction", "is a list"),
    ("firm..valuation", "malformed"),
    ("firm.valuation[a]", "not a list"),
])
def test_bad_paths_say_where_they_stop(path, needle):
    with pytest.raises(PathError, match=needle.replace("(", r"\(").replace(")", r"\)")):
        resolve(DATA, path)


def test_designs_have_the_documented_sizes_and_are_seeded():
    us = [Uncertainty(name=f"u{k}", path="p", dist="uniform", low=0, high=1) for k in range(3)]
    sobol = unit_design(Design(method="sobol", samples=16), us, seed=1)
    assert sobol.shape == (16 * (3 + 2), 3)
    assert unit_design(Design(method="sobol", samples=16, second_order=True), us,
                       seed=1).shape == (16 * 8, 3)
    np.testing.assert_array_equal(sobol, unit_design(Design(method="sobol", samples=16), us, 1))
    morris = unit_design(Design(method="morris", samples=5, levels=4), us, seed=1)
    assert morris.shape == (5 * 4, 3)
    assert set(np.round(morris.ravel() * 3, 9)) <= {0.0, 1.0, 2.0, 3.0}  # the 4-level grid
    lhs = unit_design(Design(method="lhs", samples=10), us, seed=1)
    for k in range(3):  # one point in each tenth of every axis
        assert sorted((lhs[:, k] * 10).astype(int)) == list(range(10))
    mixed = [Uncertainty(name="a", path="p", dist="discrete", values=[1, 2, 3]),
             Uncertainty(name="b", path="p", dist="uniform", low=0, high=1)]
    grid = unit_design(Design(method="factorial", levels=2), mixed, seed=0)
    assert grid.shape == (6, 2)
    assert sorted(map(tuple, np.column_stack([to_values(u, grid[:, k])
                                              for k, u in enumerate(mixed)]))) == [
        (1, 0), (1, 1), (2, 0), (2, 1), (3, 0), (3, 1)]


def test_distributions_map_quantiles_by_their_inverse_cdf():
    u = np.array([0.0, 0.25, 0.5, 1.0])
    log = Uncertainty(name="v", path="p", dist="log_uniform", low=1e9, high=1e11)
    np.testing.assert_allclose(to_values(log, u), [1e9, 10 ** 9.5, 1e10, 1e11])
    tri = Uncertainty(name="t", path="p", dist="triangular", low=0, mode=1, high=4)
    # closed form: F(x) = x²/4 on [0, 1]; the median solves 1 − (4 − x)²/12 = 1/2
    np.testing.assert_allclose(to_values(tri, np.array([0.25, 0.5])), [1.0, 4 - np.sqrt(6)])
    disc = Uncertainty(name="d", path="p", dist="discrete", values=[1, 2, 4])
    np.testing.assert_array_equal(to_values(disc, np.array([0.0, 0.34, 0.67, 1.0])),
                                  [1, 2, 4, 4])


def test_prim_recovers_a_planted_box():
    rng = np.random.default_rng(7)
    X = rng.random((3000, 4))
    y = (X[:, 0] > 0.6) & (X[:, 2] < 0.3)  # mass 0.12, density 1 inside, 0 outside
    res = prim(X, y, threshold=0.95)
    box = res.chosen
    assert box.restricted == (0, 2)
    assert box.low[0] == pytest.approx(0.6, abs=0.02)
    assert box.high[2] == pytest.approx(0.3, abs=0.02)
    assert box.density >= 0.95 and box.coverage >= 0.9
    assert box.mass == pytest.approx(0.12, abs=0.02)
    assert all(p < 1e-10 for p in res.quasi_p.values())
    cov = [b.coverage for b in res.trajectory]
    dens = [b.density for b in res.trajectory]
    assert cov[0] == 1.0 and dens[0] == pytest.approx(y.mean())
    assert all(a >= b for a, b in itertools.pairwise(cov))  # peeling only loses points


def test_prim_quasi_p_is_the_binomial_tail_without_the_restriction():
    X = np.array([[0.1], [0.2], [0.3], [0.8], [0.9], [0.95]])
    y = np.array([False, False, False, True, True, False])
    res = prim(X, y, alpha=0.2, min_mass=0.3, threshold=0.6, paste=False)
    box = res.chosen
    inside = (X[:, 0] >= box.low[0]) & (X[:, 0] <= box.high[0])
    n, k = int(inside.sum()), int(y[inside].sum())
    assert res.quasi_p[0] == pytest.approx(stats.binom.sf(k - 1, n, 2 / 6))


def test_regret_and_satisficing_by_hand_on_three_points():
    # benefit per point (rows) and strategy (baseline, a, b)
    b = np.array([[0.0, 5.0, 1.0],
                  [0.0, -2.0, 3.0],
                  [0.0, 4.0, 4.0]])
    r = robustness(b, ["baseline", "a", "b"], target=1.0)
    # best per point 5, 3, 4; shortfalls: baseline 5, 3, 4; a 0, 5, 0; b 4, 0, 0
    np.testing.assert_allclose(r.regret, [np.percentile([5, 3, 4], 90),
                                          np.percentile([0, 5, 0], 90),
                                          np.percentile([4, 0, 0], 90)])
    np.testing.assert_allclose(r.regret, [4.8, 4.0, 3.2])
    np.testing.assert_allclose(r.satisficing, [0, 2 / 3, 1])
    np.testing.assert_allclose(r.mean, [0, 7 / 3, 8 / 3])
    np.testing.assert_allclose(r.p10, [0, -2 + 0.2 * 6, 1 + 0.2 * 2])
    assert r.rankings["regret"] == ("b", "a", "baseline")
    assert r.rankings["satisficing"] == ("b", "a", "baseline")
    assert r.rankings["mean"] == ("b", "a", "baseline")
    assert r.rankings["p10"] == ("b", "baseline", "a")
