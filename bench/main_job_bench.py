"""The main job in about a second: engine vs a numba roofline, and `talentmoat run` (not a test).

Run from the repository root: ``python bench/main_job_bench.py [--before DIR]``. With
``--before DIR`` (a source tree, e.g. an exported earlier commit's ``src``), every measurement
runs for both trees side by side in one run, alternating, in fresh processes (each tree on
``PYTHONPATH`` with its own numba cache folder, so the package's cache is never touched):

1. **Engine vs roofline** (N = 10,000, R = 100, T = 40, baseline, same :class:`Draws`):
   ``simulate_strategy`` against :func:`roofline.roofline` (same draws, same per-seat work,
   minimal bookkeeping), best of ``--repeat``, and against the Mesa model of
   ``engine_bench.py`` (one replication) — person-quarters per second and ratios.
2. **Cold `talentmoat run`**: the first run with an empty ``NUMBA_CACHE_DIR`` (it compiles).
3. **Warm `talentmoat run`**: end to end, and in a process that first imports what the command
   imports, the work after imports (split into loading the cached kernels and the rest).
4. **`talentmoat simulate --reps 1000` and `--reps 1001`** warm (chunk 1000: the second run's
   last chunk holds one replication).

Before anything is timed, every tree and the environment's ``site-packages`` are byte-compiled
(``compileall``), as ``pip install`` leaves an installed package: with
``PYTHONDONTWRITEBYTECODE`` set and no ``.pyc`` files, every import compiles its module's source
again and a "warm" command spends seconds on that.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
SCENARIO = "lean-lab"
CLI = "import sys; from talentmoat.cli import main; sys.argv[0] = 'talentmoat'; main()"


def engine_child(args: argparse.Namespace) -> None:
    """Time engine, roofline and Mesa in this process; print JSON."""
    import numpy as np

    sys.path.insert(0, str(HERE))
    import engine_bench
    from roofline import roofline
    from talentmoat.behaviour import accept_probability
    from talentmoat.sim import engine
    from talentmoat.sim.draws import draw
    from talentmoat.sim.engine import simulate_strategy, slots

    with tempfile.TemporaryDirectory() as tmp:
        lab = engine_bench.scaled_lab(args.n, Path(tmp))
    setup, world = engine_bench.inputs(lab, "baseline")
    n = len(setup.stay_value)
    small = draw(1, range(1), 2, n, len(setup.parties), slots([setup]))
    start = time.perf_counter()
    simulate_strategy(setup, world, small)  # load (or compile) the kernels
    load = time.perf_counter() - start
    draws = draw(lab.scenario.seed, range(args.reps), args.quarters, n, len(setup.parties),
                 slots([setup]))
    b0 = setup.K @ world.weights
    cum = np.cumsum([setup.visibility * p.reach * b0 ** p.theta for p in setup.parties], axis=1)
    p_accept = np.array([accept_probability(p.utility_rest, setup.beta_comp,
                                            (p.multiple_median * p.offer_face + p.buyout)
                                            / setup.stay_value) for p in setup.parties])
    offers = np.array([p.offers_per_quarter for p in setup.parties])
    target = np.ascontiguousarray(setup.target, dtype=float)

    def roof() -> None:
        roofline(draws.background, np.asarray(setup.hazard, dtype=float), target,
                 float(world.newcomer_knowledge), np.asarray(world.weights, dtype=float),
                 float(world.learning_rate), float(engine.LEARNED),
                 int(world.backfill_quarters), draws.target, draws.accept, draws.count,
                 offers, cum, p_accept)

    roof()  # compile the roofline (bench only)
    model_cls = engine_bench.mesa_model_class() if args.mesa_reps else None
    t_engine, t_roof, t_mesa = [], [], []
    for _ in range(args.repeat):  # alternate, so all see the same load
        start = time.perf_counter()
        simulate_strategy(setup, world, draws)
        t_engine.append(time.perf_counter() - start)
        start = time.perf_counter()
        roof()
        t_roof.append(time.perf_counter() - start)
        if model_cls is not None:
            start = time.perf_counter()
            engine_bench.run_mesa(model_cls, setup, world, args.mesa_reps, args.quarters, 1)
            t_mesa.append(time.perf_counter() - start)
    pq = n * args.quarters
    result = {"n": n, "load_s": load, "engine_s": min(t_engine), "roofline_s": min(t_roof),
              "engine_mpqs": pq * args.reps / min(t_engine) / 1e6,
              "roofline_mpqs": pq * args.reps / min(t_roof) / 1e6,
              "learned": engine.LEARNED}
    if t_mesa:
        result["mesa_s"] = min(t_mesa)
        result["mesa_mpqs"] = pq * args.mesa_reps / min(t_mesa) / 1e6
    print(json.dumps(result))


def run_child(args: argparse.Namespace) -> None:
    """Import what `run` imports, then time the command in this process; print JSON."""
    start = time.perf_counter()
    import numpy as np

    import talentmoat.cli
    import talentmoat.cli.knowledge
    import talentmoat.cli.simulate
    from talentmoat.loader import load_scenario
    from talentmoat.sim.draws import draw
    from talentmoat.sim.engine import simulate_strategy, slots
    from talentmoat.sim.setup import build_setup, make_world
    imports = time.perf_counter() - start

    start = time.perf_counter()
    lab = load_scenario(SCENARIO)
    world, _ = make_world(lab)
    setup = build_setup(lab, "baseline", [], np.zeros(len(world.role_of)))
    simulate_strategy(setup, world, draw(1, range(1), 1, len(world.role_of),
                                         len(setup.parties), slots([setup])))
    load = time.perf_counter() - start
    sys.argv = ["talentmoat", "run", SCENARIO, "--out", args.out]
    start = time.perf_counter()
    try:
        talentmoat.cli.main()
    except SystemExit as stop:
        if stop.code:
            raise
    work = time.perf_counter() - start
    print(json.dumps({"imports_s": imports, "load_s": load, "work_s": work}), file=sys.stderr)


def sub(tree: Path, cache: str, argv: list[str], code: str = CLI) -> tuple[float, str]:
    """Run ``python -c code argv`` (or ``python argv``) with ``tree`` first on the path.

    Returns (seconds, stderr).
    """
    env = {**os.environ, "PYTHONPATH": str(tree), "NUMBA_CACHE_DIR": cache}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, *(["-c", code] if code else []), *argv], env=env,
                          check=True,
                          capture_output=True, text=True)
    return time.perf_counter() - start, done.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="an earlier source tree to compare")
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--reps", type=int, default=100)
    parser.add_argument("--quarters", type=int, default=40)
    parser.add_argument("--mesa-reps", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cli-repeat", type=int, default=3)
    parser.add_argument("--skip", nargs="*", default=[], help="sections to skip: engine cli")
    parser.add_argument("--engine-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--run-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.engine_child:
        return engine_child(args)
    if args.run_child:
        return run_child(args)
    trees = {"after": SRC, **({"before": args.before.resolve()} if args.before else {})}
    site = sysconfig.get_paths()["purelib"]
    subprocess.run([sys.executable, "-m", "compileall", "-q", "-j", "2", site,
                    *map(str, trees.values())], check=True, capture_output=True)
    with tempfile.TemporaryDirectory() as tmp:
        caches = {name: tempfile.mkdtemp(dir=tmp) for name in trees}
        print(f"trees: {', '.join(f'{k} = {v}' for k, v in trees.items())}; python "
              f"{sys.version.split()[0]}; load {os.getloadavg()[0]:.2f}")
        if "cli" not in args.skip:
            for name, tree in trees.items():  # cold first: the caches are empty
                secs, _ = sub(tree, caches[name], ["run", SCENARIO, "--out", f"{tmp}/{name}-c"])
                print(f"[{name}] cold `talentmoat run` (empty numba cache): {secs:.2f} s")
            warm: dict[str, list[float]] = {n: [] for n in trees}
            split: dict[str, list[dict]] = {n: [] for n in trees}
            reps: dict[str, dict[int, list[float]]] = {n: {1000: [], 1001: []} for n in trees}
            for k in range(args.cli_repeat):
                for name, tree in trees.items():
                    secs, _ = sub(tree, caches[name], ["run", SCENARIO, "--out",
                                                       f"{tmp}/{name}-w{k}"])
                    warm[name].append(secs)
                    _, err = sub(tree, caches[name], [__file__, "--run-child", "--out",
                                                      f"{tmp}/{name}-i{k}"], code="")
                    split[name].append(json.loads(err.strip().splitlines()[-1]))
                    for r in (1000, 1001):
                        secs, _ = sub(tree, caches[name], ["simulate", SCENARIO, "--reps",
                                                           str(r), "--out",
                                                           f"{tmp}/{name}-s{r}-{k}"])
                        reps[name][r].append(secs)
            for name in trees:
                best = min(split[name], key=lambda x: x["work_s"])
                print(f"[{name}] warm `talentmoat run` end to end: best {min(warm[name]):.2f} s "
                      f"of {[round(x, 2) for x in warm[name]]}; in-process after imports "
                      f"({best['imports_s']:.2f} s): loading cached kernels "
                      f"{best['load_s']:.2f} s, then the command {best['work_s']:.3f} s")
                a, b = min(reps[name][1000]), min(reps[name][1001])
                print(f"[{name}] warm `simulate --reps 1000` {a:.2f} s, `--reps 1001` "
                      f"{b:.2f} s: ratio {b / a:.2f}")
        if "engine" not in args.skip:
            for name, tree in trees.items():
                env = {**os.environ, "PYTHONPATH": str(tree), "NUMBA_CACHE_DIR": caches[name]}
                out = subprocess.run(
                    [sys.executable, __file__, "--engine-child", "--n", str(args.n), "--reps",
                     str(args.reps), "--quarters", str(args.quarters), "--mesa-reps",
                     str(args.mesa_reps), "--repeat", str(args.repeat)],
                    env=env, check=True, capture_output=True, text=True).stdout
                x = json.loads(out.strip().splitlines()[-1])
                line = (f"[{name}] N = {x['n']:,}, R = {args.reps}, T = {args.quarters}, "
                        f"learning tolerance {x['learned']:g}: engine {x['engine_s']:.3f} s "
                        f"({x['engine_mpqs']:.1f} M pq/s), roofline {x['roofline_s']:.3f} s "
                        f"({x['roofline_mpqs']:.1f} M pq/s): engine at "
                        f"{x['engine_mpqs'] / x['roofline_mpqs']:.0%} of the roofline")
                if "mesa_s" in x:
                    line += (f"; Mesa {x['mesa_s']:.2f} s ({x['mesa_mpqs']:.3f} M pq/s): "
                             f"engine {x['engine_mpqs'] / x['mesa_mpqs']:.0f}x Mesa")
                print(line, flush=True)


if __name__ == "__main__":
    main()
