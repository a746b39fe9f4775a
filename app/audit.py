"""Writing the audit trail. Callers pass who and where; this module knows nothing of requests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from .models import AuditEvent


@dataclass(frozen=True)
class Actor:
    """Who is acting and from where: the user (if signed in), a session hash and the device."""

    user_id: int | None = None
    organisation_id: int | None = None
    session_ref: str | None = None
    device: str | None = None


def record(
    db: Session,
    actor: Actor,
    action: str,
    *,
    organisation_id: int | None = None,
    object_type: str | None = None,
    object_id: object = None,
    **detail: Any,
) -> AuditEvent:
    """Add an audit event in the current transaction: it is kept exactly when the change is."""
    event = AuditEvent(
        user_id=actor.user_id,
        organisation_id=organisation_id if organisation_id is not None else actor.organisation_id,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        session_ref=actor.session_ref,
        device=(actor.device or "")[:200] or None,
        detail=detail,
    )
    db.add(event)
    return event
