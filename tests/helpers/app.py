"""Apps for tests: a fresh database per app (SQLite, or PostgreSQL when asked), migrated, with
demo data; accounts for each role; sign-in and form helpers.

Building a database by running every migration and the demo takes most of a second, so each
test process builds it once (the *template*) and every app after that gets a copy: a file copy
on SQLite, ``CREATE DATABASE .. TEMPLATE`` on PostgreSQL. An app whose settings change what goes
into the database (its own DATABASE_URL, SURVEYS_DIR or ASSETS_DIR) is built the long way.
"""

from __future__ import annotations

import gc
import os
import re
import shutil
import tempfile
import uuid
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, make_url, text

from app import create_app
from app.db import db, upgrade
from app.demo import create_demo
from app.models import Organisation, Service

ROOT = Path(__file__).resolve().parent.parent.parent

#: Set to a PostgreSQL server URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432) to run
#: every test on PostgreSQL: each app then gets a database of its own, dropped afterwards.
POSTGRES_SERVER = os.environ.get("EASYVOICE_TEST_POSTGRES", "")

#: settings that change what the template database would hold: such apps are built the long way
_CHANGES_CONTENT = ("DATABASE_URL", "SURVEYS_DIR", "ASSETS_DIR")

PASSWORD = "correct horse battery"  # noqa: S105  (test-only accounts in throwaway databases)
ROLES = ("admin", "quality_lead", "expert", "viewer", "operator")

#: every app a test made: the root conftest closes them (and drops their databases) afterwards
made: list[Flask] = []
_template: dict[str, str] = {}


def _admin_engine():  # type: ignore[no-untyped-def]
    return create_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")


def fresh_database_url(tmp_path: Path, template: str | None = None) -> str:
    """A new empty database (or a copy of ``template``: a SQLite path or a PostgreSQL name)."""
    if not POSTGRES_SERVER:
        path = tmp_path / "test.sqlite"
        if template:
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(template, path)
        return f"sqlite:///{path}"
    name = f"evtest_{uuid.uuid4().hex[:12]}"
    admin = _admin_engine()
    with admin.connect() as connection:
        copy = f' TEMPLATE "{template}" STRATEGY FILE_COPY' if template else ""
        connection.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    admin.dispose()
    return f"{POSTGRES_SERVER}/{name}"


def drop_database(app: Flask) -> None:
    """Close the app's connections and, on PostgreSQL, drop its database.

    A connection a test let go of without closing is only returned to its pool when the garbage
    collector finds it. Were its database dropped first, that late return would fail and log a
    traceback at a random later moment (Python 3.11 formats tracebacks with ``ast.parse``; one
    such log, run by the collector in the middle of another ``ast.parse``, raised
    "SystemError: AST constructor recursion depth mismatch" in an unrelated test). So the
    collector runs first, while the database is still there, and only then is it dropped.
    """
    url = make_url(app.config["DATABASE_URL"])
    if url.get_backend_name() == "postgresql":
        gc.collect()
    db.dispose(app)
    if url.get_backend_name() == "postgresql":
        _drop_postgres(url.database or "")


def _drop_postgres(name: str) -> None:
    admin = _admin_engine()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _config(tmp_path: Path, overrides: dict[str, object]) -> dict[str, object]:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-only-secret",
        "INSTANCE_PATH": str(tmp_path / "instance"),  # nothing a test writes lands in the repo
        "AUDIO_DIR": str(tmp_path / "audio"),
        **overrides,
    }


def _build(app: Flask) -> None:
    """The long way: every migration, then the demo organisation and questionnaires."""
    with app.app_context():
        upgrade(db.engine)
        create_demo(db.session, app.extensions["easyvoice.surveys"].questionnaires.values())
        db.session.commit()


def template_database() -> str:
    """This process's template (built once): a SQLite file path or a PostgreSQL database name."""
    key = POSTGRES_SERVER or "sqlite"
    if key not in _template:
        where = Path(tempfile.mkdtemp(prefix="evtemplate-"))
        app = create_app(_config(where, {"DATABASE_URL": fresh_database_url(where)}))
        _build(app)
        db.dispose(app)  # no connection may stay open on a template (and the WAL is merged)
        url = make_url(app.config["DATABASE_URL"])
        _template[key] = url.database or ""
    return _template[key]


def drop_template() -> None:
    """At the end of the session: the PostgreSQL template goes (SQLite's is in a temp folder)."""
    name = _template.pop(POSTGRES_SERVER, None) if POSTGRES_SERVER else None
    if name:
        _drop_postgres(name)


def make_app(tmp_path: Path, **overrides: object) -> Flask:
    """An app on a fresh database (SQLite, or PostgreSQL when asked), migrated, with demo data."""
    config = _config(tmp_path, overrides)
    if any(name in overrides for name in _CHANGES_CONTENT):
        config.setdefault("DATABASE_URL", fresh_database_url(tmp_path))
        app = create_app(config)
        _build(app)
    else:
        config["DATABASE_URL"] = fresh_database_url(tmp_path, template_database())
        app = create_app(config)
    made.append(app)
    return app


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


def add_users(app: Flask) -> dict[str, str]:
    """One user per role in the demo organisation, plus a quality lead elsewhere; role -> email."""
    from app.auth.accounts import create_user

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
