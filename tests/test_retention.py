"""`flask purge` removes everything the retention periods cover (issue 9, item 10).

It left the person's words in the safeguarding alert for ever, left visit photos on disk, and
left deleted rows readable in SQLite's files. Now: old responses and photos go (files too); a
closed alert past its own retention keeps the facts, not the words; and on SQLite the words are
gone from the database file and its write-ahead log.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from helpers.app import add_users, make_app
from helpers.world import add_photo, open_visit, signed_in, written_answer
from sqlalchemy import make_url, select, update

from app import safeguarding
from app.audit import Actor
from app.db import db
from app.models import (
    Answer,
    Photo,
    Response,
    SafeguardingAlert,
    SafeguardingSignal,
    Service,
    User,
    utcnow,
)
from app.respond import journey
from app.retention import WORDS_REMOVED

OLD_WORDS = "Quokka meadow 8812, staff hurt me"  # a concern word, so it raises an alert
NEW_WORDS = "Wombat harbour 3390, staff hurt me"


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return make_app(tmp_path, PHOTO_DIR=str(tmp_path / "photos"))


def _disclosure(app: Flask, words: str) -> int:
    """A respondent writes ``words`` (a disclosure) in "anything else"; returns the response id."""
    answer_id = written_answer(app, words, alert=True)
    with app.app_context():
        return db.session.get(Answer, answer_id).response_id


def _close_alert(app: Flask, response_id: int, *, age_days: int) -> None:
    with app.app_context():
        alert = safeguarding.alert_for_response(db.session, response_id)
        lead = db.session.scalars(select(User).where(User.email == "quality_lead@demo.example")).one()
        safeguarding.acknowledge(db.session, alert, lead, Actor())
        safeguarding.close(db.session, alert, lead, "Talked with the person and the family.", Actor())
        alert.raised_at = utcnow() - timedelta(days=age_days)
        db.session.commit()


def _photo(app: Flask) -> Path:
    """An expert opens a visit and adds one photo; the stored file."""
    expert = signed_in(app, "expert@demo.example")
    add_photo(expert, open_visit(app, expert))
    with app.app_context():
        photo = db.session.scalars(select(Photo)).one()
        files = list(Path(app.config["PHOTO_DIR"]).rglob(photo.file_name))
        assert len(files) == 1
        return files[0]


def test_purge_removes_old_photos_and_old_alert_words_but_keeps_the_facts(app: Flask) -> None:
    add_users(app)
    old = _disclosure(app, OLD_WORDS)
    new = _disclosure(app, NEW_WORDS)
    _close_alert(app, old, age_days=7 * 365)  # past the alert's own 6 years
    _close_alert(app, new, age_days=30)
    photo_file = _photo(app)
    with app.app_context():
        db.session.execute(
            update(Response).where(Response.id == old).values(started_at=utcnow() - timedelta(days=7 * 365))
        )
        db.session.execute(update(Photo).values(uploaded_at=utcnow() - timedelta(days=4 * 365)))
        db.session.commit()

    dry = app.test_cli_runner().invoke(args=["purge", "--dry-run"])
    assert "Would delete 1 responses and 1 photos" in dry.output, dry.output
    assert photo_file.exists()
    done = app.test_cli_runner().invoke(args=["purge"])
    assert done.exit_code == 0, done.output
    assert "Deleted 1 responses and 1 photos" in done.output

    assert not photo_file.exists()
    with app.app_context():
        assert db.session.scalars(select(Photo)).all() == []
        alerts = {a.response_id: a for a in db.session.scalars(select(SafeguardingAlert))}
        assert len(alerts) == 2 and None in alerts  # never deleted; the purged one lost its link
        kept = alerts[None]
        assert kept.status == "closed" and kept.outcome  # the facts stay
        assert [s.answer for s in kept.signals] == [WORDS_REMOVED]
        assert kept.signals[0].question_key == journey.ANYTHING_ELSE
        assert [s.answer for s in alerts[new].signals] == [NEW_WORDS]  # within its retention


def test_an_open_alert_keeps_its_words_whatever_its_age(app: Flask) -> None:
    add_users(app)
    response_id = _disclosure(app, OLD_WORDS)
    with app.app_context():
        db.session.execute(update(SafeguardingAlert).values(raised_at=utcnow() - timedelta(days=9 * 365)))
        db.session.commit()
    assert app.test_cli_runner().invoke(args=["purge"]).exit_code == 0
    with app.app_context():
        signal = db.session.scalars(select(SafeguardingSignal)).one()
        assert signal.answer == OLD_WORDS
        assert db.session.get(Response, response_id) is not None  # the response is recent


def test_purged_words_are_not_left_in_the_sqlite_files(tmp_path: Path) -> None:
    """On SQLite whichever engine the suite runs on: these are SQLite's own files."""
    app = make_app(
        tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'own.sqlite'}", PHOTO_DIR=str(tmp_path / "photos")
    )
    url = make_url(app.config["DATABASE_URL"])
    add_users(app)
    old = _disclosure(app, OLD_WORDS)
    with app.app_context():
        db.session.execute(
            update(Response).where(Response.id == old).values(started_at=utcnow() - timedelta(days=7 * 365))
        )
        db.session.commit()
    _close_alert(app, old, age_days=7 * 365)
    path = Path(url.database)
    assert b"Quokka meadow" in path.read_bytes() + _wal(path)  # it was there to find
    assert app.test_cli_runner().invoke(args=["purge"]).exit_code == 0
    # Read while the app still holds its connections, as a running server does (the last
    # connection to close would checkpoint the log by itself).
    with app.app_context():
        db.session.execute(select(Service.id)).all()
        assert b"Quokka meadow" not in path.read_bytes() + _wal(path)


def _wal(path: Path) -> bytes:
    wal = path.with_name(path.name + "-wal")
    return wal.read_bytes() if wal.exists() else b""
