"""The audio queue and `flask audio-worker` (issue 12, item 5): texts queued when a questionnaire is
published are built by a real worker process (real espeak-ng through pyttsx3) while a real server
process keeps answering; a text that cannot be built is tried 3 times, then marked failed."""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from flask import Flask
from helpers.app import ROOT, service_code
from helpers.audio_jobs import NEW_TEXTS, assert_built, jobs
from helpers.processes import gone, run_worker, start_server, start_worker, stop
from sqlalchemy import select

from app.db import db
from app.easyread.audio import AudioStore, text_key
from app.easyread.audio_queue import (
    MAX_ATTEMPTS,
    candidates,
    claim_next,
    mark_failed,
    progress,
    queue_texts,
    try_claim,
)


def fake_built(app: Flask, locale: str, text: str) -> None:
    """Put ``text`` in the app's store as built, in the store's own format (index -> file)."""
    audio = Path(app.config["AUDIO_DIR"])
    audio.mkdir(parents=True, exist_ok=True)
    name = text_key(locale, text) + ".ogg"  # any 24 hex digits name a file
    (audio / name).write_bytes(b"OggS")
    index = audio / "index.json"
    entries = json.loads(index.read_text()) if index.exists() else {}
    entries[text_key(locale, text)] = name
    index.write_text(json.dumps(entries))


# -- the queue's rules, in the test process ----------------------------------------------------------
def test_queueing_a_text_twice_makes_one_job_and_built_texts_are_skipped(app: Flask) -> None:
    fake_built(app, "en_GB", "Happy")
    with app.app_context():
        assert queue_texts(db.session, "en_GB", ["Happy", "Do you like  the garden?", "Tea"]) == 2
        db.session.commit()
        # again, with white space as a page would not have it, and one new text: only that is queued
        assert queue_texts(db.session, "en_GB", ["Do you like the garden?", " Tea ", "Cake", ""]) == 1
        # the same words in another language are another text
        assert queue_texts(db.session, "cy", ["Tea"]) == 1
        db.session.commit()
    queued = [(job.locale, job.text, job.status, job.attempts) for job in jobs(app)]
    assert queued == [
        ("en_GB", "Do you like the garden?", "queued", 0),
        ("en_GB", "Tea", "queued", 0),
        ("en_GB", "Cake", "queued", 0),
        ("cy", "Tea", "queued", 0),
    ]
    assert all(job.text_key == text_key(job.locale, job.text) for job in jobs(app))


def test_progress_counts_the_texts_in_the_store(app: Flask) -> None:
    texts = ["Happy", "Sad", "Tea", "Cake", "Happy"]
    with app.app_context():
        assert progress(db.session, texts, "en_GB") == (0, 4)
        fake_built(app, "en_GB", "Happy")
        fake_built(app, "en_GB", "Tea")
        time.sleep(1.1)  # the store looks at its index at most once a second
        assert progress(db.session, texts, "en_GB") == (2, 4)
        assert progress(db.session, texts, "cy") == (0, 4)
        # built texts are not queued again
        assert queue_texts(db.session, "en_GB", texts) == 2


def test_a_claimed_job_is_not_claimed_again_and_a_failure_is_retried_then_kept(app: Flask) -> None:
    with app.app_context():
        queue_texts(db.session, "en_GB", ["Tea"])
        db.session.commit()
        first = claim_next(db.session)
        db.session.commit()
        assert first is not None and (first.status, first.attempts) == ("building", 1)
        assert claim_next(db.session) is None  # a second worker finds nothing to take
        for attempt in range(1, MAX_ATTEMPTS + 1):
            mark_failed(db.session, first, "SpeechUnavailable: no audio was written")
            db.session.commit()
            if attempt < MAX_ATTEMPTS:
                assert first.status == "queued"
                first = claim_next(db.session)
                assert first is not None and first.attempts == attempt + 1
        assert (first.status, first.attempts, first.error) == (
            "failed",
            MAX_ATTEMPTS,
            "SpeechUnavailable: no audio was written",
        )
        assert claim_next(db.session) is None
        # publishing it again gives it new tries
        assert queue_texts(db.session, "en_GB", ["Tea"]) == 1
        db.session.commit()
    assert [(job.status, job.attempts, job.error) for job in jobs(app)] == [("queued", 0, None)]


def test_of_two_workers_that_saw_one_job_only_one_claims_it(app: Flask) -> None:
    """Worker A looks at the queue, worker B claims the job and commits, then A tries: A gets nothing."""
    from sqlalchemy.orm import Session

    from app.models import utcnow

    with app.app_context():
        queue_texts(db.session, "en_GB", ["Tea"])
        db.session.commit()
        engine = db.engine
    with Session(engine) as worker_a, Session(engine) as worker_b:
        now = utcnow()
        seen = candidates(worker_a, now)
        worker_a.commit()
        assert len(seen) == 1
        taken = claim_next(worker_b, now)
        worker_b.commit()
        assert taken is not None and taken.id == seen[0]
        assert try_claim(worker_a, seen[0], now) is False
        worker_a.commit()
    assert [(job.status, job.attempts) for job in jobs(app)] == [("building", 1)]


