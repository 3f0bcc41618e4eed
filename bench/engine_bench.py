"""Benchmark of the simulation engine against the same model in Mesa 3.3 (not a test).

Run from the repository root: ``python bench/engine_bench.py`` (needs the ``bench`` extra:
``pip install -e '.[bench]'``; Mesa is imported only here, inside functions, because
``import mesa`` switches multiprocessing to "spawn" for the whole process).

0. **JIT compile time** of the engine's numba kernels: building the inputs (which calibrates on
   the engine's own draws, the first use of the kernels) and a tiny run in a fresh subprocess
   with an empty ``NUMBA_CACHE_DIR`` (so it compiles; the package's own cache is left alone),
   minus the same in a second fresh subprocess on the cache the first one filled.
1. **Speed**, side by side in one process, best of ``--repeat``, after one tiny warm-up call
   (which compiles the kernels or loads them from numba's cache; timed and printed): the engine
   (:func:`talentmoat.sim.engine.simulate_strategy` on the runner's chunks, timing draws and
   engine) with R replications, and a Mesa model (one ``Agent`` per person with a ``step``)
   with ``--mesa-reps`` replications, both on the lean lab scaled to N seats for T quarters.
   Reported as person-quarters per second (N·T·R / seconds) and their ratio.
2. **Cross-check** that both implement the same model: at the lean lab itself (N = 150), the
   mean outcomes of many replications agree within Monte Carlo error (different random
   streams, so means are compared with their standard errors).
3. **Scaling** of the full runner :func:`talentmoat.sim.simulate` (baseline strategy only),
   time and peak memory (``VmHWM``) in a fresh subprocess per point, over N × R, plus
   points that show chunking bounds memory.
4. ``talentmoat run`` (all eight lean-lab strategies, 200 replications × 16 quarters) end to
   end in a subprocess, against the 30 s target: once cold (``--cold-run``: the engine's numba
   cache files ``src/talentmoat/sim/__pycache__/*.nbi`` and ``*.nbc`` deleted first, so the run
   compiles the kernels, as the first run in a fresh environment does), then best of
   ``--repeat`` warm.

The N-seat lab is the lean-lab scenario with every cohort's count scaled by N / 150 (the roster
is then generated from the same cohort distributions, and :func:`build_setup` computes every
per-seat array of it, ``reach`` included, at N seats); each hiring party (the two rivals and
the syndicate's three portfolio companies) keeps its offers a quarter, and the share of leavers
who go to the parties (``firm.attrition.to_parties``) is scaled by 150 / N so that the calibrated
targets stay reachable (MODEL.md §E).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import math
import os
import platform
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import numba
import numpy as np
import yaml

from talentmoat.loader import Lab, load_scenario
from talentmoat.scenario import Simulation
from talentmoat.sim import engine as engine_module
from talentmoat.sim import runner
from talentmoat.sim.calibrate import calibrate_alpha
from talentmoat.sim.draws import draw
from talentmoat.sim.engine import Trajectories, simulate_strategy, slots
from talentmoat.sim.inputs import Setup, World
from talentmoat.sim.setup import build_setup

SCENARIO = "lean-lab"


# --------------------------------------------------------------------------- the scaled lab


def scaled_lab(n: int, workdir: Path) -> Lab:
    """The lean lab with every cohort scaled to a roster of about ``n`` people."""
    text = (resources.files("talentmoat.scenarios") / f"{SCENARIO}.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    cohorts = data["roster"]["cohorts"]
    total = sum(c["count"] for c in cohorts)
    if n != total:
        for c in cohorts:
            c["count"] = max(1, round(c["count"] * n / total))
        # the parties keep their offers a quarter, so the attrition they can explain keeps its
        # N = 150 size: the share of leavers who go to them shrinks by 150 / N
        shares = data["firm"]["attrition"]["to_parties"]
        for role in shares:
            shares[role] *= total / n
    path = workdir / f"{SCENARIO}-{n}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return load_scenario(path)


def inputs(lab: Lab, strategy: str) -> tuple[Setup, World]:
    """The strategy's setup with the calibrated intercepts (MODEL.md §E), and the world."""
    world, _ = runner.make_world(lab)
    alpha = calibrate_alpha(lab).per_person(lab)
    return build_setup(lab, strategy, lab.scenario.strategies[strategy], alpha), world


