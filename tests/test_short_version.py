"""The short version of "Your support" (issue 10, item 5): offered beside the full one with the
number of questions, covering every Driving Up Quality section, and pooled with it in reports."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from flask import Flask
from helpers.app import service_code, submission_id
from helpers.journey import answer, questions
from sqlalchemy import select

from app.db import db
from app.models import QuestionnaireVersion, Response
from app.reports.figures import question_figures
from app.respond.short import is_short, short_version


def full_and_short(app: Flask):  # type: ignore[no-untyped-def]
    full = app.extensions["easyvoice.surveys"].questionnaires["your-support"]
    return full, short_version(full, app.config["SURVEYS_DIR"])


def test_the_short_version_keeps_ids_words_and_covers_every_duq_section(app: Flask) -> None:
    full, short = full_and_short(app)
    assert short is not None and is_short(short) and not is_short(full)
    assert 8 <= len(short.questions) <= 12 < len(full.questions)
    assert short.id == full.id  # the same slug: reports pool the two
    for question in short.questions:
        assert full.question(question.id) == question  # same words, symbol, options, sections
    covered = {s for q in short.questions for s in q.sections if s.startswith("duq:")}
    assert covered == {"duq:1", "duq:2", "duq:3", "duq:4", "duq:5"}
    assert short.content_hash != full.content_hash


def test_the_start_page_offers_both_with_their_number_of_questions(no_csrf_app: Flask) -> None:
    client = no_csrf_app.test_client()
    client.get(f"/at/{service_code(no_csrf_app)}")
    html = client.get("/").get_data(as_text=True)
    full, short = full_and_short(no_csrf_app)
    assert 'href="/begin/your-support?length=short"' in html
    assert 'href="/begin/your-support?length=full"' in html
    # The closing questions (who helped, who else was there, anything else) are counted in.
    assert f"{len(short.questions) + 3} questions" in html
    assert f"{len(full.questions) + 3} questions" in html
    assert "Short version" in html and "All the questions" in html
    assert client.get("/begin/your-support?length=tiny").status_code == 404
    assert client.get("/begin/family-support?length=short").status_code == 404  # it has none


def test_a_short_response_asks_only_its_questions_and_pools_in_the_figures(no_csrf_app: Flask) -> None:
    client = no_csrf_app.test_client()
    client.get(f"/at/{service_code(no_csrf_app)}")
    assert client.get("/begin/your-support?length=short").headers["Location"] == "/settings"
    client.post("/settings", data={"action": "no"})
    page = client.get("/consent").get_data(as_text=True)
    client.post("/consent", data={"submission_id": submission_id(page), "action": "yes"})
    full, short = full_and_short(no_csrf_app)
    html = client.get("/q/1").get_data(as_text=True)
    assert f"Question 1 of {len(short.questions) + 3}" in html  # (with the 3 closing questions)
    assert client.get(f"/q/{len(short.questions) + 1}").status_code == 404
    first = short.questions[0]
    answer(client, 1, first.id, answer=first.choices[0].value)
    with no_csrf_app.app_context():
        response = db.session.scalars(select(Response)).one()
        assert response.version.slug == "your-support"
        assert [q["id"] for q in response.version.definition["questions"]] == [q.id for q in short.questions]
        assert response.version.content_hash == short.content_hash != full.content_hash
        slugs = db.session.scalars(select(QuestionnaireVersion.slug)).all()
        assert "your-support-short" not in slugs and slugs.count("your-support") >= 1
        organisation_id = response.service.organisation_id
        figures = question_figures(
            db.session,
            organisation_id,
            threshold=1,
            year=datetime.now(UTC).year,
            questionnaires={"your-support": full},
        )
    counted = next(f for f in figures if f.question.id == first.id)
    assert counted.overall.cells[first.choices[0].value].value == 1
    assert re.search(r"Question 1 of", html)
    assert len(questions(no_csrf_app)) == len(full.questions)
