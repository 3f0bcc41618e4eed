"""The points of a sweep: a design in the unit cube, mapped through each input's distribution.

Designs are drawn in ``[0, 1]^D`` — Sobol (Saltelli) and Morris by SALib, Latin hypercube by
``scipy.stats.qmc``, full factorial by enumeration — and each column is mapped to its input by the
inverse CDF of its distribution (uniform, log-uniform, triangular, or a discrete set). The design
depends only on the spec (its seed included), so it is the same on every run. Pure functions.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample
from scipy import stats
from scipy.stats import qmc

from talentmoat.experiments.spec import MAX_POINTS, Design, Uncertainty


def problem(names: list[str]) -> dict[str, object]:
    """The SALib problem over the unit cube for the named inputs."""
    return {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}


def _factorial(design: Design, uncertainties: list[Uncertainty]) -> np.ndarray:
    axes = []
    for u in uncertainties:
        if u.values is not None:
            n = len(u.values)
            axes.append((np.arange(n) + 0.5) / n)
        else:
            axes.append(np.linspace(0.0, 1.0, design.levels))
    size = int(np.prod([len(a) for a in axes], dtype=float))
    if size > MAX_POINTS:
        raise ValueError(f"a factorial design of {size:,} points exceeds {MAX_POINTS:,}")
    return np.array(list(itertools.product(*axes)), dtype=float)


def unit_design(design: Design, uncertainties: list[Uncertainty], seed: int) -> np.ndarray:
    """The design in the unit cube, shape (P, D), rows in point order.

    Raises:
        ValueError: If the design would exceed :data:`~talentmoat.experiments.spec.MAX_POINTS`.
    """
    names = [u.name for u in uncertainties]
    d = len(names)
    n = design.samples
    if design.method == "factorial":
        return _factorial(design, uncertainties)
    size = {"sobol": n * (2 * d + 2 if design.second_order else d + 2),
            "morris": n * (d + 1), "lhs": n}[design.method]
    if size > MAX_POINTS:
        raise ValueError(f"a {design.method} design of {size:,} points exceeds {MAX_POINTS:,}")
    if design.method == "sobol":
        with warnings.catch_warnings():  # SALib warns about convergence; the spec checks N
            warnings.simplefilter("ignore")
            return sobol_sample.sample(problem(names), n, calc_second_order=design.second_order,
                                       seed=seed)
    if design.method == "morris":
        return morris_sample.sample(problem(names), n, num_levels=design.levels, seed=seed)
    return qmc.LatinHypercube(d=d, rng=np.random.default_rng(seed)).random(n)


def to_values(u: Uncertainty, unit: np.ndarray) -> np.ndarray:
    """Map unit-cube coordinates (shape (P,)) to the input's values by its inverse CDF."""
    unit = np.clip(unit, 0.0, 1.0)
    if u.dist == "discrete":
        values = np.asarray(u.values, dtype=float)
        return values[np.minimum((unit * len(values)).astype(int), len(values) - 1)]
    low, high = float(u.low), float(u.high)  # type: ignore[arg-type]
    if u.dist == "uniform":
        return low + unit * (high - low)
    if u.dist == "log_uniform":
        return np.exp(np.log(low) + unit * (np.log(high) - np.log(low)))
    c = (float(u.mode) - low) / (high - low)  # type: ignore[arg-type]
    return np.clip(stats.triang.ppf(unit, c, loc=low, scale=high - low), low, high)


def design_values(design: Design, uncertainties: list[Uncertainty], seed: int,
                  ) -> tuple[np.ndarray, np.ndarray]:
    """The unit design (P, D) and the inputs' values at each point (P, D)."""
    unit = unit_design(design, uncertainties, seed)
    values = np.column_stack([to_values(u, unit[:, k]) for k, u in enumerate(uncertainties)])
    return unit, values
