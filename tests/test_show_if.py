"""``show_if`` (issue 12, format version 2): a question asked only when earlier answers match.

Through the real loader, the test client and the database: a question whose condition
fails is never shown, Back and Next step over it, it is stored as "not asked" (never as skipped),
a changed earlier answer moves it between asked and not asked, a replayed page changes nothing,
and the dashboard's figures leave "not asked" out of that question's count. Version 1 files load
as before; a bad condition names the file, the line and what to do."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers.app import submission_id
from helpers.journey import begin, stored
from helpers.surveys import EXTRA, app_with_survey, surveys_with
from sqlalchemy import select

from app.db import db
from app.models import Answer as AnswerRow
from app.models import AnswerKind, Organisation, QuestionnaireVersion, utcnow
from app.questionnaires.conditions import Condition, from_dict
from app.questionnaires.loader import load_all
from app.reports import figures

ROOT = Path(__file__).resolve().parent.parent

WORK = """\
version: 2
id: work-life
title: Your work
audience: person_supported
symbol: work
questions:
  - id: has_job
    type: yes_no
    text: Do you have a job?
    symbol: work
    sections: [duq:1]
  - id: like_job
    type: faces
    text: Do you like your job?
    symbol: work
    sections: [duq:1]
    show_if: {question: has_job, equals: yes}
  - id: want_job
    type: yes_no
    text: Would you like a job?
    symbol: work
    sections: [duq:1]
    show_if: {question: has_job, none_of: [yes]}
  - id: job_help
    type: yes_no
    text: Do staff help you with your job?
    symbol: help
    sections: [duq:1]
    show_if: {all: [{question: has_job, equals: yes}, {question: like_job, any_of: [sad, ok]}]}
  - id: garden
    type: faces
    text: Do you like the garden?
    symbol: garden
    sections: [duq:1]
