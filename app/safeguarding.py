"""Safeguarding alerts: a possible disclosure of harm reaches the organisation's safeguarding lead.

An alert is raised by a worrying answer to a question marked ``safeguarding`` (its ``alert_values``),
by free text holding a concern word, or by an Expert by Experience's observation of concern. It is
shown on the lead's dashboard at once and, when MAIL_SERVER is set, emailed to them. It moves
raised -> acknowledged -> closed; it is never deleted, and every step is audited.

It keeps the least personal data that lets someone act: the answer, the question, the service,
who helped and who was in the room. No name, no session, no device. The email says only that an
alert is waiting, and where: the answer itself stays behind the sign-in.
"""

from __future__ import annotations

import logging
import re
import smtplib
from collections.abc import Mapping
from email.message import EmailMessage
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import audit
from .audit import Actor
from .models import (
    AnswerKind,
    ConcernWord,
    Response,
    Role,
    SafeguardingAlert,
    SafeguardingLead,
    Service,
    User,
    utcnow,
)
from .questionnaires import Question

log = logging.getLogger(__name__)

#: Words and phrases that raise an alert in free text (an organisation adds its own).
CONCERN_WORDS = ("hurt", "hurts", "hurting", "hit", "hits", "hitting", "kick", "kicked", "slap",
                 "slapped", "punch", "punched", "pushed", "scared", "afraid", "frightened", "shout",
                 "shouts", "shouted", "shouting", "touch", "touched", "touches", "touching",
                 "money taken", "took my money", "takes my money", "locked in", "locked me",
                 "bruise", "bruises", "abuse", "abused", "unsafe", "not safe", "bully", "bullied",
                 "threaten", "threatened", "no food", "hungry")


class AlertError(ValueError):
    """A step that cannot be taken (e.g. closing an alert nobody acknowledged)."""


def concern_words(db: Session, organisation_id: int) -> list[str]:
    extra = db.scalars(select(ConcernWord.word).where(ConcernWord.organisation_id == organisation_id))
    return sorted({*CONCERN_WORDS, *extra})


def matches(text: str, words: list[str]) -> list[str]:
    """The concern words found in ``text``, as whole words, ignoring case."""
    lowered = " ".join(text.lower().split())
    return [w for w in words if re.search(r"(?<![a-z])" + re.escape(w) + r"(?![a-z])", lowered)]


def check_answer(db: Session, response: Response, question: Question | None, question_key: str,
                 given: Any, *, question_text: str | None = None, base_url: str = "",
                 mail: Mapping[str, Any] | None = None) -> SafeguardingAlert | None:
    """Raise an alert for this answer when it is a safeguarding signal (called after each answer).

    ``given`` is what was stored (journey.Given: kind, values, text).
    """
    kind, values, text = given.kind, tuple(given.values), given.text
    service = db.get(Service, response.service_id)
    if service is None:
        return None
    # an Expert by Experience's own checklist on a visit is an observation
    observed = response.respondent_role == "expert"
    if kind == AnswerKind.OPTION and question is not None:
        worrying = [v for v in values if v in question.alert_values]
        if worrying:
            return raise_alert(db, organisation_id=service.organisation_id, service_id=service.id,
                               source="observation" if observed else "answer", response_id=response.id,
                               question_key=question_key,
                               question_text=question_text or question.text,
                               answer=", ".join(worrying), context=_context(response),
                               base_url=base_url, mail=mail)
    if kind == AnswerKind.TEXT and text:
        found = matches(text, concern_words(db, service.organisation_id))
        if found:
            return raise_alert(db, organisation_id=service.organisation_id, service_id=service.id,
                               source="observation" if observed else "free_text", response_id=response.id,
                               question_key=question_key, question_text=question_text,
                               answer=text, matched=found, context=_context(response),
                               base_url=base_url, mail=mail)
    return None


def check_stored(db: Session, response: Response, question: Question | None, answer: Any, *,
                 base_url: str = "", mail: Mapping[str, Any] | None = None) -> SafeguardingAlert | None:
    """The same check for an answer already stored (e.g. an expert's observation on a visit)."""
    given = SimpleNamespace(kind=answer.kind, values=tuple(answer.values), text=answer.text)
    return check_answer(db, response, question, answer.question_key, given, base_url=base_url, mail=mail)


def _context(response: Response) -> dict[str, Any]:
    return {"questionnaire": response.version.slug if response.version else None,
            "answered_by": response.answered_by, "helped_by": response.helped_by,
            "others_present": response.others_present}


