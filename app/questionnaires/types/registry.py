"""The question types, one class a module, in one registry: a new type is one file and one line
here (base.py says what a type holds). Their order is the order the format's messages list them."""

from __future__ import annotations

from .base import QuestionType
from .choose import ChooseMany, ChooseOne
from .faces import Faces
from .free_text import FreeText
from .number import Number
from .scale import Scale
from .yes_no import YesNo

REGISTRY: dict[str, QuestionType] = {
    kind.name: kind for kind in (Faces(), YesNo(), ChooseOne(), ChooseMany(), FreeText(), Scale(), Number())
}


def question_type(name: str) -> QuestionType:
    """The type called ``name`` (KeyError when there is none)."""
    return REGISTRY[name]


def owner_of(key: str) -> QuestionType | None:
    """The type whose own key ``key`` is (None: a key every question may have)."""
    return next((kind for kind in REGISTRY.values() if key in kind.keys), None)


def type_keys() -> frozenset[str]:
    """Every type's own keys."""
    return frozenset().union(*(kind.keys for kind in REGISTRY.values()))


def editor_kinds() -> list[tuple[str, str, QuestionType]]:
    """The editor's "What kind of answer?" entries, in the order people think of them."""
    order = ("faces", "scale5", "yes_no", "choose_one", "choose_many", "number", "free_text")
    found = [(kind, words, qtype) for qtype in REGISTRY.values() for kind, words in qtype.editor_kinds]
    return sorted(found, key=lambda item: order.index(item[0]) if item[0] in order else len(order))


def for_editor_kind(kind: str) -> QuestionType | None:
    """The type an editor kind makes (None: no such kind)."""
    return next((qtype for k, _words, qtype in editor_kinds() if k == kind), None)


def xlsform_lists() -> dict[str, tuple[str, dict[str, object], tuple[object, ...]]]:
    """XLSForm list names that stand for fixed cards: name -> (type, keys it gives, cards)."""
    return {
        name: (qtype.name, dict(keys), cards)
        for qtype in REGISTRY.values()
        for name, (keys, cards) in qtype.xlsform_lists.items()
    }
