"""A Babel extractor: every survey text a respondent sees goes into the translation catalog."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

import yaml

TEXT_KEYS = ("title", "intro", "text", "help", "easy_read")


def _walk(node: yaml.Node) -> Iterator[tuple[int, str]]:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if (
                isinstance(key, yaml.ScalarNode)
                and key.value in TEXT_KEYS
                and isinstance(value, yaml.ScalarNode)
                and value.value.strip()
            ):
                yield value.start_mark.line + 1, " ".join(value.value.split())
            else:
                yield from _walk(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _walk(item)


def extract_survey_texts(
    fileobj: BinaryIO, keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, str, str, list[str]]]:
    """Yield (line, funcname, message, comments) for pybabel, as its extractor protocol asks."""
    node = yaml.compose(fileobj.read().decode("utf-8"))
    if node is not None:
        for line, text in _walk(node):
            yield line, "_", text, []
