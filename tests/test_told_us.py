"""After an answer that worries us, the person is told what happens next (issue 8, part 2).

Through the test client: a "Sad" to a safeguarding question, or a concern word in "anything else",
leads to the "what happens next" page before anything else; "talk now" marks the response's alert
urgent; "go on" goes where the person was going; the page is shown once per response; thank you
repeats the promise only after a disclosure; on an Expert by Experience visit the expert sees
"Someone asked to talk now" when the tablet comes back.
"""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from helpers.app import add_users, service_code, submission_id
from helpers.visit_steps import open_visit, plan_visit, post, signed_in, token_in
from sqlalchemy import select

from app.db import db
from app.easyread.phrases import PHRASES
from app.models import Response, SafeguardingAlert, User

SETTINGS = {
    "who": "self",
    "text": "normal",
    "pictures": "on",
    "contrast": "off",
    "read_aloud": "on",
    "autoplay": "off",
    "locale": "en_GB",
}
TOLD = PHRASES["told_title"]
PROMISE = PHRASES["told_lead"]


# -- a respondent's steps (the CSRF token is sent when the page has one) ---------------------------
def _csrf(page: str) -> dict[str, str]:
    return {"csrf_token": token_in(page)} if 'name="csrf_token"' in page else {}


def begin(client: FlaskClient, slug: str = "your-support") -> None:
    assert client.get(f"/begin/{slug}").status_code == 302
    page = client.get("/settings").get_data(as_text=True)
    assert client.post("/settings", data={**SETTINGS, **_csrf(page)}).status_code == 302
    page = client.get("/consent").get_data(as_text=True)
    started = client.post(
        "/consent", data={"submission_id": submission_id(page), "action": "yes", **_csrf(page)}
    )
    assert started.headers["Location"] == "/q/1"


def at_service(app: Flask) -> FlaskClient:
    client = app.test_client()
    client.get(f"/at/{service_code(app)}")
    begin(client)
    return client


def number_of(app: Flask, question_id: str, slug: str = "your-support") -> int:
    ids = [q.id for q in app.extensions["easyvoice.surveys"].questionnaires[slug].questions]
    return ids.index(question_id) + 1


def total(app: Flask, slug: str = "your-support") -> int:
    return len(app.extensions["easyvoice.surveys"].questionnaires[slug].questions)


def answer(client: FlaskClient, number: int, question: str, **fields: object):
    page = client.get(f"/q/{number}").get_data(as_text=True)
    return client.post(
        f"/q/{number}",
        data={"submission_id": submission_id(page), "question": question, **_csrf(page), **fields},
    )


def closing(client: FlaskClient, text: str = "") -> object:
    """Who helped, who was in the room, anything else: the last page's answer comes back."""
    result = None
    for step, fields in (
        ("helped", {"action": "nobody"}),
        ("room", {"action": "nobody"}),
        ("anything_else", {"text": text, "action": "answer"}),
    ):
        page = client.get(f"/end/{step}").get_data(as_text=True)
        result = client.post(
            f"/end/{step}", data={"submission_id": submission_id(page), **_csrf(page), **fields}
        )
    return result


def told_page(client: FlaskClient, location: str) -> str:
    page = client.get(location)
    assert page.status_code == 200
    return page.get_data(as_text=True)


def choose(client: FlaskClient, location: str, action: str):
    page = told_page(client, location)
    then = re.search(r'name="then" value="([^"]*)"', page).group(1)
    return client.post(
        "/told-us", data={"submission_id": submission_id(page), "action": action, "then": then, **_csrf(page)}
    )


def the_alert(app: Flask) -> SafeguardingAlert | None:
    with app.app_context():
        return db.session.scalars(select(SafeguardingAlert)).one_or_none()


def the_response(app: Flask) -> Response:
    with app.app_context():
        return db.session.scalars(select(Response)).one()


