"""Sending the safeguarding mail: after each request's commit, and every MAIL_SWEEP_SECONDS a
sweep that reminds leads of overdue alerts (``alerts``) and retries what waits (``outbox``)."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from ..db import db as database
from .alerts import remind_overdue
from .outbox import QUEUED, send_pending


def sweep(session_factory: Any, config: Mapping[str, Any]) -> tuple[int, int, int]:
    """Remind the leads of overdue alerts, then send what waits: (reminders, sent, failed)."""
    with session_factory() as db, db.begin():
        reminders = remind_overdue(db, config)
    sent, failed = send_pending(session_factory, config)
    return reminders, sent, failed


def init_app(app: Flask) -> None:
    """Send mail after each request's commit: at once when the request wrote some, and every
    MAIL_SWEEP_SECONDS to retry and to remind. Nothing runs without MAIL_SERVER."""
    last_sweep = {"at": float("-inf")}

    def flush(session: Session) -> None:
        if not app.config.get("MAIL_SERVER"):
            session.info.pop(QUEUED, None)
            return
        queued = session.info.pop(QUEUED, False)
        every = float(app.config.get("MAIL_SWEEP_SECONDS") or 0)
        due = time.monotonic() - last_sweep["at"] >= every
        if not (queued or due):
            return
        factory = _factory(session)
        if due:
            last_sweep["at"] = time.monotonic()
            sweep(factory, app.config)
        else:
            send_pending(factory, app.config)

    database.after_commit(app, flush)


def _factory(session: Session) -> Any:
    bind = session.get_bind()
    return lambda: Session(bind=bind, expire_on_commit=False)
