"""The staff dashboard counts answers up to the start of today (issue 9, item 8).

Read before and after one person answers, the figures were different, so the difference gave
that person's answer away. Now every read in one day shows the same figures and the same hidden
cells; today's answers count from tomorrow, and the page says so.
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime

from flask import Flask
from helpers.app import add_users, sign_in_as
from sqlalchemy import select

from app.db import db
from app.models import AnswerKind, Service
from app.reports.figures import start_of_day
from app.respond import journey


def test_start_of_day_is_local_midnight_in_winter_and_summer() -> None:
    winter = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    summer = datetime(2026, 7, 1, 10, 0, tzinfo=UTC)
    assert start_of_day(winter, "Europe/London") == datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
    assert start_of_day(summer, "Europe/London") == datetime(2026, 6, 30, 23, 0, tzinfo=UTC)
    assert start_of_day(datetime(2026, 6, 30, 23, 30, tzinfo=UTC), "Europe/London") == datetime(
        2026, 6, 30, 23, 0, tzinfo=UTC
    )


def _answer_today(app: Flask, people: int, question: str, value: str) -> None:
    """``people`` respondents at Oak House give ``value`` to ``question`` today."""
    form = app.extensions["easyvoice.surveys"].questionnaires["your-support"]
    with app.app_context():
        oak = db.session.scalars(select(Service).where(Service.name == "Oak House")).one()
        for _ in range(people):
            response = journey.start_response(
                db.session,
                questionnaire=form,
                service=oak,
                client_id=secrets.token_hex(16),
                answered_by="self",
                language="en_GB",
            )
            db.session.flush()
            journey.record_answer(
                db.session,
                response,
                question,
                journey.Given(AnswerKind.OPTION, values=(value,)),
                secrets.token_hex(8),
            )
        db.session.commit()


def _figures(html: str) -> str:
    """The page without its per-request parts (CSRF tokens)."""
    main = html[html.index("<main") :]
    return re.sub(r'value="[^"]*"', "", main)


def test_an_answer_given_today_does_not_change_what_staff_read_today(app: Flask) -> None:
    add_users(app)
    form = app.extensions["easyvoice.surveys"].questionnaires["your-support"]
    question = form.questions[0]
    viewer = app.test_client()
    assert sign_in_as(viewer, "viewer@demo.example").status_code == 302
    url = "/provider/questionnaire/your-support"
    before = viewer.get(url)
    assert before.status_code == 200
    text = before.get_data(as_text=True)
    assert "Answers from today are counted tomorrow" in text
    assert question.text in text  # the figures themselves were reached

    _answer_today(app, 7, question.id, question.choices[-1].value)
    after = viewer.get(url).get_data(as_text=True)
    assert _figures(after) == _figures(text)
    overview = viewer.get("/provider/").get_data(as_text=True)
    assert "Answers from today are counted tomorrow" in overview


def test_the_cut_off_leaves_out_only_todays_answers(app: Flask) -> None:
    from app.reports.figures import question_figures

    form = app.extensions["easyvoice.surveys"].questionnaires["your-support"]
    question = form.questions[0]
    _answer_today(app, 7, question.id, question.choices[-1].value)
    now = datetime.now(UTC)
    with app.app_context():
        org_id = db.session.scalars(select(Service.organisation_id).where(Service.name == "Oak House")).one()
        live = question_figures(db.session, org_id, 5, now.year, {"your-support": form})[0]
        cut = question_figures(
            db.session, org_id, 5, now.year, {"your-support": form}, as_of=start_of_day(now, "Europe/London")
        )[0]
    value = question.choices[-1].value
    assert live.overall.cells[value].value == 7
    assert cut.overall.cells[value].value == 0
