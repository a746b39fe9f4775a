"""Stored questionnaire versions (the exact text every answer was given to), and an organisation's
own questionnaires: a draft as our YAML text, published as a version of its own."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow


class QuestionnaireVersion(Base):
    """One version of a questionnaire definition, named by the hash of its content.

    The definition itself is kept, so an old answer keeps its meaning after the file changes.
    A shipped questionnaire's versions have no organisation; an organisation's own have its id,
    so two organisations publishing the same text each keep their own version.
    """

    __tablename__ = "questionnaire_version"
    __table_args__ = (
        UniqueConstraint("organisation_id", "content_hash"),
        # one row per shipped definition (NULL organisation ids are not equal to each other)
        Index(
            "uq_questionnaire_version_shipped_hash",
            "content_hash",
            unique=True,
            sqlite_where="organisation_id IS NULL",
            postgresql_where="organisation_id IS NULL",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the questionnaire's id in its file, e.g. "your-support"
    slug: Mapped[str] = mapped_column(String(80), index=True)
    #: sha256 of the canonical definition (hex, first 16 characters)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    #: whose own questionnaire this is; None: a shipped one
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    #: person_supported | family | staff | expert
    audience: Mapped[str] = mapped_column(String(32))
    #: the validated definition, as loaded
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OwnQuestionnaire(Base):
    """An organisation's own questionnaire: a copy of a shipped template, changed as YAML text.

    ``source`` is the draft; ``version`` is what respondents answer now (None: never published).
    status: "draft" (never published), "published" (the draft is what is live), "changed" (live,
    and the draft has changes not published yet).
    """

    __tablename__ = "own_questionnaire"
    __table_args__ = (UniqueConstraint("organisation_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    #: the questionnaire's id (its file's ``id``): never a shipped template's id
    slug: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    #: the shipped template it was copied from
    based_on: Mapped[str | None] = mapped_column(String(80))
    #: the draft, as our YAML text (surveys/README.md)
    source: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    version_id: Mapped[int | None] = mapped_column(ForeignKey("questionnaire_version.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    version: Mapped[QuestionnaireVersion | None] = relationship()
