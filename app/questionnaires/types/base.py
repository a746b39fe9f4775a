"""What every question type is: the one place a type says how it is written, checked, drawn,
answered, counted and exchanged (issue 12; as Indico's survey fields are, ../shared/STYLE.md).

A type is a class in its own module of this package and one line in ``__init__.py``'s registry.
The rest of the app asks the type and never tests a type's name:

- the file format: ``keys`` (its own keys beside the common ones), ``since`` (format version),
  ``check`` (the loader's checks of those keys, errors with file:line), ``fields`` (what the
  validated keys give the ``Question``), ``offered`` (the values a ``show_if`` may test)
- the page: ``cards`` (the answer cards) and ``macro`` (the part of ``macros/answers.html`` that
  draws its answers inside the one question macro), ``sent_by_next``
- an answer: ``parse`` (the posted fields to an answer, refusing anything not offered)
- reports: ``report_cards`` (what stored answers may hold), ``charted``, ``takes_words``
- XLSForm: ``xlsform_word``, ``xlsform_lists`` (lists standing for its fixed cards),
  ``xlsform_row`` (its survey row and choices)
- the editor: ``editor_kinds`` (its entries in "What kind of answer?") and ``editor_keys``

No Flask and no database here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from ..cards import OTHER_TEXT_LENGTH, Option


class Asked(Protocol):
    """What a type reads of a question (schema.Question has it all; the types never import the
    schema, which asks them)."""

    options: tuple[Option, ...]
    points: int
    not_sure: bool
    max_length: int
    min_value: int
    max_value: int

    @property
    def choices(self) -> tuple[Option, ...]: ...

    @property
    def number_bands(self) -> tuple[Option, ...]: ...

    @property
    def other_option(self) -> Option | None: ...

    def offers(self, value: str) -> bool: ...

    def band_of(self, number: int) -> str: ...


#: option values the app keeps for itself (an option of a file may not take them)
RESERVED_VALUES = frozenset({"dont_know", "dont_want_to_say", "skipped", "does_not_apply"})


class AnswerRefused(ValueError):
    """Posted fields the question does not offer (a broken or forged request)."""


class NumberRefused(AnswerRefused):
    """A typed number that is not a whole number in range: asked again on the same page."""


@dataclass(frozen=True)
class Parsed:
    """An answer as the type reads it: ``kind`` is an AnswerKind value ("option", "text",
    "number", "skipped")."""

    kind: str
    values: tuple[str, ...] = ()
    text: str | None = None


def clean_words(text: str | None) -> str:
    """Words as typed: browsers send line breaks as CRLF, we keep LF; no space around."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