# --------------------------------------------------------------------------- the engine


def chunk_size(setup: Setup, quarters: int, chunk: int) -> int:
    """Replications per chunk exactly as the runner picks them."""
    return runner.chunk_size([setup], quarters, chunk)


def run_engine(setup: Setup, world: World, reps: int, quarters: int, seed: int,
               chunk: int, split: list[float] | None = None) -> Trajectories:
    """Draws + engine over the runner's chunks, stacked; ``split`` gets [draw s, engine s]."""
    size = chunk_size(setup, quarters, chunk)
    n = len(setup.stay_value)
    parts, t_draw, t_engine = [], 0.0, 0.0
    for a in range(0, reps, size):
        start = time.perf_counter()
        draws = draw(seed, range(a, min(a + size, reps)), quarters, n, len(setup.parties),
                     slots([setup]))
        t_draw += time.perf_counter() - start
        start = time.perf_counter()
        parts.append(simulate_strategy(setup, world, draws))
        t_engine += time.perf_counter() - start
        del draws
    if split is not None:
        split[:] = [t_draw, t_engine]
    return runner._stack(parts)


def cache_files() -> list[Path]:
    """The engine's numba cache files (``*.nbi``, ``*.nbc`` next to the module)."""
    folder = Path(engine_module.__file__).parent / "__pycache__"
    return [*folder.glob("engine.*.nbi"), *folder.glob("engine.*.nbc")]


def jit_child() -> None:
    """Time building the inputs and one tiny engine call in this (fresh) process.

    Building the inputs calibrates ``α`` on the engine's own draws, so it is the first thing
    that runs the kernels: with an empty ``NUMBA_CACHE_DIR`` this compiles them, with a filled
    one it loads them. The package's own cache is neither read nor written.
    """
    start = time.perf_counter()
    lab = load_scenario(SCENARIO)
    setup, world = inputs(lab, "baseline")
    run_engine(setup, world, 1, 2, 1, 1)
    print(json.dumps({"seconds": time.perf_counter() - start}))


def jit_compile_time() -> None:
    """Compile time of the kernels: a fresh process on an empty cache minus one on the filled cache.

    Twice, each with its own empty cache folder: the first process compiles (and fills the
    folder), the second, on the same folder, only loads; both do the same work otherwise.
    """
    def child(cache: str) -> float:
        out = subprocess.run([sys.executable, __file__, "--jit-child"], check=True,
                             capture_output=True, text=True,
                             env={**os.environ, "NUMBA_CACHE_DIR": cache}).stdout
        return json.loads(out.strip().splitlines()[-1])["seconds"]

    runs = []
    for _ in range(2):
        with tempfile.TemporaryDirectory() as cache:
            runs.append((child(cache), child(cache)))
    compile_s = [cold - warm for cold, warm in runs]
    print(f"\n== 0. JIT compile of the engine's numba kernels (numba {numba.__version__}), "
          f"fresh process, inputs (with calibration) and a tiny run (N = 150, R = 1, T = 2): "
          f"empty cache {min(c for c, _ in runs):.2f} s, filled cache "
          f"{min(w for _, w in runs):.2f} s -> compile {min(compile_s):.2f} s (2 pairs: "
          f"{', '.join(f'{c:.2f}' for c in compile_s)} s)")


# --------------------------------------------------------------------------- the Mesa model


