"""A tablet without wifi (issue 14), as rules and database operations (no HTTP here).

An expert gets a tablet ready for a visit while it is online: it stores the visit's questionnaires
(every page of the journey, drawn by the same templates), their pictures and audio. The person
answers from that store; each answer goes into the tablet's outbox with its submission id, and
the outbox sends the answers here one by one, oldest first, when the network is back.

What the tablet sends is an *item*: the start of a response (its client id, the exact version's
content hash, language), an answer, who helped / who was in the room, "talk now", the finish.
Each item carries the *ready key* the server signed for that visit: nothing else is needed to
store it (the session may have ended since), and a key from one visit stores nothing in another.
Every item is idempotent: a start finds its response by client id, an answer is the usual upsert
keyed on (response, question) with its submission id, a finish of a closed response does nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import safeguarding
from ..audit import Actor
from ..models import Answer, AnswerKind, QuestionnaireVersion, Response, Service, Visit
from ..questionnaires import Questionnaire
from ..questionnaires.conditions import Condition
from . import journey

SALT = "easyvoice-offline-ready"
#: how long a ready key stores answers: a tablet may come back to wifi weeks after a visit (its
#: items are sent again with a fresh key when the expert opens the "Get ready" page again)
MAX_AGE = 90 * 24 * 3600
KINDS = ("start", "answer", "people", "urgent", "finish")
#: what happened while the tablet was offline, kept with the answers all the same (audited, and
#: shown in the visit's report): the visit was finished, moved to another service, or the
#: questionnaire was taken off the visit
LATE, MOVED, DROPPED = "late", "moved", "dropped"
CHANGES = {LATE: "offline.after_close", MOVED: "offline.service_changed", DROPPED: "offline.taken_off_visit"}
#: a session flag set by signing out and by "Stop using this tablet here": the next page drawn
#: tells the tablet to wipe its store
WIPE_KEY = "ev_wipe_tablet"
#: the closing steps that hold people (who helped, who else was in the room)
PEOPLE_STEPS = ("helped", "room")


class ItemRefused(ValueError):
    """An item that can never be stored (a made-up key, a response of another visit ...)."""


class NotYet(ValueError):
    """An item whose response has not arrived: the tablet keeps it and sends it again later."""


class KeyTooOld(ItemRefused):
    """A ready key past MAX_AGE: the tablet keeps the item (never drops it) until it has a new key."""


@dataclass(frozen=True)
class Ready:
    """What a ready key vouches for: one visit at one service of one organisation."""

    visit_id: int
    service_id: int
    organisation_id: int


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=SALT)


def make_key(secret: str, visit: Visit) -> str:
    return _serializer(secret).dumps([visit.id, visit.service_id, visit.organisation_id])


def read_key(secret: str, key: object) -> Ready:
    if not isinstance(key, str) or len(key) > 300:
        raise ItemRefused("no key")
    try:
        visit_id, service_id, organisation_id = _serializer(secret).loads(key, max_age=MAX_AGE)
    except SignatureExpired as error:
        raise KeyTooOld("key too old") from error
    except (BadSignature, ValueError, TypeError) as error:
        raise ItemRefused("bad key") from error
    return Ready(int(visit_id), int(service_id), int(organisation_id))


def conditions(questionnaire: Questionnaire) -> dict[str, Any]:
    """Each question's ``show_if`` as the tablet tests it: the checked condition (conditions.py),
    its values already text, so the tablet's test and the server's are the same."""
    return {q.id: _condition(q.show_if) for q in questionnaire.questions if q.show_if is not None}


def _condition(condition: Condition) -> dict[str, Any]:
    return {
        "test": condition.test,
        "question": condition.question,
        "values": list(condition.values),
        "parts": [_condition(part) for part in condition.parts],
    }


def worrying(questionnaire: Questionnaire) -> dict[str, list[str]]:
    """The options that are a safeguarding signal, per question: the tablet shows "what happens
    next" at once, with no network (the server raises the alert when the answer arrives)."""
    return {q.id: sorted(q.alert_values) for q in questionnaire.questions if q.alert_values}


