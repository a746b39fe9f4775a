"""Security baseline: headers on every route, cookies, health, retention purge."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from helpers.app import ROLES, add_users, make_app, sign_in_as
from helpers.journey import answer, begin, questions
from helpers.routes import all_routes
from sqlalchemy import func, select, update

from app.db import db
from app.models import Answer, AuditEvent, Response, SafeguardingAlert, utcnow

REQUIRED = (
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Referrer-Policy",
    "Strict-Transport-Security",
)


@pytest.fixture
def users_app(tmp_path) -> Flask:
    app = make_app(tmp_path)
    add_users(app)
    return app


def check_headers(result, where) -> None:
    for name in REQUIRED:
        assert len(result.headers.getlist(name)) == 1, (where, name)  # there, and only once
    assert len(result.headers.getlist("Cache-Control")) <= 1, where
    csp = result.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp, where
    assert "frame-ancestors 'none'" in csp, where


@pytest.mark.parametrize("who", ("anonymous", *ROLES))
def test_every_route_sends_the_security_headers(users_app: Flask, who: str) -> None:
    client = users_app.test_client()
    if who != "anonymous":
        sign_in_as(client, f"{who}@demo.example")
    seen = 0
    for endpoint, method, url in all_routes(users_app):
        result = client.open(url, method=method)
        check_headers(result, (who, endpoint, method, result.status_code))
        seen += 1
    assert seen > 20
    check_headers(client.get("/static/css/easyvoice.css"), "static")


@pytest.mark.parametrize("who", ("anonymous", "admin"))
def test_every_send_without_a_token_is_refused(users_app: Flask, who: str) -> None:
    """Each route that takes a POST, PUT, PATCH or DELETE refuses one with no CSRF token, before
    its view runs (app/security.py checks only those methods, for speed, so none may slip by),
    except the two that say why they are exempt."""
    exempt = {"respond.offline_send", "visits.photo_upload"}
    client = users_app.test_client()
    if who != "anonymous":
        sign_in_as(client, f"{who}@demo.example")
    checked = 0
    for endpoint, method, url in all_routes(users_app):
        if method in ("GET", "HEAD", "OPTIONS") or endpoint in exempt:
            continue
        result = client.open(url, method=method, data={"x": "1"})
        assert result.status_code == 400, (who, endpoint, method, result.status_code)
        # the CSRF refusal's own page (errors.py), not some later check of the form
        assert "This page was open too long." in result.get_data(as_text=True), (who, endpoint)
        checked += 1
    assert checked > 30


def test_session_cookie_is_secure_httponly_samesite(users_app: Flask) -> None:
    client = users_app.test_client()
    result = sign_in_as(client, "admin@demo.example")
    cookie = result.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_pages_are_not_cached(client) -> None:
    assert client.get("/").headers["Cache-Control"] == "no-store"


def test_health_checks_database_and_audio(app: Flask, audio_build_run) -> None:
    result = app.test_client().get("/health")
    assert result.status_code == 503 and result.json["audio"] == "not built"
    assert result.json["database"] == "ok"
    app.config["AUDIO_DIR"] = str(audio_build_run["dir"])
    assert app.test_client().get("/health").status_code == 200


def test_purge_deletes_old_responses_and_leaves_an_audit_record(no_csrf_app: Flask) -> None:
    client = no_csrf_app.test_client()
    qs = questions(no_csrf_app)
    worrying = next(n for n, q in enumerate(qs, start=1) if q.safeguarding and q.type == "faces")
    for _ in range(2):
        begin(client, no_csrf_app)
        answer(client, worrying, qs[worrying - 1].id, answer="sad")  # raises an alert
    with no_csrf_app.app_context():
        first = db.session.scalars(select(Response.id).order_by(Response.id)).first()
        db.session.execute(
            update(Response).where(Response.id == first).values(started_at=utcnow() - timedelta(days=400))
        )
        db.session.commit()
    runner = no_csrf_app.test_cli_runner()
    assert "Would delete 1" in runner.invoke(args=["purge", "--older-than", "365", "--dry-run"]).output
    result = runner.invoke(args=["purge", "--older-than", "365"])
    assert result.exit_code == 0 and "Deleted 1 responses" in result.output
    with no_csrf_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 1
        assert db.session.scalar(select(func.count()).select_from(Answer)) == 1
        # The alerts are never deleted: the purged one keeps its words, not its link.
        alerts = db.session.scalars(select(SafeguardingAlert).order_by(SafeguardingAlert.id)).all()
        assert len(alerts) == 2 and alerts[0].response_id is None and alerts[0].signals[0].answer
        assert alerts[1].response_id is not None
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "retention.purge")).one()
        assert event.detail == {
            "older_than_days": 365,
            "responses_deleted": 1,
            "photos_deleted": 0,
            "alert_words_removed": 0,
        }


def test_templates_need_nothing_the_csp_blocks() -> None:
    """No inline script, event handler or style attribute: the CSP would silently drop them."""
    from helpers.app import ROOT

    found = []
    for path in sorted((ROOT / "app" / "templates").rglob("*.html")):
        text = path.read_text()
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"\son[a-z]+=\"", r"\sstyle=\"", r"<style"):
            if re.search(pattern, text):
                found.append((path.name, pattern))
    assert found == []
