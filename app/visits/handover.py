"""Handing the tablet over to a respondent, and getting it back, as database operations.

The count of wrong pin numbers lives in the database, not in the tablet's cookie: an old cookie
sent again cannot reset it. It is written on a connection of its own (``throttle.kept``), so it
sticks although the page answers with an error. The PIN itself is checked by
``accounts.check_pin_counted``, which also counts wrong PINs for the expert's account over every
visit and handover and locks the PIN after 10. No HTTP here; ``tablet.py`` keeps the session side.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit, throttle
from ..audit import Actor
from ..auth.accounts import PinCheck, check_pin_counted
from ..models import Handover, Response, SafeguardingAlert, User, Visit, utcnow

PIN_TRIES = 5  # wrong pin numbers before only a full sign-in gets the tablet back


class HandoverError(ValueError):
    """A handover that cannot start or end as asked."""


@dataclass(frozen=True)
class PinResult:
    """What a pin number try did: gave the expert back, was wrong, or found the handover locked."""

    expert: User | None
    #: this handover is locked (5 wrong pin numbers here): only a full sign-in ends it
    locked: bool = False
    tries_left: int = PIN_TRIES
    #: the expert's PIN is locked (10 wrong ones in a row, anywhere): only the password opens it
    pin_locked: bool = False


def start_handover(
    db: Session,
    visit: Visit,
    expert: User,
    questionnaire: str,
    *,
    together: bool,
    suspended_sid_ref: str | None,
) -> Handover:
    if visit.status != "open":
        raise HandoverError("the visit is not open")
    if questionnaire not in visit.questionnaires:
        raise HandoverError("the visit does not use this questionnaire")
    handover = Handover(
        visit=visit,
        expert=expert,
        token=secrets.token_urlsafe(32),
        questionnaire=questionnaire,
        together=together,
        suspended_sid_ref=suspended_sid_ref,
    )
    db.add(handover)
    db.flush()
    return handover


def open_handover(db: Session, token: str | None) -> Handover | None:
    """The handover this token names, if it has not ended."""
    if not token:
        return None
    handover = db.scalar(select(Handover).where(Handover.token == token))
    return handover if handover is not None and handover.ended_at is None else None


def try_pin(db: Session, handover: Handover, pin: str, actor: Actor) -> PinResult:
    """Check the expert's pin number; the 5th wrong one locks the handover.

    Every try that does not give the tablet back is audited as "handover.pin_wrong", and its
    count kept, on a connection of its own. Call before the request writes anything.
    """
    if handover.ended_at is not None:
        raise HandoverError("the handover has ended")
    handover_id = handover.id

    def refused(own: Session, check: PinCheck | None) -> None:
        row = own.get(Handover, handover_id, with_for_update=True)
        if row is None:  # pragma: no cover - a handover is never deleted
            return
        if check is not None and check.wrong and row.locked_at is None:
            row.failed_pins += 1
            if row.failed_pins >= PIN_TRIES:
                row.locked_at = utcnow()
        own.flush()
        audit.record(
            own,
            actor,
            "handover.pin_wrong",
            object_type="handover",
            object_id=handover_id,
            tries=row.failed_pins,
            locked=row.locked_at is not None,
            pin_locked=bool(check and check.locked),
        )

    if handover.locked_at is not None:
        throttle.kept(db, lambda own: refused(own, None))
        return PinResult(None, locked=True, tries_left=0)
    expert = handover.expert
    check = check_pin_counted(
        db, expert, pin, actor, on_refused=refused, visit_id=handover.visit_id, handover_id=handover_id
    )
    if check.ok:
        end(handover, "pin")
        return PinResult(expert)
    db.refresh(handover, attribute_names=["failed_pins", "locked_at"])
    return PinResult(
        None,
        locked=handover.locked_at is not None,
        tries_left=max(0, PIN_TRIES - handover.failed_pins),
        pin_locked=check.locked,
    )


def end(handover: Handover, reason: str) -> None:
    """The tablet is back: with the pin number, or after a full sign-in (which also unlocks)."""
    if reason not in ("pin", "sign_in"):
        raise HandoverError("unknown reason")
    if handover.ended_at is None:
        handover.ended_at, handover.end_reason = utcnow(), reason


def was_suspended(db: Session, sid_ref: str) -> bool:
    """Did a handover suspend this session? Then it must never be used again (an old cookie)."""
    return db.scalar(select(Handover.id).where(Handover.suspended_sid_ref == sid_ref).limit(1)) is not None


def lock_alerts(db: Session, visit: Visit) -> list[Handover]:
    """Locked handovers of this visit that nobody has marked as seen yet."""
    return list(
        db.scalars(
            select(Handover)
            .where(
                Handover.visit_id == visit.id,
                Handover.locked_at.is_not(None),
                Handover.alert_seen_at.is_(None),
            )
            .order_by(Handover.locked_at)
        )
    )


def mark_alerts_seen(db: Session, visit: Visit) -> list[int]:
    """Mark this visit's lock alerts as seen; returns the handover ids (for the audit trail)."""
    alerts = lock_alerts(db, visit)
    now = utcnow()
    for handover in alerts:
        handover.alert_seen_at = now
    db.flush()
    return [handover.id for handover in alerts]


def urgent_talks(db: Session, visit_id: int) -> int:
    """How many people on this visit asked to talk to someone now, and no lead has acted yet.

    The expert sees it when the tablet comes back (give-back page, visit page): tell the
    safeguarding lead now. Only the count: never what was said.
    """
    return len(
        db.scalars(
            select(SafeguardingAlert.id)
            .join(Response, SafeguardingAlert.response_id == Response.id)
            .where(
                Response.visit_id == visit_id,
                SafeguardingAlert.urgent.is_(True),
                SafeguardingAlert.status == "raised",
            )
        ).all()
    )
