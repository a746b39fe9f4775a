"""The experts' check of what a provider claims on a visit: the self-assessment's statement per
section, the experts' verdicts, their signatures and later notes. Signed means final."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint, event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship
from sqlalchemy.orm.base import NO_VALUE

from .assessment import SectionEntry
from .base import Base, UTCDateTime, utcnow
from .user import User
from .visit import Visit

VERDICTS = ("agree", "partly", "disagree")


class Verification(Base):
    """The experts' check of a provider's statements on one visit. Signed means final."""

    __tablename__ = "verification"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: when it was signed; after this the verdicts can never change (notes can be added)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    visit: Mapped[Visit] = relationship()
    verdicts: Mapped[list[VerificationVerdict]] = relationship(
        back_populates="verification", order_by="VerificationVerdict.section_ref"
    )
    signatures: Mapped[list[VerificationSignature]] = relationship(order_by="VerificationSignature.id")
    notes: Mapped[list[VerificationNote]] = relationship(order_by="VerificationNote.id")

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class VerificationVerdict(Base):
    """The experts' view of one section: agree / partly / disagree, why, and what to do."""

    __tablename__ = "verification_verdict"
    __table_args__ = (
        UniqueConstraint("verification_id", "section_ref"),
        CheckConstraint("verdict IN ('agree', 'partly', 'disagree')", name="verdict"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    verification_id: Mapped[int] = mapped_column(ForeignKey("verification.id"), index=True)
    #: framework:section, e.g. "duq:1"
    section_ref: Mapped[str] = mapped_column(String(40))
    #: the provider's statement as the experts saw it (the statement may change later)
    statement_text: Mapped[str] = mapped_column(Text, default="")
    #: the self-assessment section whose statement they judged (NULL: the provider had none)
    section_entry_id: Mapped[int | None] = mapped_column(ForeignKey("section_entry.id"), index=True)
    verdict: Mapped[str] = mapped_column(String(16))
    #: codes of the reasons picked with symbols (see app/visits/verification.py REASONS)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: why, in the experts' words
    why: Mapped[str | None] = mapped_column(Text)
    #: what the provider should do
    provider_should: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    verification: Mapped[Verification] = relationship(back_populates="verdicts")
    section_entry: Mapped[SectionEntry | None] = relationship()


class VerificationSignature(Base):
    """One expert's signature, stamped with the time, the device and a hash of the session."""

    __tablename__ = "verification_signature"
    __table_args__ = (UniqueConstraint("verification_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    verification_id: Mapped[int] = mapped_column(ForeignKey("verification.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: the device's user agent
    device: Mapped[str | None] = mapped_column(String(200))
    #: a hash of the session that signed (never the session itself)
    session_ref: Mapped[str | None] = mapped_column(String(32))

    user: Mapped[User] = relationship()


class VerificationNote(Base):
    """A dated note added to a signed verification: the only change allowed after signing."""

    __tablename__ = "verification_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    verification_id: Mapped[int] = mapped_column(ForeignKey("verification.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    added_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))

    added_by: Mapped[User] = relationship()


class SignedVerificationChanged(RuntimeError):
    """Raised at flush time when code tries to change a signed verification's verdicts."""


@event.listens_for(Session, "before_flush")
def _refuse_changes_after_signing(session: Session, _context: Any, _instances: Any) -> None:
    """A second lock under the service's check: no flush may change a signed verification.

    Notes are added through their own table, so they never touch these rows.
    """
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, VerificationVerdict):
            if obj in session.dirty and not session.is_modified(obj, include_collections=False):
                continue
            verification = obj.verification
            if verification is not None and verification.signed_at is not None:
                raise SignedVerificationChanged(f"verification {verification.id} is signed")
        elif isinstance(obj, Verification) and obj not in session.new:
            if not session.is_modified(obj, include_collections=False) and obj not in session.deleted:
                continue
            state = inspect(obj)  # the value before this flush: the committed one if it changed
            signed_before = state.committed_state.get("signed_at", obj.signed_at)
            if signed_before is not None and signed_before is not NO_VALUE:
                raise SignedVerificationChanged(f"verification {obj.id} is signed")