def mesa_model_class():
    """Build the Mesa classes (imports mesa here, not at module level)."""
    import mesa

    class Person(mesa.Agent):
        """One person in one seat: knowledge K (C,) and the seat's role data."""

        def __init__(self, model: LabModel, seat: int, knowledge: np.ndarray,
                     newcomer: bool) -> None:
            super().__init__(model)
            s = model.setup
            self.seat = seat
            self.K = knowledge
            self.target = s.target[seat]
            self.original = not newcomer
            self.learning = newcomer and bool((knowledge < self.target).any())
            self.stay = float(s.stay_value[seat])
            self.hazard = float(s.hazard[seat])
            self.visibility = float(s.visibility[seat])
            self.reach = [float(rv.reach[seat]) for rv in s.parties]
            self.face = [float(rv.offer_face[seat]) for rv in s.parties]
            self.buyout = [float(rv.buyout[seat]) for rv in s.parties]
            self.rest = [float(rv.utility_rest[seat]) for rv in s.parties]
            self.counter_share = float(s.counter_share[seat])
            self.counter_cap = float(s.counter_cap[seat])
            self.cost = float(s.cost_per_seat[seat])
            self.units = float(s.units_per_seat[seat])
            self.payout = float(s.unit_payout_per_seat[seat])
            self.tender = float(s.tender_cash_per_seat[seat])
            self.update_value()
            model.join(self)

        def update_value(self) -> None:
            """B({i}) and each party's targeting weight reach · visibility · B({i})^θ."""
            value = float(self.model.w @ self.K)
            self.weight = [reach * self.visibility * value ** th if value > 0 else 0.0
                           for reach, th in zip(self.reach, self.model.theta, strict=True)]

        def consider(self, j: int, multiple: float) -> bool:
            """Party j's offer at ``multiple``: accept (and leave) or stay."""
            m = self.model
            offer = multiple * self.face[j] + self.buyout[j]
            raise_ = min(self.counter_cap, self.counter_share * max(0.0, offer - self.stay))
            du = self.rest[j] + m.beta_comp * math.log(offer / (self.stay + raise_))
            if m.random.random() < 1.0 / (1.0 + math.exp(-du)):
                self.leave(j)
                return True
            if raise_ > 0:
                m.counter_cost += raise_ * m.setup.counter_years
            return False

        def leave(self, destination: int) -> None:
            self.model.depart(self, destination)
            self.remove()

        def step(self) -> None:
            """Background attrition, then learning toward the seat's level."""
            m = self.model
            if m.random.random() < self.hazard:
                self.leave(m.n_rivals)
                return
            if self.learning:
                self.K = self.K + m.eta * (self.target - self.K)
                if (self.target - self.K <= 1e-9).all():
                    self.K = self.target.copy()
                    self.learning = False
                self.update_value()

    class LabModel(mesa.Model):
        """The lab, its vacancies and the hiring parties; records outcomes each quarter.

        The hiring parties are ``setup.parties``: the rivals, then the syndicate's portfolio
        companies, each with its own (possibly fractional) offers a quarter, ``reach`` per seat,
        offer terms and rebuilding, exactly as the engine takes them. Model version 2: hires
        settle after ``absorption_quarters``, the lab advances from the tacit know-how in post,
        every party's coverage goes stale, rivals rebuild and learn from what is published.
        """

        def __init__(self, setup: Setup, world: World, seed: int) -> None:
            super().__init__(seed=seed)
            self.setup, self.world = setup, world
            self.w = world.weights
            self.tacit = setup.tacit
            self.theta = [rv.theta for rv in setup.parties]
            self.beta_comp = setup.beta_comp
            self.eta = world.learning_rate
            self.n_rivals = len(setup.parties)
            self.own = np.array([rv.initial_own for rv in setup.parties])
            self.rebuild = np.array([rv.rebuild_per_quarter for rv in setup.parties])
            self.hired = np.zeros_like(self.own)  # absorbed hires' coverage, stale-adjusted
            self.pending = [np.zeros_like(self.own)
                            for _ in range(world.absorption_quarters + 1)]
            self.tacit0 = float(self.w @ (self.tacit * (1.0 - np.prod(1.0 - setup.K, axis=0))))
            self.vacancies: list[tuple[int, int]] = []  # (quarter due, seat)
            self.quarter = 0
            self.seat_cost = self.units = self.payout = self.tender = 0.0
            self.n_original = 0
            self.n_seats = len(setup.stay_value)
            self.rec: dict[str, list] = {k: [] for k in
                                         ("b_lab", "b_rival", "departures", "value", "cost",
                                          "retained", "advance")}
            for seat in range(self.n_seats):
                Person(self, seat, setup.K[seat].copy(), newcomer=False)

        def join(self, p: Person) -> None:
            self.seat_cost += p.cost
            self.units += p.units
            self.payout += p.payout
            self.tender += p.tender
            self.n_original += p.original

        def depart(self, p: Person, destination: int) -> None:
            self.seat_cost -= p.cost
            self.units -= p.units
            self.payout -= p.payout
            self.tender -= p.tender
            self.n_original -= p.original
            self.gone[destination] += 1
            if destination < self.n_rivals:  # settles after absorption_quarters
                slot = self.pending[self.quarter % len(self.pending)]
                slot[destination] = 1.0 - (1.0 - slot[destination]) * (1.0 - p.K)
            self.vacancies.append(
                (self.quarter + self.world.backfill_quarters + 1, p.seat))

        def step(self) -> None:
            t, s, world = self.quarter, self.setup, self.world
            self.gone = [0] * (self.n_rivals + 1)
            self.counter_cost = 0.0
            # 1. backfill
            due = [seat for q, seat in self.vacancies if q == t]
            self.vacancies = [(q, seat) for q, seat in self.vacancies if q != t]
            for seat in due:
                Person(self, seat, np.minimum(world.newcomer_knowledge, s.target[seat]),
                       newcomer=True)
            # 2–3. offers, party by party (rivals, then portfolio companies): ⌊h⌋ offers plus
            # one with probability h − ⌊h⌋; leavers carry tacit · K to the party
            for j, rv in enumerate(s.parties):
                whole = math.floor(rv.offers_per_quarter)
                count = whole + (self.random.random() < rv.offers_per_quarter - whole)
                if count == 0:
                    continue
                people = list(self.agents)
                weight = np.array([p.weight[j] for p in people])
                count = min(count, int((weight > 0).sum()))
                if count == 0:
                    continue
                picks = self.rng.choice(len(people), size=count, replace=False,
                                        p=weight / weight.sum())
                for i in picks:
                    multiple = rv.multiple_median * math.exp(
                        rv.multiple_sigma * self.random.gauss(0.0, 1.0))
                    people[i].consider(j, multiple)
            # 4–5. background attrition and learning, person by person
            self.agents.do("step")
            # 6. the frontier: advance, staleness, absorption, rebuild, diffusion
            cov = 1.0 - np.prod([1.0 - p.K for p in self.agents], axis=0)
            ratio = float(self.w @ (self.tacit * cov)) / self.tacit0 if self.tacit0 > 0 else 1.0
            a = min(1.0, world.a0 * ratio ** world.gamma * s.directed_ratio ** world.kappa
                    * (1.0 + world.exploration_gain * s.blue_sky_share) * (1.0 - s.drag))
            self.own *= 1.0 - a
            self.hired *= 1.0 - a
            for slot in self.pending:
                slot *= 1.0 - a
            due = self.pending[(t - world.absorption_quarters) % len(self.pending)]
            self.hired = 1.0 - (1.0 - self.hired) * (1.0 - due)
            due[:] = 0.0
            self.own = np.minimum(1.0, self.own + self.rebuild)
            lab_cov = (1.0 - self.tacit) + self.tacit * cov
            cov_j = 1.0 - (1.0 - self.own) * (1.0 - self.tacit * self.hired)
            self.own = np.minimum(1.0, self.own + s.diffusion * np.maximum(0.0, lab_cov - cov_j))
            # 7. outcomes
            b_lab = float(self.w @ lab_cov)
            b_rival = (1.0 - (1.0 - self.own) * (1.0 - self.tacit * self.hired)) @ self.w
            lead = b_lab - (b_rival.max() if self.n_rivals else 0.0)
            phi = world.financial_moat
            self.rec["b_lab"].append(b_lab)
            self.rec["b_rival"].append(b_rival)
            self.rec["advance"].append(a)
            self.rec["departures"].append(self.gone)
            self.rec["value"].append(world.valuation * (phi + (1 - phi) * max(0.0, lead)
                                                        / world.lead0))
            self.rec["cost"].append(
                self.counter_cost + self.seat_cost + s.fixed_cost + self.units
                + (self.tender if s.tender_is_lab_cost else 0.0)
                + (s.one_off_cost if t == 0 else 0.0))
            self.rec["retained"].append(self.n_original / self.n_seats)
            self.quarter += 1

    return LabModel


