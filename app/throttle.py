"""Rate limits shared by every worker: a count per key in a fixed time window, in the database.

Two ways to use it: ``allow`` counts every attempt and says whether it is still within the limit;
``over`` only looks, and ``hit`` counts one, for limits that count failures only (sign-in).

``kept`` is the one way to write what must survive the request's rollback (a wrong-PIN count, the
audit of a refused attempt): it runs on a session and connection of its own and commits at once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .models import Throttle, utcnow

T = TypeVar("T")


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


def kept(db: Session, work: Callable[[Session], T]) -> T:
    """Run ``work(own)`` in a session of its own, on its own connection, and commit it at once.

    For what must stick although the request answers with an error and rolls back: a count of
    wrong tries, the audit of a refused attempt. Call it before the request's session writes
    anything: on SQLite a second connection cannot write while the first holds the write lock
    (this says so at once instead of waiting for the lock).
    """
    bind = db.get_bind()
    if bind.dialect.name == "sqlite" and db.in_transaction():
        dbapi = db.connection().connection.dbapi_connection
        if getattr(dbapi, "in_transaction", False):
            raise RuntimeError("throttle.kept() must run before the request's session writes")
    own = Session(bind=bind, expire_on_commit=False)
    try:
        with own.begin():
            result = work(own)
    finally:
        own.close()
    return result