# -- the tests -----------------------------------------------------------------------------------
def test_sad_to_the_safety_question_shows_what_happens_next_before_the_next_question(app: Flask) -> None:
    add_users(app)
    client = at_service(app)
    n = number_of(app, "safe_home")
    result = answer(client, n, "safe_home", answer="sad")
    assert result.headers["Location"] == f"/told-us?then={n + 1}"  # not /q/n+1
    page = told_page(client, result.headers["Location"])
    for name in (
        "told_title",
        "told_safe",
        "told_lead",
        "told_read",
        "told_talk",
        "told_help",
        "told_talk_now",
        "told_go_on",
        "listen_all",
    ):
        assert PHRASES[name] in page, name
    # The lead is named by role, never by a person's name.
    with app.app_context():
        names = db.session.scalars(select(User.name)).all()
    assert names and not [name for name in names if name in page]
    # The alert was raised (and not yet urgent).
    alert = the_alert(app)
    assert alert is not None and not alert.urgent


def test_go_on_continues_to_the_next_question_and_the_page_shows_once(app: Flask) -> None:
    client = at_service(app)
    n = number_of(app, "safe_home")
    told = answer(client, n, "safe_home", answer="sad").headers["Location"]
    went_on = choose(client, told, "go_on")
    assert went_on.status_code == 302 and went_on.headers["Location"] == f"/q/{n + 1}"
    # A second worrying answer in the same response goes straight on.
    m = number_of(app, "safe_staff")
    assert answer(client, m, "safe_staff", answer="sad").headers["Location"] == f"/q/{m + 1}"
    # The same answer sent again after Back goes straight on, too.
    assert answer(client, n, "safe_home", answer="sad").headers["Location"] == f"/q/{n + 1}"
    with app.app_context():
        alert = db.session.scalars(select(SafeguardingAlert)).one()  # one alert per response
        assert not alert.urgent
        assert sorted(s.question_key for s in alert.signals) == ["safe_home", "safe_staff"]


def test_an_answer_that_does_not_worry_us_goes_straight_on(app: Flask) -> None:
    client = at_service(app)
    n = number_of(app, "safe_home")
    assert answer(client, n, "safe_home", answer="happy").headers["Location"] == f"/q/{n + 1}"
    assert client.get(f"/told-us?then={n + 1}").status_code == 404  # nothing to tell
    assert the_alert(app) is None


def test_the_last_question_goes_on_to_the_closing_pages(app: Flask) -> None:
    client = at_service(app)
    last = app.extensions["easyvoice.surveys"].questionnaires["your-support"].questions[-1]
    n = total(app)
    told = answer(client, n, last.id, text="Staff hurt me", action="answer").headers["Location"]
    assert told == "/told-us?then=helped"
    assert choose(client, told, "go_on").headers["Location"] == "/end/helped"


def test_talk_now_marks_the_alert_urgent_and_says_who_to_show(app: Flask) -> None:
    client = at_service(app)
    n = number_of(app, "gentle")
    told = answer(client, n, "gentle", answer="no").headers["Location"]
    talk = choose(client, told, "talk")
    assert talk.status_code == 302 and talk.headers["Location"] == f"/told-us/talk?then={n + 1}"
    alert = the_alert(app)
    assert alert.urgent and alert.urgent_at is not None
    page = told_page(client, talk.headers["Location"])
    assert PHRASES["talk_title"] in page and PHRASES["talk_show_anyone"] in page
    assert PHRASES["talk_show_expert"] not in page  # not on a visit
    assert PHRASES["told_go_on"] in page and PHRASES["talk_stop"] in page
    # Then go on, to where the person was going.
    assert choose(client, talk.headers["Location"], "go_on").headers["Location"] == f"/q/{n + 1}"


def test_talk_now_then_stop_finishes_and_thank_you_says_someone_will_come(app: Flask) -> None:
    client = at_service(app)
    n = number_of(app, "safe_home")
    told = answer(client, n, "safe_home", answer="sad").headers["Location"]
    talk = choose(client, told, "talk").headers["Location"]
    stopped = choose(client, talk, "stop")
    assert stopped.headers["Location"] == "/thank-you"
    assert the_response(app).status == "stopped"
    page = client.get("/thank-you").get_data(as_text=True)
    assert PHRASES["thanks_told"] in page and PROMISE in page and PHRASES["thanks_talk"] in page
    # Only once: the flag does not outlive the thank-you page, and no answer is kept for it.
    again = client.get("/thank-you").get_data(as_text=True)
    assert PHRASES["thanks_told"] not in again
    with client.session_transaction() as session:
        assert not {"ev_response", "ev_told", "ev_thanks_told"} & set(session)