def run_mesa(model_cls, setup: Setup, world: World, reps: int, quarters: int,
             seed: int) -> dict[str, np.ndarray]:
    """Run ``reps`` Mesa replications; outcomes stacked as (R, T, ...)."""
    out: dict[str, list] = {}
    for r in range(reps):
        model = model_cls(setup, world, seed=seed + r)
        for _ in range(quarters):
            model.step()
        for k, v in model.rec.items():
            out.setdefault(k, []).append(np.array(v, dtype=float))
    return {k: np.stack(v) for k, v in out.items()}


# --------------------------------------------------------------------------- 1. speed


def best_of(times: list[float]) -> str:
    return f"best {min(times):.3f} s (range {min(times):.3f}–{max(times):.3f}, n={len(times)})"


def speed(args: argparse.Namespace, workdir: Path) -> dict:
    lab = scaled_lab(args.n, workdir)
    setup, world = inputs(lab, "baseline")
    n = len(setup.stay_value)
    model_cls = mesa_model_class()
    present = bool(cache_files())
    start = time.perf_counter()
    run_engine(setup, world, 1, 2, 1, 1)  # warm-up: compile the kernels (or load the cache)
    warm_up = time.perf_counter() - start
    t_engine, t_mesa, splits = [], [], []
    for _ in range(args.repeat):  # alternate, so all see the same load
        split: list[float] = []
        start = time.perf_counter()
        run_engine(setup, world, args.reps, args.quarters, lab.scenario.seed, args.chunk, split)
        t_engine.append(time.perf_counter() - start)
        splits.append(split)
        start = time.perf_counter()
        run_mesa(model_cls, setup, world, args.mesa_reps, args.quarters, 1)
        t_mesa.append(time.perf_counter() - start)
    pq_engine = n * args.quarters * args.reps / min(t_engine)
    pq_mesa = n * args.quarters * args.mesa_reps / min(t_mesa)
    print(f"\n== 1. Speed: N = {n:,}, T = {args.quarters}, baseline strategy, "
          f"chunk {chunk_size(setup, args.quarters, args.chunk)} replications; hiring parties "
          + ", ".join(f"{rv.name} ({rv.offers_per_quarter:g}/quarter)" for rv in setup.parties))
    print(f"warm-up call before timing (R = 1, T = 2; numba cache files "
          f"{'present, so it loads them' if present else 'absent, so it compiles'}): "
          f"{warm_up:.2f} s")
    print(f"engine, R = {args.reps} (draws + engine): {best_of(t_engine)}  "
          f"-> {pq_engine / 1e6:.2f} M person-quarters/s")
    best = splits[t_engine.index(min(t_engine))]
    print(f"  of which draws {best[0]:.3f} s, simulate_strategy {best[1]:.3f} s "
          f"(engine alone {n * args.quarters * args.reps / best[1] / 1e6:.2f} M pq/s)")
    print(f"Mesa 3.3.1, R = {args.mesa_reps}: {best_of(t_mesa)}  "
          f"-> {pq_mesa / 1e6:.3f} M person-quarters/s")
    print(f"ratio engine / Mesa: {pq_engine / pq_mesa:.0f}x (target >= 100x)")
    return {"setup": setup, "world": world, "ratio": pq_engine / pq_mesa}


