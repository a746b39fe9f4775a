"""``number``: a whole number from ``min`` to ``max`` on a big keypad (age, how many times); its
figures count bands (``bands``: where each starts after the first; else about 5 equal ones)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ...i18n import N_
from ..cards import MAX_BANDS, NUMBER_LIMITS, Option
from .base import Asked, NumberRefused, Parsed, QuestionType, XLSFormLists, clean_words

_GE = r"\.\s*>=\s*(\d+)"
_LE = r"\.\s*<=\s*(\d+)"


class Number(QuestionType):
    name = "number"
    since = 2
    keys = frozenset({"min", "max", "bands"})
    misplaced = {key: (f"'{key}' is only for a number question.", f"Remove '{key}'.") for key in keys}
    macro = "number"
    sent_by_next = True
    typed_range = True
    xlsform_word = "integer"
    editor_kinds = (("number", N_("A number")),)
    editor_parts = ("number",)

    def check(self, c: Any, q: Any, version: int, symbols: set[str] | None) -> None:
        low, high = NUMBER_LIMITS
        for key in ("min", "max"):
            value = q.get(key)
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                c.fail(
                    q,
                    key if key in q else None,
                    f"A number question needs '{key}': a whole number from {low} to {high}.",
                    "Write for example 'min: 0' and 'max: 120'.",
                )
        if q["min"] >= q["max"]:
            c.fail(q, "max", "'max' should be bigger than 'min'.", "Fix the numbers.")
        bands = q.get("bands", [])
        if (
            not isinstance(bands, list)
            or len(bands) >= MAX_BANDS
            or any(isinstance(b, bool) or not isinstance(b, int) for b in bands)
            or any(not q["min"] < b <= q["max"] for b in bands)
            or bands != sorted(set(bands))
        ):
            c.fail(
                q,
                "bands",
                "'bands' should list where each band starts: after 'min', up to 'max', "
                f"at most {MAX_BANDS - 1}.",
                "Write for example 'bands: [18, 30, 50, 65]' (with min 16: 16-17, 18-29 ... 65 and up).",
            )

    def fields(self, q: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "min_value": int(q.get("min", 0)),
            "max_value": int(q.get("max", 0)),
            "bands": tuple(int(b) for b in q.get("bands", ())),
        }

    def cards(self, question: Asked) -> tuple[Option, ...]:
        return ()

    def report_cards(self, question: Asked) -> tuple[Option, ...]:
        """Its bands ("18–29"): the figures count those, not each number."""
        return question.number_bands

    def parse(self, question: Asked, values: list[str], text: str | None) -> Parsed:
        """Typed on the keypad (or the tablet's keyboard); stored with its band. Empty: skipped."""
        typed = clean_words(text).replace(" ", "")
        if not typed:
            return Parsed("skipped")
        if not (typed.isascii() and typed.isdigit()) or len(typed) > 6:
            raise NumberRefused("not a whole number")
        number = int(typed)
        if not question.min_value <= number <= question.max_value:
            raise NumberRefused("number out of range")
        return Parsed("number", (question.band_of(number),), str(number))

    def xlsform_row(self, q: Mapping[str, Any], row: dict[str, Any], lists: XLSFormLists) -> None:
        row["type"] = self.xlsform_word
        row["constraint"] = f". >= {q['min']} and . <= {q['max']}"

    def read_xlsform_constraint(self, constraint: str) -> dict[str, Any]:
        match = re.fullmatch(rf"\s*{_GE}\s+and\s+{_LE}\s*", constraint)
        if match:
            return {"min": int(match.group(1)), "max": int(match.group(2))}
        match = re.fullmatch(rf"\s*{_LE}\s+and\s+{_GE}\s*", constraint)
        if match:
            return {"min": int(match.group(2)), "max": int(match.group(1))}
        raise ValueError(
            "A number question needs its smallest and biggest number: '. >= 0 and . <= 120'.",
            "Write the constraint in that form (with your numbers).",
        )

    def editor_values(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        return {"min": int(fields.get("min") or 0), "max": int(fields.get("max") or 0)}
