"""Errors that help (issue 10, item 9): a page sent after its session token was lost or expired
says "This page was open too long" and offers the start, and "Go on where you were" when the
tablet still holds the open response; a staff 403 leads to the staff member's own home."""

from __future__ import annotations

import re

from flask import Flask
from helpers.app import add_users, csrf_token, service_code, sign_in_as, submission_id
from sqlalchemy import select

from app.db import db
from app.models import Answer

TOO_LONG = "This page was open too long."


def links(html: str) -> list[str]:
    return re.findall(r'<a class="button[^"]*" href="([^"]+)"', html)


def started(client, app: Flask) -> str:  # type: ignore[no-untyped-def]
    client.get(f"/at/{service_code(app)}")
    client.get("/begin/your-support")
    page = client.get("/settings").get_data(as_text=True)
    client.post("/settings", data={"action": "no", "csrf_token": csrf_token(page)})
    page = client.get("/consent").get_data(as_text=True)
    client.post(
        "/consent",
        data={"submission_id": submission_id(page), "action": "yes", "csrf_token": csrf_token(page)},
    )
    return client.get("/q/1").get_data(as_text=True)


def test_an_expired_page_with_the_response_still_here_offers_to_go_on(app: Flask) -> None:
    client = app.test_client()
    page = started(client, app)
    app.config["WTF_CSRF_TIME_LIMIT"] = -1  # the page was open too long
    result = client.post(
        "/q/1",
        data={
            "submission_id": submission_id(page),
            "question": "listened",
            "answer": "happy",
            "csrf_token": csrf_token(page),
        },
    )
    html = result.get_data(as_text=True)
    assert result.status_code == 400 and TOO_LONG in html
    assert "Go on where you were" in html
    assert links(html) == ["/q/1", "/"]
    with app.app_context():
        assert db.session.scalars(select(Answer)).all() == []


def test_a_lost_session_says_open_too_long_and_offers_only_the_start(app: Flask) -> None:
    client = app.test_client()
    page = started(client, app)
    client.delete_cookie("session")  # the tablet lost the session cookie
    result = client.post(
        "/q/1",
        data={
            "submission_id": submission_id(page),
            "question": "listened",
            "answer": "happy",
            "csrf_token": csrf_token(page),
        },
    )
    html = result.get_data(as_text=True)
    assert result.status_code == 400 and TOO_LONG in html
    assert "Go on where you were" not in html
    assert links(html) == ["/"] and "Go to the start" in html


def test_a_staff_403_leads_to_the_staff_home_not_the_respondent_start(app: Flask) -> None:
    emails = add_users(app)
    client = app.test_client()
    sign_in_as(client, emails["viewer"])
    result = client.get("/admin/users")
    html = result.get_data(as_text=True)
    assert result.status_code == 403 and "You cannot open this page." in html
    assert links(html) == ["/provider/"] and "Go to your home page" in html
    assert "Go to the start" not in html
    expert = app.test_client()
    sign_in_as(expert, emails["expert"])
    html = expert.get("/admin/users").get_data(as_text=True)
    assert links(html) == ["/visits/"]


def test_a_respondent_error_still_leads_to_the_start(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/no-such-page").get_data(as_text=True)
    assert links(html) == ["/"] and "Go to the start" in html
