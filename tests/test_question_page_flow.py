"""Issue 10, items 1 and 2 through the test client: yes / no offers only Yes and No (and the 3
escapes); Back, then Next keeps the stored answers exactly as they were."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from helpers.app import service_code, submission_id
from sqlalchemy import select

from app.db import db
from app.models import Answer, AnswerChoice, AnswerKind, Response
from app.questionnaires import Questionnaire
from app.reports.figures import columns_for
from app.respond import journey


def begin(client: FlaskClient, app: Flask, slug: str = "your-support") -> None:
    client.get(f"/at/{service_code(app)}")
    assert client.get(f"/begin/{slug}").status_code == 302
    settings = {"who": "self", "text": "normal", "pictures": "on", "contrast": "off"}
    settings |= {"read_aloud": "on", "autoplay": "off", "locale": "en_GB"}
    assert client.post("/settings", data=settings).status_code == 302
    page = client.get("/consent").get_data(as_text=True)
    response = client.post("/consent", data={"submission_id": submission_id(page), "action": "yes"})
    assert response.headers["Location"].endswith("/q/1")


def your_support(app: Flask) -> Questionnaire:
    return app.extensions["easyvoice.surveys"].questionnaires["your-support"]


def first_yes_no(app: Flask) -> int:
    return next(n for n, q in enumerate(your_support(app).questions, 1) if q.type == "yes_no")


def rows(app: Flask) -> list[tuple]:
    with app.app_context():
        answers = db.session.scalars(select(Answer).order_by(Answer.id)).all()
        return [
            (a.id, a.question_key, a.kind, sorted(a.values), a.text, a.submission_id, a.updated_at)
            for a in answers
        ]


# -- item 1: "Not sure" leaves yes / no ------------------------------------------------------------
def test_a_yes_no_page_shows_yes_and_no_and_the_escapes_only(no_csrf_app: Flask) -> None:
    client = no_csrf_app.test_client()
    begin(client, no_csrf_app)
    page = client.get(f"/q/{first_yes_no(no_csrf_app)}").get_data(as_text=True)
    answers = re.findall(r'name="answer" value="([^"]+)"', page)
    actions = re.findall(r'name="action" value="([^"]+)"', page)
    assert answers == ["yes", "no"]
    assert actions == ["dont_know", "dont_want_to_say", "skip"]
    assert "Not sure" not in page


def test_not_sure_is_refused_unless_the_question_asks_for_it(no_csrf_app: Flask) -> None:
    client = no_csrf_app.test_client()
    begin(client, no_csrf_app)
    number = first_yes_no(no_csrf_app)
    question = your_support(no_csrf_app).questions[number - 1]
    page = client.get(f"/q/{number}").get_data(as_text=True)
    data = {"submission_id": submission_id(page), "question": question.id, "answer": "not_sure"}
    refused = client.post(f"/q/{number}", data=data)
    assert refused.status_code == 400
    assert "We could not use that answer." in refused.get_data(as_text=True)
    assert rows(no_csrf_app) == []
    # A question that asks for it (not_sure: true in its file) offers and takes it.
    asking = Questionnaire.from_dict(
        {
            "id": "q",
            "title": "T",
            "audience": "person_supported",
            "symbol": "question",
            "questions": [
                {"id": "a", "type": "yes_no", "text": "Is it?", "symbol": "question", "not_sure": True}
            ],
        }
    ).questions[0]
    assert [o.value for o in asking.choices] == ["yes", "no", "not_sure"]
    assert journey.parse_given(asking, None, ["not_sure"], None).values == ("not_sure",)
    assert [o.value for o in question.choices] == ["yes", "no"]


SURVEY = """version: 1
id: {id}
title: T
audience: person_supported
symbol: question
questions:
  - id: a
    type: {type}
    text: Is it?
    symbol: question
    sections: [duq:1]
    not_sure: true
{options}"""
OPTIONS = """    options:
      - {value: x, text: X, symbol: question}
      - {value: y, text: Y, symbol: question}
