"""Validated questionnaire and framework objects, built from plain dicts.

Nothing here reads files or knows of Flask. ``loader.py`` turns YAML into these, and stored
definitions (``QuestionnaireVersion.definition``) turn back into them with ``Questionnaire.from_dict``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

from ..i18n import N_
from . import conditions
from .cards import (
    FACES,
    FACES_5,
    KEY,
    MAX_BANDS,
    NOT_SURE,
    NUMBER_LIMITS,
    OTHER_TEXT_LENGTH,
    SCALE_POINTS,
    YES_NO,
    YES_NO_NOT_SURE,
    Option,
)

if TYPE_CHECKING:
    from .types.base import QuestionType

__all__ = [  # the answer cards and limits live in cards.py (the types use them too); kept here
    "FACES",
    "FACES_5",
    "KEY",
    "MAX_BANDS",
    "NOT_SURE",
    "NUMBER_LIMITS",
    "OTHER_TEXT_LENGTH",
    "SCALE_POINTS",
    "YES_NO",
    "YES_NO_NOT_SURE",
    "Option",
]

AUDIENCES = ("person_supported", "family", "staff", "expert")

#: Limits on one survey file, checked before it is read. The shipped files are under 8 KB and
#: 5 levels deep; a file past a limit is refused (file:line) and the others still load.
SURVEY_MAX_BYTES = 256 * 1024  # the default of the SURVEY_MAX_BYTES setting (app/config.py)
MAX_NESTING = 20  # lists and 'name: value' blocks inside each other
MAX_PARTS = 50_000  # texts, lists and blocks in one file (keeps loading under a second)
#: Parts repeated with YAML aliases (&name ... *name) may make a file, written out in full, at
#: most this many times the size limit (stops "billion laughs" files).
MAX_EXPANSION = 4


#: The escape buttons under the answer cards, in their order on the page. A question may offer
#: fewer (``escapes:``, format version 2), but never leaves out "skip": the consent page tells
#: every person "You can skip any question." (RIGHTS).
ESCAPES = ("dont_know", "dont_want_to_say", "skip")
#: Answers that count as a safeguarding signal on a question marked ``safeguarding``.
WORRYING_VALUES = frozenset({"sad", "very_sad", "no"})


@dataclass(frozen=True)
class Line:
    """One easy-read line of the consent page: a sentence or two about 1 idea, and its symbol."""

    text: str
    symbol: str


# The consent page, for each audience. A questionnaire file may give its own ``introduction``
# (what the questions are for) and ``consent`` (who sees the answers); these are used where it
# gives none. The rights lines are not the file's to change: every person hears that they need
# not answer, can stop or skip, and the limit of confidentiality.
_WHY_USE = Line(N_("Your answers help to make support better."), "idea")
_NAME = Line(N_("We do not keep your name with your answers."), "private")
_HURT_YOU = N_("If you tell us someone hurts you, we must tell someone who can help.")
_HURT_SOMEONE = N_("If you tell us someone is hurt, we must tell someone who can help.")
_FAMILY_WHY = N_("We want to know what you think about the support your family member gets.")
DEFAULT_INTRODUCTION: dict[str, tuple[Line, ...]] = {
    "person_supported": (
        Line(N_("We want to know what you think about your support."), "question"),
        _WHY_USE,
    ),
    "family": (Line(_FAMILY_WHY, "family"), _WHY_USE),
    "staff": (Line(N_("We want to know what it is like to work here."), "work"), _WHY_USE),
}
DEFAULT_CONSENT: dict[str, tuple[Line, ...]] = {
    "person_supported": (_NAME,),
    "family": (_NAME,),
    "staff": (_NAME,),
}
_CHOICE_STOP_SKIP = (
    Line(N_("You do not have to answer."), "choice"),
    Line(N_("You can stop at any time."), "stop"),
    Line(N_("You can skip any question."), "skip"),
)
RIGHTS: dict[str, tuple[Line, ...]] = {
    "person_supported": (*_CHOICE_STOP_SKIP, Line(_HURT_YOU, "safe")),
    "family": (*_CHOICE_STOP_SKIP, Line(_HURT_SOMEONE, "safe")),
    "staff": (*_CHOICE_STOP_SKIP, Line(_HURT_SOMEONE, "safe")),
}


def default_lines() -> list[Line]:
    """Every shared consent-page line (the audio build speaks them all)."""
    out: dict[str, Line] = {}
    for table in (DEFAULT_INTRODUCTION, DEFAULT_CONSENT, RIGHTS):
        for lines in table.values():
            out.update((line.text, line) for line in lines)
    return list(out.values())


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    text: str
    symbol: str
    sections: tuple[str, ...]
    help: str | None = None
    safeguarding: bool = False
    options: tuple[Option, ...] = ()
    max_length: int = 500
    #: answers that raise a safeguarding alert (empty: the default for a safeguarding question)
    alert_on: tuple[str, ...] = ()
    #: a yes / no question that also offers "Not sure" (``not_sure: true`` in its file)
    not_sure: bool = False
    #: a yes / no question worded so that "yes" is the worse answer ("Do staff ignore you?")
    reversed: bool = False
    #: a ``scale`` question's number of faces: 3 (happy, OK, sad) or 5 (very happy ... very sad)
    points: int = 3
    #: a ``number`` question: the smallest and biggest whole number it takes, and where each
    #: band of its figures starts after the first (empty: about 5 equal bands)
    min_value: int = 0
    max_value: int = 0
    bands: tuple[int, ...] = ()
    #: shown only when earlier answers meet this (None: always shown); see conditions.py
    show_if: conditions.Condition | None = None
    #: the escape buttons offered (``escapes:``; all of ESCAPES unless the file says fewer)
    escapes: tuple[str, ...] = ESCAPES
    #: also offers "This does not happen to me" (``does_not_apply: true``), kept apart in data
    does_not_apply: bool = False
    #: the most characters of an "other" option's "Say what" words
    other_length: ClassVar[int] = OTHER_TEXT_LENGTH

    def shown(self, chosen: Mapping[str, frozenset[str]]) -> bool:
        """True when this question is asked, given the options chosen so far (question id -> values)."""
        return self.show_if is None or self.show_if.holds(chosen)

    @property
    def bad_values(self) -> frozenset[str]:
        """The answers that are bad news in a summary: the alert answers, else "yes" on a reversed
        question, else "sad" and "no"."""
        if self.alert_values:
            return self.alert_values
        return frozenset({"yes"}) if self.reversed else WORRYING_VALUES

    @property
    def alert_values(self) -> frozenset[str]:
        """The answers that are a safeguarding signal: ``alert_on``, else "sad"/"no" if marked."""
        if self.alert_on:
            return frozenset(self.alert_on)
        return WORRYING_VALUES if self.safeguarding else frozenset()

    @property
    def kind(self) -> QuestionType:
        """This question's type (types/): how it is checked, drawn, answered and counted."""
        from .types.registry import question_type

        return question_type(self.type)

    @property
    def choices(self) -> tuple[Option, ...]:
        """The answer cards to show: fixed for faces and yes/no, from the file otherwise."""
        return self.kind.cards(self)

    @cached_property
    def symbols(self) -> tuple[str, ...]:
        """Every picture its page shows: the question's own, then each card's (set or not)."""
        return (self.symbol, *(option.symbol for option in self.choices))

    @property
    def report_choices(self) -> tuple[Option, ...]:
        """Every answer a stored response may hold: the cards, and "Not sure" on any yes / no;
        a number question's bands ("18–29"), which its figures count instead of each number."""
        return self.kind.report_cards(self)

    @property
    def number_bands(self) -> tuple[Option, ...]:
        """A number question's bands, lowest first: the value and the words are "18-29" / "18–29"."""
        starts = self.bands or _even_starts(self.min_value, self.max_value)
        edges = [self.min_value, *(b for b in starts if self.min_value < b <= self.max_value)]
        out = []
        for low, after in zip(edges, [*edges[1:], self.max_value + 1], strict=True):
            high = after - 1
            value = f"{low}-{high}" if high > low else str(low)
            out.append(Option(value, value.replace("-", "\u2013"), self.symbol))
        return tuple(out)

    def band_of(self, number: int) -> str:
        """The band a number falls in (its value in the figures)."""
        for option in self.number_bands:
            low, _, high = option.value.partition("-")
            if int(low) <= number <= int(high or low):
                return option.value
        raise ValueError(f"{number} is outside {self.min_value}..{self.max_value}")

    @property
    def other_option(self) -> Option | None:
        """The option with a "Say what" box (``other: true``), if the question has one."""
        return next((option for option in self.options if option.other), None)

    @property
    def takes_words(self) -> bool:
        """Written words may come with this question's answers: free text, or an "other" box."""
        return self.kind.takes_words or self.other_option is not None

    @property
    def multiple(self) -> bool:
        return self.kind.multiple

    def offers(self, value: str) -> bool:
        """True when ``value`` is one of the cards shown now (a new answer must be one)."""
        return any(option.value == value for option in self.choices)

    def choice(self, value: str) -> Option | None:
        """The option for a stored value, for labels: a legacy "Not sure" keeps its words."""
        return next((option for option in self.report_choices if option.value == value), None)


