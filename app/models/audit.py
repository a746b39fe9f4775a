"""The audit trail: who did what, when, from which session. Rows are only ever added."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .user import User


class AuditEvent(Base):
    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: the organisation whose data this is about (NULL for events about no one organisation)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    #: who did it (NULL: someone not signed in, e.g. a respondent or the public)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    #: a verb-noun name, e.g. "visit.create", "verification.sign", "export.raw_csv"
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(64))
    #: a hash of the session (never the session itself), and the device's user agent
    session_ref: Mapped[str | None] = mapped_column(String(32))
    device: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    user: Mapped[User | None] = relationship()
