"""A tablet without wifi (issue 14), at the server: the visit's package and the outbox's way in.

The browser test (tests/browser/test_offline_visit.py) answers offline in Chromium; these check
what the server promises the outbox: an item is stored exactly once however often it is sent, a
key is good for its own visit only, a closed visit still keeps what was given, a disclosure raises
one alert with the time it was given, and nothing sent can reach another organisation.
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from helpers.visit_steps import actions, finish_visit, hand_over, open_visit_for, post
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import func, select

from app.db import db
from app.models import Answer, AnswerKind, Response, SafeguardingAlert, Service, User, Visit
from app.respond import offline

SLUG = "your-support"


@pytest.fixture
def ready(app):  # type: ignore[no-untyped-def]
    client, visit_id = open_visit_for(app)
    result = client.get(f"/visits/{visit_id}/ready")
    assert result.status_code == 200
    package = client.get(f"/visits/{visit_id}/ready/package").get_json()
    return client, visit_id, package


def send(client, key: str, **item: object):  # type: ignore[no-untyped-def]
    return client.post(
        "/offline/send", data=json.dumps({"key": key, "item": item}), content_type="application/json"
    )


def start(client, package: dict, response: str | None = None, **extra: object) -> str:  # type: ignore[no-untyped-def]
    response = response or uuid.uuid4().hex
    result = send(
        client,
        package["key"],
        kind="start",
        response=response,
        version=package["questionnaires"][SLUG]["version"],
        language="en_GB",
        given_at=datetime.now(UTC).isoformat(),
        **extra,
    )
    assert result.status_code == 200, result.get_data(as_text=True)
    return response


def first_question(app):  # type: ignore[no-untyped-def]
    return app.extensions["easyvoice.surveys"].questionnaires[SLUG].questions[0]


def test_the_package_holds_every_step_drawn_by_the_journey_templates(app, ready) -> None:
    _client, _visit_id, package = ready
    survey = package["questionnaires"][SLUG]
    questions = app.extensions["easyvoice.surveys"].questionnaires[SLUG].questions
    pages = survey["pages"]["en_GB"]
    assert [key for key in pages if key.startswith("q") and "-" not in key] == [
        f"q{n}" for n in range(1, len(questions) + 1)
    ]
    for step in ("settings", "consent", "helped", "room", "anything_else", "told_us", "stop", "thank_you"):
        assert step in pages, step
    # The question macro drew it: the heading, the cards, the progress words, no CSRF token.
    first = pages["q1"]["html"]
    assert 'id="q-title"' in first and "answer-form" in first
    assert f"Question 1 of {len(questions) + 3}" in first
    assert "csrf_token" not in first
    # Every picture and sound the pages use is in the list the tablet stores, and the page too.
    files = set(package["files"])
    assert "/offline" in files
    for html in (page["html"] for page in pages.values()):
        for url in html.split('data-audio="')[1:]:
            for part in url.split('"')[0].split():
                assert part in files
    # (no audio is built for these tests: the browser test plays it offline)
    assert any(url.startswith("/symbols/svg/") for url in files)
    assert any(url.startswith("/symbols/black/") for url in files)


def test_getting_ready_is_in_the_audit_trail(app, ready) -> None:
    assert actions(app, "visit.offline") == ["visit.offline_ready"]


def test_the_package_is_the_experts_of_that_visit_only(app, ready) -> None:
    client, visit_id, _package = ready
    client.post("/auth/sign-out", data={})
    stranger = app.test_client()
    result = stranger.get(f"/visits/{visit_id}/ready/package")
    assert result.status_code == 302 and "/auth/sign-in" in result.headers["Location"]
    assert stranger.get(f"/visits/{visit_id}/ready").status_code == 302


def test_an_answer_sent_again_is_stored_once(app, ready) -> None:
    client, visit_id, package = ready
    response = start(client, package)
    start(client, package, response)  # the reply was lost: sent again
    question = first_question(app)
    item = {
        "kind": "answer",
        "response": response,
        "question": question.id,
        "values": [question.choices[0].value],
        "id": uuid.uuid4().hex,
        "given_at": datetime.now(UTC).isoformat(),
    }
    for _ in range(3):
        result = send(client, package["key"], **item)
        assert result.status_code == 200
    assert result.get_json()["result"] == "already"
    finish = {"kind": "finish", "response": response, "given_at": datetime.now(UTC).isoformat()}
    assert send(client, package["key"], **finish).get_json()["result"] == "stored"
    assert send(client, package["key"], **finish).get_json()["result"] == "already"
    # An answer that arrives again after the finish (its reply was lost too) changes nothing.
    assert send(client, package["key"], **item).status_code == 200
    with app.app_context():
        stored = db.session.scalars(select(Response).where(Response.client_id == response)).one()
        assert stored.status == "finished" and stored.visit_id == visit_id and stored.asked_by_expert
        assert stored.version.content_hash == package["questionnaires"][SLUG]["version"]
        assert (
            db.session.scalar(select(func.count()).select_from(Answer).where(Answer.response_id == stored.id))
            == 1
        )
        assert db.session.scalar(select(func.count()).select_from(Response)) == 1


def test_an_answer_before_its_start_waits(app, ready) -> None:
    client, _visit_id, package = ready
    question = first_question(app)
    result = send(
        client,
        package["key"],
        kind="answer",
        response=uuid.uuid4().hex,
        question=question.id,
        values=[question.choices[0].value],
        id=uuid.uuid4().hex,
    )
    assert result.status_code == 409  # kept on the tablet, sent again later


@pytest.mark.parametrize(
    "key",
    ["", "made-up", None, "x" * 400],
)
def test_a_made_up_key_stores_nothing(app, ready, key) -> None:
    client, _visit_id, package = ready
    result = send(
        client,
        key,
        kind="start",
        response=uuid.uuid4().hex,
        version=package["questionnaires"][SLUG]["version"],
        language="en_GB",
    )
    assert result.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 0


def test_a_key_is_good_for_its_own_visit_only(app, ready) -> None:
    client, visit_id, package = ready
    response = start(client, package)
    # A second visit's key cannot add to the first visit's response.
    second = post(
        client,
        "/visits/plan",
        service="1",
        visit_date=datetime.now(UTC).date().isoformat(),
        questionnaires=[SLUG],
        co_checker="",
        supporter_name="",
    )
    other_id = int(second.headers["Location"].rsplit("/", 1)[1])
    other = client.get(f"/visits/{other_id}/ready/package").get_json()
    question = first_question(app)
    result = send(
        client,
        other["key"],
        kind="answer",
        response=response,
        question=question.id,
        values=[question.choices[0].value],
        id=uuid.uuid4().hex,
    )
    assert result.status_code == 422
    assert visit_id != other_id


@pytest.mark.parametrize(
    "item",
    [
        {"kind": "nonsense"},
        {"kind": "start", "response": "r" * 80, "version": "x", "language": "en_GB"},
        {"kind": "start", "response": "abc12345", "version": "not-a-version", "language": "en_GB"},
        {"kind": "people", "response": "abc12345", "step": "kitchen"},
        [],
        "text",
    ],
)
def test_bad_items_are_refused_plainly(app, ready, item) -> None:
    client, _visit_id, package = ready
    result = client.post(
        "/offline/send",
        data=json.dumps({"key": package["key"], "item": item}),
        content_type="application/json",
    )
    assert result.status_code in (409, 422)
    assert result.is_json


def test_not_json_is_refused(app, ready) -> None:
    client, _visit_id, _package = ready
    assert client.post("/offline/send", data="{", content_type="application/json").status_code == 422
    assert client.post("/offline/send", data={"a": "b"}).status_code == 422


def test_a_disclosure_raises_one_alert_marked_with_when_it_was_given(app, ready) -> None:
    client, _visit_id, package = ready
    response = start(client, package)
    questions = app.extensions["easyvoice.surveys"].questionnaires[SLUG].questions
    worrying = next(q for q in questions if q.alert_values)
    value = next(option.value for option in worrying.choices if option.value in worrying.alert_values)
    given = datetime.now(UTC) - timedelta(hours=2)
    item = {
        "kind": "answer",
        "response": response,
        "question": worrying.id,
        "values": [value],
        "id": uuid.uuid4().hex,
        "given_at": given.isoformat(),
    }
    assert send(client, package["key"], **item).status_code == 200
    assert send(client, package["key"], **item).status_code == 200
    assert send(client, package["key"], kind="urgent", response=response).status_code == 200
    with app.app_context():
        alerts = db.session.scalars(select(SafeguardingAlert)).all()
        assert len(alerts) == 1
        assert alerts[0].urgent
        assert datetime.fromisoformat(alerts[0].context["given_at"]) == given
        assert alerts[0].context["offline"] is True


def test_answers_given_before_the_visit_closed_are_kept_and_said(app, ready) -> None:
    client, visit_id, package = ready
    assert finish_visit(client, visit_id).status_code == 302
    with app.app_context():
        assert db.session.get(Visit, visit_id).status == "closed"
    response = start(client, package)
    with app.app_context():
        kept = select(func.count()).select_from(Response).where(Response.client_id == response)
        assert db.session.scalar(kept) == 1
    assert "offline.after_close" in actions(app, "offline.")


def test_a_handed_over_tablet_may_open_the_journey_page_and_send(app, ready) -> None:
    client, visit_id, package = ready
    result = post(
        client,
        f"/visits/{visit_id}/hand-over",
        f"/visits/{visit_id}/ready",
        questionnaire=SLUG,
        mode="alone",
        offline="1",
    )
    assert result.status_code == 302
    assert result.headers["Location"].startswith(f"/offline?visit={visit_id}&h=")
    assert result.headers["Location"].endswith(f"#{SLUG}")
    assert client.get("/offline").status_code == 200
    assert client.get("/sw.js").status_code == 200
    start(client, package)
    # The expert's pages stay locked: the package too.
    assert "/visits/give-back" in client.get(f"/visits/{visit_id}/ready/package").headers["Location"]


def test_handing_over_without_offline_is_as_before(app, ready) -> None:
    client, visit_id, _package = ready
    hand_over(client, visit_id)


def test_signing_out_tells_the_next_page_to_wipe_the_tablets_store(app, ready) -> None:
    client, _visit_id, _package = ready
    assert "data-wipe-tablet" not in client.get("/visits/").get_data(as_text=True)
    post(client, "/auth/sign-out", "/visits/")
    assert "data-wipe-tablet" in client.get("/auth/sign-in").get_data(as_text=True)
    assert "data-wipe-tablet" not in client.get("/auth/sign-in").get_data(as_text=True)  # once


def test_answers_given_before_the_visit_moved_are_kept_where_they_were_given(app, ready) -> None:
    client, visit_id, package = ready
    with app.app_context():
        visit = db.session.get(Visit, visit_id)
        given_at = visit.service_id
        other = db.session.scalars(
            select(Service).where(Service.organisation_id == visit.organisation_id, Service.id != given_at)
        ).first()
        visit.service_id = other.id  # changed while the tablet was offline
        db.session.commit()
    response = start(client, package)
    with app.app_context():
        stored = db.session.scalars(select(Response).where(Response.client_id == response)).one()
        assert stored.service_id == given_at
    assert actions(app, "offline.") == ["offline.service_changed"]
    page = client.get(f"/visits/{visit_id}/report").get_data(as_text=True)
    assert "before this visit moved to another service: 1." in page


def test_the_report_says_when_answers_came_after_the_visit_finished(app, ready) -> None:
    client, visit_id, package = ready
    page = client.get(f"/visits/{visit_id}/report").get_data(as_text=True)
    assert "without wifi" not in page
    finish_visit(client, visit_id)
    start(client, package)
    start(client, package)
    page = client.get(f"/visits/{visit_id}/report").get_data(as_text=True)
    assert "after this visit was finished: 2." in page


def pin_check(client, visit_id: int, pin: object, csrf: str | None = None):  # type: ignore[no-untyped-def]
    page = client.get(f"/visits/{visit_id}/ready").get_data(as_text=True)
    csrf = csrf or page.split('data-csrf="', 1)[1].split('"', 1)[0]
    return client.post(
        f"/visits/{visit_id}/ready/pin",
        data=json.dumps({"pin": pin}),
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )


def test_the_pin_number_is_checked_and_counted_before_getting_ready(app, ready) -> None:
    client, visit_id, _package = ready
    assert pin_check(client, visit_id, "9999").status_code == 401
    assert pin_check(client, visit_id, "").get_json()["result"] == "pin_missing"
    assert pin_check(client, visit_id, ["1234"]).status_code == 400
    assert pin_check(client, visit_id, "1234", csrf="made-up").status_code == 400  # CSRF
    assert "auth.pin_sign_in_failed" in actions(app, "auth.")
    with app.app_context():
        expert = db.session.scalars(select(User).where(User.email == "expert@demo.example")).one()
        assert expert.pin_failures == 1
    assert pin_check(client, visit_id, "1234").get_json()["result"] == "ok"
    with app.app_context():
        expert = db.session.scalars(select(User).where(User.email == "expert@demo.example")).one()
        assert expert.pin_failures == 0


def test_an_expert_without_a_pin_number_is_told_to_set_one_first(app, ready) -> None:
    client, visit_id, _package = ready
    with app.app_context():
        expert = db.session.scalars(select(User).where(User.email == "expert@demo.example")).one()
        expert.pin_hash = None
        db.session.commit()
    page = client.get(f"/visits/{visit_id}/ready").get_data(as_text=True)
    assert "data-get-ready" not in page
    with app.test_request_context():
        from app.easyread.phrases import Phrases

        assert Phrases().handover_no_pin in page


def test_answers_to_a_questionnaire_taken_off_the_visit_are_kept_and_said(app, ready) -> None:
    client, visit_id, package = ready
    with app.app_context():
        visit = db.session.get(Visit, visit_id)
        visit.questionnaires = ["family-support"]  # changed while the tablet was offline
        db.session.commit()
    response = start(client, package)
    with app.app_context():
        assert db.session.scalars(select(Response).where(Response.client_id == response)).one()
    assert actions(app, "offline.") == ["offline.taken_off_visit"]
    page = client.get(f"/visits/{visit_id}/report").get_data(as_text=True)
    assert "a questionnaire taken off this visit: 1." in page


def test_a_key_too_old_keeps_the_answer_on_the_tablet(app, ready) -> None:
    """Past its age a key stores nothing, and says so with 410 (the tablet keeps the item until
    the "Get ready" page gives it a new key), never the 422 that would make the tablet drop it."""
    client, visit_id, package = ready

    class Signed100DaysAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - offline.MAX_AGE - 24 * 3600

    with app.app_context():
        visit = db.session.get(Visit, visit_id)
        payload = [visit.id, visit.service_id, visit.organisation_id]
    old_key = URLSafeTimedSerializer(app.secret_key, salt=offline.SALT, signer=Signed100DaysAgo).dumps(
        payload
    )
    item = {"response": uuid.uuid4().hex, "version": package["questionnaires"][SLUG]["version"]}
    result = send(client, old_key, kind="start", language="en_GB", **item)
    assert (result.status_code, result.get_json()["result"]) == (410, "key_too_old")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 0
    assert send(client, package["key"], kind="start", language="en_GB", **item).status_code == 200


def test_back_then_next_keeps_i_dont_know_and_each_answer_keeps_its_language(app, ready) -> None:
    client, _visit_id, package = ready
    response = start(client, package)
    question = first_question(app)
    first = {"kind": "answer", "response": response, "question": question.id, "language": "cy"}
    assert send(client, package["key"], action="dont_know", id=uuid.uuid4().hex, **first).status_code == 200
    # Back to it, then Next with nothing new (as online: the answer stays as it was)
    assert (
        send(client, package["key"], action="answer", values=[], id=uuid.uuid4().hex, **first).status_code
        == 200
    )
    with app.app_context():
        stored = db.session.scalars(select(Answer).where(Answer.question_key == question.id)).one()
        assert stored.kind == AnswerKind.DONT_KNOW
        assert stored.language == "cy"  # changed in Settings on the way: the answer says so
