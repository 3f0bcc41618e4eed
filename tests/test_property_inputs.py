"""Property tests at loader level: a mutated valid input file is either accepted or refused with
an :class:`InputError` naming the file and what is wrong — never another exception, never a hang.

Five loaders: scenario YAML (with its roster), roster CSV, events CSV, stage rules and exported
git logs. Each example runs under a wall-clock alarm; the whole module takes well under a minute.
"""

from __future__ import annotations

import gzip
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROSTER, SCENARIO_TEMPLATE
from talentmoat.calibration import read_events_csv
from talentmoat.errors import InputError
from talentmoat.gitmine.scan import ScanOptions, analyse, collect_history
from talentmoat.gitmine.source import log_file_commits, read_file_list
from talentmoat.gitmine.stages import load_stage_rules
from talentmoat.loader import load_scenario
from talentmoat.roster import read_roster_csv

SECONDS_PER_EXAMPLE = 10
TOKENS = ["inf", ".nan", "1e309", "-1", "0", "true", "null", "~", "[", "]", "{", "}", ":", ",",
          "- ", "\n", "\t", '"', "'", "&a ", "*a", "!!binary ", "!!python/object ", "<<: ",
          "extends: lean-lab\n", "9" * 40, "é", "\ufeff", "\x00", "#", "  ", "k.", "@@commit ",
          "=> ", "\\"]
COMMON = settings(max_examples=40, deadline=None, derandomize=True,
                  suppress_health_check=[HealthCheck.function_scoped_fixture,
                                         HealthCheck.too_slow])

SCENARIO = SCENARIO_TEMPLATE + """\
firm:
  valuation: 1.0e9
  visibility: {core: 2.0, default: 1.0}
rivals:
  - {name: r, hires_per_quarter: 2, offer_multiple: {dist: lognormal, median: 2.0, sigma: 0.3}}
policies:
  synthetic_equity: {enabled: false, roles: [core]}
strategies: {baseline: [], units: [synthetic_equity]}
"""
EVENTS = "accepted,offer_value,stay_value,rival_compute,own_compute\n" + "".join(
    f"{k % 2},{1.5 + k / 10},{1.0 + k / 20},{100 + k},{80 + k}\n" for k in range(12))
STAGES = "stages:\n  data: [data/, '/prepare*.py']\n  model: [model.py]\nexclude: [tests/]\n"
SHA = "0123456789abcdef" * 2 + "01234567"
LOG = "".join(
    f"@@commit {SHA[:-1]}{k}\t{1_600_000_000 + k * 86_400}\tDev {k % 3}\tdev{k % 3}@x.org\n\n"
    f":000000 100644 {'0' * 40} {'b' * 40} A\tsrc/f{k}.py\n"
    f":100644 100644 {'b' * 40} {'c' * 40} M\tmodel.py\n"
    f"{k + 1}\t0\tsrc/f{k}.py\n2\t1\tmodel.py\n"
    for k in range(6))
FILES = "model.py\n" + "".join(f"src/f{k}.py\n" for k in range(6))


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Fail the example (instead of hanging the suite) if it runs longer than ``seconds``."""

    def expire(signum, frame):
        raise TimeoutError(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    """``text`` with one to three edits: a token or random text inserted, a span deleted or
    replaced, or a line repeated."""
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "replace", "repeat line"]))
        payload = draw(st.one_of(st.sampled_from(TOKENS), st.text(max_size=6)))
        if kind == "insert":
            text = text[:at] + payload + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 12)):]
        elif kind == "replace":
            text = text[:at] + payload + text[at + draw(st.integers(1, 8)):]
        else:
            lines = text.splitlines(keepends=True)
            if lines:
                k = at % len(lines)
                text = "".join(lines[:k] + [lines[k]] * draw(st.integers(2, 3)) + lines[k + 1:])
    return text


def accepted_or_refused(run: Callable[[], object], source: str) -> None:
    """The property: ``run`` returns, or raises an InputError about ``source`` with a message."""
    with time_limit(SECONDS_PER_EXAMPLE):
        try:
            run()
        except InputError as exc:
            assert exc.problems, exc
            assert all(message for _, message in exc.problems), exc
            assert source in exc.source or exc.source in ("(empty path)",) or \
                exc.source.startswith("bundled:"), (exc.source, source)


@COMMON
@given(text=mutated(SCENARIO))
def test_scenario_yaml(tmp_path: Path, text: str) -> None:
    path = tmp_path / "s.yaml"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    (tmp_path / "roster.csv").write_text(ROSTER)
    accepted_or_refused(lambda: load_scenario(path), str(tmp_path))


@COMMON
@given(text=mutated(ROSTER))
def test_roster_csv(text: str) -> None:
    accepted_or_refused(
        lambda: read_roster_csv(text, "roster.csv", ["data", "arch", "integration"]),
        "roster.csv")


@COMMON
@given(text=mutated(EVENTS))
def test_events_csv(text: str) -> None:
    accepted_or_refused(lambda: read_events_csv(text, "events.csv"), "events.csv")


@COMMON
@given(text=mutated(STAGES))
def test_stage_rules(tmp_path: Path, text: str) -> None:
    path = tmp_path / "stages.yaml"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    accepted_or_refused(lambda: load_stage_rules(str(path)), str(path))


@COMMON
@given(text=mutated(LOG), gz=st.booleans())
def test_exported_git_log(tmp_path: Path, text: str, gz: bool) -> None:
    path = tmp_path / ("h.log.gz" if gz else "h.log")
    data = text.encode("utf-8", "surrogatepass")
    path.write_bytes(gzip.compress(data) if gz else data)
    (tmp_path / "files.txt").write_text(FILES)
    options = ScanOptions()

    def scan() -> None:
        history = collect_history(log_file_commits(str(path)), options, str(path))
        analyse(history, read_file_list(str(tmp_path / "files.txt")), None, options)

    accepted_or_refused(scan, str(path))
