"""Mail after commit: an alert writes an outbox row in its own transaction; the email goes out only
after the commit (from the request's flush or `flask send-mail`), through a real local SMTP server,
with links from EXTERNAL_URL and without any answer or name. A mail server that is down never costs
an answer."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from helpers.app import add_users, make_app, sign_in_as
from helpers.journey import begin, journey_with, questions
from helpers.mail import MailServer, free_port
from sqlalchemy import create_engine, func, select, text, update

from app.db import db
from app.models import Answer, MailOutbox, SafeguardingAlert, SafeguardingLead, User, utcnow

EXTERNAL = "https://voice.example.org"


def mail_app(tmp_path: Path, port: int, **extra: object) -> Flask:
    app = make_app(
        tmp_path,
        WTF_CSRF_ENABLED=False,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        EXTERNAL_URL=EXTERNAL,
        **extra,
    )
    add_users(app)
    with app.app_context():
        lead = db.session.scalar(select(User).where(User.email == "admin@demo.example"))
        db.session.add(SafeguardingLead(organisation_id=lead.organisation_id, user_id=lead.id))
        db.session.commit()
    return app


def sad_answer(app: Flask, **headers: str) -> object:
    """One person answers "sad" to "Do you feel safe at home?"; returns the answer's HTTP response."""
    client = app.test_client()
    begin(client, app)
    host = headers.get("Host")
    if host:  # the person's session cookie goes along to the forged host too
        for name in ("session",):
            cookie = client.get_cookie(name)
            assert cookie is not None
            client.set_cookie(name, cookie.value, domain=host)
    number = next(n for n, q in enumerate(questions(app), start=1) if q.id == "safe_home")
    page = client.get(f"/q/{number}", headers=headers).get_data(as_text=True)
    from helpers.app import submission_id

    return client.post(
        f"/q/{number}",
        headers=headers,
        data={"submission_id": submission_id(page), "question": "safe_home", "answer": "sad"},
    )


def outbox(app: Flask) -> list[MailOutbox]:
    with app.app_context():
        return db.session.scalars(select(MailOutbox).order_by(MailOutbox.id)).all()


def the_alert(app: Flask) -> SafeguardingAlert:
    with app.app_context():
        return db.session.scalars(select(SafeguardingAlert)).one()


def expected_body(alert_id: int, opening: str) -> str:
    return (
        f"{opening}\nPlease sign in to see it and act: {EXTERNAL}/provider/alerts/{alert_id}\n"
        "This email holds no answer and no personal details on purpose.\n"
    )


def test_the_mail_is_sent_after_commit_without_answer_or_name(tmp_path: Path) -> None:
    port = free_port()
    app = mail_app(tmp_path, port)
    url = app.config["DATABASE_URL"]

    def committed_at_arrival(_message: object) -> tuple[int, int]:
        """Looked at from another connection while the message arrives: what is committed."""
        engine = create_engine(url)
        try:
            with engine.connect() as connection:
                return (
                    connection.execute(text("SELECT count(*) FROM safeguarding_alert")).scalar_one(),
                    connection.execute(text("SELECT count(*) FROM answer")).scalar_one(),
                )
        finally:
            engine.dispose()

    with MailServer(port, on_message=committed_at_arrival) as server:
        journey_with(app, "sad", closing_text="Someone took my money")
    assert len(server.messages) == 1  # one alert, one email, though the response said 2 worrying things
    alert = the_alert(app)
    alerts_seen, answers_seen = server.seen_at_arrival[0]
    assert alerts_seen == 1 and answers_seen > 0  # the alert was committed before the mail went out
    message = server.messages[0]
    assert message["To"] == "admin@demo.example"
    assert message["Subject"] == "EasyVoice: a safeguarding alert needs you"
    assert MailServer.body(message) == expected_body(
        alert.id, "A safeguarding alert was raised at one of your services."
    )
    [row] = outbox(app)
    assert row.sent_at is not None and row.attempts == 1 and row.alert_id == alert.id


def test_a_forged_host_header_never_reaches_an_email(tmp_path: Path) -> None:
    port = free_port()
    app = mail_app(tmp_path, port)
    with MailServer(port) as server:
        sent = sad_answer(app, Host="evil.example")
    assert sent.status_code == 302
    [message] = server.messages
    body = MailServer.body(message)
    assert "evil.example" not in message.as_string()
    assert f"{EXTERNAL}/provider/alerts/{the_alert(app).id}" in body


