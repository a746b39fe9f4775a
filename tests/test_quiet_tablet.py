"""A walked-away tablet (issue 9, item 7): after a quiet spell the next touch shows "Are you still
there?"; "No, start again" or no answer closes the response as stopped; the next person sees
nothing of the previous person's answers, and nothing given is lost.

Time passes by moving the session's clock back (the tablet's own session cookie holds when the
person's last request came, and when the question was asked), exactly as a real wait would leave it.
"""

from __future__ import annotations

import time

from flask import Flask
from flask.testing import FlaskClient
from helpers.app import submission_id
from helpers.journey import answer, begin, questions, stored
from helpers.visit_steps import hand_over, open_visit_for, token_in
from sqlalchemy import select

from app.db import db
from app.models import AnswerKind, Response

STILL_THERE = "Are you still there?"
WORDS = "My keyworker takes my money"
FREE_TEXT = 21  # "better": the free-text question of your-support


def walked_away_answers(client: FlaskClient, app: Flask) -> None:
    """Question 1 answered "sad", and the free-text question filled in."""
    begin(client, app)
    qs = questions(app)
    assert answer(client, 1, qs[0].id, answer="sad").status_code == 302
    assert qs[FREE_TEXT - 1].type == "free_text"
    assert answer(client, FREE_TEXT, qs[FREE_TEXT - 1].id, text=WORDS, action="answer").status_code == 302


def wait(client: FlaskClient, minutes: float, key: str = "ev_seen") -> None:
    """Nobody touched the tablet for ``minutes`` (since the last request, or since asked)."""
    with client.session_transaction() as session:
        session[key] = time.time() - minutes * 60


def assert_shows_nothing_of(html: str) -> None:
    assert WORDS not in html
    assert 'aria-pressed="true"' not in html and "You chose this" not in html


def responses(app: Flask) -> list[Response]:
    with app.app_context():
        return list(db.session.scalars(select(Response).order_by(Response.id)))


def kept(app: Flask) -> None:
    """Nothing given is lost: both answers are stored as they were given."""
    answers = stored(app)
    assert answers[questions(app)[0].id] == (AnswerKind.OPTION, ["sad"], None)
    assert answers[questions(app)[FREE_TEXT - 1].id] == (AnswerKind.TEXT, [], WORDS)


def test_a_touch_after_a_quiet_spell_asks_are_you_still_there(no_csrf_app: Flask) -> None:
    client = no_csrf_app.test_client()
    walked_away_answers(client, no_csrf_app)
    wait(client, 9)  # less than the 10 minutes: the page is shown as usual
    assert STILL_THERE not in client.get("/q/1").get_data(as_text=True)
    wait(client, 11)
    for url in ("/q/1", f"/q/{FREE_TEXT}", "/end/anything_else"):
        page = client.get(url)
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and STILL_THERE in html, url
        assert "Yes, I am still here" in html and "No, start again" in html
        assert_shows_nothing_of(html)
    # when nobody answers, the page asks again just after the time is up (no script needed)
    assert page.headers["Refresh"].startswith("122; url=/stop?from=anything_else")


def test_yes_i_am_still_here_goes_back_to_the_same_page_and_answers(no_csrf_app: Flask) -> None:
    client = no_csrf_app.test_client()
    walked_away_answers(client, no_csrf_app)
    wait(client, 11)
    page = client.get("/q/1").get_data(as_text=True)
    result = client.post("/stop?from=1", data={"submission_id": submission_id(page), "action": "still_here"})
    assert result.headers["Location"].endswith("/q/1")
    back = client.get("/q/1").get_data(as_text=True)
    assert STILL_THERE not in back and 'aria-pressed="true"' in back  # their own answer, again
    assert responses(no_csrf_app)[0].status == "in_progress"


def test_no_start_again_closes_as_stopped_and_keeps_the_answers(no_csrf_app: Flask) -> None:
    client = no_csrf_app.test_client()
    walked_away_answers(client, no_csrf_app)
    wait(client, 11)
    page = client.get("/q/2").get_data(as_text=True)
    result = client.post("/stop?from=2", data={"submission_id": submission_id(page), "action": "start_again"})
    assert result.status_code == 302 and result.headers["Location"].endswith("/")
    (response,) = responses(no_csrf_app)
    assert response.status == "stopped" and response.finished_at is not None
    kept(no_csrf_app)
    # the next person: nothing of the previous person's answers
    assert client.get("/q/1").headers["Location"].endswith("/")
    start = client.get("/").get_data(as_text=True)
    assert "/begin/your-support" in start
    begin(client, no_csrf_app)
    assert_shows_nothing_of(client.get("/q/1").get_data(as_text=True))
    assert_shows_nothing_of(client.get(f"/q/{FREE_TEXT}").get_data(as_text=True))
    assert [r.status for r in responses(no_csrf_app)] == ["stopped", "in_progress"]


