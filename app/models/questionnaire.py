"""Stored questionnaire versions: the exact text every answer was given to."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class QuestionnaireVersion(Base):
    """One version of a questionnaire definition, named by the hash of its content.

    The definition itself is kept, so an old answer keeps its meaning after the file changes.
    """

    __tablename__ = "questionnaire_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the questionnaire's id in its file, e.g. "your-support"
    slug: Mapped[str] = mapped_column(String(80), index=True)
    #: sha256 of the canonical definition (hex, first 16 characters)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    #: person_supported | family | staff | expert
    audience: Mapped[str] = mapped_column(String(32))
    #: the validated definition, as loaded
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
