"""The audio queue's rules: queue the texts of a newly published questionnaire, let a worker claim
one at a time, mark it done or failed, and count how many of a questionnaire's texts are ready.

Plain functions on a session: they flush, never commit. ``flask audio-worker`` (app/cli.py)
commits after each claim and after each job, so a claimed job is seen by every other worker at
once. Until a text is built, its Listen button uses the browser's own voice.
"""

from __future__ import annotations

import socket
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import NamedTuple

from flask import current_app, has_app_context
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from ..models import AudioJob, utcnow
from .audio import AudioStore, text_key

#: tries before a text is marked failed (the driver now and then writes nothing; a bad voice never will)
MAX_ATTEMPTS = 3
#: a job claimed this long ago whose worker never finished it (killed, machine lost) is claimed again
STALE_AFTER = timedelta(minutes=10)
_CHUNK = 500  # keys per IN (...) list


class Progress(NamedTuple):
    """How many of a set of texts can be heard as built audio, of how many."""

    ready: int
    total: int


def _spoken(texts: Iterable[str]) -> list[str]:
    """Each text as pages look it up (white space made single), once, in order; blanks dropped."""
    return list(dict.fromkeys(" ".join(text.split()) for text in texts if text and text.strip()))


def _store(store: AudioStore | None) -> AudioStore | None:
    if store is None and has_app_context():
        return current_app.extensions.get("easyvoice.audio")
    return store


def _jobs(session: Session, locale: str, keys: list[str]) -> dict[str, AudioJob]:
    found: dict[str, AudioJob] = {}
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        rows = session.scalars(
            select(AudioJob).where(AudioJob.locale == locale, AudioJob.text_key.in_(chunk))
        )
        found.update((job.text_key, job) for job in rows)
    return found


def queue_texts(session: Session, locale: str, texts: Iterable[str], store: AudioStore | None = None) -> int:
    """Queue every text of ``texts`` (in ``locale``) that has no audio yet; return how many were queued.

    A text already in the audio store, or already queued or being built, is skipped: queueing the
    same questionnaire twice makes one job per text. A text whose earlier job failed (or whose
    file is gone from the store) is queued again with its tries reset. ``store`` defaults to the
    app's audio store.
    """
    store = _store(store)
    wanted = {
        text_key(locale, text): text
        for text in _spoken(texts)
        if store is None or store.lookup(locale, text) is None
    }
    if not wanted:
        return 0
    existing = _jobs(session, locale, list(wanted))
    queued = 0
    for key, text in wanted.items():
        job = existing.get(key)
        if job is None:
            session.add(AudioJob(locale=locale, text_key=key, text=text, status="queued", attempts=0))
            queued += 1
        elif job.status in ("done", "failed"):  # built once but not in the store now, or gave up
            job.status, job.attempts, job.error = "queued", 0, None
            job.queued_at, job.claimed_at, job.finished_at = utcnow(), None, None
            queued += 1
    session.flush()
    return queued


def progress(
    session: Session, texts: Iterable[str], locale: str, store: AudioStore | None = None
) -> Progress:
    """(ready, total) for the editor: "12 of 40 read aloud ready". Ready means built in the store
    (the shipped texts built by ``flask build-audio`` count too); without a store, a done job."""
    spoken = _spoken(texts)
    store = _store(store)
    if store is not None:
        ready = sum(1 for text in spoken if store.lookup(locale, text) is not None)
    else:
        jobs = _jobs(session, locale, [text_key(locale, text) for text in spoken])
        ready = sum(1 for job in jobs.values() if job.status == "done")
    return Progress(ready, len(spoken))


def failed_jobs(session: Session, texts: Iterable[str], locale: str) -> list[AudioJob]:
    """The texts of ``texts`` the worker gave up on, with the reason (``error``)."""
    jobs = _jobs(session, locale, [text_key(locale, text) for text in _spoken(texts)])
    return sorted((job for job in jobs.values() if job.status == "failed"), key=lambda job: job.id)


def worker_name(pid: int) -> str:
    """How a job records the worker process that claimed it (``claimed_by``): ``host:pid``."""
    return f"{socket.gethostname()}:{pid}"


def _claimable(now: datetime):  # type: ignore[no-untyped-def]
    return or_(
        AudioJob.status == "queued",
        and_(AudioJob.status == "building", AudioJob.claimed_at < now - STALE_AFTER),
    )


def claim_next(session: Session, now: datetime | None = None, worker: str | None = None) -> AudioJob | None:
    """Claim the oldest queued job for ``worker`` (its ``host:pid``), or None when nothing waits.

    The caller commits at once so that the other workers see the claim.
    """
    now = now or utcnow()
    for job_id in candidates(session, now):
        if try_claim(session, job_id, now, worker):
            return session.get(AudioJob, job_id, populate_existing=True)
    return None


def candidates(session: Session, now: datetime) -> list[int]:
    """Ids of jobs that may be claimed, oldest first (another worker may take them meanwhile)."""
    query = select(AudioJob.id).where(_claimable(now)).order_by(AudioJob.id).limit(20)
    return list(session.scalars(query))


def try_claim(session: Session, job_id: int, now: datetime, worker: str | None = None) -> bool:
    """Claim one job if it is still claimable: an UPDATE guarded by its own condition and its row
    count, so of two workers (SQLite or PostgreSQL) that saw the same job only one gets it."""
    claimed = session.execute(
        update(AudioJob)
        .where(AudioJob.id == job_id, _claimable(now))
        .values(status="building", claimed_at=now, claimed_by=worker, attempts=AudioJob.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1  # type: ignore[attr-defined]


def mark_done(session: Session, job: AudioJob) -> None:
    job.status, job.error, job.finished_at = "done", None, utcnow()
    session.flush()


def mark_failed(session: Session, job: AudioJob, reason: str) -> None:
    """Queue the job again, or after MAX_ATTEMPTS tries mark it failed; the reason is kept."""
    job.error = reason[:2000]
    if job.attempts >= MAX_ATTEMPTS:
        job.status, job.finished_at = "failed", utcnow()
    else:
        job.status, job.claimed_at, job.claimed_by = "queued", None, None
    session.flush()


def release(session: Session, worker: str, reason: str) -> list[AudioJob]:
    """The jobs ``worker`` was building when it died, each queued again (or, after MAX_ATTEMPTS
    tries, marked failed) with ``reason`` kept: a text that crashes the engine every time ends
    failed, not retried for ever."""
    held = list(
        session.scalars(
            select(AudioJob)
            .where(AudioJob.status == "building", AudioJob.claimed_by == worker)
            .execution_options(populate_existing=True)  # as the dead builder left it, not as last seen
        )
    )
    for job in held:
        mark_failed(session, job, reason)
    return held


def waiting(session: Session) -> int:
    """How many jobs are queued or being built."""
    return (
        session.scalar(
            select(func.count()).select_from(AudioJob).where(AudioJob.status.in_(("queued", "building")))
        )
        or 0
    )
