"""YAML reading that remembers line numbers, so every problem can name its line."""

from __future__ import annotations

from typing import Any

import yaml


class LineDict(dict):
    """A mapping from YAML with the line of the mapping, of each key and of each value."""

    line: int = 0
    key_lines: dict[str, int]
    value_lines: dict[str, int]
    #: keys that appeared more than once, with the line of the repetition
    duplicate_keys: list[tuple[str, int]]

    def line_of(self, key: str) -> int:
        return self.value_lines.get(key, self.key_lines.get(key, self.line))


class LineList(list):
    """A sequence from YAML with the line of each item."""

    line: int = 0
    item_lines: list[int]


#: libyaml's parser when PyYAML was built with it (≈8× faster), else the pure-Python one
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_BaseLoader):  # type: ignore[valid-type,misc]  # chosen at import time
    """A safe loader whose mappings and sequences carry their line numbers (1-based)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> LineDict:
        result = LineDict()
        result.line = node.start_mark.line + 1
        result.key_lines, result.value_lines, result.duplicate_keys = {}, {}, []
        self.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                key = str(key)
            if key in result:
                result.duplicate_keys.append((key, key_node.start_mark.line + 1))
            result[key] = self.construct_object(value_node, deep=True)
            result.key_lines[key] = key_node.start_mark.line + 1
            result.value_lines[key] = value_node.start_mark.line + 1
        return result

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> LineList:
        result = LineList(self.construct_object(child, deep=True) for child in node.value)
        result.line = node.start_mark.line + 1
        result.item_lines = [child.start_mark.line + 1 for child in node.value]
        return result


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _LineLoader.construct_mapping
)
_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _LineLoader.construct_sequence
)
# Dates and times stay text: a definition never needs YAML's implicit timestamps, and
# "version: 2025.1" must not turn into a float.
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (
        "tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:float")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(text: str) -> Any:
    """Parse YAML text; mappings become ``LineDict`` and sequences ``LineList``.

    :raise yaml.YAMLError: with ``problem_mark`` when the text is not valid YAML.
    """
    return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a safe loader subclass
