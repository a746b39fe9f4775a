"""Rate limits shared by every worker: a count per key in a fixed time window, in the database."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .models import Throttle, utcnow


def allow(db: Session, key: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt for ``key``; False once more than ``limit`` fall in the current window."""
    now = utcnow()
    row = db.scalar(select(Throttle).where(Throttle.key == key).with_for_update())
    if row is None:
        try:
            with db.begin_nested():
                db.add(Throttle(key=key, window_start=now, count=1))
            return limit >= 1
        except IntegrityError:  # another worker counted the first attempt at the same moment
            row = db.scalars(select(Throttle).where(Throttle.key == key).with_for_update()).one()
    if now - row.window_start > timedelta(seconds=window_seconds):
        row.window_start, row.count = now, 1
    else:
        row.count += 1
    db.flush()
    return row.count <= limit