# -- the real worker process ------------------------------------------------------------------------


def test_the_worker_builds_queued_texts_and_gives_up_on_one_it_cannot_build(app: Flask) -> None:
    with app.app_context():
        queue_texts(db.session, "en_GB", NEW_TEXTS[:3])
        queue_texts(db.session, "zz", ["Hello"])  # no espeak-ng voice is set for 'zz'
        db.session.commit()
    result = run_worker(app)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "The audio worker built 3 texts; 1 failed." in result.stdout
    assert_built(app, "en_GB", NEW_TEXTS[:3])
    done = {(job.locale, job.text): job for job in jobs(app)}
    assert all(done[("en_GB", text)].status == "done" for text in NEW_TEXTS[:3])
    failed = done[("zz", "Hello")]
    assert (failed.status, failed.attempts) == ("failed", MAX_ATTEMPTS)
    assert "No voice is set for the language 'zz'" in (failed.error or "")
    with app.app_context():
        # The app's own store re-reads its index at most once a second (audio.py), and the worker
        # can finish within that second: a store that reads it now counts what the worker built.
        fresh = AudioStore(app.config["AUDIO_DIR"])
        assert progress(db.session, NEW_TEXTS[:3], "en_GB", fresh) == (3, 3)
        assert queue_texts(db.session, "en_GB", NEW_TEXTS[:3], fresh) == 0  # built: nothing to queue


def test_two_workers_never_build_one_text_twice(app: Flask) -> None:
    texts = NEW_TEXTS[:16]
    with app.app_context():
        assert queue_texts(db.session, "en_GB", texts) == 16
        db.session.commit()
    workers = [start_worker(app, "--once"), start_worker(app, "--once")]
    outputs = [worker.communicate(timeout=300) for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0], outputs
    built = [int(out.split("built ")[1].split(" ")[0]) for out, _err in outputs]
    assert sum(built) == 16, outputs  # each text built by one worker only
    assert [(job.status, job.attempts) for job in jobs(app)] == [("done", 1)] * 16
    assert_built(app, "en_GB", texts)  # and neither worker's index write lost the other's texts


def test_the_worker_waits_for_texts_and_stops_cleanly_on_sigterm(app: Flask) -> None:
    worker = start_worker(app, "--poll", "0.2")
    try:
        assert worker.stdout is not None
        assert "waiting for texts (0 queued)" in worker.stdout.readline()
        with app.app_context():
            queue_texts(db.session, "en_GB", NEW_TEXTS[:1])
            db.session.commit()
        deadline = time.monotonic() + 60
        while jobs(app)[0].status != "done" and time.monotonic() < deadline:
            time.sleep(0.2)
        assert jobs(app)[0].status == "done"
        worker.send_signal(signal.SIGTERM)
        out, err = worker.communicate(timeout=20)
    finally:
        stop(worker)
    assert worker.returncode == 0, err
    assert "The audio worker built 1 texts; 0 failed." in out


def timed_get(url: str) -> tuple[int, float, bytes]:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as answer:  # noqa: S310  (our own loopback server)
        body = answer.read()
        return answer.status, time.perf_counter() - started, body


#: every request while the worker builds must answer 200 within this (a shared test machine;
#: idle, these pages answer in about 10 ms)
BOUND_SECONDS = 2.0


