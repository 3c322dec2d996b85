"""Reading editors' YAML files with line numbers, so every problem can name its line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import DataError


class LineDict(dict[Any, Any]):
    """A mapping from a YAML file that remembers the line it starts on (1-based)."""

    line: int = 0


class _LineLoader(yaml.CSafeLoader):
    """libyaml's SafeLoader (ten times faster than the pure-Python one: a third of a second at
    every start) whose mappings are LineDicts."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    mapping = LineDict(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(path: Path) -> Any:
    """Parse ``path``; a syntax error becomes a DataError naming the line and the fix."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise DataError(path, "file", "The file is not UTF-8 text.", "Save the file as UTF-8.") from error
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - _LineLoader is a CSafeLoader
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        line = mark.line + 1 if mark else None
        raise DataError(
            path,
            "YAML syntax",
            f"The file is not valid YAML: {error.problem}.",
            "Check the indentation and quotes on that line (a colon inside a text needs quotes).",
            line=line,
        ) from error


def line_of(value: object) -> int | None:
    """The line a mapping was read from, if it came from load_yaml."""
    return value.line if isinstance(value, LineDict) else None
