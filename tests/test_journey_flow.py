"""The respondent journey through the test client: what a person does, and what is stored."""

from __future__ import annotations

from flask import Flask
from helpers.app import service_code, submission_id
from helpers.journey import answer, begin, questions, stored, the_response
from sqlalchemy import func, select

from app.db import db
from app.models import Answer, AnswerKind, Response


def test_whole_questionnaire_is_stored_as_given(no_csrf_app: Flask) -> None:
    client = no_csrf_app.test_client()
    begin(client, no_csrf_app, who="family")
    expected = {}
    for number, q in enumerate(questions(no_csrf_app), start=1):
        if q.type == "free_text":
            fields = {"text": "More trips out", "action": "answer"}
            want = (AnswerKind.TEXT, [], "More trips out")
        elif q.multiple:
            values = [o.value for o in q.choices[:2]]
            fields, want = {"answer": values, "action": "answer"}, (AnswerKind.OPTION, sorted(values), None)
        else:
            value = q.choices[-1].value
            fields, want = {"answer": value}, (AnswerKind.OPTION, [value], None)
        result = answer(client, number, q.id, **fields)
        assert result.status_code == 302
        expected[q.id] = want
    assert result.headers["Location"].endswith("/end/helped")
    page = client.get("/end/helped").get_data(as_text=True)
    client.post(
        "/end/helped",
        data={"submission_id": submission_id(page), "people": ["staff", "family"], "action": "answer"},
    )
    page = client.get("/end/room").get_data(as_text=True)
    client.post("/end/room", data={"submission_id": submission_id(page), "action": "nobody"})
    page = client.get("/end/anything_else").get_data(as_text=True)
    done = client.post(
        "/end/anything_else",
        data={"submission_id": submission_id(page), "text": "I like the garden", "action": "answer"},
    )
    assert done.headers["Location"].endswith("/thank-you")
    expected["_anything_else"] = (AnswerKind.TEXT, [], "I like the garden")
    assert stored(no_csrf_app) == expected
    response = the_response(no_csrf_app)
    assert (response.status, response.answered_by, response.respondent_role) == (
        "finished",
        "family",
        "person_supported",
    )
    assert (response.helped_by, response.others_present) == ("family,staff", "")
    assert response.finished_at is not None and response.consent


def test_skip_dont_know_dont_want_to_say_are_kept_apart(no_csrf_app: Flask) -> None:
    client = no_csrf_app.test_client()
    begin(client, no_csrf_app)
    qs = questions(no_csrf_app)
    answer(client, 1, qs[0].id, action="skip")
    answer(client, 2, qs[1].id, action="dont_know")
    answer(client, 3, qs[2].id, action="dont_want_to_say")
    answer(client, 4, qs[3].id)  # sent with nothing chosen: a skip, not an answer
    got = stored(no_csrf_app)
    assert [got[q.id][0] for q in qs[:4]] == [
        AnswerKind.SKIPPED,
        AnswerKind.DONT_KNOW,
        AnswerKind.DONT_WANT_TO_SAY,
        AnswerKind.SKIPPED,
    ]


def test_back_shows_and_changes_an_earlier_answer(no_csrf_app: Flask) -> None:
    client = no_csrf_app.test_client()
    begin(client, no_csrf_app)
    first = questions(no_csrf_app)[0]
    answer(client, 1, first.id, answer="happy")
    page = client.get("/q/1").get_data(as_text=True)
    assert 'value="happy" class="card chosen"' in page and 'aria-pressed="true"' in page
    answer(client, 1, first.id, answer="sad")
    assert stored(no_csrf_app)[first.id] == (AnswerKind.OPTION, ["sad"], None)
    page = client.get("/q/1").get_data(as_text=True)
    assert 'value="sad" class="card chosen"' in page and 'value="happy" class="card chosen"' not in page


def test_same_submission_sent_twice_stores_one_answer(no_csrf_app: Flask) -> None:
    client = no_csrf_app.test_client()
    begin(client, no_csrf_app)
    first = questions(no_csrf_app)[0]
    page = client.get("/q/1").get_data(as_text=True)
    data = {"submission_id": submission_id(page), "question": first.id, "answer": "ok"}
    assert client.post("/q/1", data=data).status_code == 302
    assert client.post("/q/1", data=data).status_code == 302  # the tablet resends after a drop
    with no_csrf_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Answer)) == 1


