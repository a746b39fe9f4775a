"""Safeguarding: a worrying answer in the respondent journey reaches the lead's dashboard at once,
moves raised -> acknowledged -> closed with every step audited, is never deleted, and is emailed
(without the answer) when a mail server is configured."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from app.db import db
from app.models import AuditEvent, SafeguardingAlert, SafeguardingLead, User
from app.questionnaires.loader import SurveyFileError, load_questionnaire
from app.safeguarding import CONCERN_WORDS, matches
from conftest import add_users, csrf_token, make_app, sign_in_as, submission_id
from test_journey_flow import answer, begin, questions


class SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib to deliver one message: what it sends is kept for the test."""

    received: list[bytes] = []

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self.reply("220 test ready")
        while line := self.rfile.readline():
            command = line.strip().upper()
            if command.startswith((b"EHLO", b"HELO")):
                self.reply("250 test")
            elif command == b"DATA":
                self.reply("354 go on")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk
                SMTPHandler.received.append(data)
                self.reply("250 kept")
            elif command == b"QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


@pytest.fixture
def smtp_server() -> Iterator[int]:
    SMTPHandler.received = []
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SMTPHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def journey_with(app: Flask, safe_answer: str, closing_text: str = "") -> None:
    """Answer your-support: "safe_home" as given, everything else happy/yes; then the closing steps."""
    client = app.test_client()
    begin(client, app)
    for number, q in enumerate(questions(app), start=1):
        if q.id == "safe_home":
            fields = {"answer": safe_answer}
        elif q.type == "free_text":
            fields = {"text": "I like the garden", "action": "answer"}
        elif q.multiple:
            fields = {"answer": [q.choices[0].value], "action": "answer"}
        else:
            fields = {"answer": q.choices[0].value}
        assert answer(client, number, q.id, **fields).status_code == 302
    for step, data in (("helped", {"action": "nobody"}), ("room", {"people": ["staff"], "action": "answer"}),
                       ("anything_else", {"text": closing_text, "action": "answer"})):
        page = client.get(f"/end/{step}").get_data(as_text=True)
        sent = client.post(f"/end/{step}", data={"submission_id": submission_id(page), **data})
        assert sent.status_code == 302


@pytest.fixture
def journey_app(tmp_path: Path) -> Flask:
    app = make_app(tmp_path, WTF_CSRF_ENABLED=False)
    add_users(app)
    return app


def alerts(app: Flask) -> list[SafeguardingAlert]:
    with app.app_context():
        return db.session.scalars(select(SafeguardingAlert).order_by(SafeguardingAlert.id)).all()


def test_a_sad_safeguarding_answer_reaches_the_leads_dashboard(journey_app: Flask) -> None:
    journey_with(journey_app, "sad")
    raised = alerts(journey_app)
    assert len(raised) == 1
    alert = raised[0]
    assert (alert.source, alert.question_key, alert.answer, alert.status) == ("answer", "safe_home", "sad",
                                                                              "raised")
    assert alert.emailed is None  # no mail server configured: no email, and nothing fails

    lead = journey_app.test_client()
    sign_in_as(lead, "quality_lead@demo.example")
    overview = lead.get("/provider/").get_data(as_text=True)
    assert f"/provider/alerts/{alert.id}" in overview
    page = lead.get(f"/provider/alerts/{alert.id}").get_data(as_text=True)
    assert "safe at home" in page or "safe_home" in page
    assert "<dt>Who else was in the room</dt><dd>staff</dd>" in page  # staff there matters here
    # close before acknowledging is refused; then the two steps, each audited
    assert lead.post(f"/provider/alerts/{alert.id}/close", data={"outcome": "x"}).status_code == 400
    assert lead.post(f"/provider/alerts/{alert.id}/acknowledge").status_code == 302
    assert lead.post(f"/provider/alerts/{alert.id}/close",
                     data={"outcome": "Spoke with the person and the manager."}).status_code == 302
    with journey_app.app_context():
        kept = db.session.get(SafeguardingAlert, alert.id)
        assert kept.status == "closed" and kept.acknowledged_by_id and kept.closed_by_id
        assert kept.outcome == "Spoke with the person and the manager."
        trail = [(e.action, e.user_id is not None) for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.object_type == "safeguarding_alert").order_by(AuditEvent.id))]
    assert ("safeguarding.raise", False) in trail
    assert ("safeguarding.acknowledge", True) in trail and ("safeguarding.close", True) in trail
    assert "Safeguarding alerts" in lead.get("/provider/").get_data(as_text=True)
    assert f"/provider/alerts/{alert.id}" not in lead.get("/provider/").get_data(as_text=True)  # closed
    assert f"/provider/alerts/{alert.id}" in lead.get("/provider/alerts").get_data(as_text=True)  # kept


