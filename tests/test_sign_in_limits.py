"""The sign-in tells nobody who has an account, and limits guessing without locking people out
(issue 9, item 5); `next=` only ever leads to a page of this site (issue 9, item 9)."""

from __future__ import annotations

import re
import statistics
import time
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers.app import PASSWORD, add_users, make_app, sign_in_as
from sqlalchemy import select

from app.db import db
from app.models import AuditEvent, User

WRONG = "not the password at all"  # noqa: S105  (test-only)


def post_sign_in(client: FlaskClient, email: str, password: str, **headers: str) -> object:
    return client.post(
        "/auth/sign-in",
        data={"email": email, "password": password},
        headers={k.replace("_", "-"): v for k, v in headers.items()},
    )


def normalised(body: str, email: str) -> str:
    """The page with what is meant to differ taken out: the email typed in, the CSRF token."""
    body = body.replace(email, "EMAIL")
    return re.sub(r'name="csrf_token"[^>]*value="[^"]*"', "CSRF", body)


@pytest.fixture
def real_timing_app(tmp_path: Path) -> Flask:
    """TESTING off, as in production (the old code slowed failures only when TESTING was off);
    a high limit per address, so the address limit is not what this measures."""
    app = make_app(tmp_path, WTF_CSRF_ENABLED=False, TESTING=False, SIGN_IN_LIMIT=1000)
    add_users(app)
    return app


def test_a_real_account_and_an_unknown_one_answer_the_same(real_timing_app: Flask) -> None:
    """Failed on the old code: after 5 wrong passwords the real account answered 429 and the
    unknown one 401, and each wrong password for the real account was slowed down."""
    real, unknown = "expert@demo.example", "nobody-here@demo.example"
    answers: dict[str, list[tuple[int, str]]] = {real: [], unknown: []}
    timings: dict[str, list[float]] = {real: [], unknown: []}
    client = real_timing_app.test_client()
    for attempt in range(9):
        for email in (real, unknown):
            started = time.perf_counter()
            result = post_sign_in(client, email, WRONG)
            took = time.perf_counter() - started
            answers[email].append((result.status_code, normalised(result.get_data(as_text=True), email)))
            if attempt >= 3:
                timings[email].append(took)
    assert answers[real] == answers[unknown]
    assert {status for status, _body in answers[real]} == {401}
    # The right password while the account waits: the same page again (nothing to tell apart).
    waiting = post_sign_in(client, real, PASSWORD)
    assert (waiting.status_code, normalised(waiting.get_data(as_text=True), real)) == answers[unknown][-1]
    # The same time, loosely: one password hash each way, no extra wait for real accounts.
    real_median, unknown_median = statistics.median(timings[real]), statistics.median(timings[unknown])
    assert unknown_median >= 0.5 * real_median, (real_median, unknown_median)
    assert real_median >= 0.5 * unknown_median, (real_median, unknown_median)


def test_the_wait_after_failures_is_short_and_capped() -> None:
    """Failed on the old code: there was one fixed 15-minute lock after every 5 failures, which
    anyone knowing an email could set off with 5 requests; now it starts at 1 minute."""
    from app.auth.accounts import LOCK_MAX, lock_time

    assert [lock_time(n).total_seconds() for n in range(1, 10)] == [0, 0, 0, 0, 60, 120, 240, 480, 900]
    assert max(lock_time(n) for n in range(1, 1000)) == LOCK_MAX <= timedelta(minutes=15)


def test_only_failures_count_towards_the_limit_per_address(tmp_path: Path) -> None:
    """Failed on the old code: every sign-in counted, so the 21st good one from one address
    (a care home's one internet line) got 429."""
    app = make_app(tmp_path, WTF_CSRF_ENABLED=False)  # the default limit: 20 per 15 minutes
    add_users(app)
    for number in range(25):
        result = post_sign_in(app.test_client(), "quality_lead@demo.example", PASSWORD)
        assert result.status_code == 302, number
    with app.app_context():
        signed = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.sign_in")).all()
        assert len(signed) == 25
    # failures still count: 20 of them and the address waits
    client = app.test_client()
    for _ in range(20):
        assert post_sign_in(client, "nobody@demo.example", WRONG).status_code == 401
    assert post_sign_in(client, "quality_lead@demo.example", PASSWORD).status_code == 429