"""


def test_the_loader_takes_not_sure_only_on_a_yes_no_question(tmp_path: Path) -> None:
    from app.questionnaires.loader import load_all

    surveys = tmp_path / "surveys"
    (surveys / "frameworks").mkdir(parents=True)
    for framework in Path("surveys/frameworks").glob("*.yaml"):
        shutil.copy(framework, surveys / "frameworks" / framework.name)
    (surveys / "good.yaml").write_text(SURVEY.format(id="good", type="yes_no", options=""))
    (surveys / "bad.yaml").write_text(SURVEY.format(id="bad", type="choose_one", options=OPTIONS))
    result = load_all(surveys)
    assert [q.not_sure for q in result.questionnaires["good"].questions] == [True]
    assert "bad" not in result.questionnaires
    assert [e.message for e in result.errors] == [
        "'not_sure' is only for a yes_no question, and is true or false."
    ]


def test_the_loader_takes_reversed_only_on_a_yes_no_question(tmp_path: Path) -> None:
    """``reversed: true`` (yes is the worse answer) is for yes / no; summaries then count "yes"."""
    from app.questionnaires.loader import load_all

    surveys = tmp_path / "surveys"
    (surveys / "frameworks").mkdir(parents=True)
    for framework in Path("surveys/frameworks").glob("*.yaml"):
        shutil.copy(framework, surveys / "frameworks" / framework.name)
    reversed_survey = SURVEY.replace("not_sure: true", "reversed: true")
    (surveys / "good.yaml").write_text(reversed_survey.format(id="good", type="yes_no", options=""))
    (surveys / "bad.yaml").write_text(reversed_survey.format(id="bad", type="choose_one", options=OPTIONS))
    result = load_all(surveys)
    [question] = result.questionnaires["good"].questions
    assert question.reversed and question.bad_values == {"yes"}
    assert "bad" not in result.questionnaires
    assert [e.message for e in result.errors] == [
        "'reversed' is only for a yes_no question, and is true or false."
    ]


def test_a_stored_not_sure_still_counts_as_not_sure_in_the_figures(no_csrf_app: Flask) -> None:
    from app.models import Organisation
    from app.reports.figures import question_figures
    from app.reports.told_us import finding

    app = no_csrf_app
    client = app.test_client()
    begin(client, app)
    number = first_yes_no(app)
    question = your_support(app).questions[number - 1]
    # an answer given before "Not sure" left yes / no, stored as it was then
    with app.app_context():
        response = db.session.scalars(select(Response)).one()
        answer = Answer(
            response_id=response.id,
            question_key=question.id,
            kind=AnswerKind.OPTION,
            submission_id="legacy-not-sure",
        )
        db.session.add(answer)
        db.session.flush()
        db.session.add(AnswerChoice(answer_id=answer.id, value="not_sure"))
        db.session.commit()
        org = db.session.scalars(select(Organisation)).first()
        year = response.started_at.year
        figures = question_figures(db.session, org.id, 1, year, {"your-support": your_support(app)})
        figure = next(f for f in figures if f.question.id == question.id)
        assert figure.overall.cells["not_sure"].value == 1
        with app.test_request_context():
            bars = finding(figure).bars
        assert [bar.text for bar in bars] == ["Yes", "No", "Not sure"]
    assert "not_sure" in columns_for(question)
    assert question.choice("not_sure").text == "Not sure"
    # the page does not offer it again (the stored answer is kept until another is given)
    page = client.get(f"/q/{number}").get_data(as_text=True)
    assert 'value="not_sure"' not in page


# -- item 2: Back, then forward, without losing anything ----------------------------------------
def answer(client: FlaskClient, number: int, question_id: str, **fields: object) -> str:
    page = client.get(f"/q/{number}").get_data(as_text=True)
    posted = client.post(
        f"/q/{number}", data={"submission_id": submission_id(page), "question": question_id, **fields}
    )
    assert posted.status_code == 302
    return posted.headers["Location"]


def next_of(page: str) -> tuple[str, dict[str, str]] | None:
    """The Next on a page: (method, where) for a link, or the form's fields for a button."""
    link = re.search(r'<a class="button button-next" href="([^"]+)"', page)
    if link:
        return "GET", {"href": link.group(1)}
    if re.search(r'<button type="submit" form="answer-form" name="action" value="answer"', page):
        return "POST", {}
    return None


