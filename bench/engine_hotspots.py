"""Where the engine's time goes at N = 10,000, and one tried fix (not a test).

Run from the repository root: ``python bench/engine_hotspots.py``. Nothing under ``src/`` is
changed: the engine's private ``_Seats`` is subclassed and monkeypatched into
:mod:`talentmoat.sim.engine` in this process only, and each variant's trajectories are checked
bit for bit against the engine's on the same draws.

1. **Breakdown of ``_Seats.learn``** (the hot spot in ``bench/engine_bench.py``'s profile): the
   same statements as the engine, timed one by one. Newcomers learn until within 1e-9 of their
   seat's level, which at η = 0.15 takes longer than the horizon, so the learner set only grows
   (about 30 % of all seats by quarter 40 in the scaled lean lab).
2. **Compact learners** (a tried fix): learners kept in compact arrays sorted row-major
   (flat index, K, target, cached ``log(1 − K)``), updated densely, so no (R, N) mask scan, no
   two-index gathers and no recomputation of the old ``log(1 − K)``.
3. **Numba learn** (the proposal, if ``numba`` is installed: see ``bench/learn_kernel.py``).
4. **Chunk size at small N**: the engine's fixed cost per quarter is amortised over a chunk's
   replications, and the scenario default (``simulation.chunk`` = 50) is far below what the
   memory budget allows when N is small; draws + engine for R replications at several chunk
   sizes.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from talentmoat.sim import engine
from talentmoat.sim.draws import draw
from talentmoat.sim.engine import LEARNED, Trajectories, _log_miss, _row_sum, _Seats

sys.path.insert(0, str(Path(__file__).parent))
import engine_bench  # the scaled lab
from learn_kernel import NumbaLearn, learn_kernel


class TimedLearn(_Seats):
    """The engine's ``learn`` and ``_set_knowledge`` statements, each timed."""

    def __init__(self, setup, world, n_rep):
        super().__init__(setup, world, n_rep)
        self.clock: dict[str, float] = {}
        self.learner_quarters = 0
        self.learner_share = 0.0

    def _tick(self, label, since):
        now = time.perf_counter()
        self.clock[label] = self.clock.get(label, 0.0) + now - since
        return now

    def learn(self):
        t = time.perf_counter()
        r, n = np.nonzero(self.learning)
        t = self._tick("np.nonzero(learning) over (R, N)", t)
        if not len(r):
            return
        self.learner_quarters += len(r)
        self.learner_share = len(r) / self.learning.size  # the latest quarter's
        goal = self.target[n]
        k = self.K[r, n]
        t = self._tick("gather target[n] and K[r, n]", t)
        new = k + self.world.learning_rate * (goal - k)
        done = (goal - new <= LEARNED).all(axis=-1)
        new[done] = goal[done]
        t = self._tick("learning step and 'done' test", t)
        old_q, old_c = _log_miss(self.K[r, n])
        t = self._tick("gather K[r, n] again, log(1 - K) of old", t)
        new_q, new_c = _log_miss(new)
        t = self._tick("log(1 - K) of new", t)
        n_rep = len(self.lab_log)
        self.lab_log += _row_sum(r, new_q - old_q, n_rep)
        self.lab_certain += _row_sum(r, new_c - old_c, n_rep)
        t = self._tick("running totals (_row_sum x 2)", t)
        self.K[r, n] = new
        t = self._tick("scatter K[r, n] = new", t)
        value = (new * self.world.weights).sum(axis=-1)
        for j, rv in enumerate(self.setup.rivals):
            self.weights[j][r, n] = self._weight(value, rv.theta, n)
        t = self._tick("value and targeting weights, per rival", t)
        self.learning[r[done], n[done]] = False
        self._tick("clear 'learning' of the done", t)


class CompactLearners(_Seats):
    """``_Seats`` with the learners kept in compact arrays sorted row-major (flat ``r·N + n``).

    Each learner's K, target, ``log(1 − K)`` and "certain" flags sit in contiguous (L, C)
    arrays; leavers are dropped once a quarter, with the learners who finished.
    """

    def __init__(self, setup, world, n_rep):
        super().__init__(setup, world, n_rep)
        c = self.K.shape[-1]
        self.n_seats = self.K.shape[1]
        self.flat_K = self.K.reshape(-1, c)  # views: a flat index r·N + n addresses a seat
        self.flat_w = [w.reshape(-1) for w in self.weights]
        self.lf = np.empty(0, dtype=np.int64)
        self.lK, self.lgoal, self.lq, self.lc = (np.empty((0, c)) for _ in range(4))
        self.gone: list[np.ndarray] = []

    def _keep(self, keep):
        self.lf, self.lK, self.lgoal, self.lq, self.lc = (
            a[keep] for a in (self.lf, self.lK, self.lgoal, self.lq, self.lc))

    def leave(self, r, n, t):
        super().leave(r, n, t)
        if len(r):
            self.gone.append(r * self.n_seats + n)

    def refill(self, t):
        before = self.learning.copy()
        super().refill(t)
        r, n = np.nonzero(self.learning & ~before)
        if not len(r):
            return
        f = r * self.n_seats + n
        k = self.K[r, n]
        q, c = _log_miss(k)
        at = np.searchsorted(self.lf, f)
        self.lf = np.insert(self.lf, at, f)
        self.lK = np.insert(self.lK, at, k, axis=0)
        self.lgoal = np.insert(self.lgoal, at, self.target[n], axis=0)
        self.lq = np.insert(self.lq, at, q, axis=0)
        self.lc = np.insert(self.lc, at, c, axis=0)

    def learn(self):
        if self.gone:
            self._keep(~np.isin(self.lf, np.concatenate(self.gone)))
            self.gone = []
        if not len(self.lf):
            return
        r, n = np.divmod(self.lf, self.n_seats)
        goal = self.lgoal
        new = self.lK + self.world.learning_rate * (goal - self.lK)
        done = (goal - new <= LEARNED).all(axis=-1)
        new[done] = goal[done]
        q, c = _log_miss(new)
        n_rep = len(self.lab_log)
        self.lab_log += _row_sum(r, q - self.lq, n_rep)
        self.lab_certain += _row_sum(r, c - self.lc, n_rep)
        self.flat_K[self.lf] = new
        value = (new * self.world.weights).sum(axis=-1)
        for j, rv in enumerate(self.setup.rivals):
            self.flat_w[j][self.lf] = self._weight(value, rv.theta, n)
        self.lK, self.lq, self.lc = new, q, c
        if done.any():
            self.learning[r[done], n[done]] = False
            self._keep(~done)


