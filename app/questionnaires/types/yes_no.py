"""``yes_no``: Yes and No cards; ``not_sure: true`` adds "Not sure"; ``reversed: true`` when yes
is the worse answer ("Do staff ignore you?")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...i18n import N_
from ..cards import YES_NO, YES_NO_NOT_SURE, Option
from .base import Asked, QuestionType


class YesNo(QuestionType):
    name = "yes_no"
    keys = frozenset({"not_sure", "reversed"})
    misplaced = {
        "not_sure": (
            "'not_sure' is only for a yes_no question, and is true or false.",
            "Write 'not_sure: true' on a yes_no question, or remove it.",
        ),
        "reversed": (
            "'reversed' is only for a yes_no question, and is true or false.",
            "Write 'reversed: true' on a yes_no question where yes is the worse answer.",
        ),
    }
    xlsform_lists = {
        "yes_no": ({"not_sure": False}, YES_NO),
        "yes_no_not_sure": ({"not_sure": True}, YES_NO_NOT_SURE),
    }
    editor_kinds = (("yes_no", N_("Yes or no")),)

    def check(self, c: Any, q: Any, version: int, symbols: set[str] | None) -> None:
        for key in ("not_sure", "reversed"):
            if key in q and not isinstance(q[key], bool):
                c.fail(q, key, *self.misplaced[key])

    def fields(self, q: Mapping[str, Any]) -> dict[str, Any]:
        return {"not_sure": bool(q.get("not_sure", False)), "reversed": bool(q.get("reversed", False))}

    def fixed_cards(self, q: Mapping[str, Any]) -> tuple[Option, ...]:
        return YES_NO_NOT_SURE if q.get("not_sure") is True else YES_NO

    def cards(self, question: Asked) -> tuple[Option, ...]:
        return YES_NO_NOT_SURE if question.not_sure else YES_NO

    def report_cards(self, question: Asked) -> tuple[Option, ...]:
        """Answers stored before "Not sure" was left off a question keep their meaning."""
        return YES_NO_NOT_SURE
