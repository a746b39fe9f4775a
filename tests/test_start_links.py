"""Start links and tablets (issue 9, item 4): `/` lists no service, codes are unguessable, a tablet
is enrolled to a service by its own organisation's staff and keeps it in a signed cookie; an
unenrolled tablet without a link cannot start."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from helpers.app import (
    add_users,
    csrf_token,
    service_code,
    sign_in_as,
    submission_id,
)
from helpers.migrations import empty_database, migrate
from sqlalchemy import select

from app.db import db
from app.models import AuditEvent, Response, Service, Tablet
from app.respond.enrolment import COOKIE

ASK_PAGE = "Ask the staff for this tablet&#39;s start link"


@pytest.fixture
def users(app: Flask) -> dict[str, str]:
    return add_users(app)


def service_id(app: Flask, name: str = "Oak House") -> int:
    with app.app_context():
        return db.session.query(Service).filter_by(name=name).one().id


def all_codes(app: Flask) -> list[tuple[str, str]]:
    with app.app_context():
        return [(s.name, s.code) for s in db.session.scalars(select(Service))]


def any_csrf_token(html: str) -> str:
    """The CSRF token of a form written by hand (its attributes in another order)."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def staff_post(client: FlaskClient, url: str, **data: str) -> object:
    """A staff form post with the CSRF token of a page the staff member can open."""
    page = client.get("/admin/tablet").get_data(as_text=True)
    return client.post(url, data={"csrf_token": any_csrf_token(page), **data})


def enrol(client: FlaskClient, app: Flask, name: str = "Oak House") -> object:
    return staff_post(client, f"/admin/tablet/{service_id(app, name)}")


def tablet_cookie(client: FlaskClient) -> str | None:
    cookie = client.get_cookie(COOKIE)
    return cookie.value if cookie is not None else None


def respondent_with(app: Flask, value: str) -> FlaskClient:
    """A fresh session (a new browser session) that only has the tablet's cookie."""
    client = app.test_client()
    client.set_cookie(COOKIE, value)
    return client


def to_consent(client: FlaskClient) -> str:
    assert client.get("/begin/your-support").status_code == 302
    client.post(
        "/settings",
        data={
            "who": "self",
            "text": "normal",
            "pictures": "on",
            "contrast": "off",
            "read_aloud": "on",
            "autoplay": "off",
            "locale": "en_GB",
        },
    )
    return client.get("/consent").get_data(as_text=True)


# -- the public start page and the codes ---------------------------------------------------------
def test_start_page_lists_no_service_and_no_code(app: Flask, users: dict[str, str]) -> None:
    page = app.test_client().get("/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert ASK_PAGE in html
    for name, code in all_codes(app):
        assert name not in html and code not in html
    assert "/at/" not in html


def test_codes_are_unguessable_and_guessed_ones_404(app: Flask) -> None:
    client = app.test_client()
    for _name, code in all_codes(app):
        assert len(code) >= 22 and re.fullmatch(r"[A-Za-z0-9_-]+", code), code  # >= 128 bits
        assert client.get(f"/at/{code}").status_code == 302
    # old-form codes (8 hex digits), names and a code's prefix are not links
    for guess in ("0badc0de", "a1b2c3d4", "oakhouse", "elmcourt", all_codes(app)[0][1][:8], "x" * 200):
        assert client.get(f"/at/{guess}").status_code == 404, guess


def test_admin_new_link_works_and_the_old_one_stops(app: Flask, users: dict[str, str]) -> None:
    admin = app.test_client()
    assert sign_in_as(admin, users["admin"]).status_code == 302
    old = service_code(app)
    listed = admin.get("/admin/services").get_data(as_text=True)
    assert f"/at/{old}" in listed  # staff see the link
    page = admin.get("/admin/services").get_data(as_text=True)
    result = admin.post(
        f"/admin/services/{service_id(app)}",
        data={"csrf_token": csrf_token(page), "name": "Oak House", "new_code": "1"},
    )
    assert result.status_code == 302
    new = service_code(app)
    assert new != old and len(new) >= 22
    tablet = app.test_client()
    assert tablet.get(f"/at/{old}").status_code == 404
    assert tablet.get(f"/at/{new}").status_code == 302
    assert "/begin/your-support" in tablet.get("/").get_data(as_text=True)
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "service.change")).one()
        assert event.detail["new_code"] is True and event.object_id == str(service_id(app))


