"""YAML reading with positions and without silent surprises.

Duplicate keys are errors (PyYAML would keep the last one), timestamps stay
strings (so `date: 2021-12-02` reads as the text the user wrote), and the
config loader keeps the line and column of every key and value so that
errors can say `file:line:column`.
"""

from __future__ import annotations

from typing import Any

import yaml

try:  # libyaml parses front matter several times faster; fall back if absent
    _BaseLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _BaseLoader = yaml.SafeLoader

Position = tuple[int, int]  # 1-based line, column


class YamlError(Exception):
    """A YAML problem at a 1-based `line` and `column`."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


class _StrictLoader(_BaseLoader):
    """SafeLoader that rejects duplicate keys and keeps timestamps as text."""

    first_line = 1  # the file line on which the YAML text starts (front matter starts on 2)

    def construct_mapping(self, node, deep=False):  # noqa: D401 - PyYAML override
        seen: dict[Any, Any] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                mark = key_node.start_mark
                raise YamlError(
                    f"duplicate key {key!r} (first defined on line {seen[key].line + self.first_line})",
                    mark.line + self.first_line,
                    mark.column + 1,
                )
            seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)


_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _StrictLoader.construct_yaml_str)


def _problem_position(exc: yaml.YAMLError, first_line: int) -> Position:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is None:
        return first_line, 1
    return mark.line + first_line, mark.column + 1


def _describe(exc: yaml.YAMLError, first_line: int) -> str:
    """PyYAML's problem in one line; where an unclosed construct began, when that is elsewhere."""
    problem = getattr(exc, "problem", None)
    context = getattr(exc, "context", None)
    if problem and context:
        start = getattr(exc, "context_mark", None)
        end = getattr(exc, "problem_mark", None)
        if start is not None and end is not None and (start.line, start.column) != (end.line, end.column):
            context = f"{context} started on line {start.line + first_line}, column {start.column + 1}"
        return f"{context}, {problem}"
    return problem or context or str(exc).splitlines()[0]


def load_yaml(text: str, first_line: int = 1) -> Any:
    """Parse one YAML document strictly; raise YamlError with a position.

    `first_line` is the file line on which `text` starts, so that positions and
    messages name the lines an editor shows (front matter starts on line 2).
    """
    loader = _StrictLoader(text)
    loader.first_line = first_line
    try:
        return loader.get_single_data()
    except yaml.YAMLError as exc:
        line, column = _problem_position(exc, first_line)
        raise YamlError(f"invalid YAML: {_describe(exc, first_line)}", line, column) from None
    finally:
        loader.dispose()


def load_yaml_with_positions(text: str) -> tuple[Any, dict[tuple, Position]]:
    """Parse YAML and also return the position of every value, keyed by its path.

    The path of a mapping value is the tuple of keys and list indexes leading to
    it; `positions[path + ("<key>",)]` is where the key itself is written.
    """
    data = load_yaml(text)  # raises first on syntax errors and duplicate keys
    positions: dict[tuple, Position] = {}
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    if node is not None:
        _walk(node, (), positions)
    return data, positions


def _walk(node: yaml.Node, path: tuple, positions: dict[tuple, Position]) -> None:
    positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            positions[path + (key, "<key>")] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            _walk(value_node, path + (key,), positions)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, path + (index,), positions)
