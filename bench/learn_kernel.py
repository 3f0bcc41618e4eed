"""A compiled ``learn`` for the engine (a prototype for the proposal; not used by the package).

Numba is not a dependency of talentmoat or of its ``bench`` extra: install it by hand
(``pip install -c requirements.lock numba``) to run this variant; the bench scripts skip it when
``numba`` is missing. :class:`NumbaLearn` subclasses the engine's private ``_Seats`` and is
monkeypatched into :mod:`talentmoat.sim.engine` by the bench scripts only.

The kernel does what ``_Seats.learn`` does (learning step, "done" test, the lab's running
log-miss, K, the targeting weights) in one pass over (replication, seat), visiting learners in
the same row-major order, so each row's sums keep their order and results stay chunk-invariant.
"""

from __future__ import annotations

import numpy as np

from talentmoat.sim.engine import LEARNED, _Seats

try:
    import numba
except ImportError:  # the variant is optional
    numba = None


def _learn(K, target, learning, eta, lab_log, lab_certain, w, vis, thetas, W):
    n_rep, n_seats, n_comp = K.shape
    new = np.empty(n_comp)
    d_q = np.empty(n_comp)
    d_c = np.empty(n_comp)
    for r in range(n_rep):
        first = True
        for n in range(n_seats):
            if not learning[r, n]:
                continue
            done = True
            for c in range(n_comp):
                k = K[r, n, c]
                v = k + eta * (target[n, c] - k)
                new[c] = v
                if not target[n, c] - v <= LEARNED:
                    done = False
            if done:
                for c in range(n_comp):
                    new[c] = target[n, c]
            for c in range(n_comp):
                k, v = K[r, n, c], new[c]
                old_c = 1.0 if k >= 1.0 else 0.0
                new_c = 1.0 if v >= 1.0 else 0.0
                dq = np.log1p(-(0.0 if v >= 1.0 else v)) - np.log1p(-(0.0 if k >= 1.0 else k))
                if first:
                    d_q[c], d_c[c] = dq, new_c - old_c
                else:
                    d_q[c] += dq
                    d_c[c] += new_c - old_c
                K[r, n, c] = v
            first = False
            value = 0.0
            for c in range(n_comp):
                value += new[c] * w[c]
            for j in range(thetas.shape[0]):
                W[j, r, n] = vis[n] * value ** thetas[j] if value > 0 else 0.0
            if done:
                learning[r, n] = False
        if not first:
            for c in range(n_comp):
                lab_log[r, c] += d_q[c]
                lab_certain[r, c] += d_c[c]


learn_kernel = numba.njit(_learn) if numba is not None else None


class NumbaLearn(_Seats):
    """``_Seats`` whose ``learn`` is the compiled kernel (targeting weights in one array)."""

    def __init__(self, setup, world, n_rep):
        super().__init__(setup, world, n_rep)
        self.W = np.zeros((len(self.weights), *self.active.shape))
        for j, weight in enumerate(self.weights):
            self.W[j] = weight
        self.weights = [self.W[j] for j in range(len(self.weights))]  # views
        self.thetas = np.array([rv.theta for rv in setup.rivals], dtype=float)

    def learn(self):
        learn_kernel(self.K, self.target, self.learning, float(self.world.learning_rate),
                     self.lab_log, self.lab_certain, self.world.weights, self.setup.visibility,
                     self.thetas, self.W)