def test_the_server_keeps_answering_while_the_worker_builds(app: Flask, tmp_path: Path) -> None:
    """The audio worker builds a newly published questionnaire while the server keeps answering."""
    server, url = start_server(app, tmp_path / "server.log")
    worker = None
    try:
        pages = [f"{url}/", f"{url}/at/{service_code(app)}", f"{url}/auth/sign-in"]
        idle = [timed_get(page)[1] for page in pages * 5]
        with app.app_context():
            assert queue_texts(db.session, "en_GB", NEW_TEXTS) == len(NEW_TEXTS)
            db.session.commit()
        worker = start_worker(app, "--poll", "0.2")
        during: list[tuple[str, int, float]] = []
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            statuses = {job.status for job in jobs(app)}
            if statuses == {"done"}:
                break
            for page in pages:
                status, seconds, _body = timed_get(page)
                during.append((page, status, seconds))
        statuses = {job.status for job in jobs(app)}
        if statuses != {"done"}:  # say what the worker said, where it was stuck and how it ended
            if worker.poll() is None:
                worker.send_signal(signal.SIGUSR1)  # the worker's faulthandler prints its stacks
                time.sleep(1)
            code = stop(worker)
            out, err = worker.communicate()
            raise AssertionError(f"jobs {statuses}; the worker ended {code}:\n{out}\n{err}")
        assert stop(worker) == 0
        slow = [
            (page, status, round(seconds, 3))
            for page, status, seconds in during
            if status != 200 or seconds > BOUND_SECONDS
        ]
        times = [seconds for _page, _status, seconds in during]
        print(  # seen with pytest -s; the report quotes it
            f"\n{len(during)} requests during the build: median {statistics.median(times) * 1000:.0f} ms, "
            f"max {max(times) * 1000:.0f} ms (idle: median {statistics.median(idle) * 1000:.0f} ms)"
        )
        assert len(during) >= 20, "the build was over before the server was asked anything"
        assert slow == []
        # after it, the server serves each new text's audio
        store = AudioStore(app.config["AUDIO_DIR"])
        for text in NEW_TEXTS:
            name = store.lookup("en_GB", text)
            assert name, text
            status, _seconds, body = timed_get(f"{url}/audio/{name}")
            assert status == 200 and body.startswith(b"OggS") and len(body) > 44
    finally:
        if worker is not None:
            stop(worker)
        stop(server)


# -- `make run` starts the worker beside the server ------------------------------------------------
def test_make_run_starts_the_audio_worker_beside_the_server() -> None:
    plan = subprocess.run(
        ["make", "-n", "run", "PORT=5077"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "MAKEFLAGS": ""},
    ).stdout
    serve = next(line for line in plan.splitlines() if " run --host" in line)
    assert 'tools/with-audio-worker.sh ".venv/bin/flask --app wsgi audio-worker" ' in serve
    assert plan.index("build-audio") < plan.index("with-audio-worker.sh")  # shipped texts first


def test_the_worker_stops_when_the_server_stops(tmp_path: Path) -> None:
    """The script's background worker is stopped when the server ends, and on Ctrl+C (SIGINT)."""
    for how in ("ends", "interrupted"):
        pidfile = tmp_path / f"worker-{how}.pid"
        write_pid = f'open("{pidfile}", "w").write(str(os.getpid()))'
        worker = f"{sys.executable} -c 'import os, time; {write_pid}; time.sleep(120)'"
        server = [sys.executable, "-c", f"import time; time.sleep({2 if how == 'ends' else 120})"]
        # its own process group, as a terminal's foreground job: Ctrl+C signals the whole group
        script = subprocess.Popen(
            [str(ROOT / "tools" / "with-audio-worker.sh"), worker, *server], start_new_session=True
        )
        deadline = time.monotonic() + 20
        while not (pidfile.exists() and pidfile.read_text()) and time.monotonic() < deadline:
            time.sleep(0.05)
        pid = int(pidfile.read_text())
        if how == "interrupted":
            os.killpg(script.pid, signal.SIGINT)
        script.wait(timeout=20)
        assert gone(pid, timeout=10), how


def test_between_texts_the_worker_keeps_the_figures_of_ended_months(app: Flask) -> None:
    """A year of a large provider took 33 s to count on the first dashboard read after a month
    ended, past gunicorn's timeout (issue 15). The worker now counts and keeps ended months when no
    text is waiting, so that reader finds them kept: a real `flask audio-worker --once`."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import func

    from app.demo.responses import add_responses
    from app.models import FigureSnapshot, Organisation, utcnow
    from app.reports import stored
    from app.reports.figures import version_ids

    with app.app_context():  # answers written without a command that keeps them (`flask demo` does)
        org = db.session.scalar(select(Organisation).where(Organisation.slug == "demo"))
        forms = dict(app.extensions["easyvoice.surveys"].questionnaires)
        add_responses(db.session, org, forms.values(), 200, since=utcnow() - timedelta(days=100))
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(FigureSnapshot)) == 0
    worker = run_worker(app)
    assert worker.returncode == 0, worker.stderr
    now = utcnow()
    months = len(stored.closed_periods(stored.MONTH, datetime(now.year - 1, 1, 1, tzinfo=UTC), now))
    assert "Counted and kept" in worker.stdout, worker.stdout
    with app.app_context():
        org = db.session.scalar(select(Organisation.id).where(Organisation.slug == "demo"))
        forms = dict(app.extensions["easyvoice.surveys"].questionnaires)
        done = stored.Done()
        stored.grouped_counts(db.session, org, list(version_ids(db.session, forms)), now.year, done=done)
    assert (done.stored, done.computed) == (months, 0)  # the reader counted no ended month
    assert done.days_computed == 0  # nor an ended day of this month: only today is live