def test_a_concern_word_in_anything_else_shows_the_page_before_thank_you(app: Flask) -> None:
    client = at_service(app)
    result = closing(client, text="Someone hit me at night")
    assert result.headers["Location"] == "/told-us?then=finish"
    assert the_response(app).finished_at is None  # not finished until the person goes on
    page = told_page(client, result.headers["Location"])
    assert PHRASES["told_finish"] in page and PHRASES["told_go_on"] not in page
    done = choose(client, result.headers["Location"], "go_on")
    assert done.headers["Location"] == "/thank-you"
    assert the_response(app).status == "finished"
    page = client.get("/thank-you").get_data(as_text=True)
    assert PHRASES["thanks_told"] in page and PROMISE in page
    assert PHRASES["thanks_talk"] not in page  # they did not ask to talk now


def test_thank_you_repeats_the_promise_only_after_a_disclosure(app: Flask) -> None:
    client = at_service(app)
    assert closing(client, text="I like the garden").headers["Location"] == "/thank-you"
    page = client.get("/thank-you").get_data(as_text=True)
    assert PHRASES["thanks_told"] not in page and PROMISE not in page
    # Never "give the tablet to staff" as the only way on.
    assert PHRASES["thanks_next"] in page and PHRASES["thanks_help"] in page
    assert "staff" not in PHRASES["thanks_next"].lower()


def test_after_the_page_was_shown_a_later_free_text_disclosure_finishes_at_once(app: Flask) -> None:
    client = at_service(app)
    n = number_of(app, "safe_home")
    choose(client, answer(client, n, "safe_home", answer="sad").headers["Location"], "go_on")
    assert closing(client, text="They shout at me").headers["Location"] == "/thank-you"
    page = client.get("/thank-you").get_data(as_text=True)
    assert PHRASES["thanks_told"] in page  # the promise is still repeated


def test_forged_told_us_posts_are_refused(app: Flask) -> None:
    client = at_service(app)
    n = number_of(app, "safe_home")
    told = answer(client, n, "safe_home", answer="sad").headers["Location"]
    page = told_page(client, told)
    base = {"submission_id": submission_id(page), **_csrf(page)}
    assert client.post("/told-us", data={**base, "action": "dance", "then": "3"}).status_code == 400
    assert client.post("/told-us", data={**base, "then": "3"}).status_code == 400
    # A "then" that is not a step of this questionnaire goes on to the closing pages, never a 500.
    for then in ("9999", "²", "9" * 20, "../admin"):
        assert client.get(f"/told-us?then={then}").status_code == 200
        went = client.post("/told-us", data={**base, "action": "go_on", "then": then})
        assert went.status_code == 302 and went.headers["Location"] == "/end/helped", then
    assert client.get("/stop?from=" + "9" * 5000).status_code == 200
    assert not the_alert(app).urgent


def test_csrf_is_required_on_the_told_us_page(app: Flask) -> None:
    client = at_service(app)
    n = number_of(app, "safe_home")
    told = answer(client, n, "safe_home", answer="sad").headers["Location"]
    page = told_page(client, told)
    result = client.post(
        "/told-us", data={"submission_id": submission_id(page), "action": "talk", "then": str(n + 1)}
    )
    assert result.status_code == 400
    assert not the_alert(app).urgent


