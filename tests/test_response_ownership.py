"""A response belongs to the browser session that started it (issue 9, item 1).

The id a tablet sends with the consent form must never find somebody else's response: not an
Expert by Experience's observation checklist (whose id has a guessable form), not another
respondent's, not one at another organisation's service.
"""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from helpers.app import add_users, service_code, submission_id
from helpers.world import open_visit, signed_in
from sqlalchemy import select

from app.db import db
from app.models import Answer, Response


def _token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def _to_consent(client: FlaskClient, code: str) -> str:
    """Walk a fresh tablet from its start link to the consent page; return that page."""
    client.get(f"/at/{code}")
    assert client.get("/begin/your-support").status_code == 302
    page = client.get("/settings").get_data(as_text=True)
    settings = {
        "csrf_token": _token(page),
        "who": "self",
        "text": "normal",
        "pictures": "on",
        "contrast": "off",
        "read_aloud": "on",
        "autoplay": "off",
        "locale": "en_GB",
    }
    assert client.post("/settings", data=settings).status_code == 302
    return client.get("/consent").get_data(as_text=True)


def _consent(client: FlaskClient, page: str, client_id: str) -> object:
    return client.post(
        "/consent", data={"csrf_token": _token(page), "submission_id": client_id, "action": "yes"}
    )


def _observation_checklist(app: Flask) -> tuple[int, str]:
    """An expert opens a visit at Oak House and notes one observation; the checklist's id."""
    add_users(app)
    expert = signed_in(app, "expert@demo.example")
    visit_id = open_visit(app, expert)
    url = f"/visits/{visit_id}/observations/1"
    page = expert.get(url).get_data(as_text=True)
    noted = expert.post(
        url,
        data={
            "csrf_token": _token(page),
            "submission_id": submission_id(page),
            "question": "friendly",
            "answer": "happy",
            "note": "The kitchen was warm and tidy.",
        },
    )
    assert noted.status_code == 302
    with app.app_context():
        checklist = db.session.scalars(
            select(Response).where(Response.visit_id == visit_id, Response.respondent_role == "expert")
        ).one()
        return checklist.id, checklist.client_id


def _answers(app: Flask, response_id: int) -> list[tuple[str, str, str | None, str | None]]:
    with app.app_context():
        rows = db.session.scalars(
            select(Answer).where(Answer.response_id == response_id).order_by(Answer.question_key)
        )
        return [(a.question_key, a.kind.value, a.text, a.note) for a in rows]


def test_an_anonymous_tablet_cannot_take_over_an_experts_checklist(app: Flask) -> None:
    checklist_id, checklist_client_id = _observation_checklist(app)
    before = _answers(app, checklist_id)
    assert before and before[0][3] == "The kitchen was warm and tidy."

    attacker = app.test_client()  # another organisation's tablet link
    page = _to_consent(attacker, "elmcourt")
    result = _consent(attacker, page, checklist_client_id)
    assert result.status_code == 400
    question = attacker.get("/q/1")
    assert question.status_code == 302  # no response in this session: back to the start
    assert "warm and tidy" not in attacker.get("/q/1", follow_redirects=True).get_data(as_text=True)
    assert _answers(app, checklist_id) == before
    with app.app_context():
        assert db.session.get(Response, checklist_id).is_open


def test_a_tablet_cannot_join_another_respondents_response(app: Flask) -> None:
    code = service_code(app)
    first = app.test_client()
    page = _to_consent(first, code)
    first_id = submission_id(page)
    assert _consent(first, page, first_id).headers["Location"].endswith("/q/1")

    second = app.test_client()
    page = _to_consent(second, code)
    assert _consent(second, page, first_id).status_code == 400
    with app.app_context():
        assert db.session.scalars(select(Response)).all()[0].client_id == first_id
        assert len(db.session.scalars(select(Response)).all()) == 1


def test_the_same_consent_form_sent_twice_starts_one_response(app: Flask) -> None:
    tablet = app.test_client()
    page = _to_consent(tablet, service_code(app))
    own_id = submission_id(page)
    assert _consent(tablet, page, own_id).headers["Location"].endswith("/q/1")
    assert _consent(tablet, page, own_id).headers["Location"].endswith("/q/1")
    with app.app_context():
        assert len(db.session.scalars(select(Response)).all()) == 1
