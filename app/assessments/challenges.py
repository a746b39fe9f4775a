"""Challenges to a published self-assessment: what anyone may send (checked here), how the
provider answers (never telling of harm: the answer is public), and the list staff work from."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit
from ..audit import Actor
from ..models import CHALLENGER_RELATIONSHIPS, Challenge, SelfAssessment, User, utcnow
from ..safeguarding import concern_words, matches
from .workflow import ANSWER_WITHIN, MAX_STATEMENT, AssessmentError, NeedsChange

MAX_CHALLENGE = 5000  # characters; a real challenge is a few paragraphs
MAX_CONTACT = 200
#: control characters (but tab and line breaks) are taken out of what people send
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Sent:
    """A challenge as sent, cleaned: ``problem`` (with the HTTP status) says why it cannot be kept."""

    what: str
    contact: str
    problem: str | None = None
    status: int = 400


def check_sent(what: str | None, contact: str | None, relation: str | None) -> Sent:
    """Clean what the form sent, and say what is wrong with it (empty, too long); an unknown
    relation is a bad request (ValueError: the form offers only the known ones)."""
    what = CONTROL.sub("", what or "").strip()
    contact = CONTROL.sub("", contact or "").strip()
    if not what:
        return Sent(what, contact, "challenge_empty")
    if len(what) > MAX_CHALLENGE or len(contact) > MAX_CONTACT:
        return Sent(what, contact, "challenge_too_long", 413)
    if relation not in CHALLENGER_RELATIONSHIPS:
        raise ValueError("unknown relation")
    return Sent(what, contact)


def add_challenge(
    db: Session, assessment: SelfAssessment, what: str, relation: str, contact: str | None
) -> Challenge:
    if not assessment.frozen:
        raise AssessmentError("only a published self-assessment can be challenged")
    now = utcnow()
    challenge = Challenge(
        self_assessment_id=assessment.id,
        received_at=now,
        due_at=now + ANSWER_WITHIN,
        what=what,
        relation=relation,
        contact=contact or None,
    )
    db.add(challenge)
    db.flush()
    audit.record(
        db,
        Actor(),
        "challenge.receive",
        organisation_id=assessment.organisation_id,
        object_type="challenge",
        object_id=challenge.id,
    )
    return challenge


def answer_challenge(db: Session, challenge: Challenge, text: str, by: User, actor: Actor) -> None:
    if challenge.answered_at is not None:
        raise AssessmentError("already answered")
    if not text.strip() or len(text) > MAX_STATEMENT:
        raise AssessmentError("write an answer")
    found = matches(text, concern_words(db, challenge.assessment.organisation_id))
    if found:  # the answer is public: it must not tell of harm to anyone
        raise NeedsChange(found)
    challenge.answer, challenge.answered_at, challenge.answered_by_id = text.strip(), utcnow(), by.id
    audit.record(
        db,
        actor,
        "challenge.answer",
        organisation_id=challenge.assessment.organisation_id,
        object_type="challenge",
        object_id=challenge.id,
    )
    db.flush()


def challenges_for(db: Session, organisation_id: int) -> list[Challenge]:
    return list(
        db.scalars(
            select(Challenge)
            .join(SelfAssessment)
            .where(SelfAssessment.organisation_id == organisation_id)
            .order_by(Challenge.due_at)
        )
    )
