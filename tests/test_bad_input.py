"""Bad input gets a friendly easy-read page with the right status, and nothing stored changes."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from helpers.app import csrf_token, service_code, submission_id
from helpers.journey import answer, begin, questions, stored
from sqlalchemy import select

from app.db import db
from app.models import Answer


def assert_friendly(result: object, status: int, home: str = "Go to the start") -> None:
    """An easy-read error page; its button leads a respondent to the start, staff to their home."""
    html = result.get_data(as_text=True)
    assert result.status_code == status
    assert "Something went wrong" in html and "Traceback" not in html
    assert home in html and '<html lang="en-GB"' in html


def test_unknown_option_value_is_refused(no_csrf_app: Flask) -> None:
    client = no_csrf_app.test_client()
    begin(client, no_csrf_app)
    first = questions(no_csrf_app)[0]
    answer(client, 1, first.id, answer="happy")
    assert_friendly(answer(client, 1, first.id, answer="delighted"), 400)
    assert stored(no_csrf_app)[first.id][1] == ["happy"]  # unchanged


def test_two_answers_to_a_choose_one_question_are_refused(no_csrf_app: Flask) -> None:
    client = no_csrf_app.test_client()
    begin(client, no_csrf_app)
    first = questions(no_csrf_app)[0]
    assert_friendly(answer(client, 1, first.id, answer=["happy", "sad"]), 400)
    assert stored(no_csrf_app) == {}


def test_tampered_question_id_is_refused(no_csrf_app: Flask) -> None:
    client = no_csrf_app.test_client()
    begin(client, no_csrf_app)
    second = questions(no_csrf_app)[1]
    assert_friendly(answer(client, 1, second.id, answer="happy"), 400)
    assert_friendly(answer(client, 1, "no_such_question", answer="happy"), 400)
    assert stored(no_csrf_app) == {}


def test_unknown_question_number_is_not_found(no_csrf_app: Flask) -> None:
    client = no_csrf_app.test_client()
    begin(client, no_csrf_app)
    assert_friendly(client.get("/q/999"), 404)
    assert_friendly(client.get("/q/0"), 404)
    assert_friendly(client.get("/end/nowhere"), 404)


def test_missing_csrf_token_is_refused(app: Flask) -> None:
    client = app.test_client()
    client.get(f"/at/{service_code(app)}")
    client.get("/begin/your-support")
    page = client.get("/consent").get_data(as_text=True)
    assert_friendly(
        client.post("/consent", data={"submission_id": submission_id(page), "action": "yes"}), 400
    )
    ok = client.post(
        "/consent",
        data={"submission_id": submission_id(page), "action": "yes", "csrf_token": csrf_token(page)},
    )
    assert ok.status_code == 302
    page = client.get("/q/1").get_data(as_text=True)
    first = questions(app)[0]
    result = client.post(
        "/q/1", data={"submission_id": submission_id(page), "question": first.id, "answer": "happy"}
    )
    assert_friendly(result, 400)
    with app.app_context():
        assert db.session.scalars(select(Answer)).all() == []


def test_unknown_questionnaire_and_service(client: FlaskClient, app: Flask) -> None:
    assert_friendly(client.get("/at/not-a-code"), 404)
    client.get(f"/at/{service_code(app)}")
    assert_friendly(client.get("/begin/no-such-survey"), 404)
    assert_friendly(client.get("/symbols/svg/no_such_symbol.svg"), 404)
    assert_friendly(client.get("/symbols/svg/..%2f..%2fsetup.cfg.svg"), 404)
    assert_friendly(client.get("/audio/../../setup.cfg"), 404)
    assert_friendly(client.get("/audio/" + "0" * 24 + ".ogg"), 404)


def test_tampered_settings_are_refused(no_csrf_app: Flask) -> None:
    client = no_csrf_app.test_client()
    client.get(f"/at/{service_code(no_csrf_app)}")
    client.get("/begin/your-support")
    base = {
        "who": "self",
        "text": "normal",
        "pictures": "on",
        "contrast": "off",
        "read_aloud": "on",
        "autoplay": "off",
        "locale": "en_GB",
    }
    for field, bad in [("text", "enormous"), ("who", "robot"), ("locale", "xx_YY")]:
        assert_friendly(client.post("/settings", data={**base, field: bad}), 400)
    assert client.post("/settings", data=base).status_code == 302


def test_oversized_post_is_refused(no_csrf_app: Flask) -> None:
    client = no_csrf_app.test_client()
    begin(client, no_csrf_app)
    free = next(q for q in questions(no_csrf_app) if q.type == "free_text")
    number = questions(no_csrf_app).index(free) + 1
    assert_friendly(answer(client, number, free.id, text="x" * (3 * 1024 * 1024)), 413)
    assert_friendly(answer(client, number, free.id, text="x" * (free.max_length + 1)), 400)
    assert free.id not in stored(no_csrf_app)


def test_wrong_method_is_friendly(client: FlaskClient) -> None:
    assert_friendly(client.post("/thank-you"), 405)


def test_closed_response_cannot_be_answered_by_replaying_its_cookie(no_csrf_app: Flask) -> None:
    client = no_csrf_app.test_client()
    begin(client, no_csrf_app)
    first = questions(no_csrf_app)[0]
    answer(client, 1, first.id, answer="sad")
    with client.session_transaction() as session:
        saved = dict(session)
    page = client.get("/stop").get_data(as_text=True)
    client.post("/stop", data={"submission_id": submission_id(page), "action": "stop"})
    with client.session_transaction() as session:
        session.update(saved)  # an old cookie, replayed
    result = client.post("/q/1", data={"submission_id": "y" * 32, "question": first.id, "answer": "happy"})
    assert result.status_code == 302
    assert stored(no_csrf_app)[first.id][1] == ["sad"]


def test_numbers_past_what_the_database_holds_are_bad_input(tmp_path) -> None:
    """On PostgreSQL an id past 2**31 used to reach the database and fail there (found by fuzzing)."""
    from helpers.app import add_users, make_app, sign_in_as

    app = make_app(tmp_path, WTF_CSRF_ENABLED=False)
    add_users(app)
    client = app.test_client()
    sign_in_as(client, "admin@demo.example")
    result = client.post("/admin/services", data={"name": "X", "organisation_id": str(2**31)})
    assert_friendly(result, 400, home="Go to your home page")
    assert_friendly(client.get(f"/visits/{2**31}"), 404, home="Go to your home page")
    # SQLite holds 2**40 (no events match: 200); PostgreSQL's integer cannot (a friendly 400).
    result = client.get(f"/admin/audit?user_id={2**40}")
    assert result.status_code in (200, 400) and "Traceback" not in result.get_data(as_text=True)
