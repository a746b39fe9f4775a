"""Shared by the bench scripts: import paths, a started respondent journey, medians and verdicts.

Each script is run on its own (``python bench/<name>.py``), so ``bench/`` is ``sys.path[0]`` and
this module is imported as ``_common``. It puts the repository root on the path so the app is
importable, and makes apps of its own (``make_app``: a fresh database built by the real migrations,
with the demo organisation), without the test suite's helpers.
"""

from __future__ import annotations

import re
import statistics
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from sqlalchemy import create_engine, make_url, select, text  # noqa: E402

from app import create_app  # noqa: E402
from app.db import db, upgrade  # noqa: E402
from app.demo import create_demo  # noqa: E402
from app.models import Organisation, Service  # noqa: E402

__all__ = [
    "ROOT",
    "BENCH",
    "make_app",
    "postgres_database",
    "drop_database",
    "add_lead",
    "sign_in_as",
    "service_code",
    "start_response",
    "median",
    "verdict",
    "header",
]

LEAD_EMAIL, LEAD_PASSWORD = "lead@bench.example", "bench-only password"  # noqa: S105


def make_app(tmp: Path, **overrides: object) -> Flask:
    """An app on a fresh database (SQLite in ``tmp`` unless DATABASE_URL is given), migrated,
    with the demo organisation and questionnaires."""
    config = {
        "TESTING": True,  # as the suite's apps: errors raise instead of being logged
        "SECRET_KEY": "bench-only-secret",
        "INSTANCE_PATH": str(tmp / "instance"),
        "AUDIO_DIR": str(tmp / "audio"),
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite'}",
        **overrides,
    }
    app = create_app(config)
    with app.app_context():
        upgrade(db.engine)
        create_demo(db.session, app.extensions["easyvoice.surveys"].questionnaires.values())
        db.session.commit()
    return app


def postgres_database(server: str) -> str:
    """A new empty PostgreSQL database on ``server``; its URL."""
    name = f"evbench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"{server}/{name}"


def drop_database(app: Flask) -> None:
    """Close the app's connections and, on PostgreSQL, drop its database."""
    db.dispose(app)
    url = make_url(app.config["DATABASE_URL"])
    if url.get_backend_name() == "postgresql":
        server = url.set(database="postgres").render_as_string(hide_password=False)
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        admin.dispose()


def add_lead(app: Flask) -> str:
    """A quality lead in the demo organisation; their email (password LEAD_PASSWORD)."""
    from app.auth.accounts import create_user

    with app.app_context():
        demo = db.session.scalars(select(Organisation).where(Organisation.slug == "demo")).one()
        create_user(
            db.session,
            organisation=demo,
            email=LEAD_EMAIL,
            name="Lead",
            role="quality_lead",
            password=LEAD_PASSWORD,
        )
        db.session.commit()
    return LEAD_EMAIL


def sign_in_as(client: FlaskClient, email: str, password: str = LEAD_PASSWORD) -> None:
    """Sign in through the real form (CSRF token taken from the page when it has one)."""
    page = client.get("/auth/sign-in").get_data(as_text=True)
    data = {"email": email, "password": password}
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    if token:
        data["csrf_token"] = token.group(1)
    client.post("/auth/sign-in", data=data)


def service_code(app: Flask, name: str = "Oak House") -> str:
    with app.app_context():
        return db.session.scalars(select(Service).where(Service.name == name)).one().code


SETTINGS = {
    "who": "self",
    "text": "normal",
    "pictures": "on",
    "contrast": "off",
    "read_aloud": "on",
    "autoplay": "off",
}


def start_response(
    app: Flask, client: FlaskClient, slug: str = "your-support", locale: str | None = None, **prefs: str
) -> None:
    """Walk the real journey up to question 1: service link, begin, settings, consent (yes).

    With CSRF on (the product's setting), each form is sent with the token of its page.
    """

    def token(page: str) -> dict[str, str]:
        found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        return {"csrf_token": found.group(1)} if found else {}

    def expect(response, status: int, what: str):  # type: ignore[no-untyped-def]
        if response.status_code != status:
            raise SystemExit(f"bench: {what} gave HTTP {response.status_code}, expected {status}")
        return response

    expect(client.get(f"/at/{service_code(app)}"), 302, "GET /at/<code>")
    expect(client.get(f"/begin/{slug}"), 302, f"GET /begin/{slug}")
    settings = {**SETTINGS, **prefs, "locale": locale or app.config["BABEL_DEFAULT_LOCALE"]}
    settings |= token(expect(client.get("/settings"), 200, "GET /settings").get_data(as_text=True))
    expect(client.post("/settings", data=settings), 302, "POST /settings")
    page = expect(client.get("/consent"), 200, "GET /consent").get_data(as_text=True)
    match = re.search(r'name="submission_id" value="([^"]+)"', page)
    if not match:
        raise SystemExit("bench: no submission id on the consent page")
    done = expect(
        client.post("/consent", data={"submission_id": match.group(1), "action": "yes", **token(page)}),
        302,
        "POST /consent",
    )
    if not done.location.endswith("/q/1"):
        raise SystemExit(f"bench: consent went to {done.location}, not /q/1")


def median(values: list[float]) -> float:
    return statistics.median(values)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def header(title: str) -> None:
    print(f"== {title} ==")