def given_time(value: object) -> datetime | None:
    """The tablet's clock when the item was given (ISO 8601), if it is believable: not older than
    MAX_AGE, not in the future (a tablet's clock may be a little fast)."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    now = datetime.now(UTC)
    if not now - timedelta(seconds=MAX_AGE) <= moment <= now + timedelta(minutes=5):
        return None
    return moment.astimezone(UTC)


def _text(item: dict[str, Any], name: str, limit: int) -> str:
    value = item.get(name)
    if not isinstance(value, str) or not 0 < len(value) <= limit:
        raise ItemRefused(f"bad {name}")
    return value


def _response(db: Session, ready: Ready, item: dict[str, Any]) -> tuple[Response, Questionnaire]:
    """The response this item belongs to: started by this visit's tablet, never another's."""
    client_id = _text(item, "response", 64)
    response = db.scalar(select(Response).where(Response.client_id == client_id))
    if response is None:
        raise NotYet("the response has not arrived")
    if response.visit_id != ready.visit_id or response.service_id != ready.service_id:
        raise ItemRefused("another visit's response")
    return response, journey.questionnaire_of(response)


def store(db: Session, ready: Ready, item: object, *, max_free_text: int) -> str:
    """Store one item from a tablet's outbox; returns what happened ("stored", "already", or one
    of CHANGES: the visit changed while the tablet was offline; the answers are kept all the same).

    Raises ItemRefused for an item that can never be stored (the tablet drops it and says so) and
    NotYet for one that cannot be stored yet, journey.JourneyError for one not as the question asks.
    """
    if not isinstance(item, dict) or item.get("kind") not in KINDS:
        raise ItemRefused("unknown item")
    kind = item["kind"]
    visit = db.get(Visit, ready.visit_id)
    if visit is None or visit.organisation_id != ready.organisation_id:
        raise ItemRefused("unknown visit")
    if kind == "start":
        return _start(db, ready, visit, item)
    response, questionnaire = _response(db, ready, item)
    if kind == "finish":
        was_open = response.is_open
        journey.finish(response, stopped=bool(item.get("stopped")))
        when = given_time(item.get("given_at"))
        if was_open and when is not None:
            response.finished_at = when
        return "stored" if was_open else "already"
    if not response.is_open:
        # Sent again after its finish arrived (the reply was lost): it is stored already.
        return "already"
    if kind == "people":
        step = item.get("step")
        people = item.get("people") if isinstance(item.get("people"), list) else []
        if step not in PEOPLE_STEPS:
            raise ItemRefused("unknown step")
        if step == "helped":
            journey.record_context(response, helped_by=[str(p) for p in people])
        else:
            journey.record_context(response, in_room=[str(p) for p in people])
        return "stored"
    if kind == "urgent":
        alert = safeguarding.alert_for_response(db, response.id)
        if alert is not None:
            safeguarding.mark_urgent(db, alert, Actor())
        return "stored"
    return _answer(db, response, questionnaire, item, max_free_text=max_free_text)


def _start(db: Session, ready: Ready, visit: Visit, item: dict[str, Any]) -> str:
    client_id = _text(item, "response", 64)
    digest = _text(item, "version", 128)
    stored = db.scalar(
        select(QuestionnaireVersion).where(
            QuestionnaireVersion.content_hash == digest,
            (QuestionnaireVersion.organisation_id == ready.organisation_id)
            | QuestionnaireVersion.organisation_id.is_(None),
        )
    )
    if stored is None:  # the package stored every version it offered: this one is made up
        raise ItemRefused("unknown version")
    questionnaire = journey.version_questionnaire(stored)
    existed = db.scalar(select(Response.id).where(Response.client_id == client_id)) is not None
    # Where the person was when they answered (the visit may have moved to another service since).
    service = db.get(Service, ready.service_id)
    if service is None or service.organisation_id != ready.organisation_id:
        raise ItemRefused("unknown service")
    response = journey.start_response(
        db,
        questionnaire=questionnaire,
        service=service,
        client_id=client_id,
        # The settings' own values; anything else would refuse the start (and stop every answer
        # after it in the outbox), so it is kept as "self", the default.
        answered_by=item["answered_by"] if item.get("answered_by") in journey.ANSWERED_BY else "self",
        language=_text(item, "language", 16),
        visit_id=visit.id,
        asked_by_expert=True,
    )
    when = given_time(item.get("given_at"))
    if not existed and when is not None:
        response.started_at = when
    if existed:
        return "already"
    if visit.status == "closed":
        return LATE
    if visit.service_id != service.id:
        return MOVED
    return DROPPED if stored.slug not in (visit.questionnaires or []) else "stored"


def _answer(
    db: Session, response: Response, questionnaire: Questionnaire, item: dict[str, Any], *, max_free_text: int
) -> str:
    submission_id = _text(item, "id", 64)
    key = _text(item, "question", 80)
    values = item.get("values") if isinstance(item.get("values"), list) else []
    text = item.get("text") if isinstance(item.get("text"), str) else None
    action = item.get("action") if isinstance(item.get("action"), str) else None
    if key == journey.ANYTHING_ELSE:
        question = None
        given = journey.closing_words(text, max_free_text)
    else:
        question = next((q for q in questionnaire.questions if q.id == key), None)
        if question is None:
            raise ItemRefused("unknown question")
        given = journey.parse_given(question, action or None, [str(v)[:80] for v in values[:20]], text)
    repeat = db.scalar(
        select(Answer.id).where(Answer.response_id == response.id, Answer.submission_id == submission_id)
    )
    supported = bool(item.get("supported"))
    # Back, then Next with nothing new: the answer stays as it was (as online, views.question).
    sent_empty = action in (None, "answer") and given.kind == AnswerKind.SKIPPED
    if key != journey.ANYTHING_ELSE and journey.keeps(
        journey.answer_to(db, response, key), given, sent_empty=sent_empty, supported=supported
    ):
        return "already"
    language = item.get("language")
    journey.record_answer(
        db,
        response,
        key,
        given,
        submission_id,
        supported=supported,
        # the language it was given in (Settings may change it on the way), else the response's
        language=language if isinstance(language, str) and 0 < len(language) <= 16 else response.language,
    )
    if question is not None:
        journey.settle_not_asked(db, response, questionnaire, submission_id)
    alert = safeguarding.check_answer(db, response, question, key, given)
    when = given_time(item.get("given_at"))
    if alert is not None and when is not None and "given_at" not in (alert.context or {}):
        # Raised now, as it arrives; the lead sees when the person said it.
        alert.context = {**(alert.context or {}), "given_at": when.isoformat(), "offline": True}
    return "already" if repeat is not None else "stored"
