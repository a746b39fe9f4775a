"""Shared fixtures: a fresh database per test, built by the real migrations, with demo data."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.db import db
from app.demo import create_demo
from app.migrate import upgrade
from app.models import Service

ROOT = Path(__file__).resolve().parent.parent


def make_app(tmp_path: Path, **overrides: object) -> Flask:
    """An app on its own SQLite file (or EASYVOICE_TEST_DATABASE_URL), migrated, with demo data."""
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-only-secret",
        "DATABASE_URL": os.environ.get("EASYVOICE_TEST_DATABASE_URL")
        or f"sqlite:///{tmp_path / 'test.sqlite'}",
        "AUDIO_DIR": str(tmp_path / "audio"),
        **overrides,
    }
    app = create_app(config)
    with app.app_context():
        upgrade(db.engine)
        create_demo(db.session, app.extensions["easyvoice.surveys"].questionnaires.values())
        db.session.commit()
    return app


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    app = make_app(tmp_path)
    yield app
    db.dispose(app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def no_csrf_app(tmp_path: Path) -> Iterator[Flask]:
    """For flow tests that post forms by hand: CSRF itself is tested on `app`."""
    app = make_app(tmp_path, WTF_CSRF_ENABLED=False)
    yield app
    db.dispose(app)


def service_code(app: Flask, name: str = "Oak House") -> str:
    with app.app_context():
        return db.session.query(Service).filter_by(name=name).one().code


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def submission_id(html: str) -> str:
    match = re.search(r'name="submission_id" value="([^"]+)"', html)
    assert match, "no submission id on the page"
    return match.group(1)


@pytest.fixture(scope="session")
def built_audio(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Run the real `flask build-audio` once per test session (real espeak-ng through pyttsx3).

    Returns the audio directory and what the command printed on a cold and on a warm run.
    """
    tmp = tmp_path_factory.mktemp("audio-build")
    audio_dir = tmp / "audio"
    app = make_app(tmp, AUDIO_DIR=str(audio_dir))
    runner = app.test_cli_runner()
    cold = runner.invoke(args=["build-audio"])
    assert cold.exit_code == 0, cold.output
    warm = runner.invoke(args=["build-audio"])
    assert warm.exit_code == 0, warm.output
    db.dispose(app)
    return {"dir": audio_dir, "cold": cold.output, "warm": warm.output}
