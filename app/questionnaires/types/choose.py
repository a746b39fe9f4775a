"""``choose_one`` and ``choose_many``: 2 to 8 cards written in the file (``options``), each a
value, words, a symbol and maybe "what this means"; ``exclusive`` ("None of these", on
choose_many) and one ``other`` ("Something else", with a short "Say what" box) from version 2."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...easyread.text import DEFAULT_MAX_WORDS, count_words, split_sentences
from ...i18n import N_
from ..cards import KEY, Option
from .base import RESERVED_VALUES, Asked, QuestionType, XLSFormLists

#: the most characters of an answer card's words: a word or two in version 1; a short sentence
#: (a scale that needs one) in version 2. Either way a sentence has at most 15 words.
OPTION_TEXT_LIMITS = {1: 40, 2: 80}
OPTION_KEYS = frozenset({"value", "text", "symbol", "help", "exclusive", "other"})


class _Choose(QuestionType):
    keys = frozenset({"options"})
    editor_parts = ("answers",)
    misplaced = {
        "options": (
            "A '{type}' question has its answers built in.",
            "Remove the 'options' list from this question.",
        )
    }

    def check(self, c: Any, q: Any, version: int, symbols: set[str] | None) -> None:
        options = q.get("options")
        if not isinstance(options, list) or not 2 <= len(options) <= 8:
            c.fail(
                q,
                "options" if "options" in q else None,
                f"Question '{q.get('id')}' needs 2 to 8 options.",
                "List them under 'options:'.",
            )
        values: set[str] = set()
        others: Any = None
        for raw in options:
            o = c.mapping(q, "options", raw, "An option")
            c.unknown_keys(o, OPTION_KEYS)
            if "other" in o and (o["other"] is not True or version < 2):
                c.fail(
                    o,
                    "other",
                    "'other: true' is only for an option of a choose_one or choose_many question "
                    "(format version 2).",
                    "Write 'other: true' on one option like 'Something else', and 'version: 2' at the top.",
                )
            if o.get("other") is True and (others or o.get("exclusive") is True):
                c.fail(
                    o,
                    "other",
                    "A question has at most 1 'other' option, and it is not also 'exclusive'.",
                    "Keep 'other: true' on one option only.",
                )
            others = others or (o if o.get("other") is True else None)
            if "exclusive" in o and (o["exclusive"] is not True or not self.multiple or version < 2):
                c.fail(
                    o,
                    "exclusive",
                    "'exclusive: true' is only for an option of a choose_many question (format version 2).",
                    "Put 'exclusive: true' on an option like 'None of these', and 'version: 2' at the top.",
                )
            value = c.key(o, "value", KEY)
            if value in values or value in RESERVED_VALUES:
                c.fail(
                    o,
                    "value",
                    f"The option value '{value}' is used twice or is reserved.",
                    "Give each option its own value.",
                )
            values.add(value)
            _check_option_text(c, o, version)
            c.text(o, "help", required=False)
            c.symbol(o, symbols)

    def offered(self, q: Mapping[str, Any]) -> set[str]:
        return {str(o["value"]) for o in q.get("options") or ()}

    def xlsform_row(self, q: Mapping[str, Any], row: dict[str, Any], lists: XLSFormLists) -> None:
        list_name = lists.own_name(str(q["id"]))
        row["type"] = f"{self.xlsform_word} {list_name}"
        lists.rows += [
            {
                "list_name": list_name,
                "name": option["value"],
                "label": option["text"],
                "symbol": option["symbol"],
                "hint": option.get("help"),
                "exclusive": option.get("exclusive"),
                "other": option.get("other"),
            }
            for option in q["options"]
        ]


def _check_option_text(c: Any, o: Any, version: int) -> None:
    """An option's words: within the version's limit, and easy read (15 words a sentence)."""
    text = c.text(o, "text", limit=OPTION_TEXT_LIMITS[version]) or ""
    if len(text.split()) <= DEFAULT_MAX_WORDS:  # the usual one or two words: nothing to split
        return
    for sentence in split_sentences(text):
        if count_words(sentence) > DEFAULT_MAX_WORDS:
            c.fail(
                o,
                "text",
                f"A sentence of this answer has {count_words(sentence)} words.",
                f"Use {DEFAULT_MAX_WORDS} words or fewer in a sentence (easy read).",
            )


class ChooseOne(_Choose):
    name = "choose_one"
    editor_kinds = (("choose_one", N_("Choose 1 answer")),)

    def cards(self, question: Asked) -> tuple[Option, ...]:
        return question.options


class ChooseMany(_Choose):
    name = "choose_many"
    multiple = True
    macro = "check_cards"
    sent_by_next = True
    xlsform_word = "select_multiple"
    editor_kinds = (("choose_many", N_("Choose all that fit")),)