def _even_starts(low: int, high: int, parts: int = 5) -> tuple[int, ...]:
    """Where about ``parts`` equal bands of low..high start (after the first)."""
    size = max(1, -(-(high - low + 1) // parts))  # rounded up
    return tuple(range(low + size, high + 1, size))


@dataclass(frozen=True)
class Questionnaire:
    id: str
    title: str
    audience: str
    symbol: str
    questions: tuple[Question, ...]
    intro: str | None = None
    #: the file's own consent-page lines (empty: the audience's shared defaults)
    own_introduction: tuple[Line, ...] = ()
    own_consent: tuple[Line, ...] = ()
    #: its own words in other languages, held with it (an organisation's own questionnaire):
    #: locale -> {English text: that language's text}. Shipped ones use the catalogs instead.
    translations: Mapping[str, Mapping[str, str]] = field(default_factory=dict, compare=False)
    #: the canonical definition this object was built from; its hash is the version
    definition: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    source: str | None = field(default=None, compare=False)

    @property
    def content_hash(self) -> str:
        return content_hash(self.definition)

    @cached_property
    def has_conditions(self) -> bool:
        """True when some question is shown only on a condition (``show_if``); found once (each
        question page asks, issue 15)."""
        return any(q.show_if is not None for q in self.questions)

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    @property
    def introduction(self) -> tuple[Line, ...]:
        """What the questions are for: the file's own lines, else its ``intro``, else the default."""
        if self.own_introduction:
            return self.own_introduction
        if self.intro:
            return (Line(self.intro, self.symbol),)
        return DEFAULT_INTRODUCTION.get(self.audience, DEFAULT_INTRODUCTION["person_supported"])

    @property
    def consent(self) -> tuple[Line, ...]:
        """Who sees the answers (and what else the file says before the person decides)."""
        return self.own_consent or DEFAULT_CONSENT.get(self.audience, DEFAULT_CONSENT["person_supported"])

    @property
    def rights(self) -> tuple[Line, ...]:
        """The fixed lines: no need to answer, stop, skip, and the limit of confidentiality."""
        return RIGHTS.get(self.audience, RIGHTS["person_supported"])

    @property
    def consent_lines(self) -> tuple[Line, ...]:
        """The whole consent page, in order: introduction, consent, rights."""
        return self.introduction + self.consent + self.rights

    def texts(self) -> list[str]:
        """Every text of this questionnaire that a respondent sees and may hear."""
        out = [self.title] + ([self.intro] if self.intro else [])
        out += [line.text for line in self.own_introduction + self.own_consent]
        for question in self.questions:
            out.append(question.text)
            if question.help:
                out.append(question.help)
            for option in question.options:
                out.append(option.text)
                if option.help:
                    out.append(option.help)
        return out

    def distinct_texts(self) -> list[str]:
        """Its texts each once, white space made single, in page order: the keys its
        ``translations`` use."""
        return list(dict.fromkeys(" ".join(text.split()) for text in self.texts()))

    def missing_words(self, locale: str) -> list[str]:
        """Its texts that have no words of their own in ``locale`` (each once, in page order)."""
        own = self.translations.get(locale, {})
        return [text for text in self.distinct_texts() if text not in own]

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str | None = None) -> Questionnaire:
        """Build from a definition that has already been validated (by the loader)."""
        from .types.registry import question_type

        questions = tuple(
            Question(
                id=q["id"],
                type=q["type"],
                text=q["text"],
                symbol=q["symbol"],
                sections=tuple(q.get("sections", ())),
                help=q.get("help"),
                safeguarding=bool(q.get("safeguarding", False)),
                options=tuple(
                    Option(
                        o["value"],
                        o["text"],
                        o["symbol"],
                        o.get("help"),
                        bool(o.get("exclusive", False)),
                        bool(o.get("other", False)),
                    )
                    for o in q.get("options", ())
                ),
                max_length=int(q.get("max_length", 500)),
                alert_on=tuple(q.get("alert_on", ())),
                **question_type(q["type"]).fields(q),
                show_if=conditions.from_dict(q.get("show_if")),
                escapes=tuple(e for e in ESCAPES if e in q.get("escapes", ESCAPES)),
                does_not_apply=bool(q.get("does_not_apply", False)),
            )
            for q in data["questions"]
        )

        def lines(key: str) -> tuple[Line, ...]:
            return tuple(Line(item["text"], item["symbol"]) for item in data.get(key, ()))

        return cls(
            id=data["id"],
            title=data["title"],
            audience=data["audience"],
            symbol=data["symbol"],
            intro=data.get("intro"),
            questions=questions,
            own_introduction=lines("introduction"),
            own_consent=lines("consent"),
            translations={
                locale: {" ".join(k.split()): " ".join(v.split()) for k, v in words.items()}
                for locale, words in (data.get("translations") or {}).items()
            },
            definition=data,
            source=source,
        )


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    easy_read: str | None = None
    symbol: str | None = None
    needs_check: bool = False


@dataclass(frozen=True)
class Framework:
    id: str
    title: str
    sections: tuple[Section, ...]
    source: str | None = field(default=None, compare=False)

    def section_refs(self) -> set[str]:
        return {f"{self.id}:{section.id}" for section in self.sections}


def content_hash(definition: dict[str, Any]) -> str:
    """The version of a definition: a hash of its canonical JSON (key order does not matter)."""
    canonical = json.dumps(definition, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]