def test_happy_answer_raises_nothing_and_concern_words_do(journey_app: Flask) -> None:
    journey_with(journey_app, "happy", closing_text="The garden is nice")
    assert alerts(journey_app) == []
    journey_with(journey_app, "happy", closing_text="Someone took my money and shouted at me")
    raised = alerts(journey_app)
    assert len(raised) == 1 and raised[0].source == "free_text"
    assert set(raised[0].matched) >= {"took my money", "shouted"}


def test_viewers_and_other_organisations_cannot_see_alerts(journey_app: Flask) -> None:
    journey_with(journey_app, "sad")
    alert_id = alerts(journey_app)[0].id
    viewer, other = journey_app.test_client(), journey_app.test_client()
    sign_in_as(viewer, "viewer@demo.example")
    sign_in_as(other, "lead@other.example")
    assert viewer.get(f"/provider/alerts/{alert_id}").status_code == 403
    assert "Safeguarding alerts" not in viewer.get("/provider/").get_data(as_text=True)
    assert other.get(f"/provider/alerts/{alert_id}").status_code == 403
    assert other.post(f"/provider/alerts/{alert_id}/acknowledge").status_code == 403


def test_the_lead_is_emailed_without_the_answer(tmp_path: Path, smtp_server: int) -> None:
    app = make_app(tmp_path, WTF_CSRF_ENABLED=False, MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server)
    add_users(app)
    with app.app_context():
        lead = db.session.scalar(select(User).where(User.email == "admin@demo.example"))
        db.session.add(SafeguardingLead(organisation_id=lead.organisation_id, user_id=lead.id))
        db.session.commit()
    journey_with(app, "sad")
    assert alerts(app)[0].emailed is True
    assert len(SMTPHandler.received) == 1
    message = SMTPHandler.received[0].decode()
    assert "To: admin@demo.example" in message
    assert "/provider/alerts/" in message and "sad" not in message.split("\r\n\r\n", 1)[1]


def test_lead_is_chosen_by_a_quality_lead_with_csrf(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    add_users(app)
    client = app.test_client()
    sign_in_as(client, "quality_lead@demo.example")
    page = client.get("/provider/alerts").get_data(as_text=True)
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.email == "admin@demo.example"))
    assert client.post("/provider/alerts/lead", data={"user_id": admin.id}).status_code == 400  # no token
    assert client.post("/provider/alerts/lead", data={"user_id": admin.id,
                                                      "csrf_token": csrf_token(page)}).status_code == 302
    assert client.post("/provider/alerts/words", data={"word": "Pinched", "csrf_token": csrf_token(page)}
                       ).status_code == 302
    assert "pinched" in client.get("/provider/alerts").get_data(as_text=True)


def test_concern_words_match_whole_words_only() -> None:
    words = list(CONCERN_WORDS)
    assert matches("He HIT me.", words) == ["hit"]
    assert matches("I like white bread and history", words) == []
    assert "money taken" in matches("My money   taken again", words)


def test_alert_on_is_checked_by_the_loader(tmp_path: Path) -> None:
    base = ("version: 1\nid: t\ntitle: Test\naudience: staff\nsymbol: work\nquestions:\n"
            "  - id: worried\n    type: yes_no\n    text: Did you see anything that worried you?\n"
            "    symbol: worried\n    sections: [cqc:safe]\n")
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


def test_an_experts_observation_of_concern_raises_an_observation_alert(tmp_path: Path) -> None:
    """app/visits calls check_stored after it stores an observation (the checklist's "safe" question)."""
    from app.models import Service
    from app.respond import journey
    from app.safeguarding import check_stored

    app = make_app(tmp_path)
    checklist = next(q for q in app.extensions["easyvoice.surveys"].questionnaires.values()
                     if q.audience == "expert")
    question = next(q for q in checklist.questions if q.safeguarding)
    with app.app_context():
        service = db.session.scalars(select(Service)).first()
        response = journey.start_response(db.session, questionnaire=checklist, service=service,
                                          client_id="visit-1-observations", answered_by="self",
                                          language="en_GB")
        stored = journey.record_answer(db.session, response, question.id,
                                       journey.Given(kind=journey.AnswerKind.OPTION, values=("no",)), "s1")
        alert = check_stored(db.session, response, question, stored)
        db.session.commit()
        assert alert is not None and alert.source == "observation" and alert.answer == "no"
