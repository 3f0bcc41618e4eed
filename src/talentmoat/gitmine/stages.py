"""Stages (blueprint components) as gitignore-style path patterns, exclusions, and ``K``.

A stage file is YAML::

    stages:
      data_curation: [data/, "/prepare*.py"]
      architecture: [model.py, "src/**/layers/"]
    exclude: [tests/]          # optional; [] turns exclusion off

Patterns follow gitignore rules (``pathspec.GitIgnoreSpec``): a pattern starting with ``/``
is anchored at the repository root, ``dir/`` matches everything below ``dir``, ``!pattern``
re-includes. A file belongs to the first stage (in file order) whose patterns match it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pathspec

from talentmoat.errors import InputError
from talentmoat.inputfiles import read_input_text
from talentmoat.safeyaml import load_yaml

STAGE_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_NAMED_GROUP = re.compile(r"\(\?P<\w+>")
MAX_STAGE_FILE_BYTES = 1024 * 1024
DEFAULT_EXCLUDE: tuple[str, ...] = (
    # tests
    "test/", "tests/", "testing/", "__tests__/", "test_*.py", "*_test.py", "*_test.go",
    "*.test.*", "*.spec.*", "conftest.py",
    # CI and repository tooling
    ".github/", ".gitlab-ci.yml", ".gitlab/", ".circleci/", ".travis.yml", ".buildkite/",
    "azure-pipelines.yml", "Jenkinsfile", ".pre-commit-config.yaml",
    # documentation
    "docs/", "doc/", "*.md", "*.rst", "*.txt", "LICENSE*", "COPYING*", "CITATION*",
    # vendored code
    "vendor/", "vendored/", "third_party/", "third-party/", "thirdparty/", "external/",
    "node_modules/",
    # binaries and data blobs
    "*.png", "*.jpg", "*.jpeg", "*.gif", "*.svg", "*.ico", "*.pdf", "*.zip", "*.gz", "*.tgz",
    "*.bz2", "*.xz", "*.7z", "*.tar", "*.whl", "*.so", "*.dylib", "*.dll", "*.exe", "*.bin",
    "*.pt", "*.pth", "*.ckpt", "*.safetensors", "*.onnx", "*.pkl", "*.npy", "*.npz",
    "*.parquet", "*.ipynb",
)
"""Excluded when a stage file has no ``exclude`` key (default mode), plus files git saw as
binary."""


@dataclass(frozen=True)
class StageRules:
    """Validated stage rules.

    Attributes:
        stages: Stage id → its patterns, in file order.
        exclude: Exclusion patterns, or None when the file has no ``exclude`` key.
        source: The file the rules came from (for messages).
    """

    stages: dict[str, tuple[str, ...]]
    exclude: tuple[str, ...] | None
    source: str


@dataclass(frozen=True)
class Assignment:
    """Which files are analysed and which stage each belongs to.

    Attributes:
        kept: Boolean (F,): the file is analysed (not excluded).
        stage_of: Int (F,): index into ``stage_ids`` of the file's stage, -1 for none or excluded.
        stage_ids: Stage ids in rule order.
    """

    kept: np.ndarray
    stage_of: np.ndarray
    stage_ids: tuple[str, ...]


def _pattern_list(value: object, where: str, problems: list[tuple[str, str]]) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(p, str) and p.strip() for p in value):
        problems.append((where, "expected a list of non-empty pattern strings"))
        return ()
    for k, pattern in enumerate(value):
        try:
            pathspec.GitIgnoreSpec.from_lines([pattern])
        except ValueError as exc:
            problems.append((f"{where}[{k}]", f"invalid pattern '{pattern}': {exc}"))
    return tuple(value)


def parse_stage_rules(data: object, source: str) -> StageRules:
    """Validate the parsed YAML of a stage file.

    Args:
        data: What :func:`talentmoat.safeyaml.load_yaml` returned.
        source: The file name, for messages.

    Returns:
        The rules.

    Raises:
        InputError: Naming the key at fault and what was expected.
    """
    if not isinstance(data, dict):
        raise InputError.single(source, "", "expected a mapping with keys 'stages' and optionally "
                                "'exclude'")
    problems: list[tuple[str, str]] = []
    for key in data:
        if key not in ("stages", "exclude"):
            problems.append((str(key), "unknown key; expected 'stages' or 'exclude'"))
    stages_raw = data.get("stages")
    stages: dict[str, tuple[str, ...]] = {}
    if not isinstance(stages_raw, dict) or not stages_raw:
        problems.append(("stages", "expected a non-empty mapping {<stage id>: [<pattern>, …]}"))
    else:
        for stage_id, patterns in stages_raw.items():
            where = f"stages.{stage_id}"
            if not isinstance(stage_id, str) or not STAGE_ID.match(stage_id):
                problems.append((where, f"unknown stage id '{stage_id}': a stage id must be a "
                                 "component id (lower-case letter, then letters, digits or _)"))
                continue
            stages[stage_id] = _pattern_list(patterns, where, problems)
    exclude = None
    if "exclude" in data:
        exclude = () if data["exclude"] is None else _pattern_list(
            data["exclude"], "exclude", problems)
    if problems:
        raise InputError(source, problems)
    return StageRules(stages, exclude, source)


def load_stage_rules(path: str) -> StageRules:
    """Read and validate a stage file (strict YAML, :mod:`talentmoat.safeyaml`; nothing executed).

    Raises:
        InputError: Missing, too large, not YAML, or invalid rules.
    """
    text = read_input_text(path, "a YAML stage file", MAX_STAGE_FILE_BYTES)
    return parse_stage_rules(load_yaml(text, path), path)


def path_matcher(patterns: Sequence[str]) -> Callable[[str], bool]:
    """A predicate ``matches(path)`` with gitignore semantics for a list of patterns.

    Without ``!`` re-includes, "some pattern matches" is the whole gitignore rule, so the
    patterns' regular expressions (as ``pathspec`` compiles them) are joined into one; with
    re-includes the ``pathspec`` spec decides (last matching pattern wins).
    """
    spec = pathspec.GitIgnoreSpec.from_lines(patterns)
    active = [p for p in spec.patterns if p.include is not None]
    if not all(p.include for p in active):
        return spec.match_file
    if not active:
        return lambda path: False
    joined = re.compile("|".join(
        "(?:" + _NAMED_GROUP.sub("(?:", p.regex.pattern) + ")" for p in active))
    return lambda path: joined.search(path) is not None


def assign_stages(
    files: Sequence[str],
    rules: StageRules | None,
    default_exclude: bool,
    binary: np.ndarray,
) -> Assignment:
    """Exclude files and map the rest to stages.

    Exclusion: the rules' ``exclude`` patterns when the key is present; otherwise, if
    ``default_exclude``, :data:`DEFAULT_EXCLUDE` plus files git saw as binary; else nothing.

    Args:
        files: The file universe (paths), F files.
        rules: Stage rules, or None (no stages).
        default_exclude: Apply the default exclusion when the rules have no ``exclude`` key.
        binary: Boolean (F,): git saw the file as binary.

    Returns:
        The :class:`Assignment`.

    Raises:
        InputError: A stage pattern that matches no file, or a stage left with no file.
    """
    n = len(files)
    if rules is not None and rules.exclude is not None:
        matches = path_matcher(rules.exclude)
        excluded = np.array([matches(f) for f in files], dtype=bool)
    elif default_exclude:
        matches = path_matcher(DEFAULT_EXCLUDE)
        excluded = np.array([matches(f) for f in files], dtype=bool) | binary
    else:
        excluded = np.zeros(n, dtype=bool)
    kept = ~excluded
    stage_of = np.full(n, -1, dtype=int)
    if rules is None:
        return Assignment(kept, stage_of, ())
    problems: list[tuple[str, str]] = []
    stage_ids = tuple(rules.stages)
    for s, stage_id in enumerate(stage_ids):
        patterns = rules.stages[stage_id]
        for k, pattern in enumerate(patterns):
            single = path_matcher([pattern])
            if not pattern.startswith("!") and not any(single(f) for f in files):
                problems.append((f"stages.{stage_id}[{k}]",
                                 f"pattern '{pattern}' matches no file with history at HEAD"))
        matches = path_matcher(patterns)
        for f, path in enumerate(files):
            if stage_of[f] == -1 and kept[f] and matches(path):
                stage_of[f] = s
    for s, stage_id in enumerate(stage_ids):
        if not problems and not (stage_of == s).any():
            problems.append((f"stages.{stage_id}", "no file left in this stage after exclusion "
                             "and earlier stages (add 'exclude: []' to turn exclusion off)"))
    if problems:
        raise InputError(rules.source, problems)
    return Assignment(kept, stage_of, stage_ids)


def knowledge_matrix(
    holders: np.ndarray, stage_of: np.ndarray, n_stages: int, weights: np.ndarray
) -> np.ndarray:
    """``K[i, s]`` = share of stage s's files (weighted) that developer i holds.

    Args:
        holders: Boolean (D, F).
        stage_of: Int (F,): stage index per file, -1 for none.
        n_stages: Number of stages S.
        weights: Non-negative weight per file (1 for file counts, or lines), shape (F,).

    Returns:
        Float (D, S) in [0, 1]; a stage whose total weight is 0 gets a zero column.
    """
    K = np.zeros((holders.shape[0], n_stages))
    for s in range(n_stages):
        mask = stage_of == s
        total = float(weights[mask].sum())
        if total > 0:
            K[:, s] = (holders[:, mask].astype(float) @ weights[mask]) / total
    return K
