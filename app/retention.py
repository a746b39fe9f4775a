"""Retention: answers are special category data, kept only for the written retention period.

``flask purge`` deletes responses (with their answers) and visit photos older than
RETENTION_DAYS. Safeguarding alerts are never deleted, but a closed alert older than
ALERT_RETENTION_DAYS keeps only its facts (when, where, which question, what was done), not the
person's words. On SQLite, deleted rows are overwritten (``secure_delete``) and the write-ahead
log is emptied, so the words are not left in the files either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from .models import (
    Answer,
    AnswerChoice,
    Photo,
    PickedQuote,
    Response,
    SafeguardingAlert,
    SafeguardingSignal,
    Service,
    Visit,
    mark_months_stale,
    utcnow,
)

#: What a signal's words become once the alert's own retention period is over.
WORDS_REMOVED = "(words removed after the retention period)"


@dataclass
class Purged:
    """What one purge deleted (or, in a dry run, would delete)."""

    responses: int = 0
    photos: int = 0
    alert_words: int = 0
    #: photo files to delete once the database change is committed
    files: list[Path] = field(default_factory=list)


def purge(
    db: Session, older_than_days: int, alert_days: int, photo_dir: Path, *, dry_run: bool = False
) -> Purged:
    """Everything the retention periods cover. Files are listed in the result, not deleted:
    the caller deletes them after its commit, so a failed commit never loses a kept photo."""
    return Purged(
        responses=purge_responses(db, older_than_days, dry_run=dry_run),
        alert_words=purge_alert_words(db, alert_days, dry_run=dry_run),
        **_purge_photos(db, older_than_days, photo_dir, dry_run=dry_run),
    )


def purge_responses(db: Session, older_than_days: int, *, dry_run: bool = False) -> int:
    """Delete every response started more than ``older_than_days`` ago, with its answers."""
    cutoff = utcnow() - timedelta(days=older_than_days)
    old = select(Response.id).where(Response.started_at < cutoff)
    count = db.scalar(select(func.count()).select_from(old.subquery())) or 0
    if dry_run or not count:
        return count
    old_answers = select(Answer.id).where(Answer.response_id.in_(old))
    # The months these answers were counted in no longer hold them: their stored figures go stale.
    firsts = db.execute(
        select(Service.organisation_id, func.min(Response.started_at))
        .join(Service, Service.id == Response.service_id)
        .where(Response.started_at < cutoff)
        .group_by(Service.organisation_id)
    ).all()
    for organisation_id, first in firsts:
        mark_months_stale(db, organisation_id, first, cutoff)
    # Alerts and picked quotes keep their own copy of the words; only the link goes.
    db.execute(
        update(SafeguardingAlert).where(SafeguardingAlert.response_id.in_(old)).values(response_id=None)
    )
    db.execute(update(PickedQuote).where(PickedQuote.answer_id.in_(old_answers)).values(answer_id=None))
    db.execute(delete(AnswerChoice).where(AnswerChoice.answer_id.in_(old_answers)))
    db.execute(delete(Answer).where(Answer.response_id.in_(old)))
    db.execute(delete(Response).where(Response.id.in_(old)))
    db.flush()
    return count


def purge_alert_words(db: Session, older_than_days: int, *, dry_run: bool = False) -> int:
    """Closed alerts raised more than ``older_than_days`` ago keep the facts, not the words.

    An alert still open keeps everything: someone is acting on it.
    """
    cutoff = utcnow() - timedelta(days=older_than_days)
    old = select(SafeguardingAlert.id).where(
        SafeguardingAlert.status == "closed", SafeguardingAlert.raised_at < cutoff
    )
    worded = SafeguardingSignal.alert_id.in_(old) & (
        (SafeguardingSignal.answer != WORDS_REMOVED) | SafeguardingSignal.note.is_not(None)
    )
    count = db.scalar(select(func.count()).select_from(SafeguardingSignal).where(worded)) or 0
    if dry_run or not count:
        return count
    db.execute(update(SafeguardingSignal).where(worded).values(answer=WORDS_REMOVED, note=None))
    db.flush()
    return count


def _purge_photos(db: Session, older_than_days: int, photo_dir: Path, *, dry_run: bool) -> dict[str, object]:
    cutoff = utcnow() - timedelta(days=older_than_days)
    rows = db.execute(
        select(Photo.id, Photo.file_name, Visit.organisation_id)
        .join(Visit, Visit.id == Photo.visit_id)
        .where(Photo.uploaded_at < cutoff)
    ).all()
    files = [photo_dir / str(organisation_id) / name for _id, name, organisation_id in rows]
    if rows and not dry_run:
        db.execute(delete(Photo).where(Photo.id.in_([row[0] for row in rows])))
        db.flush()
    return {"photos": len(rows), "files": [] if dry_run else files}


def delete_files(files: list[Path]) -> None:
    for path in files:
        path.unlink(missing_ok=True)


def compact(db: Session) -> None:
    """After a committed purge on SQLite: empty the write-ahead log into the overwritten pages."""
    if db.get_bind().dialect.name == "sqlite":
        db.connection().exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
