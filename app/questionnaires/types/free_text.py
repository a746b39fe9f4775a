"""``free_text``: a box for the person's own words (at most ``max_length`` characters, 500 by
default). Listed for the quality lead, never counted or quoted without review."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ...i18n import N_
from .base import AnswerRefused, Asked, Parsed, QuestionType, XLSFormLists, clean_words

_LENGTH = re.compile(r"\s*string-length\(\s*\.\s*\)\s*<=\s*(\d+)\s*")


class FreeText(QuestionType):
    name = "free_text"
    charted = False
    takes_words = True
    macro = "words"
    sent_by_next = True
    xlsform_word = "text"
    editor_kinds = (("free_text", N_("Write some words")),)

    def parse(self, question: Asked, values: list[str], text: str | None) -> Parsed:
        words = clean_words(text)
        if len(words) > question.max_length:
            raise AnswerRefused("text too long")
        return Parsed("text", text=words) if words else Parsed("skipped")

    def xlsform_row(self, q: Mapping[str, Any], row: dict[str, Any], lists: XLSFormLists) -> None:
        row["type"] = self.xlsform_word
        if "max_length" in q:
            row["constraint"] = f"string-length(.) <= {q['max_length']}"

    def read_xlsform_constraint(self, constraint: str) -> dict[str, Any]:
        if not constraint.strip():
            return {}
        match = _LENGTH.fullmatch(constraint)
        if not match:
            raise ValueError(
                "EasyVoice reads only 'string-length(.) <= 500' as a constraint on a text question.",
                "Write the constraint in that form, or clear it.",
            )
        return {"max_length": int(match.group(1))}