def show_profile(prof: cProfile.Profile, title: str, top: int = 12) -> None:
    text = io.StringIO()
    pstats.Stats(prof, stream=text).sort_stats("tottime").print_stats(top)
    lines = text.getvalue().splitlines()
    head = next(i for i, line in enumerate(lines) if "ncalls" in line)
    total = next((line.strip() for line in lines if "function calls" in line), "")
    print(f"\n== Profile: {title} (cProfile, by own time; {total})")
    site = str(Path(np.__file__).parents[1]) + "/"
    print("\n".join(line.replace(str(Path.cwd()) + "/", "").replace(site, "")
                    for line in lines[head:] if line.strip()))


def profile(setup: Setup, world: World, args: argparse.Namespace) -> None:
    size = chunk_size(setup, args.quarters, args.chunk)
    n = len(setup.stay_value)
    draws = draw(1, range(size), args.quarters, n, len(setup.parties), slots([setup]))
    prof = cProfile.Profile()
    prof.enable()
    simulate_strategy(setup, world, draws)
    prof.disable()
    show_profile(prof, f"simulate_strategy, one chunk of {size} replications, N = {n:,}, "
                 f"T = {args.quarters}")
    del draws
    model_cls = mesa_model_class()
    prof = cProfile.Profile()
    prof.enable()
    run_mesa(model_cls, setup, world, 1, args.quarters, 1)
    prof.disable()
    show_profile(prof, f"Mesa model, 1 replication, N = {n:,}, T = {args.quarters}")