def test_nobody_answers_the_response_closes_and_the_next_page_shows_nothing(no_csrf_app: Flask) -> None:
    client = no_csrf_app.test_client()
    walked_away_answers(client, no_csrf_app)
    wait(client, 11)
    assert STILL_THERE in client.get(f"/q/{FREE_TEXT}").get_data(as_text=True)
    wait(client, 2.5, key="ev_asked")
    # the page's own refresh (or any touch) after the time is up
    gone = client.get(f"/stop?from={FREE_TEXT}")
    assert gone.status_code == 302 and gone.headers["Location"].endswith("/")
    (response,) = responses(no_csrf_app)
    assert response.status == "stopped"
    kept(no_csrf_app)
    for url in (f"/q/{FREE_TEXT}", "/q/1", "/end/anything_else"):
        assert client.get(url).headers["Location"].endswith("/"), url
    assert_shows_nothing_of(client.get("/", follow_redirects=True).get_data(as_text=True))


def test_a_late_yes_does_not_open_the_previous_answers(no_csrf_app: Flask) -> None:
    """The still-there page stayed up (a tablet asleep); the next person taps Yes an hour later."""
    client = no_csrf_app.test_client()
    walked_away_answers(client, no_csrf_app)
    wait(client, 11)
    page = client.get(f"/q/{FREE_TEXT}").get_data(as_text=True)
    wait(client, 60, key="ev_asked")
    result = client.post(
        f"/stop?from={FREE_TEXT}", data={"submission_id": submission_id(page), "action": "still_here"}
    )
    assert result.headers["Location"].endswith("/")
    assert responses(no_csrf_app)[0].status == "stopped"
    assert client.get(f"/q/{FREE_TEXT}").headers["Location"].endswith("/")
    kept(no_csrf_app)


def test_an_answer_sent_after_a_quiet_spell_is_not_added_to_the_previous_response(no_csrf_app: Flask) -> None:
    client = no_csrf_app.test_client()
    walked_away_answers(client, no_csrf_app)
    qs = questions(no_csrf_app)
    page = client.get("/q/2").get_data(as_text=True)
    wait(client, 11)
    result = client.post(
        "/q/2", data={"submission_id": submission_id(page), "question": qs[1].id, "answer": "me"}
    )
    assert result.status_code == 200 and STILL_THERE in result.get_data(as_text=True)
    assert qs[1].id not in stored(no_csrf_app)


def test_the_quiet_time_is_a_setting(tmp_path) -> None:
    from helpers.app import make_app

    app = make_app(tmp_path, WTF_CSRF_ENABLED=False, QUIET_MINUTES=2)
    client = app.test_client()
    walked_away_answers(client, app)
    wait(client, 3)
    assert STILL_THERE in client.get("/q/1").get_data(as_text=True)


def test_an_experts_visit_waits_longer_and_start_again_is_a_new_person_there(app: Flask) -> None:
    client, visit_id = open_visit_for(app)
    hand_over(client, visit_id)
    assert client.get("/begin/your-support").status_code == 302
    page = client.get("/settings").get_data(as_text=True)
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
            "csrf_token": token_in(page),
        },
    )
    page = client.get("/consent").get_data(as_text=True)
    client.post(
        "/consent", data={"submission_id": submission_id(page), "action": "yes", "csrf_token": token_in(page)}
    )
    qs = questions(app)
    page = client.get("/q/1").get_data(as_text=True)
    client.post(
        "/q/1",
        data={
            "submission_id": submission_id(page),
            "question": qs[0].id,
            "answer": "sad",
            "csrf_token": token_in(page),
        },
    )
    wait(client, 20)  # past the tablet's 10 minutes, within the visit's 30
    assert STILL_THERE not in client.get("/q/2").get_data(as_text=True)
    wait(client, 31)
    page = client.get("/q/2").get_data(as_text=True)
    assert STILL_THERE in page
    result = client.post(
        "/stop?from=2",
        data={"submission_id": submission_id(page), "action": "start_again", "csrf_token": token_in(page)},
    )
    assert result.headers["Location"] == "/begin/your-support"  # the same handover, a new person
    (response,) = responses(app)
    assert response.status == "stopped" and response.visit_id == visit_id
    assert stored(app)[qs[0].id] == (AnswerKind.OPTION, ["sad"], None)


def test_a_walked_away_tablet_on_a_visit_goes_back_to_the_expert(app: Flask) -> None:
    client, visit_id = open_visit_for(app)
    hand_over(client, visit_id)
    client.get("/begin/your-support")
    page = client.get("/settings").get_data(as_text=True)
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
            "csrf_token": token_in(page),
        },
    )
    page = client.get("/consent").get_data(as_text=True)
    client.post(
        "/consent", data={"submission_id": submission_id(page), "action": "yes", "csrf_token": token_in(page)}
    )
    wait(client, 31)
    assert STILL_THERE in client.get("/q/1").get_data(as_text=True)
    wait(client, 3, key="ev_asked")
    gone = client.get("/stop?from=1")
    assert gone.headers["Location"] == "/"
    assert client.get("/").headers["Location"].startswith("/visits/give-back")
    assert responses(app)[0].status == "stopped"