def test_back_twice_then_next_twice_keeps_every_answer_and_arrives_at_q3(no_csrf_app: Flask) -> None:
    app = no_csrf_app
    client = app.test_client()
    begin(client, app)
    qs = your_support(app).questions
    given = [(1, {"answer": "happy"}), (2, {"answer": qs[1].choices[0].value}), (3, {"action": "dont_know"})]
    for number, fields in given:
        answer(client, number, qs[number - 1].id, **fields)
    before = rows(app)
    assert [r[1] for r in before] == [q.id for q in qs[:3]]

    # Back twice: from q3 to q2 to q1, each showing its stored answer chosen
    q3 = client.get("/q/3").get_data(as_text=True)
    assert re.search(r'href="/q/2"[^>]*>.*?Back', q3, re.S)
    q2 = client.get("/q/2").get_data(as_text=True)
    assert 'aria-pressed="true"' in q2 and "You chose this" in q2
    q1 = client.get("/q/1").get_data(as_text=True)
    assert re.search(r'value="happy" class="card chosen"\s+aria-pressed="true"', q1)
    # Question 1's Back leads to the start of the journey ("Before we start")
    assert re.search(r'<a class="button button-back" href="/consent"', q1)

    # Next twice: q1 -> q2 -> q3, nothing stored again
    where = next_of(q1)
    assert where == ("GET", {"href": "/q/2"})
    q2 = client.get(where[1]["href"]).get_data(as_text=True)
    where = next_of(q2)
    assert where == ("GET", {"href": "/q/3"})
    q3 = client.get(where[1]["href"]).get_data(as_text=True)
    assert f'<h1 id="q-title">{qs[2].text}</h1>' in q3
    assert rows(app) == before


def test_back_from_question_1_then_yes_goes_on_with_the_same_response(no_csrf_app: Flask) -> None:
    """Back on question 1 shows "Before we start" again: "Yes, start" then goes on with the answers
    already given, never a second response; "No, thank you" stops it and keeps what was given."""
    app = no_csrf_app
    client = app.test_client()
    begin(client, app)
    answer(client, 1, your_support(app).questions[0].id, answer="happy")
    before = rows(app)
    page = client.get("/consent").get_data(as_text=True)
    again = client.post("/consent", data={"submission_id": submission_id(page), "action": "yes"})
    assert again.headers["Location"].endswith("/q/1")
    assert 'class="card chosen"' in client.get("/q/1").get_data(as_text=True)
    with app.app_context():
        assert len(db.session.scalars(select(Response)).all()) == 1
    assert rows(app) == before

    page = client.get("/consent").get_data(as_text=True)
    no = client.post("/consent", data={"submission_id": submission_id(page), "action": "no"})
    assert no.headers["Location"].endswith("/no-thanks")
    with app.app_context():
        [response] = db.session.scalars(select(Response)).all()
        assert response.status == "stopped"
    assert rows(app) == before
    assert client.get("/q/1").status_code == 302  # the tablet no longer holds it


def test_a_page_without_an_answer_has_no_next_link(no_csrf_app: Flask) -> None:
    client = no_csrf_app.test_client()
    begin(client, no_csrf_app)
    assert next_of(client.get("/q/1").get_data(as_text=True)) is None


def test_next_on_ticks_and_words_sends_them_but_an_unchanged_answer_is_not_written_again(
    no_csrf_app: Flask,
) -> None:
    app = no_csrf_app
    client = app.test_client()
    begin(client, app)
    qs = your_support(app).questions
    many = next(n for n, q in enumerate(qs, 1) if q.multiple)
    text = next(n for n, q in enumerate(qs, 1) if q.type == "free_text")
    values = [o.value for o in qs[many - 1].choices[:2]]
    answer(client, many, qs[many - 1].id, action="answer", answer=values)
    answer(client, text, qs[text - 1].id, action="answer", text="More trips, please.")
    skipped = next(n for n, q in enumerate(qs, 1) if q.multiple is False and n not in (many, text))
    answer(client, skipped, qs[skipped - 1].id, action="dont_want_to_say")
    before = rows(app)
    # the same ticks, the same words, and an empty Next on "I don't want to say": all kept as they were
    assert next_of(client.get(f"/q/{many}").get_data(as_text=True)) == ("POST", {})
    answer(client, many, qs[many - 1].id, action="answer", answer=values)
    answer(client, text, qs[text - 1].id, action="answer", text="More trips, please.")
    answer(client, skipped, qs[skipped - 1].id, action="answer")
    assert rows(app) == before
    # a change is stored, and Skip still means Skip
    answer(client, many, qs[many - 1].id, action="answer", answer=values[:1])
    answer(client, skipped, qs[skipped - 1].id, action="skip")
    after = {r[1]: r for r in rows(app)}
    assert after[qs[many - 1].id][3] == values[:1]
    assert after[qs[skipped - 1].id][2] == AnswerKind.SKIPPED
