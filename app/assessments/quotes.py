"""Which written answers may be quoted, and the review a quote goes through before it is stored.

A disclosure is never evidence. A written answer is never a quote when:

- it holds a concern word (the built-in list or the organisation's own), or
- its response has a safeguarding alert, open or closed: the answer may have raised it, or sit
  beside a worrying answer of the same person (stricter than "this answer raised it", and safe), or
- it is not this organisation's, not a written answer, or given without consent.

One rule, :func:`quotable`, decides what is offered, what a request may store (a forged one: nothing),
and, through :func:`quote_problem`, which quotes already picked are held back from publication.
Before a quote is stored the quality lead reads the whole answer in its context (question,
questionnaire, service, date: never who gave it) and confirms that it names nobody and tells of no
harm; who confirmed it and when are kept.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from .. import audit
from ..audit import Actor
from ..easyread.phrases import PHRASES
from ..i18n import N_
from ..models import (
    Answer,
    AnswerKind,
    PickedQuote,
    Response,
    SafeguardingAlert,
    SectionEntry,
    SelfAssessment,
    Service,
    User,
    utcnow,
)
from ..questionnaires import Questionnaire
from ..reports.figures import written_answers
from ..safeguarding import concern_words, matches
from .workflow import AssessmentError, ensure_editable

log = logging.getLogger(__name__)

MAX_QUOTE = 1000

# Why an answer or a quote cannot be used (codes; REASONS has the words staff see).
NOT_FOUND, NOT_OURS, NOT_WRITTEN, NO_CONSENT = "not_found", "not_ours", "not_written", "no_consent"
CONCERN, ALERT, NOT_REVIEWED, ADDED, UNCONFIRMED = (
    "concern_word",
    "alert",
    "not_reviewed",
    "added_words",
    "unconfirmed",
)
REASONS = {
    NOT_FOUND: N_("We cannot find this answer."),
    NOT_OURS: N_("This answer is not from your organisation."),
    NOT_WRITTEN: N_("This is not a written answer."),
    NO_CONSENT: N_("The person did not agree to take part."),
    CONCERN: N_("It has a word that may be about harm. It may be a disclosure."),
    ALERT: N_("This person's answers raised a safeguarding alert. Nothing they wrote can be a quote."),
    NOT_REVIEWED: N_("Nobody has checked this quote yet. Check it again and pick it again."),
    ADDED: N_("A quote may leave words out. It may not add or change words."),
    UNCONFIRMED: N_("Tick both boxes to say you checked it."),
}
#: reasons that mean "this may be a disclosure": a request to quote it is a conflict (409)
DISCLOSURE = (CONCERN, ALERT)


class NotQuotable(AssessmentError):
    """The answer (or the words chosen from it) cannot be a quote; ``reason`` is a REASONS key."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class QuoteContext:
    """What the quality lead reads before quoting: the answer in context, never who gave it."""

    answer_id: int
    text: str
    question: str
    questionnaire: str
    service: str
    given_on: date


def alerted(db: Session, response_ids: Iterable[int | None]) -> set[int]:
    """Of these responses, the ones with any safeguarding alert (open or closed)."""
    ids = {i for i in response_ids if i is not None}
    if not ids:
        return set()
    return {
        i
        for i in db.scalars(
            select(SafeguardingAlert.response_id).where(SafeguardingAlert.response_id.in_(ids))
        )
        if i is not None
    }


def quotable(
    db: Session, answer: Answer | None, organisation_id: int, words: list[str] | None = None
) -> str | None:
    """None when the answer may be offered as a quote; otherwise why not (a REASONS key)."""
    if answer is None:
        return NOT_FOUND
    response = db.get(Response, answer.response_id)
    service = db.get(Service, response.service_id) if response is not None else None
    if response is None or service is None or service.organisation_id != organisation_id:
        return NOT_OURS
    written = answer.kind in (AnswerKind.TEXT, AnswerKind.OPTION)  # OPTION: an "other" box's words
    if not written or not (answer.text or "").strip():
        return NOT_WRITTEN
    if not response.consent:
        return NO_CONSENT
    if matches(answer.text, words if words is not None else concern_words(db, organisation_id)):
        return CONCERN
    if alerted(db, [response.id]):
        return ALERT
    return None


def candidates(
    db: Session,
    organisation_id: int,
    keys: Iterable[str],
    version_ids: Iterable[int],
    start: datetime,
    end: datetime,
    exclude: Iterable[int] = (),
    limit: int = 40,
) -> list[Answer]:
    """Written answers of the period that may be quoted, newest first (the rule above, in SQL
    for alerts and in Python for concern words)."""
    words = concern_words(db, organisation_id)
    left_out = set(exclude)
    has_alert = exists().where(SafeguardingAlert.response_id == Answer.response_id)
    query = written_answers(organisation_id, keys, version_ids, start, end)
    rows = db.scalars(query.where(Response.consent.is_(True), ~has_alert).limit(limit * 4))
    out = [
        a for a in rows if a.id not in left_out and a.text and a.text.strip() and not matches(a.text, words)
    ]
    return out[:limit]


