"""A respondent's journey through the test client: begin, answer, and what was stored."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.db import db
from app.models import Answer, Response
from helpers.app import service_code, submission_id


def begin(client: FlaskClient, app: Flask, slug: str = "your-support", **prefs: str) -> None:
    client.get(f"/at/{service_code(app)}")
    assert client.get(f"/begin/{slug}").status_code == 302
    settings = {
        "who": "self",
        "text": "normal",
        "pictures": "on",
        "contrast": "off",
        "read_aloud": "on",
        "autoplay": "off",
        "locale": "en_GB",
        **prefs,
    }
    assert client.post("/settings", data=settings).status_code == 302
    page = client.get("/consent").get_data(as_text=True)
    response = client.post("/consent", data={"submission_id": submission_id(page), "action": "yes"})
    assert response.headers["Location"].endswith("/q/1")


def answer(client: FlaskClient, number: int, question: str, **fields: object) -> object:
    page = client.get(f"/q/{number}").get_data(as_text=True)
    data = {"submission_id": submission_id(page), "question": question, **fields}
    return client.post(f"/q/{number}", data=data)


def questions(app: Flask, slug: str = "your-support") -> list:
    return list(app.extensions["easyvoice.surveys"].questionnaires[slug].questions)


def stored(app: Flask) -> dict[str, Answer]:
    with app.app_context():
        rows = db.session.scalars(select(Answer)).all()
        return {a.question_key: (a.kind, sorted(a.values), a.text) for a in rows}


def the_response(app: Flask) -> Response:
    with app.app_context():
        return db.session.scalars(select(Response)).one()


def journey_with(
    app: Flask,
    safe_answer: str,
    closing_text: str = "",
    *,
    free_text: str = "I like the garden",
    room: list[str] | None = None,
    stop_before_room: bool = False,
) -> None:
    """Answer your-support: "safe_home" as given, everything else happy/yes; then the closing steps.

    ``room``: who else was in the room ([] = nobody); ``stop_before_room``: stop after "who helped"."""
    client = app.test_client()
    begin(client, app)
    for number, q in enumerate(questions(app), start=1):
        if q.id == "safe_home":
            fields = {"answer": safe_answer}
        elif q.type == "free_text":
            fields = {"text": free_text, "action": "answer"}
        elif q.multiple:
            fields = {"answer": [q.choices[0].value], "action": "answer"}
        else:
            fields = {"answer": q.choices[0].value}
        assert answer(client, number, q.id, **fields).status_code == 302
    room_data = (
        {"action": "nobody"}
        if room == []
        else {"people": room if room is not None else ["staff"], "action": "answer"}
    )
    for step, data in (
        ("helped", {"action": "nobody"}),
        ("room", room_data),
        ("anything_else", {"text": closing_text, "action": "answer"}),
    ):
        if step == "room" and stop_before_room:
            page = client.get("/stop").get_data(as_text=True)
            client.post("/stop", data={"submission_id": submission_id(page), "action": "yes"})
            return
        page = client.get(f"/end/{step}").get_data(as_text=True)
        sent = client.post(f"/end/{step}", data={"submission_id": submission_id(page), **data})
        assert sent.status_code in (200, 302)
