"""The audio queue: texts of a newly published questionnaire waiting for the audio worker.

``flask audio-worker`` (app/cli.py) claims a queued job, synthesises its text into the audio store
and marks it done; app/easyread/audio_queue.py holds the rules (queue, claim, progress).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow

#: queued: waiting; building: a worker has claimed it; done: in the store; failed: given up
AUDIO_JOB_STATUSES = ("queued", "building", "done", "failed")


class AudioJob(Base):
    """One text in one language to be read aloud. Queueing the same text again finds this row."""

    __tablename__ = "audio_job"
    __table_args__ = (
        UniqueConstraint("locale", "text_key"),
        CheckConstraint("status IN ('queued', 'building', 'done', 'failed')", name="status"),
        CheckConstraint("attempts >= 0", name="attempts"),
        Index("ix_audio_job_status_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    locale: Mapped[str] = mapped_column(String(20))
    #: app/easyread/audio.py text_key(locale, text): the store's index key for this text
    text_key: Mapped[str] = mapped_column(String(24))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    #: how many times a worker has tried to build it
    attempts: Mapped[int] = mapped_column(default=0)
    #: why the last try failed (kept when it is marked failed)
    error: Mapped[str | None] = mapped_column(Text)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the worker process that claimed it, ``host:pid``: when that process dies, its supervisor
    #: puts the job back in the queue (audio_queue.release)
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
