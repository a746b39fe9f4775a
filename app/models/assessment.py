"""A provider's evidence: self-assessments, their sections and action points, the quotes a quality
lead picked and public challenges. Nothing here is ever deleted (safeguarding lives in safeguarding.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .organisation import Organisation

ASSESSMENT_STATUSES = ("draft", "reviewed", "published")
ACTION_STATUSES = ("planned", "started", "done", "dropped")
CHALLENGER_RELATIONSHIPS = ("person_supported", "family", "staff", "commissioner", "public", "other")


class SelfAssessment(Base):
    """A provider's self-assessment for one period (a calendar year), drafted -> reviewed -> published."""

    __tablename__ = "self_assessment"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'reviewed', 'published')", name="status"),
        CheckConstraint("status != 'published' OR published_at IS NOT NULL", name="published_when"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    #: the year whose answers it draws on, e.g. 2025
    period: Mapped[int] = mapped_column()
    #: draft | reviewed | published; a published one never changes again
    status: Mapped[str] = mapped_column(String(16), default="draft")
    #: the published self-assessment this one started as a copy of ("You said, we did")
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("self_assessment.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: the figures, verdicts and quotes as they were when it was published (frozen evidence)
    snapshot: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    organisation: Mapped[Organisation] = relationship()
    previous: Mapped[SelfAssessment | None] = relationship(remote_side="SelfAssessment.id")
    entries: Mapped[list[SectionEntry]] = relationship(
        back_populates="assessment", order_by="SectionEntry.id"
    )
    challenges: Mapped[list[Challenge]] = relationship(
        back_populates="assessment", order_by="Challenge.received_at"
    )

    @property
    def frozen(self) -> bool:
        return self.status == "published"

    def entry(self, section_ref: str) -> SectionEntry | None:
        return next((e for e in self.entries if e.section_ref == section_ref), None)


class SectionEntry(Base):
    """One framework section of a self-assessment: the provider's statement and its evidence."""

    __tablename__ = "section_entry"
    __table_args__ = (UniqueConstraint("self_assessment_id", "section_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    self_assessment_id: Mapped[int] = mapped_column(ForeignKey("self_assessment.id"), index=True)
    #: framework:section, e.g. "duq:1"
    section_ref: Mapped[str] = mapped_column(String(40))
    #: what the provider says about this section, in its own words
    statement: Mapped[str] = mapped_column(Text, default="")
    #: the questions chosen as evidence: ["your-support:listened", ...]
    evidence_questions: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: why the statement is not written yet (asked for at publishing, shown in public)
    unwritten_reason: Mapped[str | None] = mapped_column(Text)

    assessment: Mapped[SelfAssessment] = relationship(back_populates="entries")
    actions: Mapped[list[ActionPoint]] = relationship(back_populates="entry", order_by="ActionPoint.id")
    quotes: Mapped[list[PickedQuote]] = relationship(back_populates="entry", order_by="PickedQuote.id")


class ActionPoint(Base):
    """What the provider will do: what, who, by when, and how it went."""

    __tablename__ = "action_point"
    __table_args__ = (CheckConstraint("status IN ('planned', 'started', 'done', 'dropped')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    section_entry_id: Mapped[int] = mapped_column(ForeignKey("section_entry.id"), index=True)
    #: what will be done, in plain words
    what: Mapped[str] = mapped_column(String(500))
    #: who will do it (a role or a name the provider chooses to publish)
    who: Mapped[str] = mapped_column(String(200))
    by_when: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="planned")
    #: how it went, for "You said, we did" on the next self-assessment
    outcome: Mapped[str] = mapped_column(Text, default="")
    #: the action point of the previous self-assessment this one was copied from
    copied_from_id: Mapped[int | None] = mapped_column(ForeignKey("action_point.id"))

    entry: Mapped[SectionEntry] = relationship(back_populates="actions")


class PickedQuote(Base):
    """A free-text answer a quality lead chose to quote. Only picked quotes leave the dashboard."""

    __tablename__ = "picked_quote"
    __table_args__ = (UniqueConstraint("section_entry_id", "answer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    section_entry_id: Mapped[int] = mapped_column(ForeignKey("section_entry.id"), index=True)
    #: the answer quoted; NULL once `flask purge` deleted it (the quoted words stay)
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("answer.id"))
    #: the words as quoted (the quality lead may shorten them; never a name)
    text: Mapped[str] = mapped_column(Text)
    picked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    picked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: who read the whole answer and confirmed it names nobody and tells of no harm, and when
    #: (NULL for quotes picked before that review step: they are held back until checked)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    entry: Mapped[SectionEntry] = relationship(back_populates="quotes")


class Challenge(Base):
    """A challenge to a published self-assessment from anyone; answered in public within 4 weeks."""

    __tablename__ = "challenge"
    __table_args__ = (
        CheckConstraint(
            "relation IN ('person_supported', 'family', 'staff', 'commissioner', 'public', 'other')",
            name="relation",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    self_assessment_id: Mapped[int] = mapped_column(ForeignKey("self_assessment.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: received_at + 4 weeks: the provider answers by then
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: what the person disagrees with (plain text, shown escaped)
    what: Mapped[str] = mapped_column(Text)
    #: their relationship to the service (CHALLENGER_RELATIONSHIPS)
    relation: Mapped[str] = mapped_column(String(20))
    #: optional: how to reach them; never shown in public
    contact: Mapped[str | None] = mapped_column(String(200))
    #: the provider's public answer
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    assessment: Mapped[SelfAssessment] = relationship(back_populates="challenges")

    def overdue(self, now: datetime) -> bool:
        return self.answered_at is None and now > self.due_at