# --------------------------------------------------------------------------- 2. cross-check


def cross_check(args: argparse.Namespace) -> None:
    lab = load_scenario(SCENARIO)
    strategies = args.check_strategies.split(",")
    model_cls = mesa_model_class()
    q = args.check_quarters
    print(f"\n== 2. Cross-check at the lean lab itself (N = {lab.roster.size}), T = {q}: "
          f"engine R = {args.check_engine_reps}, Mesa R = {args.check_mesa_reps}; "
          f"mean ± standard error, z = difference / combined s.e.")
    worst = 0.0
    for strategy in strategies:
        setup, world = inputs(lab, strategy)
        e = run_engine(setup, world, args.check_engine_reps, q, lab.scenario.seed, 50)
        start = time.perf_counter()
        m = run_mesa(model_cls, setup, world, args.check_mesa_reps, q, 7)
        t_m = time.perf_counter() - start
        rivals = [rv.name for rv in setup.parties]
        rows = [(f"departures to {name}, sum over T", e.departures[:, :, j].sum(axis=1),
                 m["departures"][:, :, j].sum(axis=1)) for j, name in enumerate(rivals)]
        rows.append(("background departures, sum over T", e.departures[:, :, -1].sum(axis=1),
                     m["departures"][:, :, -1].sum(axis=1)))
        early, mid = min(4, q) - 1, q // 2 - 1
        rows += [
            *[(f"B_lab at quarter {k + 1}", e.b_lab[:, k], m["b_lab"][:, k])
              for k in (early, mid, q - 1)],
            *[(f"B_{name} at quarter {k + 1}", e.b_rival[:, k, j], m["b_rival"][:, k, j])
              for j, name in enumerate(rivals) for k in (early, mid)],
            *[(f"value at quarter {k + 1} ($B)", e.value[:, k] / 1e9, m["value"][:, k] / 1e9)
              for k in (early, mid)],
            ("retained at T", e.retained[:, -1], m["retained"][:, -1]),
            ("policy cost, sum over T ($M)", e.cost.sum(axis=1) / 1e6,
             m["cost"].sum(axis=1) / 1e6),
        ]
        print(f"-- strategy {strategy!r} (Mesa {t_m:.1f} s)")
        print(f"{'outcome':46} {'engine':>20} {'Mesa':>20} {'z':>6}")
        for label, a, b in rows:
            se_a, se_b = a.std(ddof=1) / math.sqrt(len(a)), b.std(ddof=1) / math.sqrt(len(b))
            se = math.hypot(se_a, se_b)
            z = (b.mean() - a.mean()) / se if se > 0 else 0.0
            if se == 0 and not math.isclose(a.mean(), b.mean(), rel_tol=1e-9, abs_tol=1e-12):
                z = math.inf
            worst = max(worst, abs(z))
            print(f"{label:46} {a.mean():11.4f} ± {se_a:6.4f} {b.mean():11.4f} ± {se_b:6.4f} "
                  f"{z:+6.2f}")
    verdict = "AGREE" if worst < 3.5 else "DISAGREE"
    print(f"largest |z| = {worst:.2f}: {verdict} within Monte Carlo error (threshold 3.5)")