# -- enrolling a tablet --------------------------------------------------------------------------
def test_enrolment_cookie_survives_a_new_session_and_thank_you(app: Flask, users: dict[str, str]) -> None:
    staff = app.test_client()
    assert sign_in_as(staff, users["quality_lead"]).status_code == 302
    result = enrol(staff, app)
    assert result.status_code == 302
    header = next(h for h in result.headers.getlist("Set-Cookie") if h.startswith(COOKIE + "="))
    lowered = header.lower()
    assert "httponly" in lowered and "secure" in lowered and "samesite=lax" in lowered
    assert int(re.search(r"max-age=(\d+)", lowered).group(1)) >= 364 * 24 * 3600
    value = tablet_cookie(staff)
    assert value and "Oak House" not in value

    # A new browser session on the tablet (the staff member's sign-in is not in it)
    tablet = respondent_with(app, value)
    start = tablet.get("/").get_data(as_text=True)
    assert ASK_PAGE not in start and "/begin/your-support" in start
    page = to_consent(tablet)
    assert (
        tablet.post(
            "/consent",
            data={"csrf_token": csrf_token(page), "action": "yes", "submission_id": submission_id(page)},
        ).status_code
        == 302
    )
    page = tablet.get("/stop?from=1").get_data(as_text=True)
    done = tablet.post(
        "/stop?from=1",
        data={"csrf_token": csrf_token(page), "action": "stop", "submission_id": submission_id(page)},
    )
    assert done.headers["Location"].endswith("/thank-you")
    tablet.get("/thank-you")
    # after thank you, and in yet another session, the tablet still starts at its service
    assert "/begin/your-support" in tablet.get("/").get_data(as_text=True)
    assert "/begin/your-support" in respondent_with(app, value).get("/").get_data(as_text=True)
    with app.app_context():
        response = db.session.scalars(select(Response)).one()
        assert response.service_id == service_id(app) and response.status == "stopped"
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "tablet.enrol")).one()
        assert event.object_id == str(service_id(app)) and event.user_id is not None


def test_stop_using_this_tablet_here_ends_the_cookie_even_a_copied_one(
    app: Flask, users: dict[str, str]
) -> None:
    staff = app.test_client()
    sign_in_as(staff, users["admin"])
    enrol(staff, app)
    copied = tablet_cookie(staff)
    assert "Oak House" in staff.get("/admin/tablet").get_data(as_text=True)
    result = staff_post(staff, "/admin/tablet/stop")
    assert result.status_code == 302 and tablet_cookie(staff) is None
    tablet = respondent_with(app, copied)
    assert ASK_PAGE in tablet.get("/").get_data(as_text=True)
    assert tablet.get("/begin/your-support").status_code == 404
    with app.app_context():
        assert db.session.scalars(select(Tablet)).one().ended_at is not None
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "tablet.stop"))


