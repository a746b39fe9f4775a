"""The audio worker survives its own builder dying (issue 15's CI run: one text stayed "building"
for 300 s and the rest never got built). `flask audio-worker` supervises a builder process; when
the builder crashes inside a C library, is stuck on one text, or is left without its supervisor,
no text is lost and none is left "building": real processes, real espeak-ng, real signals."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from flask import Flask
from helpers.audio_jobs import NEW_TEXTS, assert_built, jobs
from helpers.processes import gone, start_worker, stop
from sqlalchemy import select

from app.db import db
from app.easyread.audio_queue import MAX_ATTEMPTS, queue_texts
from app.models import AudioJob


def children(pid: int) -> list[int]:
    """The process ids whose parent is ``pid`` (Linux /proc)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def command_line(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text().split("\0")
    except OSError:  # ended meanwhile
        return []


def the_builder(worker_pid: int, timeout: float = 60) -> int:
    """The one builder process the worker started (it warms its engine first)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [pid for pid in children(worker_pid) if "--builder" in command_line(pid)]
        if found:
            assert len(found) == 1, found
            return found[0]
        time.sleep(0.05)
    raise AssertionError("the audio worker started no builder process")


def held_by(app: Flask, pid: int) -> AudioJob | None:
    with app.app_context():
        job = db.session.scalar(
            select(AudioJob).where(AudioJob.status == "building", AudioJob.claimed_by.endswith(f":{pid}"))
        )
        db.session.expunge_all()
        db.session.rollback()
        return job


def wait_until_all_done(app: Flask, timeout: float = 120) -> set[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        statuses = {job.status for job in jobs(app)}
        if statuses <= {"done", "failed"}:
            return statuses
        time.sleep(0.2)
    return {job.status for job in jobs(app)}


#: long enough (about 20 s of speech each) that the builder spends most of its time inside a text
LONG_TEXTS = [" ".join([text] * 8) for text in NEW_TEXTS]


def test_a_builder_that_crashes_mid_text_is_replaced_and_its_text_is_built(app: Flask) -> None:
    with app.app_context():
        assert queue_texts(db.session, "en_GB", LONG_TEXTS) == len(LONG_TEXTS)
        db.session.commit()
    worker = start_worker(app, "--poll", "0.2")
    try:
        builder = the_builder(worker.pid)
        # Freeze the builder until it is caught holding a text, then crash it there: SIGSEGV, as
        # a fault inside espeak-ng would (its faulthandler prints where, then it dies of it).
        victim = None
        deadline = time.monotonic() + 120
        try:
            while victim is None and time.monotonic() < deadline:
                os.kill(builder, signal.SIGSTOP)
                victim = held_by(app, builder)
                if victim is None:
                    os.kill(builder, signal.SIGCONT)
                    time.sleep(0.005)
            assert victim is not None, "the builder was never seen building a text"
            os.kill(builder, signal.SIGSEGV)
        finally:
            os.kill(builder, signal.SIGCONT)  # never left frozen, whatever happened
        assert gone(builder)
        assert wait_until_all_done(app) == {"done"}
        assert worker.poll() is None  # the worker itself carries on
        replacement = the_builder(worker.pid)
        assert replacement != builder
    finally:
        code = stop(worker)
        out, err = worker.communicate()
    assert code == 0, err
    assert "Segmentation fault" in err  # the dead builder said where it was
    assert "(signal SIGSEGV); 1 text(s) went back in the queue" in err
    by_id = {job.id: job for job in jobs(app)}
    assert (by_id[victim.id].status, by_id[victim.id].attempts) == ("done", 2)
    assert all(job.attempts == 1 for job in by_id.values() if job.id != victim.id)
    assert_built(app, "en_GB", LONG_TEXTS)


def test_a_builder_stuck_on_a_text_is_stopped_and_the_text_ends_failed_after_3_tries(app: Flask) -> None:
    """AUDIO_JOB_TIMEOUT_SECONDS far below what any text takes: every try is "stuck", so the
    watchdog ends each builder; the text is tried MAX_ATTEMPTS times, then kept as failed with
    why, and the worker goes on waiting for texts."""
    with app.app_context():
        queue_texts(db.session, "en_GB", NEW_TEXTS[:1])
        db.session.commit()
    worker = start_worker(app, "--poll", "0.2", env={"EASYVOICE_AUDIO_JOB_TIMEOUT_SECONDS": "0.001"})
    try:
        statuses = wait_until_all_done(app)
        assert worker.poll() is None
    finally:
        code = stop(worker)
        out, err = worker.communicate()
    assert statuses == {"failed"}, err
    assert code == 0, err
    [job] = jobs(app)
    assert (job.status, job.attempts) == ("failed", MAX_ATTEMPTS)
    assert "builder stopped while building it (exit code 1)" in (job.error or "")
    assert err.count("Timeout (0:00:00.001000)!") == MAX_ATTEMPTS  # the watchdog said where, each time
    assert "in to_wav" in err or "in build" in err


def test_a_builder_ends_when_its_worker_is_killed(app: Flask) -> None:
    worker = start_worker(app, "--poll", "0.2")
    try:
        builder = the_builder(worker.pid)
        assert worker.stdout is not None
        assert "waiting for texts" in worker.stdout.readline()  # warmed and looking at the queue
        worker.kill()  # SIGKILL: no chance to stop its builder itself
        worker.wait(timeout=20)
        assert gone(builder), "the builder kept running without its worker"
    finally:
        stop(worker)
