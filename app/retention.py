"""Retention: answers are special category data, kept only for the written retention period."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from .models import Answer, AnswerChoice, PickedQuote, Response, SafeguardingAlert, utcnow


def purge_responses(db: Session, older_than_days: int, *, dry_run: bool = False) -> int:
    """Delete every response started more than ``older_than_days`` ago, with its answers."""
    cutoff = utcnow() - timedelta(days=older_than_days)
    old = select(Response.id).where(Response.started_at < cutoff)
    count = db.scalar(select(func.count()).select_from(old.subquery())) or 0
    if dry_run or not count:
        return count
    old_answers = select(Answer.id).where(Answer.response_id.in_(old))
    # Alerts and picked quotes keep their own copy of the words; only the link goes.
    db.execute(update(SafeguardingAlert).where(SafeguardingAlert.response_id.in_(old))
               .values(response_id=None))
    db.execute(update(PickedQuote).where(PickedQuote.answer_id.in_(old_answers))
               .values(answer_id=None))
    db.execute(delete(AnswerChoice).where(AnswerChoice.answer_id.in_(old_answers)))
    db.execute(delete(Answer).where(Answer.response_id.in_(old)))
    db.execute(delete(Response).where(Response.id.in_(old)))
    db.flush()
    return count
