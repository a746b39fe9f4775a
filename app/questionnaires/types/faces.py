"""``faces``: 3 face cards, happy, OK, sad, in that order everywhere (version 1's scale)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...i18n import N_
from ..cards import FACES, Option
from .base import Asked, QuestionType


class Faces(QuestionType):
    name = "faces"
    xlsform_lists = {"faces": ({}, FACES)}
    editor_kinds = (("faces", N_("3 faces: happy, OK, sad")),)

    def fixed_cards(self, q: Mapping[str, Any]) -> tuple[Option, ...]:
        return FACES

    def cards(self, question: Asked) -> tuple[Option, ...]:
        return FACES