def test_the_pin_still_gives_the_tablet_back_while_the_password_waits(tmp_path: Path) -> None:
    from helpers.visit_steps import give_back, hand_over, open_visit_for

    app = make_app(tmp_path)
    client, visit_id = open_visit_for(app)  # the expert, signed in, with an open visit
    hand_over(client, visit_id)
    guesser = app.test_client()
    for _ in range(6):
        sign_in_as(guesser, "expert@demo.example", WRONG)
    with app.app_context():
        expert = db.session.scalars(select(User).where(User.email == "expert@demo.example")).one()
        assert expert.locked_until is not None
    result = give_back(client, "1234")
    assert result.status_code == 302 and result.headers["Location"] == f"/visits/{visit_id}"
    assert client.get(f"/visits/{visit_id}").status_code == 200


@pytest.mark.parametrize("proxies", (0, 1))
def test_limits_use_the_address_a_trusted_proxy_gives(tmp_path: Path, proxies: int) -> None:
    """Failed on the old code with TRUSTED_PROXIES=1: X-Forwarded-For was never read, so every
    client behind the proxy shared one limit."""
    app = make_app(tmp_path, WTF_CSRF_ENABLED=False, SIGN_IN_LIMIT=3, TRUSTED_PROXIES=proxies)
    add_users(app)
    client = app.test_client()
    for _ in range(3):
        result = post_sign_in(client, "nobody@demo.example", WRONG, X_Forwarded_For="10.0.0.1")
        assert result.status_code == 401
    assert post_sign_in(client, "nobody@demo.example", WRONG, X_Forwarded_For="10.0.0.1").status_code == 429
    other = post_sign_in(client, "admin@demo.example", PASSWORD, X_Forwarded_For="10.0.0.2")
    if proxies:  # a different client behind the proxy: its own limit
        assert other.status_code == 302
    else:  # nobody vouches for the header: anyone could send it, so it is ignored
        assert other.status_code == 429


def test_trusted_proxies_must_be_a_number() -> None:
    from app import create_app

    with pytest.raises(ValueError, match="TRUSTED_PROXIES"):
        create_app(
            {"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": "sqlite://", "TRUSTED_PROXIES": "lots"}
        )


@pytest.mark.parametrize(
    "target",
    [
        "/\r\nSet-Cookie: x=1",
        "/%0d%0a",
        "\r\n",
        "/provider/\r\n",
        "//evil.example/x",
        "/\\evil.example",
        "https://evil.example/",
        "/no-such-page",
        "/provider/\u00e9",
        " /provider/",
    ],
)
def test_next_only_follows_plain_local_pages(tmp_path: Path, target: str) -> None:
    """Failed on the old code: CR/LF in next= gave a 500, and the sign-in's audit row was lost."""
    app = make_app(tmp_path, WTF_CSRF_ENABLED=False)
    add_users(app)
    client = app.test_client()
    result = client.post(
        "/auth/sign-in",
        query_string={"next": target},
        data={"email": "quality_lead@demo.example", "password": PASSWORD},
    )
    assert result.status_code == 302 and result.headers["Location"] == "/provider/"
    assert client.get("/provider/").status_code == 200
    with app.app_context():
        assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.sign_in")).one()


def test_next_still_follows_a_page_of_this_site(tmp_path: Path) -> None:
    app = make_app(tmp_path, WTF_CSRF_ENABLED=False)
    add_users(app)
    result = app.test_client().post(
        "/auth/sign-in",
        query_string={"next": "/visits/reports?year=2025"},
        data={"email": "quality_lead@demo.example", "password": PASSWORD},
    )
    assert result.status_code == 302 and result.headers["Location"] == "/visits/reports?year=2025"
