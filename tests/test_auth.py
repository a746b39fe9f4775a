"""Signing in and out: hashed passwords, limited failures, idle sign-out, audit."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

from flask import Flask
from helpers.app import PASSWORD, add_users, make_app, sign_in_as
from sqlalchemy import select

from app.db import db
from app.models import AuditEvent, User, utcnow


def events(app: Flask, action: str) -> list[AuditEvent]:
    with app.app_context():
        return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_sign_in_page_is_easy_read(client) -> None:
    page = client.get("/auth/sign-in").get_data(as_text=True)
    assert "Sign in" in page and "/symbols/svg/key.svg" in page
    assert 'class="speak"' in page and 'autocomplete="current-password"' in page


def test_passwords_are_hashed_with_scrypt(tmp_path: Path) -> None:
    # the suite's apps hash cheaply; production always uses scrypt (tests/test_config.py)
    app = make_app(tmp_path, PASSWORD_HASH_METHOD="scrypt")  # noqa: S106  (a method name)
    add_users(app)
    with app.app_context():
        user = db.session.scalars(select(User).where(User.email == "expert@demo.example")).one()
        assert user.password_hash.startswith("scrypt:") and PASSWORD not in user.password_hash
        assert user.pin_hash and "1234" not in user.pin_hash and user.check_pin("1234")


def test_sign_in_and_out(app: Flask) -> None:
    add_users(app)
    client = app.test_client()
    result = sign_in_as(client, "ADMIN@demo.example")
    assert result.status_code == 302 and result.headers["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    page = client.get("/admin/").get_data(as_text=True)
    assert "Sign out" in page
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    assert client.post("/auth/sign-out", data={"csrf_token": token}).status_code == 302
    assert client.get("/admin/").status_code == 302
    assert len(events(app, "auth.sign_in")) == 1 and len(events(app, "auth.sign_out")) == 1


def test_wrong_password_is_refused_clearly_and_waits_a_little_after_5(app: Flask) -> None:
    add_users(app)
    client = app.test_client()
    for _ in range(5):
        result = sign_in_as(client, "expert@demo.example", "wrong password!")
        assert result.status_code == 401
        assert "The email or the password is not right" in result.get_data(as_text=True)
    # Waiting now: even the right password gets the same answer as a wrong one, for a short while.
    waiting = sign_in_as(client, "expert@demo.example")
    assert waiting.status_code == 401 and "Wait 15 minutes" in waiting.get_data(as_text=True)
    with app.app_context():
        user = db.session.scalars(select(User).where(User.email == "expert@demo.example")).one()
        assert user.locked_until is not None
        assert user.locked_until - utcnow() <= timedelta(minutes=15)
        user.locked_until = utcnow() - timedelta(seconds=1)  # the wait is over
        db.session.commit()
    assert sign_in_as(client, "expert@demo.example").status_code == 302
    assert len(events(app, "auth.sign_in_failed")) == 6
    assert sign_in_as(app.test_client(), "nobody@demo.example").status_code == 401


def test_too_many_attempts_from_one_address_are_limited(tmp_path) -> None:
    from helpers.app import make_app

    app = make_app(tmp_path, SIGN_IN_LIMIT=3)
    add_users(app)
    client = app.test_client()
    for _ in range(3):
        assert sign_in_as(client, "nobody@demo.example", "x" * 12).status_code == 401
    assert sign_in_as(client, "admin@demo.example").status_code == 429


def test_idle_session_signs_out(app: Flask) -> None:
    add_users(app)
    client = app.test_client()
    sign_in_as(client, "admin@demo.example")
    assert client.get("/admin/").status_code == 200
    with client.session_transaction() as session:
        session["seen"] = int(time.time()) - 21 * 60
    result = client.get("/admin/")
    assert result.status_code == 302 and "/auth/sign-in" in result.headers["Location"]
    page = client.get(result.headers["Location"]).get_data(as_text=True)
    assert "You were signed out" in page
    assert client.get("/admin/").status_code == 302


def test_next_only_goes_to_this_site(app: Flask) -> None:
    add_users(app)
    client = app.test_client()
    page = client.get("/auth/sign-in").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    result = client.post(
        "/auth/sign-in?next=//evil.example/x",
        data={"email": "admin@demo.example", "password": PASSWORD, "csrf_token": token},
    )
    assert result.headers["Location"] == "/admin/"


def test_create_user_command(app: Flask) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "create-user",
            "--email",
            "new@demo.example",
            "--name",
            "New",
            "--role",
            "expert",
            "--organisation",
            "demo",
            "--pin",
            "4321",
        ],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalars(select(User).where(User.email == "new@demo.example")).one()
        assert user.role.value == "expert" and user.check_pin("4321") and user.check_password(PASSWORD)
    bad = runner.invoke(
        args=[
            "create-user",
            "--email",
            "x@demo.example",
            "--name",
            "X",
            "--role",
            "viewer",
            "--organisation",
            "demo",
        ],
        input="short\nshort\n",
    )
    assert bad.exit_code != 0 and "at least 10 characters" in bad.output
    assert len(events(app, "user.create")) == 1


def test_demo_makes_one_sign_in_per_role_once(app: Flask) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    logins = [line for line in first.output.splitlines() if "password" in line]
    assert len(logins) == 4 and "PIN" in next(line for line in logins if "expert" in line)
    email, password = logins[0].split()[1], logins[0].split()[3]
    assert sign_in_as(app.test_client(), email, password).status_code == 302
    second = runner.invoke(args=["demo"])
    assert [line for line in second.output.splitlines() if "password" in line] == logins
    with app.app_context():
        assert db.session.query(User).filter(User.email.like("%@demo.easyvoice.example")).count() == 4
