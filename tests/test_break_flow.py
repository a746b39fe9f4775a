"""Have a break (issue 10, item 5): Stop offers a break that keeps the response open; the same
link on the same tablet within the quiet time offers "Go on where you were", back to the same
question; after the quiet time the response is closed as stopped and nothing is shown."""

from __future__ import annotations

import time

from flask import Flask
from flask.testing import FlaskClient
from helpers.app import service_code, submission_id
from helpers.journey import answer, questions, stored
from sqlalchemy import select

from app.db import db
from app.models import Response

GO_ON = "Go on where you were"


def started(client: FlaskClient, app: Flask) -> None:
    client.get(f"/at/{service_code(app)}")
    client.get("/begin/your-support")
    client.post("/settings", data={"action": "no"})
    page = client.get("/consent").get_data(as_text=True)
    client.post("/consent", data={"submission_id": submission_id(page), "action": "yes"})


def take_a_break(client: FlaskClient, app: Flask) -> dict:
    started(client, app)
    qs = questions(app)
    answer(client, 1, qs[0].id, answer="happy")
    answer(client, 2, qs[1].id, answer=qs[1].choices[0].value)
    html = client.get("/stop?from=3").get_data(as_text=True)
    assert "Have a break" in html and 'value="break"' in html
    result = client.post("/stop?from=3", data={"submission_id": submission_id(html), "action": "break"})
    assert result.headers["Location"] == "/"
    return stored(app)


def status(app: Flask) -> str:
    with app.app_context():
        return db.session.scalars(select(Response)).one().status


def test_a_break_keeps_the_response_open_and_the_same_link_goes_on_at_the_same_question(
    no_csrf_app: Flask,
) -> None:
    client = no_csrf_app.test_client()
    before = take_a_break(client, no_csrf_app)
    assert status(no_csrf_app) == "in_progress"
    # Later, the same start link on the same tablet (the same browser session).
    client.get(f"/at/{service_code(no_csrf_app)}")
    html = client.get("/").get_data(as_text=True)
    assert GO_ON in html and 'href="/go-on"' in html
    assert client.get("/go-on").headers["Location"] == "/q/3"
    html = client.get("/q/3").get_data(as_text=True)
    assert questions(no_csrf_app)[2].text in html
    assert stored(no_csrf_app) == before and status(no_csrf_app) == "in_progress"
    assert GO_ON not in client.get("/").get_data(as_text=True)  # offered once: the break is over


def test_after_the_quiet_time_the_break_is_closed_as_stopped_and_nothing_is_shown(no_csrf_app: Flask) -> None:
    client = no_csrf_app.test_client()
    take_a_break(client, no_csrf_app)
    with client.session_transaction() as session:
        session["ev_seen"] = time.time() - (no_csrf_app.config["QUIET_MINUTES"] + 1) * 60
    client.get(f"/at/{service_code(no_csrf_app)}")
    html = client.get("/").get_data(as_text=True)
    assert GO_ON not in html and "Choose your questions" in html
    assert status(no_csrf_app) == "stopped"
    assert client.get("/go-on").headers["Location"] == "/"
    assert client.get("/q/3").headers["Location"] == "/"


def test_another_tablet_or_a_new_start_does_not_go_on(no_csrf_app: Flask) -> None:
    client = no_csrf_app.test_client()
    take_a_break(client, no_csrf_app)
    other = no_csrf_app.test_client()
    other.get(f"/at/{service_code(no_csrf_app)}")
    assert GO_ON not in other.get("/").get_data(as_text=True)
    assert other.get("/go-on").headers["Location"] == "/"
    # A new person starting on the first tablet ends the break (kept as stopped).
    client.get("/begin/your-support")
    assert status(no_csrf_app) == "stopped"
    assert GO_ON not in client.get("/").get_data(as_text=True)