def test_a_made_up_or_edited_cookie_opens_nothing(app: Flask, users: dict[str, str]) -> None:
    from itsdangerous import URLSafeTimedSerializer

    staff = app.test_client()
    sign_in_as(staff, users["admin"])
    enrol(staff, app)
    good = tablet_cookie(staff)
    with app.app_context():
        tablet = db.session.scalars(select(Tablet)).one()
        forged_key = URLSafeTimedSerializer("not-the-secret", salt="easyvoice-tablet").dumps(
            {"s": tablet.service_id, "t": tablet.id, "n": tablet.nonce}
        )
        wrong_nonce = URLSafeTimedSerializer(app.secret_key, salt="easyvoice-tablet").dumps(
            {"s": tablet.service_id, "t": tablet.id, "n": "guessed"}
        )
        # the session cookie's signing is not the tablet's (a different salt)
        session_signed = app.session_interface.get_signing_serializer(app).dumps(
            {"s": tablet.service_id, "t": tablet.id, "n": tablet.nonce}
        )
    for value in (forged_key, wrong_nonce, session_signed, good[:-3] + "abc", "", "x" * 3000):
        tablet = respondent_with(app, value)
        assert ASK_PAGE in tablet.get("/").get_data(as_text=True), value[:40]
        assert tablet.get("/begin/your-support").status_code == 404


def test_unenrolled_tablet_without_a_link_cannot_begin(no_csrf_app: Flask) -> None:
    client = no_csrf_app.test_client()
    start = client.get("/").get_data(as_text=True)
    assert "/at/" not in start and "/begin/" not in start  # no way in from the start page
    assert client.get("/begin/your-support").status_code == 404
    assert client.get("/consent").headers["Location"].endswith("/")
    result = client.post("/consent", data={"submission_id": "x" * 32, "action": "yes"})
    assert result.status_code == 302 and result.headers["Location"].endswith("/")
    with no_csrf_app.app_context():
        assert db.session.scalars(select(Response)).all() == []


def test_another_organisations_staff_cannot_enrol_a_tablet_here(app: Flask, users: dict[str, str]) -> None:
    other = app.test_client()
    assert sign_in_as(other, users["other_lead"]).status_code == 302
    listed = other.get("/admin/tablet").get_data(as_text=True)
    assert "Oak House" not in listed and "Elm Court" in listed
    assert enrol(other, app, "Oak House").status_code == 404
    assert tablet_cookie(other) is None
    with app.app_context():
        assert db.session.scalars(select(Tablet)).all() == []
    # their own service is fine
    assert enrol(other, app, "Elm Court").status_code == 302 and tablet_cookie(other)


@pytest.mark.parametrize(
    ("role", "allowed"), [("admin", True), ("quality_lead", True), ("expert", True), ("viewer", False)]
)
def test_who_may_set_up_a_tablet(app: Flask, users: dict[str, str], role: str, allowed: bool) -> None:
    client = app.test_client()
    sign_in_as(client, users[role])
    page = client.get("/admin/tablet")
    assert page.status_code == (200 if allowed else 403)
    if allowed:
        assert enrol(client, app).status_code == 302 and tablet_cookie(client)


# -- the migration gives every existing service a new code ---------------------------------------
@pytest.fixture
def engine(tmp_path: Path) -> Iterator[sa.Engine]:
    yield from empty_database(tmp_path)


def test_migration_ends_every_old_code_and_keeps_the_services(engine: sa.Engine) -> None:
    migrate(engine, "0009_merge_round_two")
    with engine.begin() as connection:
        org = connection.execute(
            sa.text(
                "INSERT INTO organisation (name, slug, suppression_threshold)"
                " VALUES ('Old Care', 'old', 5) RETURNING id"
            )
        ).scalar()
        for name, code in (("North", "1a2b3c4d"), ("South", "5e6f7a8b")):
            connection.execute(
                sa.text("INSERT INTO service (organisation_id, name, code) VALUES (:org, :name, :code)"),
                {"org": org, "name": name, "code": code},
            )
    migrate(engine, "0010_tablets")
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT name, code, organisation_id FROM service ORDER BY name")
        ).all()
    assert [(r.name, r.organisation_id) for r in rows] == [("North", org), ("South", org)]
    codes = [r.code for r in rows]
    assert "1a2b3c4d" not in codes and "5e6f7a8b" not in codes
    assert len(set(codes)) == 2 and all(len(code) >= 22 for code in codes)
