"""Shared fixtures: a fresh database per test, built by the real migrations, with demo data."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, make_url, text

from app import create_app
from app.db import db
from app.demo import create_demo
from app.migrate import upgrade
from app.models import Service

ROOT = Path(__file__).resolve().parent.parent


#: Set to a PostgreSQL server URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432) to run
#: every test on PostgreSQL: each app then gets a database of its own, dropped afterwards.
POSTGRES_SERVER = os.environ.get("EASYVOICE_TEST_POSTGRES", "")


def fresh_database_url(tmp_path: Path) -> str:
    if not POSTGRES_SERVER:
        return f"sqlite:///{tmp_path / 'test.sqlite'}"
    name = f"evtest_{uuid.uuid4().hex[:12]}"
    admin = create_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"{POSTGRES_SERVER}/{name}"


def drop_database(app: Flask) -> None:
    """Close the app's connections and, on PostgreSQL, drop its database."""
    db.dispose(app)
    url = make_url(app.config["DATABASE_URL"])
    if url.get_backend_name() != "postgresql":
        return
    admin = create_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    admin.dispose()


def make_app(tmp_path: Path, **overrides: object) -> Flask:
    """An app on a fresh database (SQLite, or PostgreSQL when asked), migrated, with demo data."""
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-only-secret",
        "INSTANCE_PATH": str(tmp_path / "instance"),  # nothing a test writes lands in the repo
        "AUDIO_DIR": str(tmp_path / "audio"),
        **overrides,
    }
    config.setdefault("DATABASE_URL", fresh_database_url(tmp_path))
    app = create_app(config)
    with app.app_context():
        upgrade(db.engine)
        create_demo(db.session, app.extensions["easyvoice.surveys"].questionnaires.values())
        db.session.commit()
    _made.append(app)
    return app


_made: list[Flask] = []


@pytest.fixture(autouse=True)
def _drop_databases() -> Iterator[None]:
    """Every app a test made is closed (and its PostgreSQL database dropped) after the test."""
    yield
    while _made:
        drop_database(_made.pop())


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return make_app(tmp_path)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def no_csrf_app(tmp_path: Path) -> Flask:
    """For flow tests that post forms by hand: CSRF itself is tested on `app`."""
    return make_app(tmp_path, WTF_CSRF_ENABLED=False)


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
    _made.remove(app)
    drop_database(app)
    return {"dir": audio_dir, "cold": cold.output, "warm": warm.output}


PASSWORD = "correct horse battery"  # noqa: S105  (test-only accounts in throwaway databases)
ROLES = ("admin", "quality_lead", "expert", "viewer", "operator")


def add_users(app: Flask) -> dict[str, str]:
    """One user per role in the demo organisation, plus a quality lead elsewhere; role -> email."""
    from app.auth.accounts import create_user
    from app.models import Organisation

    emails = {}
    with app.app_context():
        demo = db.session.query(Organisation).filter_by(slug="demo").one()
        other = Organisation(name="Other Care", slug="other")
        db.session.add(other)
        db.session.add(Service(organisation=other, name="Elm Court", code="elmcourt"))
        for role in ROLES[:4]:  # the operator comes last, so older users keep their ids
            email = f"{role}@demo.example"
            create_user(
                db.session,
                organisation=demo,
                email=email,
                name=role.title(),
                role=role,
                password=PASSWORD,
                pin="1234" if role == "expert" else None,
            )
            emails[role] = email
        create_user(
            db.session,
            organisation=other,
            email="lead@other.example",
            name="Other lead",
            role="quality_lead",
            password=PASSWORD,
        )
        emails["other_lead"] = "lead@other.example"
        # the site operator (only `flask create-user` makes one in real life)
        create_user(
            db.session,
            organisation=demo,
            email="operator@demo.example",
            name="Operator",
            role="operator",
            password=PASSWORD,
        )
        emails["operator"] = "operator@demo.example"
        db.session.commit()
    return emails


def sign_in_as(client: FlaskClient, email: str, password: str = PASSWORD) -> object:
    page = client.get("/auth/sign-in").get_data(as_text=True)
    data = {"email": email, "password": password}
    if 'name="csrf_token"' in page:
        data["csrf_token"] = csrf_token(page)
    return client.post("/auth/sign-in", data=data)