def same(a: Trajectories, b: Trajectories) -> bool:
    return all(np.array_equal(getattr(a, f), getattr(b, f), equal_nan=True)
               for f in a.__dataclass_fields__)


def agreement(a: Trajectories, b: Trajectories) -> str:
    if same(a, b):
        return "bit-identical to the engine"
    worst = max(float(np.max(np.abs(getattr(a, f) - getattr(b, f))
                             / np.maximum(np.abs(getattr(a, f)), 1e-300)))
                for f in a.__dataclass_fields__)
    return f"NOT bit-identical: largest relative difference {worst:.1e}"


def run(cls, setup, world, draws):
    stock = engine._Seats
    made = []

    class Spy(cls):
        def __init__(self, *a):
            super().__init__(*a)
            made.append(self)

    engine._Seats = Spy
    try:
        start = time.perf_counter()
        out = engine.simulate_strategy(setup, world, draws)
        return out, time.perf_counter() - start, made[0]
    finally:
        engine._Seats = stock


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[150, 10_000])
    parser.add_argument("--reps", type=int, default=50, help="one chunk")
    parser.add_argument("--quarters", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--chunk-n", type=int, default=150)
    parser.add_argument("--chunk-reps", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        chunk_sizes(args, Path(tmp))
        for n in args.n:
            lab = engine_bench.scaled_lab(n, Path(tmp))
            for strategy in ("baseline", "all"):
                setup, world = engine_bench.inputs(lab, strategy)
                draws = draw(lab.scenario.seed, range(args.reps), args.quarters, n,
                             len(setup.rivals), engine.slots(setup))
                variants = {"engine": _Seats, "timed learn": TimedLearn,
                            "compact learners": CompactLearners}
                if learn_kernel is not None:
                    variants["numba learn"] = NumbaLearn
                    run(NumbaLearn, setup, world, draws)  # compile before timing
                times: dict[str, list[float]] = {k: [] for k in variants}
                outs, seats = {}, {}
                for _ in range(args.repeat):  # alternate, so all see the same load
                    for name, cls in variants.items():
                        outs[name], seconds, seats[name] = run(cls, setup, world, draws)
                        times[name].append(seconds)
                pq = n * args.quarters * args.reps
                best = {k: min(v) for k, v in times.items()}
                print(f"\n== N = {n:,}, R = {args.reps}, T = {args.quarters}, strategy "
                      f"{strategy!r}, best of {args.repeat}")
                for name in variants:
                    print(f"{name:>17}: simulate_strategy {best[name]:.3f} s "
                          f"({pq / best[name] / 1e6:.1f} M pq/s, "
                          f"{best['engine'] / best[name]:.2f}x the engine); "
                          f"{agreement(outs['engine'], outs[name])}")
                timed = seats["timed learn"]
                total = sum(timed.clock.values())
                print(f"  learn(), last timed run: {total:.3f} s of "
                      f"{times['timed learn'][-1]:.3f} s; {timed.learner_quarters:,} "
                      f"learner-quarters ({timed.learner_quarters / (pq):.0%} of "
                      f"person-quarters), {total / max(1, timed.learner_quarters) * 1e9:.0f} ns "
                      f"each; learners in the last quarter: {timed.learner_share:.0%} of seats")
                for label, sec in timed.clock.items():
                    print(f"    {label:42} {sec:7.3f} s")


def chunk_sizes(args: argparse.Namespace, tmp: Path) -> None:
    n, reps = args.chunk_n, args.chunk_reps
    lab = engine_bench.scaled_lab(n, tmp)
    setup, world = engine_bench.inputs(lab, "baseline")
    sizes = sorted({c for c in (50, 200, 1000, reps) if c <= reps})
    times: dict[int, list[float]] = {c: [] for c in sizes}
    for _ in range(args.repeat):
        for c in sizes:
            start = time.perf_counter()
            engine_bench.run_engine(setup, world, reps, args.quarters, lab.scenario.seed, c)
            times[c].append(time.perf_counter() - start)
    print(f"\n== Chunk size at N = {n:,}, R = {reps}, T = {args.quarters}, baseline, draws + "
          f"engine, best of {args.repeat} (the memory budget allows "
          f"{engine_bench.chunk_size(setup, args.quarters, 10**9):,} replications a chunk)")
    for c in sizes:
        best = min(times[c])
        print(f"  chunk {c:>5}: {best:.3f} s ({n * reps * args.quarters / best / 1e6:.1f} M pq/s)")


if __name__ == "__main__":
    main()