def test_resume_after_a_dropped_connection(no_csrf_app: Flask) -> None:
    """The tablet's session keeps the response: the next page picks up where it stopped."""
    client = no_csrf_app.test_client()
    begin(client, no_csrf_app)
    qs = questions(no_csrf_app)
    answer(client, 1, qs[0].id, answer="happy")
    answer(client, 2, qs[1].id, answer=qs[1].choices[0].value)
    # ... the connection drops; later the same tablet opens question 3 again.
    assert client.get("/q/3").status_code == 200
    assert client.get("/q/2").get_data(as_text=True).count('aria-pressed="true"') == 1
    assert len(stored(no_csrf_app)) == 2


def test_start_form_sent_twice_starts_one_response(no_csrf_app: Flask) -> None:
    client = no_csrf_app.test_client()
    client.get(f"/at/{service_code(no_csrf_app)}")
    client.get("/begin/working-here")
    page = client.get("/consent").get_data(as_text=True)
    data = {"submission_id": submission_id(page), "action": "yes"}
    client.post("/consent", data=data)
    client.post("/consent", data=data)
    with no_csrf_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 1


def test_stop_midway_keeps_what_was_given(no_csrf_app: Flask) -> None:
    client = no_csrf_app.test_client()
    begin(client, no_csrf_app)
    qs = questions(no_csrf_app)
    answer(client, 1, qs[0].id, answer="happy")
    page = client.get("/stop?from=2").get_data(as_text=True)
    result = client.post("/stop", data={"submission_id": submission_id(page), "action": "stop"})
    assert result.headers["Location"].endswith("/thank-you")
    response = the_response(no_csrf_app)
    assert response.status == "stopped" and response.finished_at is not None
    assert list(stored(no_csrf_app)) == [qs[0].id]


def test_next_person_cannot_see_or_change_previous_answers(no_csrf_app: Flask) -> None:
    client = no_csrf_app.test_client()
    begin(client, no_csrf_app)
    first = questions(no_csrf_app)[0]
    answer(client, 1, first.id, answer="sad")
    page = client.get("/stop").get_data(as_text=True)
    client.post("/stop", data={"submission_id": submission_id(page), "action": "stop"})
    # The next person on the same tablet:
    result = client.get("/q/1")
    assert result.status_code == 302 and result.headers["Location"].endswith("/")
    result = client.post("/q/1", data={"submission_id": "x" * 32, "question": first.id, "answer": "happy"})
    assert result.status_code == 302
    assert stored(no_csrf_app)[first.id] == (AnswerKind.OPTION, ["sad"], None)
    assert client.get("/").status_code == 200  # and they can start their own


def test_no_thanks_stores_nothing(no_csrf_app: Flask) -> None:
    client = no_csrf_app.test_client()
    client.get(f"/at/{service_code(no_csrf_app)}")
    client.get("/begin/your-support")
    page = client.get("/consent").get_data(as_text=True)
    result = client.post("/consent", data={"submission_id": submission_id(page), "action": "no"})
    assert result.headers["Location"].endswith("/no-thanks")
    with no_csrf_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 0


def test_answer_points_at_the_version_that_was_asked(no_csrf_app: Flask) -> None:
    client = no_csrf_app.test_client()
    begin(client, no_csrf_app)
    questionnaire = no_csrf_app.extensions["easyvoice.surveys"].questionnaires["your-support"]
    response = the_response(no_csrf_app)
    with no_csrf_app.app_context():
        response = db.session.get(Response, response.id)
        assert response.version.content_hash == questionnaire.content_hash
        assert response.version.definition == questionnaire.definition


def test_no_go_on_returns_to_the_page_the_person_came_from(no_csrf_app: Flask) -> None:
    client = no_csrf_app.test_client()
    begin(client, no_csrf_app)
    assert 'href="/q/4"' in client.get("/stop?from=4").get_data(as_text=True)
    assert 'href="/end/room"' in client.get("/stop?from=room").get_data(as_text=True)
    assert 'href="/end/helped"' in client.get("/stop?from=nowhere").get_data(as_text=True)
    assert "from=anything_else" in client.get("/end/anything_else").get_data(as_text=True)


def test_free_text_line_breaks_are_stored_as_typed(no_csrf_app: Flask) -> None:
    client = no_csrf_app.test_client()
    begin(client, no_csrf_app)
    free = next(q for q in questions(no_csrf_app) if q.type == "free_text")
    number = questions(no_csrf_app).index(free) + 1
    answer(client, number, free.id, text="line one\r\nline two", action="answer")
    assert stored(no_csrf_app)[free.id][2] == "line one\nline two"
