"""Safeguarding: worrying answers reach the lead's dashboard at once, as one alert per response with
every signal inside it, in plain words and local time; raised -> acknowledged -> closed, every step
audited, never deleted."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from helpers.app import add_users, csrf_token, make_app, sign_in_as
from helpers.journey import answer, begin, journey_with, questions
from sqlalchemy import event, select, update

from app.audit import Actor
from app.db import db, kept_readers
from app.models import AuditEvent, Response, SafeguardingAlert, Service
from app.questionnaires.loader import SurveyFileError, load_questionnaire
from app.respond import journey
from app.safeguarding import (
    CONCERN_WORDS,
    acknowledge,
    alert_for_response,
    alerts_in_order,
    check_answer,
    check_stored,
    close,
    mark_urgent,
    matches,
)

FREE_TEXT_WORRY = "Staff shouted at me"
CLOSING_WORRY = "Someone took my money"


@pytest.fixture
def journey_app(tmp_path: Path) -> Flask:
    app = make_app(tmp_path, WTF_CSRF_ENABLED=False)
    add_users(app)
    return app


def alerts(app: Flask) -> list[SafeguardingAlert]:
    with app.app_context():
        rows = db.session.scalars(select(SafeguardingAlert).order_by(SafeguardingAlert.id)).all()
        for row in rows:
            _ = row.signals  # loaded while the session is open
        return rows


def lead_client(app: Flask):  # type: ignore[no-untyped-def]
    lead = app.test_client()
    sign_in_as(lead, "quality_lead@demo.example")
    return lead


def test_a_sad_safeguarding_answer_reaches_the_leads_dashboard(journey_app: Flask) -> None:
    journey_with(journey_app, "sad")
    raised = alerts(journey_app)
    assert len(raised) == 1
    alert = raised[0]
    assert (alert.source, alert.status, alert.urgent) == ("answer", "raised", False)
    [signal] = alert.signals
    assert (signal.question_key, signal.answer, signal.values) == ("safe_home", "Sad", ["sad"])

    lead = lead_client(journey_app)
    overview = lead.get("/provider/").get_data(as_text=True)
    assert f"/provider/alerts/{alert.id}" in overview
    page = lead.get(f"/provider/alerts/{alert.id}").get_data(as_text=True)
    assert "Do you feel safe at home?" in page or "safe at home" in page
    assert "<dt>Who else was in the room</dt><dd>These people were in the room: staff.</dd>" in page
    # close before acknowledging is refused; then the two steps, each audited
    assert lead.post(f"/provider/alerts/{alert.id}/close", data={"outcome": "x"}).status_code == 400
    assert lead.post(f"/provider/alerts/{alert.id}/acknowledge").status_code == 302
    assert lead.post(f"/provider/alerts/{alert.id}/close", data={"outcome": "  "}).status_code == 400
    assert (
        lead.post(
            f"/provider/alerts/{alert.id}/close", data={"outcome": "Spoke with the person and the manager."}
        ).status_code
        == 302
    )
    with journey_app.app_context():
        kept = db.session.get(SafeguardingAlert, alert.id)
        assert kept.status == "closed" and kept.acknowledged_by_id and kept.closed_by_id
        assert kept.outcome == "Spoke with the person and the manager."
        trail = [
            (e.action, e.user_id is not None)
            for e in db.session.scalars(
                select(AuditEvent)
                .where(AuditEvent.object_type == "safeguarding_alert")
                .order_by(AuditEvent.id)
            )
        ]
    assert ("safeguarding.raise", False) in trail
    assert ("safeguarding.acknowledge", True) in trail and ("safeguarding.close", True) in trail
    assert ("safeguarding.view", True) in trail
    assert "Safeguarding alerts" in lead.get("/provider/").get_data(as_text=True)
    assert f"/provider/alerts/{alert.id}" not in lead.get("/provider/").get_data(as_text=True)  # closed
    assert f"/provider/alerts/{alert.id}" in lead.get("/provider/alerts").get_data(as_text=True)  # kept


def test_one_alert_per_response_lists_every_signal(journey_app: Flask) -> None:
    """A sad face, worrying free text and a worrying closing answer: 1 alert with 3 signals."""
    journey_with(journey_app, "sad", closing_text=CLOSING_WORRY, free_text=FREE_TEXT_WORRY)
    journey_with(journey_app, "sad")  # a second person: an alert of their own
    raised = alerts(journey_app)
    assert len(raised) == 2
    first = raised[0]
    keys = [s.question_key for s in first.signals]
    assert keys == ["safe_home", "better", journey.ANYTHING_ELSE]
    by_key = {s.question_key: s for s in first.signals}
    assert by_key["better"].source == "free_text" and by_key["better"].answer == FREE_TEXT_WORRY
    assert "shouted" in by_key["better"].matched
    assert "took my money" in by_key[journey.ANYTHING_ELSE].matched
    assert len(raised[1].signals) == 1 and raised[1].response_id != first.response_id
    with journey_app.app_context():  # raised once: one "raise" in the audit trail per alert
        raises = db.session.scalars(
            select(AuditEvent.object_id).where(AuditEvent.action == "safeguarding.raise")
        ).all()
    assert sorted(raises) == sorted(str(a.id) for a in raised)

    page = lead_client(journey_app).get(f"/provider/alerts/{first.id}").get_data(as_text=True)
    assert "What worried us (3 things)" in page
    for words in ("Sad", FREE_TEXT_WORRY, CLOSING_WORRY, "Is there anything else you want to tell us?"):
        assert words in page


def test_the_alert_page_speaks_plain_words_not_codes(journey_app: Flask) -> None:
    journey_with(journey_app, "sad", closing_text=CLOSING_WORRY, room=[])
    [alert] = alerts(journey_app)
    page = lead_client(journey_app).get(f"/provider/alerts/{alert.id}").get_data(as_text=True)
    main = page.split("<main", 1)[1]
    assert "_anything_else" not in main and "safe_home" not in main
    assert "Answered by: self" not in main and ">self<" not in main and "raised<" not in main
    assert "They answered by themselves." in main
    assert "Nobody else was in the room." in main and "Not asked." not in main
    assert "Is there anything else you want to tell us?" in main
    assert f"Alert {alert.id}" not in page  # named by service and time, not by number
    assert "Oak House, " in main and " UTC" not in main


def test_not_asked_is_kept_apart_from_nobody(journey_app: Flask) -> None:
    journey_with(journey_app, "sad", stop_before_room=True)
    [alert] = alerts(journey_app)
    page = lead_client(journey_app).get(f"/provider/alerts/{alert.id}").get_data(as_text=True)
    assert "<dt>Who else was in the room</dt><dd>Not asked.</dd>" in page
    assert "Nobody else was in the room." not in page


def test_someone_answering_for_the_person_is_said_so(journey_app: Flask) -> None:
    client = journey_app.test_client()
    begin(client, journey_app, who="family")
    qs = questions(journey_app)
    number = next(n for n, q in enumerate(qs, start=1) if q.id == "safe_home")
    assert answer(client, number, "safe_home", answer="sad").status_code == 302
    [alert] = alerts(journey_app)
    page = lead_client(journey_app).get(f"/provider/alerts/{alert.id}").get_data(as_text=True)
    assert "Someone answered for them: a family member." in page


def set_raised_at(app: Flask, alert_id: int, moment: datetime) -> None:
    with app.app_context():
        db.session.execute(
            update(SafeguardingAlert).where(SafeguardingAlert.id == alert_id).values(raised_at=moment)
        )
        db.session.commit()


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        (datetime(2026, 1, 15, 12, 0, tzinfo=UTC), "15 January 2026, 12:00"),  # winter: GMT = UTC
        (datetime(2026, 7, 15, 12, 0, tzinfo=UTC), "15 July 2026, 13:00"),  # summer: BST = UTC + 1
    ],
)
def test_times_are_shown_in_local_time(journey_app: Flask, moment: datetime, shown: str) -> None:
    journey_with(journey_app, "sad")
    [alert] = alerts(journey_app)
    set_raised_at(journey_app, alert.id, moment)
    lead = lead_client(journey_app)
    assert f"Oak House, {shown}" in lead.get("/provider/alerts").get_data(as_text=True)
    page = lead.get(f"/provider/alerts/{alert.id}").get_data(as_text=True)
    assert f"<dt>Raised</dt><dd>{shown}</dd>" in page


def test_the_time_zone_is_a_setting(tmp_path: Path) -> None:
    app = make_app(tmp_path, WTF_CSRF_ENABLED=False, TIMEZONE="America/New_York")
    add_users(app)
    journey_with(app, "sad")
    [alert] = alerts(app)
    set_raised_at(app, alert.id, datetime(2026, 1, 15, 12, 0, tzinfo=UTC))
    assert "15 January 2026, 07:00" in lead_client(app).get("/provider/alerts").get_data(as_text=True)


def _response(app: Flask, client_id: str) -> Response:
    from app.models import Service

    questionnaire = app.extensions["easyvoice.surveys"].questionnaires["your-support"]
    service = db.session.scalars(select(Service).where(Service.name == "Oak House")).one()
    return journey.start_response(
        db.session,
        questionnaire=questionnaire,
        service=service,
        client_id=client_id,
        answered_by="self",
        language="en_GB",
    )


def _raise(app: Flask, client_id: str, raised_at: datetime) -> SafeguardingAlert:
    question = app.extensions["easyvoice.surveys"].questionnaires["your-support"].question("safe_home")
    response = _response(app, client_id)
    alert = check_answer(
        db.session,
        response,
        question,
        "safe_home",
        journey.Given(kind=journey.AnswerKind.OPTION, values=("sad",)),
    )
    assert alert is not None
    alert.raised_at = raised_at
    return alert


def test_the_list_puts_urgent_then_oldest_unacknowledged_first(journey_app: Flask) -> None:
    base = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    with journey_app.app_context():
        from app.models import User

        lead = db.session.scalars(select(User).where(User.email == "quality_lead@demo.example")).one()
        made = {
            name: _raise(journey_app, name, base + timedelta(hours=hours))
            for name, hours in (
                ("acknowledged_oldest", 0),
                ("raised_old", 1),
                ("closed", 2),
                ("raised_new", 3),
                ("urgent_newest", 4),
            )
        }
        acknowledge(db.session, made["acknowledged_oldest"], lead, Actor(user_id=lead.id))
        acknowledge(db.session, made["closed"], lead, Actor(user_id=lead.id))
        close(db.session, made["closed"], lead, "Done.", Actor(user_id=lead.id))
        mark_urgent(db.session, made["urgent_newest"], Actor())
        db.session.commit()
        ids = {alert.id: name for name, alert in made.items()}
        order = [ids[a.id] for a in alerts_in_order(db.session, lead.organisation_id)]
    expected = ["urgent_newest", "raised_old", "raised_new", "acknowledged_oldest", "closed"]
    assert order == expected
    page = lead_client(journey_app).get("/provider/alerts").get_data(as_text=True)
    shown = [ids[int(n)] for n in re.findall(r'href="/provider/alerts/(\d+)"', page)]
    assert shown == expected
    assert "Urgent" in page


def test_mark_urgent_is_audited_once(journey_app: Flask) -> None:
    journey_with(journey_app, "sad")
    with journey_app.app_context():
        [alert] = db.session.scalars(select(SafeguardingAlert)).all()
        mark_urgent(db.session, alert, Actor())
        mark_urgent(db.session, alert, Actor())  # twice: one step
        db.session.commit()
        assert alert.urgent and alert.urgent_at is not None
        assert alert_for_response(db.session, alert.response_id).id == alert.id
        assert (
            len(
                db.session.scalars(select(AuditEvent).where(AuditEvent.action == "safeguarding.urgent")).all()
            )
            == 1
        )
    page = lead_client(journey_app).get(f"/provider/alerts/{alert.id}").get_data(as_text=True)
    assert "The person asked to talk to someone now" in page


def test_check_answer_returns_the_alert_only_for_a_signal(journey_app: Flask) -> None:
    questionnaire = journey_app.extensions["easyvoice.surveys"].questionnaires["your-support"]
    safe, kind = questionnaire.question("safe_home"), questionnaire.question("kind")
    option = journey.AnswerKind.OPTION
    with journey_app.app_context():
        response = _response(journey_app, "check-1")
        happy = journey.Given(option, ("happy",))
        assert check_answer(db.session, response, safe, "safe_home", happy) is None
        assert alert_for_response(db.session, response.id) is None
        alert = check_answer(db.session, response, safe, "safe_home", journey.Given(option, ("sad",)))
        assert alert is not None
        # this answer is no signal: None, though the response has an alert
        assert check_answer(db.session, response, kind, "kind", journey.Given(option, ("happy",))) is None
        # sent again: the same alert, no second signal
        again = check_answer(db.session, response, safe, "safe_home", journey.Given(option, ("sad",)))
        assert again is not None and again.id == alert.id and len(alert.signals) == 1
        text = journey.Given(journey.AnswerKind.TEXT, text="He hit me")
        assert check_answer(db.session, response, None, journey.ANYTHING_ELSE, text).id == alert.id
        db.session.commit()
        assert [s.question_text for s in alert.signals][1] == "Is there anything else you want to tell us?"


def test_an_experts_observations_of_one_visit_make_one_alert(tmp_path: Path) -> None:
    """app/visits calls check_stored after it stores an observation (the checklist's "safe" question)."""
    app = make_app(tmp_path)
    checklist = next(
        q for q in app.extensions["easyvoice.surveys"].questionnaires.values() if q.audience == "expert"
    )
    flagged = [q for q in checklist.questions if q.safeguarding]
    with app.app_context():
        service = db.session.scalars(select(Service)).first()
        response = journey.start_response(
            db.session,
            questionnaire=checklist,
            service=service,
            client_id="visit-1-observations",
            answered_by="self",
            language="en_GB",
        )
        stored = journey.record_answer(
            db.session,
            response,
            flagged[0].id,
            journey.Given(kind=journey.AnswerKind.OPTION, values=tuple(flagged[0].alert_values)[:1]),
            "s1",
        )
        alert = check_stored(db.session, response, flagged[0], stored)
        note = journey.Given(journey.AnswerKind.TEXT, text="A staff member shouted at a man.")
        other = next(q for q in checklist.questions if q.id != flagged[0].id)
        second = check_answer(db.session, response, other, other.id, note, question_text=other.text)
        db.session.commit()
        assert alert is not None and second is not None and second.id == alert.id
        assert alert.source == "observation" and [s.source for s in alert.signals] == ["observation"] * 2
        assert len(db.session.scalars(select(SafeguardingAlert)).all()) == 1


def test_happy_answer_raises_nothing_and_concern_words_do(journey_app: Flask) -> None:
    journey_with(journey_app, "happy", closing_text="The garden is nice")
    assert alerts(journey_app) == []
    journey_with(journey_app, "happy", closing_text="Someone took my money and shouted at me")
    raised = alerts(journey_app)
    assert len(raised) == 1 and raised[0].source == "free_text"
    assert set(raised[0].signals[0].matched) >= {"took my money", "shouted"}


def test_viewers_and_other_organisations_cannot_see_alerts(journey_app: Flask) -> None:
    journey_with(journey_app, "sad")
    alert_id = alerts(journey_app)[0].id
    viewer, other = journey_app.test_client(), journey_app.test_client()
    sign_in_as(viewer, "viewer@demo.example")
    sign_in_as(other, "lead@other.example")
    assert viewer.get(f"/provider/alerts/{alert_id}").status_code == 403
    assert "Safeguarding alerts" not in viewer.get("/provider/").get_data(as_text=True)
    assert "open safeguarding alert" not in viewer.get("/provider/").get_data(as_text=True)
    # another organisation's alert is not found, exactly as a missing one
    assert other.get(f"/provider/alerts/{alert_id}").status_code == 404
    assert other.post(f"/provider/alerts/{alert_id}/acknowledge").status_code == 404


def test_the_open_alert_count_is_on_every_staff_page(journey_app: Flask) -> None:
    journey_with(journey_app, "sad")
    journey_with(journey_app, "sad")
    lead = lead_client(journey_app)
    for path in (
        "/provider/",
        "/provider/alerts",
        "/provider/assessments",
        "/visits/reports",
        "/auth/account",
    ):
        page = lead.get(path)
        assert page.status_code == 200, path
        assert "2 open safeguarding alerts" in page.get_data(as_text=True), path
    [first, _] = alerts(journey_app)
    lead.post(f"/provider/alerts/{first.id}/acknowledge")
    assert "2 open safeguarding alerts" in lead.get("/provider/").get_data(as_text=True)  # still open
    lead.post(f"/provider/alerts/{first.id}/close", data={"outcome": "Talked with them."})
    assert "1 open safeguarding alert<" in lead.get("/provider/").get_data(as_text=True)
    other = journey_app.test_client()
    sign_in_as(other, "lead@other.example")
    assert "0 open safeguarding alerts" in other.get("/provider/").get_data(as_text=True)


def test_respondent_pages_never_ask_for_the_alert_count(journey_app: Flask) -> None:
    """Every statement the page runs is kept: those through SQLAlchemy (its events), and on SQLite
    every one the driver itself runs (its trace) on any connection the pool lends and on those
    kept out of it (db.KeptReaders), which includes the question page's one read
    (journey.open_response_seen), outside SQLAlchemy's events."""
    journey_with(journey_app, "sad")
    client = journey_app.test_client()
    begin(client, journey_app)
    statements: list[str] = []
    driver: list[str] = []
    with journey_app.app_context():
        engine = db.engine

    def keep(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    def trace(dbapi_connection, *_args):  # type: ignore[no-untyped-def]
        if hasattr(dbapi_connection, "set_trace_callback"):  # SQLite: what the driver runs
            dbapi_connection.set_trace_callback(driver.append)
        else:
            driver.append("(a connection of a driver with no trace)")

    def untrace(dbapi_connection, *_args):  # type: ignore[no-untyped-def]
        if hasattr(dbapi_connection, "set_trace_callback"):
            dbapi_connection.set_trace_callback(None)

    readers = kept_readers(engine)  # SQLite: the connections kept out of the pool for reads
    kept = readers.idle() if readers is not None else []
    event.listen(engine, "before_cursor_execute", keep)
    event.listen(engine.pool, "checkout", trace)
    event.listen(engine.pool, "checkin", untrace)
    for connection in kept:
        trace(connection)
    try:
        page = client.get("/q/1")
    finally:
        event.remove(engine, "before_cursor_execute", keep)
        event.remove(engine.pool, "checkout", trace)
        event.remove(engine.pool, "checkin", untrace)
        for connection in kept:
            untrace(connection)
    assert page.status_code == 200 and driver  # the page did use the database
    if engine.dialect.name == "sqlite":
        assert any("FROM response" in s for s in driver), "the driver's trace saw the page's read"
    assert not [s for s in statements + driver if "safeguarding_alert" in s]
    assert "open safeguarding" not in page.get_data(as_text=True)


def test_lead_is_chosen_by_a_quality_lead_with_csrf(tmp_path: Path) -> None:
    from app.models import User

    app = make_app(tmp_path)
    add_users(app)
    client = app.test_client()
    sign_in_as(client, "quality_lead@demo.example")
    page = client.get("/provider/alerts").get_data(as_text=True)
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.email == "admin@demo.example"))
    assert client.post("/provider/alerts/lead", data={"user_id": admin.id}).status_code == 400  # no token
    assert (
        client.post(
            "/provider/alerts/lead", data={"user_id": admin.id, "csrf_token": csrf_token(page)}
        ).status_code
        == 302
    )
    assert (
        client.post(
            "/provider/alerts/words", data={"word": "Pinched", "csrf_token": csrf_token(page)}
        ).status_code
        == 302
    )
    assert "pinched" in client.get("/provider/alerts").get_data(as_text=True)


def test_concern_words_match_whole_words_only() -> None:
    words = list(CONCERN_WORDS)
    assert matches("He HIT me.", words) == ["hit"]
    assert matches("I like white bread and history", words) == []
    assert "money taken" in matches("My money   taken again", words)


def test_alert_on_is_checked_by_the_loader(tmp_path: Path) -> None:
    base = (
        "version: 1\nid: t\ntitle: Test\naudience: staff\nsymbol: work\nquestions:\n"
        "  - id: worried\n    type: yes_no\n    text: Did you see anything that worried you?\n"
        "    symbol: worried\n    sections: [cqc:safe]\n"
    )
    good = tmp_path / "good.yaml"
    good.write_text(base + "    safeguarding: true\n    alert_on: [yes]\n")
    question = load_questionnaire(good, {"cqc:safe"}, None).questions[0]
    assert question.alert_values == frozenset({"yes"})
    for bad in ("    alert_on: [yes]\n", "    safeguarding: true\n    alert_on: [happy]\n"):
        path = tmp_path / "bad.yaml"
        path.write_text(base + bad)
        with pytest.raises(SurveyFileError) as error:
            load_questionnaire(path, {"cqc:safe"}, None)
        assert "alert_on" in str(error.value)