def raise_alert(db: Session, *, organisation_id: int, service_id: int, source: str, answer: str,
                response_id: int | None = None, question_key: str | None = None,
                question_text: str | None = None, matched: list[str] | None = None,
                context: dict[str, Any] | None = None, base_url: str = "",
                mail: Mapping[str, Any] | None = None) -> SafeguardingAlert | None:
    """Store an alert (once per response and question), audit it, and email the lead if we can.

    Engineer's note for observations: call with source="observation", question_key set to the
    observation's reference, and the observation's words as ``answer``.
    """
    if response_id is not None:
        existing = db.scalar(select(SafeguardingAlert).where(
            SafeguardingAlert.response_id == response_id, SafeguardingAlert.question_key == question_key))
        if existing is not None:  # an answer changed after Back: the first alert stands
            return existing
    alert = SafeguardingAlert(organisation_id=organisation_id, service_id=service_id, source=source,
                              response_id=response_id, question_key=question_key,
                              question_text=(question_text or "")[:500] or None, answer=answer,
                              matched=matched or [], context=context or {}, raised_at=utcnow())
    try:
        with db.begin_nested():
            db.add(alert)
    except IntegrityError:  # the same answer sent twice at once
        return db.scalar(select(SafeguardingAlert).where(
            SafeguardingAlert.response_id == response_id, SafeguardingAlert.question_key == question_key))
    audit.record(db, Actor(), "safeguarding.raise", organisation_id=organisation_id,
                 object_type="safeguarding_alert", object_id=alert.id, source=source)
    if mail and mail.get("MAIL_SERVER"):
        alert.emailed = send_email(db, alert, base_url, mail)
    return alert


def lead_for(db: Session, organisation_id: int) -> User | None:
    row = db.get(SafeguardingLead, organisation_id)
    return row.user if row is not None and row.user.active else None


def send_email(db: Session, alert: SafeguardingAlert, base_url: str, mail: Mapping[str, Any]) -> bool:
    """Tell the lead (or, with no lead, every quality lead) that an alert is waiting."""
    lead = lead_for(db, alert.organisation_id)
    to = [lead.email] if lead else list(db.scalars(select(User.email).where(
        User.organisation_id == alert.organisation_id, User.role == Role.QUALITY_LEAD,
        User.active.is_(True))))
    if not to:
        return False
    message = EmailMessage()
    message["Subject"] = "EasyVoice: a safeguarding alert needs you"
    message["From"] = mail.get("MAIL_FROM") or "easyvoice@localhost"
    message["To"] = ", ".join(to)
    message.set_content(
        "A safeguarding alert was raised at one of your services.\n"
        f"Please sign in to see it and act: {base_url}/provider/alerts/{alert.id}\n"
        "This email holds no answer and no personal details on purpose.\n")
    try:
        with smtplib.SMTP(mail["MAIL_SERVER"], int(mail.get("MAIL_PORT") or 25), timeout=10) as smtp:
            if mail.get("MAIL_USE_TLS"):
                smtp.starttls()
            if mail.get("MAIL_USERNAME"):
                smtp.login(mail["MAIL_USERNAME"], mail.get("MAIL_PASSWORD") or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        log.exception("Could not email safeguarding alert %s", alert.id)
        return False
    return True


def acknowledge(db: Session, alert: SafeguardingAlert, by: User, actor: Actor) -> None:
    if alert.status != "raised":
        raise AlertError("already acknowledged")
    alert.status, alert.acknowledged_at, alert.acknowledged_by_id = "acknowledged", utcnow(), by.id
    audit.record(db, actor, "safeguarding.acknowledge", organisation_id=alert.organisation_id,
                 object_type="safeguarding_alert", object_id=alert.id)
    db.flush()


def close(db: Session, alert: SafeguardingAlert, by: User, outcome: str, actor: Actor) -> None:
    if alert.status != "acknowledged":
        raise AlertError("acknowledge it first" if alert.status == "raised" else "already closed")
    if not outcome.strip():
        raise AlertError("say what was done")
    alert.status, alert.closed_at, alert.closed_by_id = "closed", utcnow(), by.id
    alert.outcome = outcome.strip()
    audit.record(db, actor, "safeguarding.close", organisation_id=alert.organisation_id,
                 object_type="safeguarding_alert", object_id=alert.id)
    db.flush()


def open_alerts(db: Session, organisation_id: int) -> list[SafeguardingAlert]:
    return list(db.scalars(select(SafeguardingAlert)
                           .where(SafeguardingAlert.organisation_id == organisation_id,
                                  SafeguardingAlert.status != "closed")
                           .order_by(SafeguardingAlert.raised_at)))
