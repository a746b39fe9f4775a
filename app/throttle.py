"""Rate limits shared by every worker: a count per key in a fixed time window, in the database.

Two ways to use it: ``allow`` counts every attempt and says whether it is still within the limit;
``over`` only looks, and ``hit`` counts one, for limits that count failures only (sign-in).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .models import Throttle, utcnow


def hit(db: Session, key: str, window_seconds: int) -> int:
    """Count one attempt for ``key``; the number of attempts in the current window."""
    now = utcnow()
    row = db.scalar(select(Throttle).where(Throttle.key == key).with_for_update())
    if row is None:
        try:
            with db.begin_nested():
                db.add(Throttle(key=key, window_start=now, count=1))
            return 1
        except IntegrityError:  # another worker counted the first attempt at the same moment
            row = db.scalars(select(Throttle).where(Throttle.key == key).with_for_update()).one()
    if now - row.window_start > timedelta(seconds=window_seconds):
        row.window_start, row.count = now, 1
    else:
        row.count += 1
    db.flush()
    return row.count


def allow(db: Session, key: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt for ``key``; False once more than ``limit`` fall in the current window."""
    return hit(db, key, window_seconds) <= limit


def over(db: Session, key: str, limit: int, window_seconds: int) -> bool:
    """Have ``limit`` attempts already been counted for ``key`` in the current window? Counts nothing."""
    row = db.scalar(select(Throttle).where(Throttle.key == key))
    if row is None or utcnow() - row.window_start > timedelta(seconds=window_seconds):
        return False
    return row.count >= limit
