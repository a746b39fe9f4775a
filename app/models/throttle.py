"""Rate limits shared by every worker: a count of attempts per key in a time window (app/throttle.py
holds the rules)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime


class Throttle(Base):
    """Counts of attempts per key (e.g. "sign-in:ip:127.0.0.1") in a time window, shared by workers."""

    __tablename__ = "throttle"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    count: Mapped[int] = mapped_column(default=0)