def test_the_new_texts_are_in_the_audio_build(app: Flask) -> None:
    from app.cli import spoken_texts

    spoken = {text for _locale, text in spoken_texts(app)}
    for name in (
        "told_title",
        "told_safe",
        "told_lead",
        "told_read",
        "told_talk",
        "told_help",
        "told_ask",
        "told_talk_now",
        "told_go_on",
        "told_finish",
        "talk_title",
        "talk_telling",
        "talk_show_expert",
        "talk_show_anyone",
        "talk_then",
        "talk_stop",
        "thanks_told",
        "thanks_talk",
        "thanks_next",
        "thanks_help",
        "give_back_urgent",
        "give_back_tell_lead",
        "listen_all",
    ):
        assert PHRASES[name] in spoken, name


# -- on an Expert by Experience visit ------------------------------------------------------------
def test_on_a_visit_talk_now_tells_the_person_to_show_the_expert_and_the_expert_sees_it(app: Flask) -> None:
    add_users(app)
    expert = signed_in(app)
    visit_id = plan_visit(expert, app, ("your-support",))
    open_visit(expert, visit_id)
    visit_page = expert.get(f"/visits/{visit_id}").get_data(as_text=True)
    assert PHRASES["give_back_urgent"] not in visit_page
    handed = post(
        expert,
        f"/visits/{visit_id}/hand-over",
        f"/visits/{visit_id}",
        questionnaire="your-support",
        mode="alone",
    )
    assert handed.headers["Location"] == "/begin/your-support"
    begin(expert)
    n = number_of(app, "safe_home")
    told = answer(expert, n, "safe_home", answer="sad").headers["Location"]
    assert told == f"/told-us?then={n + 1}"  # open to a handed-over tablet
    talk = choose(expert, told, "talk").headers["Location"]
    page = told_page(expert, talk)
    assert PHRASES["talk_show_expert"] in page and PHRASES["talk_show_anyone"] not in page
    assert the_alert(app).urgent
    assert choose(expert, talk, "stop").headers["Location"] == "/thank-you"
    # Thank you on a visit is the give-back page: it repeats the promise, and shows the signal.
    assert expert.get("/thank-you").headers["Location"] == "/visits/give-back?thanks=1"
    page = expert.get("/visits/give-back?thanks=1").get_data(as_text=True)
    assert PHRASES["thanks_told"] in page and PROMISE in page and PHRASES["thanks_talk"] in page
    assert PHRASES["give_back_urgent"] in page and PHRASES["give_back_tell_lead"] in page
    assert PHRASES["thanks_help"] in page
    back = post(expert, "/visits/give-back", pin="1234")
    assert back.headers["Location"] == f"/visits/{visit_id}"
    visit_page = expert.get(f"/visits/{visit_id}").get_data(as_text=True)
    assert PHRASES["give_back_urgent"] in visit_page and PHRASES["give_back_tell_lead"] in visit_page
    # Once the lead has acted on it, the visit page stops asking.
    with app.app_context():
        alert = db.session.scalars(select(SafeguardingAlert)).one()
        alert.status, alert.acknowledged_at = "acknowledged", alert.urgent_at
        db.session.commit()
    visit_page = expert.get(f"/visits/{visit_id}").get_data(as_text=True)
    assert PHRASES["give_back_urgent"] not in visit_page


def test_on_a_visit_without_talk_now_the_expert_sees_no_signal(app: Flask) -> None:
    add_users(app)
    expert = signed_in(app)
    visit_id = plan_visit(expert, app, ("your-support",))
    open_visit(expert, visit_id)
    post(
        expert,
        f"/visits/{visit_id}/hand-over",
        f"/visits/{visit_id}",
        questionnaire="your-support",
        mode="alone",
    )
    begin(expert)
    n = number_of(app, "safe_home")
    told = answer(expert, n, "safe_home", answer="sad").headers["Location"]
    choose(expert, told, "go_on")
    page = expert.get(f"/stop?from={n + 1}").get_data(as_text=True)
    expert.post("/stop", data={"submission_id": submission_id(page), "action": "stop", **_csrf(page)})
    page = expert.get("/visits/give-back?thanks=1").get_data(as_text=True)
    assert PHRASES["thanks_told"] in page and PHRASES["thanks_talk"] not in page
    assert PHRASES["give_back_urgent"] not in page