class QuestionType:
    """The defaults are those of a question answered by tapping one fixed card."""

    name: ClassVar[str]
    #: the format version a file needs to use this type
    since: ClassVar[int] = 1
    #: keys of a question of this type beside the common ones (id, type, text, symbol ...)
    keys: ClassVar[frozenset[str]] = frozenset()
    #: key -> (problem, how to fix) when the key is on a question of another type
    misplaced: ClassVar[Mapping[str, tuple[str, str]]] = {}
    #: answers are cards (counted in charts); False: words, listed not counted
    charted: ClassVar[bool] = True
    #: more than one card may be chosen
    multiple: ClassVar[bool] = False
    #: written words come with (every) answer
    takes_words: ClassVar[bool] = False
    #: the part of macros/answers.html that draws the answers
    macro: ClassVar[str] = "tap_cards"
    #: its cards stay in one row in their fixed order (a scale), never the long-list layout
    in_a_row: ClassVar[bool] = False
    #: the page is sent by Next (not by tapping a card)
    sent_by_next: ClassVar[bool] = False
    #: the answer is a whole number from min_value to max_value (a tablet offline checks it)
    typed_range: ClassVar[bool] = False
    #: the XLSForm type word of its survey row
    xlsform_word: ClassVar[str] = "select_one"
    #: XLSForm list name -> (the keys it gives the question, its cards): lists standing for
    #: this type's fixed cards
    xlsform_lists: ClassVar[Mapping[str, tuple[Mapping[str, Any], tuple[Option, ...]]]] = {}
    #: its entries in the editor's "What kind of answer?": (kind, words); a kind other than the
    #: type's name also sets ``editor_keys``
    editor_kinds: ClassVar[tuple[tuple[str, str], ...]] = ()
    #: the parts of the editor's question form this type uses beside the common ones
    #: ("answers": the option rows, "number": smallest and biggest)
    editor_parts: ClassVar[tuple[str, ...]] = ()
    #: editor kind -> the keys it sets on the question
    editor_keys: ClassVar[Mapping[str, Mapping[str, Any]]] = {}

    # -- the file format ------------------------------------------------------------------------

    def check(self, c: Any, q: Any, version: int, symbols: set[str] | None) -> None:
        """The loader's checks of this type's own keys (``c`` is the loader's checker; it stops
        at the first problem with the file and line)."""

    def fields(self, q: Mapping[str, Any]) -> dict[str, Any]:
        """What this type's validated keys give the ``Question`` (its dataclass fields)."""
        return {}

    def offered(self, q: Mapping[str, Any]) -> set[str]:
        """The option values a question written like ``q`` offers (what ``show_if`` may test)."""
        return {option.value for option in self.fixed_cards(q)}

    def fixed_cards(self, q: Mapping[str, Any]) -> tuple[Option, ...]:
        """The built-in cards of a question written like ``q`` (empty: its cards are its options)."""
        return ()

    # -- the page and an answer -----------------------------------------------------------------

    def cards(self, question: Asked) -> tuple[Option, ...]:
        """The answer cards shown."""
        return question.options

    def report_cards(self, question: Asked) -> tuple[Option, ...]:
        """Every value a stored answer may hold (what the figures count)."""
        return self.cards(question)

    def parse(self, question: Asked, values: list[str], text: str | None) -> Parsed:
        """Chosen cards: none is a skip; each must be on the page; one unless ``multiple``."""
        chosen = tuple(dict.fromkeys(values))
        if not chosen:
            return Parsed("skipped")
        if len(chosen) > 1 and not self.multiple:
            raise AnswerRefused("one answer only")
        if not all(question.offers(value) for value in chosen):  # not a card on this page
            raise AnswerRefused("unknown option")
        if len(chosen) > 1 and any(o.exclusive for o in question.choices if o.value in chosen):
            raise AnswerRefused("'None of these' goes on its own")  # the page's script clears the others
        other = question.other_option
        if other is not None and other.value in chosen:  # "Say what": its words go with the choice
            words = clean_words(text)
            if len(words) > OTHER_TEXT_LENGTH:
                raise AnswerRefused("text too long")
            return Parsed("option", chosen, words or None)
        return Parsed("option", chosen)  # words in a box not chosen are not kept

    # -- XLSForm ----------------------------------------------------------------------------------

    def xlsform_row(self, q: Mapping[str, Any], row: dict[str, Any], lists: XLSFormLists) -> None:
        """Fill in the survey row's type (and constraint) of question ``q``; add its choices."""
        for list_name, (keys, cards) in self.xlsform_lists.items():
            if matches(q, keys):
                row["type"] = f"{self.xlsform_word} {list_name}"
                lists.add_fixed(list_name, cards)
                return
        raise ValueError(f"question '{q.get('id')}' has no XLSForm list")  # pragma: no cover

    def read_xlsform_constraint(self, constraint: str) -> dict[str, Any]:
        """The keys an XLSForm ``constraint`` cell gives; ValueError (problem, how to fix) if it
        cannot be read. Cards take none."""
        if not constraint.strip():
            return {}
        raise ValueError("EasyVoice cannot take a constraint on a choice.", "Clear the constraint.")

    # -- the editor ---------------------------------------------------------------------------------

    def editor_values(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        """This type's keys from the editor's form fields (beside ``editor_keys``)."""
        return {}

    def editor_kind(self, q: Mapping[str, Any]) -> str:
        """The editor's kind for a question written like ``q``."""
        for kind, keys in self.editor_keys.items():
            if matches(q, keys):
                return kind
        return self.editor_kinds[0][0]


#: the value a key has when a file leaves it out (for matching lists and editor kinds)
_DEFAULTS: dict[str, Any] = {"points": 3, "not_sure": False}


def matches(q: Mapping[str, Any], keys: Mapping[str, Any]) -> bool:
    """True when question ``q`` has each of ``keys``' values (a key left out has its default)."""
    return all(q.get(key, _DEFAULTS.get(key)) == value for key, value in keys.items())


class XLSFormLists:
    """The choices sheet being written: each fixed list once, each question's own list by name."""

    def __init__(self, reserved: set[str]) -> None:
        self.rows: list[dict[str, Any]] = []
        self.used: set[str] = set()
        self.reserved = reserved

    def add_fixed(self, list_name: str, cards: tuple[Option, ...]) -> None:
        if list_name in self.used:
            return
        self.used.add(list_name)
        self.rows += [
            {"list_name": list_name, "name": c.value, "label": str(c.text), "symbol": c.symbol} for c in cards
        ]

    def own_name(self, question_id: str) -> str:
        """A list name for a question's own options, clear of the fixed lists and those used."""
        name = question_id
        while name in self.reserved or name in self.used:
            name += "-options"  # '-' is in no question id
        self.used.add(name)
        return name
