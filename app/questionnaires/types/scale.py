"""``scale``: 3 faces (as ``faces``) or 5 (very happy ... very sad, ``points: 5``), fixed order."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...i18n import N_
from ..cards import FACES, FACES_5, SCALE_POINTS, Option
from .base import Asked, QuestionType


class Scale(QuestionType):
    name = "scale"
    since = 2
    keys = frozenset({"points"})
    misplaced = {
        "points": (
            "'points' is only for a scale question, and is 3 or 5.",
            "Write 'points: 3' (happy, OK, sad) or 'points: 5' (very happy ... very sad).",
        )
    }
    in_a_row = True
    xlsform_lists = {"scale_3": ({"points": 3}, FACES), "scale_5": ({"points": 5}, FACES_5)}
    editor_kinds = (("scale5", N_("5 faces: very happy to very sad")),)
    editor_keys = {"scale5": {"points": 5}}

    def check(self, c: Any, q: Any, version: int, symbols: set[str] | None) -> None:
        points = q.get("points", 3)
        if isinstance(points, bool) or points not in SCALE_POINTS:
            c.fail(q, "points", *self.misplaced["points"])

    def fields(self, q: Mapping[str, Any]) -> dict[str, Any]:
        return {"points": int(q.get("points", 3))}

    def fixed_cards(self, q: Mapping[str, Any]) -> tuple[Option, ...]:
        return SCALE_POINTS.get(int(q.get("points") or 3), FACES)

    def cards(self, question: Asked) -> tuple[Option, ...]:
        return SCALE_POINTS[question.points]

    def editor_kind(self, q: Mapping[str, Any]) -> str:
        """5 faces are the editor's "5 faces"; 3 are the same cards as ``faces``."""
        return "scale5" if int(q.get("points") or 3) == 5 else "faces"
