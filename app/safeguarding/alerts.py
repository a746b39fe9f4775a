"""Alerts: one per response, holding every signal of that response; raised -> acknowledged -> closed.

A worrying answer to a question marked ``safeguarding`` (its ``alert_values``), free text holding a
concern word, or an Expert by Experience's observation of concern is a signal. The first signal of
a response raises its alert; later ones are listed inside it. An expert's observations on a visit
are one response, so one alert per visit.

An alert keeps the least personal data that lets someone act: the question as asked, the answer as
the person saw it, the service, who answered, who helped and who was in the room. No name, no
session, no device. Mail to the lead goes through the outbox (sent after commit) and holds no
answer and no name. No HTTP here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import audit
from ..audit import Actor
from ..models import (
    AnswerKind,
    Response,
    SafeguardingAlert,
    SafeguardingSignal,
    Service,
    User,
    utcnow,
)
from ..questionnaires import Question
from . import outbox
from .detection import concern_words, matches

#: the closing question's words (its key is journey.ANYTHING_ELSE)
ANYTHING_ELSE_KEY = "_anything_else"
ANYTHING_ELSE_TEXT = "Is there anything else you want to tell us?"


class AlertError(ValueError):
    """A step that cannot be taken (e.g. closing an alert nobody acknowledged)."""


# -- raising -------------------------------------------------------------------------------------
def check_answer(
    db: Session,
    response: Response,
    question: Question | None,
    question_key: str,
    given: Any,
    *,
    question_text: str | None = None,
    note: str | None = None,
) -> SafeguardingAlert | None:
    """Check one answer just stored; when it is a safeguarding signal, list it in the response's
    alert (raising the alert with its first signal) and return the alert. Otherwise None.

    ``given`` is what was stored (journey.Given: kind, values, text). ``question_text`` is the
    question as the person saw it (defaults to the questionnaire's own words); ``note`` an expert's
    note with an observation. Call it after each
    answer; an answer sent again changes nothing, and a signal once given stays in the alert.
    """
    kind, values, text = given.kind, tuple(given.values or ()), given.text
    observed = response.respondent_role == "expert"
    worrying = (
        [v for v in values if v in question.alert_values]
        if kind == AnswerKind.OPTION and question is not None
        else []
    )
    if worrying and question is not None:
        shown = ", ".join(_label(question, v) for v in worrying)
        return add_signal(
            db,
            response,
            source="observation" if observed else "answer",
            question_key=question_key,
            question_text=question_text or question.text,
            answer=shown,
            values=worrying,
            note=note,
        )
    # written words: a free-text answer, or the "Say what" words of an "other" option
    if kind in (AnswerKind.TEXT, AnswerKind.OPTION) and text:
        service = db.get(Service, response.service_id)
        if service is None:
            return None
        found = matches(text, concern_words(db, service.organisation_id))
        if not found:
            return None
        if question_text is None:
            question_text = (
                question.text
                if question is not None
                else ANYTHING_ELSE_TEXT
                if question_key == ANYTHING_ELSE_KEY
                else None
            )
        return add_signal(
            db,
            response,
            source="observation" if observed else "free_text",
            question_key=question_key,
            question_text=question_text,
            answer=text,
            matched=found,
            note=note,
        )
    return None


def check_stored(
    db: Session,
    response: Response,
    question: Question | None,
    answer: Any,
    *,
    question_text: str | None = None,
) -> SafeguardingAlert | None:
    """The same check for an answer already stored (e.g. an expert's observation on a visit)."""
    given = SimpleNamespace(kind=answer.kind, values=tuple(answer.values), text=answer.text)
    return check_answer(
        db,
        response,
        question,
        answer.question_key,
        given,
        question_text=question_text,
        note=getattr(answer, "note", None),
    )


def _label(question: Question, value: str) -> str:
    option = question.choice(value)
    return option.text if option is not None else value


def context_of(response: Response) -> dict[str, Any]:
    return {
        "questionnaire": response.version.slug if response.version else None,
        "answered_by": response.answered_by,
        "helped_by": response.helped_by,
        "others_present": response.others_present,
    }


def alert_for_response(db: Session, response_id: int) -> SafeguardingAlert | None:
    """The response's alert, if anything it said raised one."""
    return db.scalar(select(SafeguardingAlert).where(SafeguardingAlert.response_id == response_id))


def add_signal(
    db: Session,
    response: Response,
    *,
    source: str,
    question_key: str | None,
    question_text: str | None,
    answer: str,
    values: list[str] | None = None,
    matched: list[str] | None = None,
    note: str | None = None,
) -> SafeguardingAlert | None:
    """List one signal in the response's alert, raising the alert if it is the first."""
    alert = alert_for_response(db, response.id)
    raised = False
    if alert is None:
        service = db.get(Service, response.service_id)
        if service is None:
            return None
        alert = SafeguardingAlert(
            organisation_id=service.organisation_id,
            service_id=service.id,
            source=source,
            response_id=response.id,
            context=context_of(response),
            raised_at=utcnow(),
        )
        try:
            with db.begin_nested():
                db.add(alert)
        except IntegrityError:  # the same response's alert raised at the same moment elsewhere
            alert = alert_for_response(db, response.id)
            if alert is None:
                raise
        else:
            raised = True
    if any(s.question_key == question_key for s in alert.signals):
        return alert  # an answer changed after Back, or sent twice: the first signal stands
    signal = SafeguardingSignal(
        alert_id=alert.id,
        source=source,
        question_key=question_key,
        question_text=(question_text or "")[:500] or None,
        answer=answer,
        values=list(values or []),
        matched=list(matched or []),
        note=(note or "")[:500] or None,
        given_at=utcnow(),
    )
    try:
        with db.begin_nested():
            db.add(signal)
    except IntegrityError:  # the same answer sent twice at once
        db.expire(alert, ["signals"])
        return alert
    db.expire(alert, ["signals"])
    if raised:
        audit.record(
            db,
            Actor(),
            "safeguarding.raise",
            organisation_id=alert.organisation_id,
            object_type="safeguarding_alert",
            object_id=alert.id,
            source=source,
        )
        outbox.tell_lead(db, alert, "raised")
    else:
        audit.record(
            db,
            Actor(),
            "safeguarding.signal",
            organisation_id=alert.organisation_id,
            object_type="safeguarding_alert",
            object_id=alert.id,
            source=source,
            signal_id=signal.id,
        )
        if alert.status != "raised":  # someone is already acting: tell them there is more
            outbox.tell_lead(db, alert, "more")
    return alert


def mark_urgent(db: Session, alert: SafeguardingAlert, actor: Actor) -> None:
    """The person wants to talk to someone now: the alert goes to the top, and the lead is told."""
    if alert.urgent:
        return
    alert.urgent, alert.urgent_at = True, utcnow()
    audit.record(
        db,
        actor,
        "safeguarding.urgent",
        organisation_id=alert.organisation_id,
        object_type="safeguarding_alert",
        object_id=alert.id,
    )
    outbox.tell_lead(db, alert, "urgent")
    db.flush()


# -- the lead's steps ----------------------------------------------------------------------------
def acknowledge(db: Session, alert: SafeguardingAlert, by: User, actor: Actor) -> None:
    if alert.status != "raised":
        raise AlertError("already acknowledged")
    alert.status, alert.acknowledged_at, alert.acknowledged_by_id = "acknowledged", utcnow(), by.id
    audit.record(
        db,
        actor,
        "safeguarding.acknowledge",
        organisation_id=alert.organisation_id,
        object_type="safeguarding_alert",
        object_id=alert.id,
    )
    db.flush()


def close(db: Session, alert: SafeguardingAlert, by: User, outcome: str, actor: Actor) -> None:
    if alert.status != "acknowledged":
        raise AlertError("acknowledge it first" if alert.status == "raised" else "already closed")
    if not (outcome or "").strip():
        raise AlertError("say what was done")
    alert.status, alert.closed_at, alert.closed_by_id = "closed", utcnow(), by.id
    alert.outcome = outcome.strip()
    audit.record(
        db,
        actor,
        "safeguarding.close",
        organisation_id=alert.organisation_id,
        object_type="safeguarding_alert",
        object_id=alert.id,
    )
    db.flush()


# -- reading -------------------------------------------------------------------------------------
def overdue_cutoff(config: Mapping[str, Any], now: datetime | None = None) -> datetime:
    """Alerts raised before this and still not acknowledged are overdue."""
    return (now or utcnow()) - timedelta(hours=float(config.get("ALERT_OVERDUE_HOURS") or 24))


def is_overdue(alert: SafeguardingAlert, config: Mapping[str, Any], now: datetime | None = None) -> bool:
    return alert.status == "raised" and alert.raised_at < overdue_cutoff(config, now)


def _work_order() -> tuple[Any, ...]:
    """Urgent first, then what nobody acknowledged (oldest first), then acknowledged, then closed."""
    stage = (SafeguardingAlert.status == "raised", SafeguardingAlert.status == "acknowledged")
    return (
        SafeguardingAlert.urgent.desc(),
        *(s.desc() for s in stage),
        SafeguardingAlert.raised_at,
        SafeguardingAlert.id,
    )


def alerts_in_order(db: Session, organisation_id: int) -> list[SafeguardingAlert]:
    """Every alert of the organisation, the ones that need someone first.

    Open alerts come first (urgent ones at the very top; then raised, oldest first; then
    acknowledged, oldest first); closed alerts last, newest first.
    """
    open_rows = list(
        db.scalars(
            select(SafeguardingAlert)
            .where(SafeguardingAlert.organisation_id == organisation_id, SafeguardingAlert.status != "closed")
            .order_by(*_work_order())
        )
    )
    closed = list(
        db.scalars(
            select(SafeguardingAlert)
            .where(SafeguardingAlert.organisation_id == organisation_id, SafeguardingAlert.status == "closed")
            .order_by(SafeguardingAlert.raised_at.desc(), SafeguardingAlert.id.desc())
        )
    )
    return open_rows + closed


def open_alerts(db: Session, organisation_id: int) -> list[SafeguardingAlert]:
    """Alerts not closed yet, urgent and oldest unacknowledged first."""
    return list(
        db.scalars(
            select(SafeguardingAlert)
            .where(SafeguardingAlert.organisation_id == organisation_id, SafeguardingAlert.status != "closed")
            .order_by(*_work_order())
        )
    )


def open_count(db: Session, organisation_id: int) -> int:
    return (
        db.scalar(
            select(func.count())
            .select_from(SafeguardingAlert)
            .where(SafeguardingAlert.organisation_id == organisation_id, SafeguardingAlert.status != "closed")
        )
        or 0
    )


# -- reminders -----------------------------------------------------------------------------------
def remind_overdue(db: Session, config: Mapping[str, Any], now: datetime | None = None) -> int:
    """Email the lead again about each alert nobody acknowledged in ALERT_OVERDUE_HOURS, once per
    overdue period. Returns how many reminders were written to the outbox (in this transaction)."""
    now = now or utcnow()
    cutoff = overdue_cutoff(config, now)
    due = db.scalars(
        select(SafeguardingAlert)
        .where(
            SafeguardingAlert.status == "raised",
            SafeguardingAlert.raised_at < cutoff,
            or_(SafeguardingAlert.reminded_at.is_(None), SafeguardingAlert.reminded_at < cutoff),
        )
        .order_by(SafeguardingAlert.id)
    ).all()
    written = 0
    for alert in due:
        before = alert.reminded_at
        # compare-and-set: two senders sweeping at once write one reminder, not two
        claimed = db.execute(
            update(SafeguardingAlert)
            .where(
                SafeguardingAlert.id == alert.id,
                SafeguardingAlert.status == "raised",
                SafeguardingAlert.reminded_at.is_(None)
                if before is None
                else SafeguardingAlert.reminded_at == before,
            )
            .values(reminded_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed != 1:
            continue
        alert.reminded_at = now
        audit.record(
            db,
            Actor(),
            "safeguarding.overdue",
            organisation_id=alert.organisation_id,
            object_type="safeguarding_alert",
            object_id=alert.id,
        )
        outbox.tell_lead(db, alert, "overdue")
        written += 1
    db.flush()
    return written