# --------------------------------------------------------------------------- 3. scaling


def high_water_mib() -> float:
    """Peak resident memory of this process (VmHWM, MiB).

    Not ``ru_maxrss``: Linux carries it across ``execve``, so a child started by a big parent
    would report the parent's peak.
    """
    with open("/proc/self/status") as f:
        line = next(x for x in f if x.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def child(args: argparse.Namespace) -> None:
    """One scaling point in a fresh process: the full runner, baseline only."""
    workdir = Path(tempfile.mkdtemp())
    try:
        lab = scaled_lab(args.n, workdir)
        if args.budget:
            runner.MEMORY_BUDGET = args.budget
        start = time.perf_counter()  # load the compiled kernels from numba's cache first
        runner.simulate(lab, ["baseline"], replications=1, quarters=2, chunk=1)
        load = time.perf_counter() - start
        with open("/proc/self/statm") as f:
            before = int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
        start = time.perf_counter()
        result = runner.simulate(lab, ["baseline"], replications=args.reps,
                                 quarters=args.quarters, chunk=args.chunk)
        seconds = time.perf_counter() - start
        peak = high_water_mib()
        print(json.dumps({"seconds": seconds, "peak_mib": peak, "before_mib": before,
                          "load": load, "chunk": result.provenance["chunk"]}))
    finally:
        shutil.rmtree(workdir)


def scaling(args: argparse.Namespace) -> None:
    points = [(n, r, None, None) for n in args.grid_n for r in args.grid_r]
    big = max(args.grid_n)
    points += [(big, 4 * max(args.grid_r), None, None),  # more chunks, same peak
               (big, max(args.grid_r), max(args.grid_r), 2**40)]  # one chunk: no bound
    print(f"\n== 3. Scaling of talentmoat.sim.simulate (baseline strategy only), T = "
          f"{args.quarters}; fresh process per point, best of {args.scale_repeat}; peak = "
          f"VmHWM, 'before' = RSS after imports, loading the scenario and a tiny warm-up run "
          f"(R = 1, T = 2: loads the kernels from numba's cache; 'warm-up s', not in 'seconds')")
    print(f"{'N':>7} {'R':>5} {'chunk':>6} {'seconds':>8} {'pq/s (M)':>9} {'peak MiB':>9} "
          f"{'before MiB':>10} {'sim MiB':>8} {'warm-up s':>9}")
    for n, r, chunk, budget in points:
        runs = []
        for _ in range(args.scale_repeat):
            cmd = [sys.executable, __file__, "--child", "--n", str(n), "--reps", str(r),
                   "--quarters", str(args.quarters)]
            if chunk:
                cmd += ["--chunk", str(chunk), "--budget", str(budget)]
            out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
            runs.append(json.loads(out.strip().splitlines()[-1]))
        best = min(runs, key=lambda x: x["seconds"])
        peak = max(x["peak_mib"] for x in runs)
        note = " (chunking off)" if budget else ""
        print(f"{n:>7,} {r:>5} {best['chunk']:>6} {best['seconds']:>8.2f} "
              f"{n * r * args.quarters / best['seconds'] / 1e6:>9.2f} {peak:>9.0f} "
              f"{best['before_mib']:>10.0f} {peak - best['before_mib']:>8.0f} "
              f"{best['load']:>9.2f}{note}")


# --------------------------------------------------------------------------- 4. talentmoat run


def cli_run(args: argparse.Namespace) -> None:
    exe = shutil.which("talentmoat") or "talentmoat"
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        if args.cold_run:
            gone = cache_files()
            for f in gone:
                f.unlink()
            start = time.perf_counter()
            subprocess.run([exe, "run", SCENARIO, "--out", f"{tmp}/cold"], check=True,
                           capture_output=True)
            cold = time.perf_counter() - start
            print(f"\n== 4. `talentmoat run` cold: {len(gone)} numba cache files of the engine "
                  f"deleted first, so it compiles the kernels: {cold:.2f} s (once); "
                  f"{len(cache_files())} cache files written back")
        for k in range(args.repeat):
            start = time.perf_counter()
            subprocess.run([exe, "run", SCENARIO, "--out", f"{tmp}/run{k}"], check=True,
                           capture_output=True)
            times.append(time.perf_counter() - start)
    print(f"\n== 4. `talentmoat run` warm (lean-lab, all 8 strategies, 200 replications x 16 "
          f"quarters, knowledge report first, 1 worker), end to end in a subprocess: "
          f"{best_of(times)} (target < 30 s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="seats N for the speed test")
    parser.add_argument("--quarters", type=int, default=40)
    parser.add_argument("--reps", type=int, default=100, help="engine replications R")
    parser.add_argument("--mesa-reps", type=int, default=1)
    parser.add_argument("--chunk", type=int, default=Simulation().chunk,
                        help="largest replications per chunk (the scenario default; shrunk to "
                        "the runner's memory budget)")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many")
    parser.add_argument("--check-strategies", default="baseline,all")
    parser.add_argument("--check-quarters", type=int, default=40)
    parser.add_argument("--check-engine-reps", type=int, default=4000)
    parser.add_argument("--check-mesa-reps", type=int, default=1000)
    parser.add_argument("--grid-n", type=int, nargs="+", default=[150, 1_500, 10_000])
    parser.add_argument("--grid-r", type=int, nargs="+", default=[10, 100])
    parser.add_argument("--scale-repeat", type=int, default=2)
    parser.add_argument("--skip", nargs="*", default=[],
                        choices=["jit", "speed", "profile", "check", "scaling", "run"])
    parser.add_argument("--cold-run", action="store_true",
                        help="time one `talentmoat run` after deleting the engine's numba cache "
                        "files (src/talentmoat/sim/__pycache__/engine.*.nbi, *.nbc)")
    parser.add_argument("--jit-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--budget", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    if args.jit_child:
        jit_child()
        return
    print(f"engine_bench {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {platform.node()}, "
          f"{os.cpu_count()} CPUs, Python {platform.python_version()}, numpy {np.__version__}, "
          f"numba {numba.__version__}; "
          f"load average {os.getloadavg()[0]:.2f}")
    if "jit" not in args.skip:
        jit_compile_time()
    with tempfile.TemporaryDirectory() as tmp:
        if "speed" not in args.skip:
            result = speed(args, Path(tmp))
            if "profile" not in args.skip:
                profile(result["setup"], result["world"], args)
    if "check" not in args.skip:
        cross_check(args)
    if "scaling" not in args.skip:
        scaling(args)
    if "run" not in args.skip:
        cli_run(args)
    print(f"\nload average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
