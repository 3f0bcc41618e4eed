"""Benchmark: ``talentmoat scan`` against the bare ``git log`` it consumes, side by side.

Builds a synthetic repository with ``git fast-import`` (default 20,000 commits over 5,000 files,
with renames and deletions), then times, alternately and best of ``--repeats``:

* the bare ``git log`` command of ``data/gitlogs/README.md``, its output read from a pipe and
  discarded;
* ``talentmoat scan REPO --json`` end to end (a fresh process: interpreter start-up, imports,
  ``git ls-files``, ``git rev-list --count``, the streamed ``git log``, the analysis, output).

Usage: ``python bench/scan_bench.py [--commits N] [--files N] [--repeats N] [--keep DIR]``.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from talentmoat.gitmine.source import git_log_command

START = 1_500_000_000
TALENTMOAT = str(Path(sys.executable).with_name("talentmoat"))


def fast_import_stream(n_commits: int, n_files: int, seed: int = 7):
    """Yield the fast-import stream (bytes) of a synthetic history."""
    rng = random.Random(seed)
    authors = [(f"Dev {k:03d}", f"dev{k:03d}@example.org") for k in range(60)]
    weights = [1.0 / (k + 1) for k in range(len(authors))]  # a few heavy contributors
    files: dict[str, list[str]] = {}
    paths: list[str] = []
    next_id = 0
    adds_per_commit = max(1, n_files // max(1, n_commits // 4))

    def blob_lines(path: str) -> bytes:
        data = "".join(files[path]).encode()
        return b"data %d\n%s\n" % (len(data), data)

    for c in range(n_commits):
        name, email = rng.choices(authors, weights)[0]
        when = START + c * 3_600
        ops: list[bytes] = []
        if next_id < n_files and (c < n_commits // 4 or not files):
            for _ in range(min(adds_per_commit, n_files - next_id)):
                path = f"pkg{next_id % 50:02d}/mod{next_id:05d}.py"
                next_id += 1
                files[path] = [f"# {path} line {i}\n" for i in range(rng.randint(10, 60))]
                paths.append(path)
                ops.append(b"M 100644 inline " + path.encode() + b"\n" + blob_lines(path))
        elif c % 250 == 0 and files:
            k = rng.randrange(len(paths))
            old = paths[k]
            new = old.replace(".py", f"_r{c}.py")
            files[new] = files.pop(old)
            paths[k] = new
            ops.append(b"R " + old.encode() + b" " + new.encode() + b"\n")
        else:
            for path in {rng.choice(paths) for _ in range(rng.randint(1, 4))}:
                lines = files[path]
                lines[rng.randrange(len(lines))] = f"# edited in {c}\n"
                lines.append(f"# added in {c}\n")
                ops.append(b"M 100644 inline " + path.encode() + b"\n" + blob_lines(path))
        msg = f"commit {c}".encode()
        header = (b"commit refs/heads/main\n"
                  + f"author {name} <{email}> {when} +0000\n".encode()
                  + f"committer {name} <{email}> {when} +0000\n".encode()
                  + b"data %d\n%s\n" % (len(msg), msg))
        yield header + b"".join(ops) + b"\n"


def build(repo: Path, n_commits: int, n_files: int) -> None:
    """Create the synthetic repository at ``repo``."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    proc = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=repo, stdin=subprocess.PIPE)
    assert proc.stdin is not None
    for chunk in fast_import_stream(n_commits, n_files):
        proc.stdin.write(chunk)
    proc.stdin.close()
    if proc.wait() != 0:
        raise SystemExit("git fast-import failed")
    subprocess.run(["git", "reset", "-q"], cwd=repo, check=True)  # index = HEAD, no checkout


def time_git_log(repo: Path) -> float:
    """Seconds to run the bare git log command and read all its output from a pipe."""
    start = time.perf_counter()
    proc = subprocess.Popen(git_log_command(), cwd=repo, stdout=subprocess.PIPE)
    assert proc.stdout is not None
    while proc.stdout.read(1 << 20):
        pass
    if proc.wait() != 0:
        raise SystemExit("git log failed")
    return time.perf_counter() - start


def time_scan(repo: Path, extra: list[str]) -> float:
    """Seconds for ``talentmoat scan REPO --json`` in a fresh process."""
    start = time.perf_counter()
    subprocess.run([TALENTMOAT, "scan", str(repo), "--json", *extra], check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=20_000)
    parser.add_argument("--files", type=int, default=5_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--keep", help="build (or reuse) the repository here and keep it")
    args = parser.parse_args()
    tmp = None
    if args.keep:
        repo = Path(args.keep)
    else:
        tmp = tempfile.mkdtemp(prefix="scan-bench-")
        repo = Path(tmp) / "repo"
    try:
        if not (repo / ".git").is_dir():
            t0 = time.perf_counter()
            build(repo, args.commits, args.files)
            print(f"built {repo} in {time.perf_counter() - t0:.1f} s")
        count = subprocess.run(["git", "rev-list", "--count", "HEAD"], cwd=repo, check=True,
                               capture_output=True, text=True).stdout.strip()
        n_files = subprocess.run(["git", "ls-files"], cwd=repo, check=True,
                                 capture_output=True, text=True).stdout.count("\n")
        print(f"repository: {count} commits, {n_files} files at HEAD")
        rows = {"git log": [], "scan (default mode)": [], "scan --mode avelino": []}
        for _ in range(args.repeats):
            rows["git log"].append(time_git_log(repo))
            rows["scan (default mode)"].append(time_scan(repo, []))
            rows["scan --mode avelino"].append(time_scan(repo, ["--mode", "avelino"]))
        base = min(rows["git log"])
        for label, times in rows.items():
            best = min(times)
            print(f"{label:22s} best of {args.repeats}: {best:6.2f} s   ratio {best / base:4.2f}x")
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
