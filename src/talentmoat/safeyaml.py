"""Strict YAML reading for every input file (scenarios, stage rules).

PyYAML's ``SafeLoader`` never executes anything, but on its own it lets bad input through or
crashes on it. This loader adds, on top of it:

- a repeated key in one mapping is an error (plain YAML keeps the last one silently);
- only the plain data types are accepted: strings, numbers, booleans, null, mappings and lists.
  Any other tag (``!!binary``, ``!!set``, ``!!python/...``, a local ``!tag``) is an error, and
  dates stay strings;
- ``1e8`` and ``1.5e8`` are numbers, as in YAML 1.2 (YAML 1.1 reads them as strings);
- nesting deeper than :data:`MAX_DEPTH` and more than :data:`MAX_NODES` values (counting every
  use of an anchor) are errors, so deep or self-multiplying documents neither overflow the stack
  nor take unbounded time.

Every failure is an :class:`~talentmoat.errors.InputError` with line and column.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

import yaml

from talentmoat.errors import InputError

MAX_DEPTH = 64
"""Deepest nesting of mappings and lists accepted (a scenario needs about 8)."""
MAX_NODES = 50_000
"""Most values in one document, every use of an anchor counted in full."""

_ALLOWED_TAGS = frozenset(
    f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "map", "seq",
                                       "merge")
)
_FLOAT_WITH_EXPONENT = re.compile(
    r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)[eE][-+]?[0-9]+$"
)
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_FLOAT = "tag:yaml.org,2002:float"


class _Refused(Exception):
    """A document the strict loader refuses, with where."""

    def __init__(self, mark: yaml.Mark | None, message: str) -> None:
        super().__init__(message)
        self.mark = mark
        self.message = message


class _StrictLoader(yaml.SafeLoader):
    """``SafeLoader`` with the checks of this module (see the module docstring)."""

    yaml_implicit_resolvers: ClassVar[dict[str, list[tuple[str, re.Pattern[str]]]]] = {
        first: [(tag, rx) for tag, rx in resolvers if tag != _TIMESTAMP]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0
        self._sizes: dict[int, int] = {}

    def _count(self, n: int, mark: yaml.Mark) -> None:
        self._nodes += n
        if self._nodes > MAX_NODES:
            raise _Refused(mark, f"more than {MAX_NODES:,} values (anchors counted at every "
                           "use); a scenario needs a few thousand")

    def compose_node(self, parent: Any, index: Any) -> Any:
        """Compose one node, counting values and nesting depth."""
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            node = self.anchors.get(event.anchor)
            if node is not None:
                self._count(self._sizes.get(id(node), 1), event.start_mark)
            return super().compose_node(parent, index)
        mark = self.peek_event().start_mark
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _Refused(mark, f"nested more than {MAX_DEPTH} levels deep")
        before = self._nodes
        self._count(1, mark)
        node = super().compose_node(parent, index)
        self._depth -= 1
        self._sizes[id(node)] = self._nodes - before
        return node

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        """Construct a value of a plain data type; any other tag is refused."""
        if node.tag not in _ALLOWED_TAGS:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            raise _Refused(node.start_mark, f"the tag {tag} is not accepted; only strings, "
                           "numbers, booleans, null, mappings and lists")
        return super().construct_object(node, deep)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        """Construct a mapping; a key given twice is refused."""
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                repeated = key in seen
                seen.add(key)
            except TypeError:
                raise _Refused(key_node.start_mark, "a mapping key must be a plain value, not "
                               "a list or mapping") from None
            if repeated:
                raise _Refused(key_node.start_mark, f"the key '{key}' appears twice in one "
                               "mapping")
        return super().construct_mapping(node, deep)


for _first in "0123456789+-.":
    _StrictLoader.yaml_implicit_resolvers.setdefault(_first, []).insert(
        0, (_FLOAT, _FLOAT_WITH_EXPONENT))


def _where(mark: yaml.Mark | None) -> str:
    return f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""


def load_yaml(text: str, source: str) -> Any:
    """Parse one YAML document strictly.

    Args:
        text: The document.
        source: Its name, for messages.

    Returns:
        Plain Python data: dicts, lists, strings, ints, floats, booleans and None.

    Raises:
        InputError: Invalid YAML, a refused construct (see the module docstring), with line and
            column.
    """
    loader: _StrictLoader | None = None
    try:
        loader = _StrictLoader(text)  # the reader refuses control characters here already
        return loader.get_single_data()
    except _Refused as exc:
        raise InputError.single(source, _where(exc.mark), exc.message) from None
    except yaml.MarkedYAMLError as exc:
        raise InputError.single(source, _where(exc.problem_mark),
                                f"invalid YAML: {exc.problem}") from None
    except yaml.reader.ReaderError as exc:
        raise InputError.single(source, f"character {exc.position + 1}",
                                f"invalid YAML: {exc.reason} (#x{exc.character:04x})") from None
    except yaml.YAMLError as exc:
        raise InputError.single(source, "", f"invalid YAML: {exc}") from None
    except RecursionError:  # a construct nested too deeply for PyYAML itself
        raise InputError.single(source, "", f"nested more than {MAX_DEPTH} levels deep") \
            from None
    finally:
        if loader is not None:
            loader.dispose()


def dump_yaml(data: Any) -> str:
    """Plain data as block-style YAML, keys in their given order (readable by :func:`load_yaml`).

    Args:
        data: Dicts, lists, strings, numbers, booleans and None.
    """
    return yaml.dump(data, Dumper=_PlainDumper, sort_keys=False, allow_unicode=True, width=100)


class _PlainDumper(yaml.SafeDumper):
    """``SafeDumper`` that writes a repeated value out again instead of an anchor and alias."""

    def ignore_aliases(self, data: Any) -> bool:
        """Never use anchors."""
        return True