def test_with_the_mail_server_down_the_answer_is_kept_and_sent_later(tmp_path: Path) -> None:
    port = free_port()  # nothing listens here yet
    app = mail_app(tmp_path, port)
    sent = sad_answer(app)
    assert sent.status_code == 302  # no error for the person answering
    with app.app_context():
        stored = db.session.scalars(select(Answer).where(Answer.question_key == "safe_home")).one()
        assert stored.values == ["sad"]
    alert = the_alert(app)
    [row] = outbox(app)
    assert row.sent_at is None and row.attempts == 1 and row.last_error
    runner = app.test_cli_runner()
    with MailServer(port) as server:
        result = runner.invoke(args=["send-mail"])
        assert result.exit_code == 0, result.output
        assert "Sent: 1" in result.output
        again = runner.invoke(args=["send-mail"])
        assert "Sent: 0" in again.output
    [message] = server.messages
    assert f"{EXTERNAL}/provider/alerts/{alert.id}" in MailServer.body(message)
    [row] = outbox(app)
    assert row.sent_at is not None and row.attempts == 2


def test_send_mail_fails_loudly_while_the_server_is_down(tmp_path: Path) -> None:
    app = mail_app(tmp_path, free_port())
    sad_answer(app)
    result = app.test_cli_runner().invoke(args=["send-mail"])
    assert result.exit_code == 1 and "Failed: 1" in result.output
    assert outbox(app)[0].attempts == 2 and outbox(app)[0].sent_at is None


def age_alert(app: Flask, hours: float) -> None:
    with app.app_context():
        db.session.execute(update(SafeguardingAlert).values(raised_at=utcnow() - timedelta(hours=hours)))
        db.session.commit()


@pytest.mark.parametrize("how", ["request", "send-mail"])
def test_an_overdue_alert_is_marked_and_sent_again_once_per_period(tmp_path: Path, how: str) -> None:
    port = free_port()
    app = mail_app(tmp_path, port, MAIL_SWEEP_SECONDS=0 if how == "request" else 3600)
    lead = app.test_client()
    sign_in_as(lead, "admin@demo.example")
    runner = app.test_cli_runner()

    def nudge() -> None:
        if how == "request":
            assert lead.get("/provider/alerts").status_code == 200
        else:
            assert runner.invoke(args=["send-mail"]).exit_code == 0

    with MailServer(port) as server:
        sad_answer(app)
        assert len(server.messages) == 1
        alert = the_alert(app)
        assert "Overdue" not in lead.get(f"/provider/alerts/{alert.id}").get_data(as_text=True)
        age_alert(app, 23)
        nudge()
        assert len(server.messages) == 1  # not overdue yet
        age_alert(app, 25)
        assert "Overdue" in lead.get(f"/provider/alerts/{alert.id}").get_data(as_text=True)
        assert "Overdue" in lead.get("/provider/alerts").get_data(as_text=True)
        nudge()
        assert len(server.messages) == 2
        reminder = server.messages[1]
        assert reminder["Subject"] == "EasyVoice: a safeguarding alert is still waiting"
        assert MailServer.body(reminder) == expected_body(
            alert.id, "Nobody has acknowledged this safeguarding alert in 24 hours."
        )
        nudge()
        nudge()
        assert len(server.messages) == 2  # once per overdue period
        with app.app_context():  # a day later, still nobody: once more
            db.session.execute(update(SafeguardingAlert).values(reminded_at=utcnow() - timedelta(hours=25)))
            db.session.commit()
        nudge()
        assert len(server.messages) == 3
        assert lead.post(f"/provider/alerts/{alert.id}/acknowledge").status_code == 302
        with app.app_context():
            db.session.execute(update(SafeguardingAlert).values(reminded_at=utcnow() - timedelta(hours=49)))
            db.session.commit()
        nudge()
        assert len(server.messages) == 3  # acknowledged: no more reminders
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count()).select_from(MailOutbox).where(MailOutbox.kind == "overdue")
            )
            == 2
        )
    assert "Overdue" not in lead.get(f"/provider/alerts/{alert.id}").get_data(as_text=True)


def test_talk_now_mails_the_lead_as_urgent(tmp_path: Path) -> None:
    from app.audit import Actor
    from app.safeguarding import mark_urgent

    port = free_port()
    app = mail_app(tmp_path, port)
    with MailServer(port) as server:
        sad_answer(app)
        with app.test_request_context():
            alert = db.session.scalars(select(SafeguardingAlert)).one()
            mark_urgent(db.session, alert, Actor())
            db.session.commit()
        assert app.test_cli_runner().invoke(args=["send-mail"]).exit_code == 0
    assert [m["Subject"] for m in server.messages] == [
        "EasyVoice: a safeguarding alert needs you",
        "EasyVoice: urgent: a person wants to talk to someone now",
    ]
    assert "Oak House" not in server.messages[1].as_string()


def test_no_mail_server_means_no_mail_and_no_error(tmp_path: Path) -> None:
    app = make_app(tmp_path, WTF_CSRF_ENABLED=False)
    add_users(app)
    assert sad_answer(app).status_code == 302
    [row] = outbox(app)  # written (the record of what would be told), never sent
    assert row.sent_at is None and row.attempts == 0
    result = app.test_cli_runner().invoke(args=["send-mail"])
    assert result.exit_code == 1 and "No MAIL_SERVER" in result.output
