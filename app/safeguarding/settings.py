"""An organisation's safeguarding settings: who its lead is (they receive every alert), and its
own concern words (free text containing one raises an alert, beside the built-in ones)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import audit
from ..audit import Actor
from ..models import ConcernWord, Role, SafeguardingLead, User

#: who may be the safeguarding lead: a quality lead or an admin of the organisation
LEAD_ROLES = (Role.QUALITY_LEAD, Role.ADMIN)


def lead_candidates(db: Session, organisation_id: int) -> Sequence[User]:
    """The organisation's active quality leads and admins, by name."""
    return db.scalars(
        select(User)
        .where(
            User.organisation_id == organisation_id,
            User.active.is_(True),
            User.role.in_(LEAD_ROLES),
        )
        .order_by(User.name)
    ).all()


def set_lead(db: Session, organisation_id: int, user_id: int | None, actor: Actor) -> User:
    """Make ``user_id`` the organisation's lead (audited). ValueError: not one who may be."""
    user = db.get(User, user_id) if user_id is not None else None
    if user is None or user.organisation_id != organisation_id or user.role not in LEAD_ROLES:
        raise ValueError("not a quality lead or admin of this organisation")
    row = db.get(SafeguardingLead, organisation_id)
    if row is None:
        db.add(SafeguardingLead(organisation_id=organisation_id, user_id=user.id))
    else:
        row.user_id = user.id
    audit.record(
        db,
        actor,
        "safeguarding.set_lead",
        organisation_id=organisation_id,
        object_type="user",
        object_id=user.id,
    )
    return user


def organisation_words(db: Session, organisation_id: int) -> Sequence[ConcernWord]:
    """The organisation's own concern words, in order."""
    return db.scalars(
        select(ConcernWord).where(ConcernWord.organisation_id == organisation_id).order_by(ConcernWord.word)
    ).all()


def add_word(db: Session, organisation_id: int, typed: str, by: User, actor: Actor) -> str:
    """Add a concern word (lower case, single spaces; once only) and audit it; the word kept."""
    word = " ".join(typed.lower().split())
    try:
        with db.begin_nested():
            db.add(ConcernWord(organisation_id=organisation_id, word=word, added_by_id=by.id))
    except IntegrityError:
        pass  # already on the list
    audit.record(db, actor, "safeguarding.add_word", organisation_id=organisation_id, word=word)
    return word