"""


@pytest.fixture
def work_app(tmp_path: Path) -> Flask:
    return app_with_survey(tmp_path, WORK)


def tablet(app: Flask) -> FlaskClient:
    client = app.test_client()
    begin(client, app, slug="work-life")
    return client


def send(client: FlaskClient, number: int, question: str, value: str) -> str:
    """Answer question ``number`` (its page must be the one shown); returns where it leads."""
    page = client.get(f"/q/{number}")
    assert page.status_code == 200, (number, page.status_code)
    html = page.get_data(as_text=True)
    assert f'name="question" value="{question}"' in html
    sent = client.post(
        f"/q/{number}",
        data={
            "submission_id": submission_id(html),
            "question": question,
            "answer": value,
        },
    )
    assert sent.status_code == 302, sent.status_code
    return sent.headers["Location"]


def back_link(client: FlaskClient, number: int) -> str:
    html = client.get(f"/q/{number}").get_data(as_text=True)
    link = next(line for line in html.splitlines() if "back" in line and "href=" in line)
    return link.split('href="')[1].split('"')[0]


# -- the journey ---------------------------------------------------------------------------------
def test_a_question_whose_condition_fails_is_not_asked_and_stored_as_such(work_app: Flask) -> None:
    client = tablet(work_app)
    assert send(client, 1, "has_job", "no") == "/q/3"  # "Do you like your job?" is not asked
    assert stored(work_app)["like_job"] == (AnswerKind.NOT_ASKED, [], None)
    assert stored(work_app)["job_help"] == (AnswerKind.NOT_ASKED, [], None)
    assert client.get("/q/2").headers["Location"].endswith("/q/3")  # typed in: stepped over
    assert back_link(client, 3) == "/q/1"
    assert send(client, 3, "want_job", "yes") == "/q/5"
    assert send(client, 5, "garden", "happy") == "/end/helped"
    answers = stored(work_app)
    assert answers["want_job"] == (AnswerKind.OPTION, ["yes"], None)
    assert set(answers) == {"has_job", "like_job", "want_job", "job_help", "garden"}
    assert AnswerKind.SKIPPED not in {kind for kind, _v, _t in answers.values()}
    html = client.get("/end/helped").get_data(as_text=True)
    assert 'href="/q/5"' in html  # Back from the closing questions: the last one asked


def test_the_other_answer_asks_it_and_a_changed_answer_moves_it(work_app: Flask) -> None:
    client = tablet(work_app)
    assert send(client, 1, "has_job", "yes") == "/q/2"
    assert stored(work_app)["want_job"] == (AnswerKind.NOT_ASKED, [], None)
    assert send(client, 2, "like_job", "sad") == "/q/4"  # all: has a job and not happy in it
    assert send(client, 4, "job_help", "no") == "/q/5"
    assert stored(work_app)["job_help"] == (AnswerKind.OPTION, ["no"], None)
    # Back to the start and "No, I do not have a job": what fitted only a job is now not asked
    assert send(client, 1, "has_job", "no") == "/q/3"
    answers = stored(work_app)
    assert answers["like_job"] == (AnswerKind.NOT_ASKED, [], None)
    assert answers["job_help"] == (AnswerKind.NOT_ASKED, [], None)
    assert "want_job" not in answers  # now to be asked: its "not asked" went, its page comes next
    # and back to "yes": the job question is asked again, not left as "not asked"
    assert send(client, 1, "has_job", "yes") == "/q/2"
    assert "like_job" not in stored(work_app)
    assert stored(work_app)["want_job"] == (AnswerKind.NOT_ASKED, [], None)


def test_a_replayed_page_stores_nothing_twice(work_app: Flask) -> None:
    client = tablet(work_app)
    html = client.get("/q/1").get_data(as_text=True)
    data = {"submission_id": submission_id(html), "question": "has_job", "answer": "no"}
    first = client.post("/q/1", data=data)
    with work_app.app_context():
        before = {(a.question_key, a.submission_id, a.kind) for a in db.session.scalars(select(AnswerRow))}
    again = client.post("/q/1", data=data)
    with work_app.app_context():
        after = {(a.question_key, a.submission_id, a.kind) for a in db.session.scalars(select(AnswerRow))}
    assert first.headers["Location"] == again.headers["Location"] == "/q/3"
    assert before == after and len(after) == 3  # has_job, and like_job / job_help not asked


# -- the figures ---------------------------------------------------------------------------------
def test_not_asked_is_in_no_figure(work_app: Flask) -> None:
    for job in ("no", "no", "yes"):
        client = tablet(work_app)
        send(client, 1, "has_job", job)
        if job == "yes":
            send(client, 2, "like_job", "happy")
    with work_app.app_context():
        org = db.session.scalars(select(Organisation).where(Organisation.slug == "demo")).one()
        version = db.session.scalars(
            select(QuestionnaireVersion.id).where(QuestionnaireVersion.slug == "work-life")
        ).all()
        rows = db.session.execute(figures.counts_query(org.id, version, utcnow().year)).all()
    values = {(row.question_key, row.value): row.n for row in rows}
    assert values[("has_job", "yes")] == 1 and values[("has_job", "no")] == 2
    assert values[("like_job", "happy")] == 1
    assert not [key for key in values if key[1] == AnswerKind.NOT_ASKED.value]
    assert sum(n for (key, _v), n in values.items() if key == "like_job") == 1  # its denominator


# -- the file format -----------------------------------------------------------------------------
def test_conditions_hold_as_documented() -> None:
    chosen = {"a": frozenset({"yes"}), "b": frozenset({"music", "sport"})}
    assert Condition("equals", "a", ("yes",)).holds(chosen)
    assert not Condition("equals", "a", ("no",)).holds(chosen)
    assert Condition("any_of", "b", ("sport", "art")).holds(chosen)
    assert not Condition("none_of", "b", ("sport",)).holds(chosen)
    assert Condition("none_of", "c", ("yes",)).holds(chosen)  # skipped or not asked: nothing chosen
    assert not Condition("equals", "c", ("yes",)).holds(chosen)
    both = from_dict({"all": [{"question": "a", "equals": "yes"}, {"question": "b", "any_of": ["art"]}]})
    either = from_dict({"any": [{"question": "a", "equals": "yes"}, {"question": "b", "any_of": ["art"]}]})
    assert both is not None and not both.holds(chosen)
    assert either is not None and either.holds(chosen)
    assert both.questions() == {"a", "b"}


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


@pytest.mark.parametrize(
    ("change", "needle", "says"),
    [
        (("version: 2", "version: 1"), "show_if: {question: has_job, equals", "needs format version 2"),
        (
            ("question: has_job, equals: yes", "question: garden, equals: yes"),
            "question: garden",
            "not a question before it",
        ),
        (("equals: yes}", "equals: maybe}"), "equals: maybe", "should name what 'has_job' offers"),
        (("none_of: [yes]", "none_of: []"), "none_of: []", "should name what"),
        (("any_of: [sad, ok]", "any_of: [sad, grumpy]"), "grumpy", "should name what 'like_job' offers"),
        (
            ("{question: has_job, none_of: [yes]}", "{question: has_job}"),
            "{question: has_job}",
            "needs one of",
        ),
        (
            ("{question: has_job, none_of: [yes]}", "{question: has_job, none_of: [yes], colour: red}"),
            "colour",
            "not a field",
        ),
        (("show_if: {all:", "show_if: {every:"), "every:", "needs one of"),
        (
            ("audience: person_supported", "audience: expert"),
            "show_if: {question: has_job, equals",
            "not yet for",
        ),
        (
            ("show_if: {question: has_job, equals: yes}", "show_if: yes"),
            "show_if: yes",
            "'show_if' should be",
        ),
    ],
)
def test_a_bad_condition_names_the_line_and_what_to_do(
    tmp_path: Path, change: tuple[str, str], needle: str, says: str
) -> None:
    text = WORK.replace(*change, 1)
    assert text != WORK
    result = load_all(surveys_with(tmp_path, text))
    errors = [e for e in result.errors if e.file.endswith(EXTRA)]
    assert len(errors) == 1, result.errors
    assert says in errors[0].message, errors[0]
    assert errors[0].line == line_of(text, needle), errors[0]
    assert errors[0].hint
    assert "work-life" not in result.questionnaires
    assert "your-support" in result.questionnaires  # the other files still load


def test_a_condition_on_a_written_answer_is_refused(tmp_path: Path) -> None:
    text = WORK.replace(
        "type: yes_no\n    text: Do you have a job?", "type: free_text\n    text: Do you have a job?"
    )
    text = text.replace("question: has_job, equals: yes}", "question: has_job, equals: words}", 1)
    errors = [e for e in load_all(surveys_with(tmp_path, text)).errors if e.file.endswith(EXTRA)]
    assert len(errors) == 1 and "has no answer cards" in errors[0].message


def test_version_1_files_load_as_before(tmp_path: Path) -> None:
    result = load_all(ROOT / "surveys")
    assert result.errors == []
    assert all(not q.has_conditions for q in result.questionnaires.values())
    loaded = load_all(surveys_with(tmp_path, WORK)).questionnaires["work-life"]
    assert loaded.question("like_job").show_if == Condition("equals", "has_job", ("yes",))  # bare yes
    assert loaded.question("garden").show_if is None


def test_the_readme_example_loads_as_it_says(tmp_path: Path) -> None:
    readme = (ROOT / "surveys" / "README.md").read_text()
    part = readme.split("## Questions asked only sometimes", 1)[1]
    example = part.split("```yaml\n", 1)[1].split("```", 1)[0]
    head = (
        "version: 2\nid: work-life\ntitle: Your work\naudience: person_supported\nsymbol: work\nquestions:\n"
    )
    result = load_all(surveys_with(tmp_path, head + example))
    assert result.errors == []
    loaded = result.questionnaires["work-life"]
    assert [q.id for q in loaded.questions if q.show_if] == ["like_job", "want_job", "job_help"]
    assert loaded.question("job_help").show_if == from_dict(
        {"all": [{"question": "has_job", "equals": "yes"}, {"question": "like_job", "any_of": ["sad", "ok"]}]}
    )


def test_demo_responses_keep_to_the_conditions(work_app: Flask) -> None:
    from app.demo.responses import add_responses

    with work_app.app_context():
        org = db.session.scalars(select(Organisation).where(Organisation.slug == "demo")).one()
        work = work_app.extensions["easyvoice.surveys"].questionnaires["work-life"]
        add_responses(db.session, org, [work], 60)
        by_response: dict[int, dict[str, tuple[str, list[str]]]] = {}
        for answer in db.session.scalars(select(AnswerRow)):
            by_response.setdefault(answer.response_id, {})[answer.question_key] = (answer.kind, answer.values)
    kinds = set()
    for answers in by_response.values():
        job = answers["has_job"]
        asked = job == (AnswerKind.OPTION, ["yes"])
        assert (answers["like_job"][0] == AnswerKind.NOT_ASKED) is not asked
        assert (answers["want_job"][0] == AnswerKind.NOT_ASKED) is asked
        kinds.add(answers["like_job"][0])
    assert {AnswerKind.NOT_ASKED, AnswerKind.OPTION} <= kinds  # both paths were taken


def test_without_conditions_back_and_next_are_the_listed_ones() -> None:
    """Where no question has a condition, Back and Next are found without listing the questions
    asked (issue 15, a question page's speed): the same steps as listing them gives, from before
    the first question to past the last."""
    from app.respond import journey

    shipped = load_all(ROOT / "surveys").questionnaires
    plain = [q for q in shipped.values() if not q.has_conditions]
    assert plain
    for questionnaire in plain:
        shown = journey.shown_numbers(questionnaire, {})
        assert shown == list(range(1, len(questionnaire.questions) + 1))
        for number in range(-1, len(questionnaire.questions) + 3):
            assert journey.next_shown(questionnaire, number, {}) == next(
                (n for n in shown if n >= number), None
            ), (questionnaire.id, number)
            assert journey.previous_shown(questionnaire, number, {}) == next(
                (n for n in reversed(shown) if n < number), None
            ), (questionnaire.id, number)
