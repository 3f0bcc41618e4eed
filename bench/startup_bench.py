"""Benchmark: how long the CLI takes to answer, side by side with ``python -c "import numpy"``.

Times, alternately in one run and warm (one untimed run of each first), the median of
``--repeats`` fresh processes:

* ``python -c "import numpy"`` — the reference: any NumPy program pays at least this;
* ``talentmoat --help`` and ``talentmoat validate lean-lab``;
* ``python -c "import <every module the commands use>"`` — what the CLI imported up front before
  the heavy imports moved into the commands (statsmodels, the numba engine, pandas/pyarrow,
  SciPy, NetworkX);
* with ``--baseline-python PATH``: ``--help`` and ``validate lean-lab`` of another install (e.g.
  the main branch's virtual environment) for a before/after figure.

Usage: ``python bench/startup_bench.py [--repeats 7] [--baseline-python .../bin/python]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

EAGER = ("talentmoat.calibration, talentmoat.lab_economics, talentmoat.knowledge, "
         "talentmoat.investors, talentmoat.sim, talentmoat.sim.store, talentmoat.gitmine.scan")
OLD_ENTRY = "from talentmoat.cli import main; main()"


def cases(python: str, baseline: str | None) -> list[tuple[str, list[str]]]:
    """(label, argv) of every timed command."""
    out = [
        ('python -c "import numpy" (reference)', [python, "-c", "import numpy"]),
        ("talentmoat --help", [python, "-m", "talentmoat", "--help"]),
        ("talentmoat validate lean-lab", [python, "-m", "talentmoat", "validate", "lean-lab"]),
        ("import of every command's modules (the old eager start-up)",
         [python, "-c", f"import {EAGER}"]),
    ]
    if baseline:
        out += [
            ("baseline: talentmoat --help", [baseline, "-c", OLD_ENTRY, "--help"]),
            ("baseline: talentmoat validate lean-lab",
             [baseline, "-c", OLD_ENTRY, "validate", "lean-lab"]),
        ]
    return out


def run_once(argv: list[str], env: dict[str, str]) -> float:
    """Wall time of one fresh process (s); it must succeed."""
    started = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=env)
    return time.perf_counter() - started


def main() -> None:
    """Run the benchmark and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--baseline-python", default=None,
                        help="Python of another install to compare (its code is not modified).")
    args = parser.parse_args()
    # byte-code caches as a user has them: written by the untimed first run (this machine sets
    # PYTHONDONTWRITEBYTECODE=1, which would recompile every module not compiled at install)
    env = {**{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
           "COLUMNS": "100"}
    todo = cases(sys.executable, args.baseline_python)
    for _, argv in todo:  # warm the file cache and the byte-code caches
        run_once(argv, env)
    times: dict[str, list[float]] = {label: [] for label, _ in todo}
    for _ in range(args.repeats):
        for label, argv in todo:  # alternate, so load changes hit every case alike
            times[label].append(run_once(argv, env))
    reference = statistics.median(times[todo[0][0]])
    print(f"median of {args.repeats} warm runs each, alternated\n")
    print("| command | median | min | ratio to `import numpy` |")
    print("|---|---|---|---|")
    for label, _ in todo:
        median = statistics.median(times[label])
        print(f"| {label} | {median:.3f} s | {min(times[label]):.3f} s | "
              f"{median / reference:.2f}× |")


if __name__ == "__main__":
    main()