def context(db: Session, answer: Answer) -> QuoteContext:
    """The question as it was asked (the exact version), the questionnaire, the service, the date."""
    from ..respond.journey import ANYTHING_ELSE

    response = db.get(Response, answer.response_id)
    if response is None:
        raise AssessmentError("no such answer")
    definition = Questionnaire.from_dict(response.version.definition)
    question = definition.question(answer.question_key)
    if question is not None:
        asked = question.text
    elif answer.question_key == ANYTHING_ELSE:
        asked = PHRASES["anything_else"]
    else:
        asked = answer.question_key
    service = db.get(Service, response.service_id)
    return QuoteContext(
        answer_id=answer.id,
        text=answer.text or "",
        question=asked,
        questionnaire=definition.title,
        service=service.name if service else "",
        given_on=response.started_at.date(),
    )


WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def only_shortened(original: str, quoted: str) -> bool:
    """True when every word of ``quoted`` is in ``original``, in the same order (words left out,
    none added or changed; "..." and punctuation are ignored)."""
    source = iter(w.lower() for w in WORD.findall(original))
    return all(any(word == have for have in source) for word in (w.lower() for w in WORD.findall(quoted)))


def pick(
    db: Session,
    assessment: SelfAssessment,
    ref: str,
    answer_id: int,
    text: str,
    *,
    names_nobody: bool,
    tells_no_harm: bool,
    by: User,
    actor: Actor,
) -> PickedQuote:
    """Store a quote after its review. Refuses (NotQuotable) a disclosure, added words, or a review
    without both confirmations; nothing is stored then."""
    ensure_editable(assessment)
    entry = assessment.entry(ref)
    if entry is None:
        raise AssessmentError("no such section")
    answer = db.get(Answer, answer_id)
    words = concern_words(db, assessment.organisation_id)
    reason = quotable(db, answer, assessment.organisation_id, words)
    if reason is not None:
        log.warning("Refused to quote answer %s: %s", answer_id, reason)
        raise NotQuotable(reason)
    if answer is None or answer.text is None:  # pragma: no cover - quotable() said NOT_FOUND / NOT_WRITTEN
        raise NotQuotable(NOT_FOUND)
    quoted = " ".join((text or answer.text).split())[:MAX_QUOTE]
    if not quoted or not only_shortened(answer.text, quoted):
        raise NotQuotable(ADDED)
    if matches(quoted, words):
        raise NotQuotable(CONCERN)
    if not (names_nobody and tells_no_harm):
        raise NotQuotable(UNCONFIRMED)
    if any(q.answer_id == answer.id for q in entry.quotes):
        raise AssessmentError("already picked")
    now = utcnow()
    quote = PickedQuote(
        answer_id=answer.id,
        text=quoted,
        picked_by_id=by.id,
        picked_at=now,
        confirmed_by_id=by.id,
        confirmed_at=now,
    )
    entry.quotes.append(quote)
    db.flush()
    audit.record(
        db,
        actor,
        "quote.pick",
        organisation_id=assessment.organisation_id,
        object_type="picked_quote",
        object_id=quote.id,
        answer=answer.id,
        confirmed=True,
    )
    return quote


def quote_problem(
    db: Session,
    quote: PickedQuote,
    organisation_id: int,
    words: list[str],
    *,
    reviewed: bool = True,
    alerts: set[int] | None = None,
) -> str | None:
    """Why a quote already picked must be held back now, or None.

    ``reviewed``: whether an unconfirmed quote (picked before the review step) is held back too.
    ``alerts``: the responses with alerts, when the caller has looked them up already.
    """
    if matches(quote.text, words):
        return CONCERN
    if reviewed and quote.confirmed_at is None:
        return NOT_REVIEWED
    if quote.answer_id is None:  # the answer was deleted after its retention period: the words stay
        return None
    answer = db.get(Answer, quote.answer_id)
    if answer is None:
        return None
    if answer.text and matches(answer.text, words):
        return CONCERN
    found = alerts if alerts is not None else alerted(db, [answer.response_id])
    return ALERT if answer.response_id in found else None


def held_back(
    db: Session,
    entries: Iterable[SectionEntry],
    organisation_id: int,
    words: list[str] | None = None,
    reviewed: bool = True,
) -> dict[int, str]:
    """Picked quote id -> why it is held back, for the quotes of these sections that fail now."""
    words = words if words is not None else concern_words(db, organisation_id)
    quotes = [q for e in entries for q in e.quotes]
    answers = (
        {
            a.id: a
            for a in db.scalars(
                select(Answer).where(Answer.id.in_([q.answer_id for q in quotes if q.answer_id is not None]))
            )
        }
        if quotes
        else {}
    )
    alerts = alerted(db, [a.response_id for a in answers.values()])
    out = {}
    for quote in quotes:
        reason = quote_problem(db, quote, organisation_id, words, reviewed=reviewed, alerts=alerts)
        if reason is not None:
            out[quote.id] = reason
    return out
