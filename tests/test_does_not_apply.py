""" "This does not happen to me" (issue 12, format version 2): ``does_not_apply: true`` on a
question adds an escape-like answer, stored as its own kind (never skipped, never "I don't know"),
left out of the question's percentages and total, and shown as its own count where the figures
list the non-answers: the dashboard, the summary and raw CSV, the easy-read PDF's sentences and
the evidence pack's snapshot. A question without the key refuses it (easy-read 400, nothing
stored); the loader names the line of a wrong value; the demo gives some."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers.app import add_users, sign_in_as, submission_id
from helpers.journey import begin, stored
from helpers.surveys import EXTRA, HOME, app_with_survey, surveys_with
from sqlalchemy import select

from app.assessments.workflow import figure_snapshot
from app.db import db
from app.models import Answer, AnswerKind, Organisation, utcnow
from app.questionnaires.loader import load_all
from app.reports import figures
from app.reports.suppression import percent
from app.reports.told_us import finding

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def home_app(tmp_path: Path) -> Flask:
    return app_with_survey(tmp_path, HOME)


def tablet(app: Flask) -> FlaskClient:
    client = app.test_client()
    begin(client, app, slug="home-and-choices")
    return client


def post(client: FlaskClient, number: int, question: str, **fields: str) -> object:
    html = client.get(f"/q/{number}").get_data(as_text=True)
    return client.post(
        f"/q/{number}", data={"submission_id": submission_id(html), "question": question, **fields}
    )


def test_the_button_is_offered_only_where_the_file_says(home_app: Flask) -> None:
    client = tablet(home_app)
    assert 'value="does_not_apply"' not in client.get("/q/1").get_data(as_text=True)
    page = client.get("/q/2").get_data(as_text=True)
    assert 'value="does_not_apply"' in page and "This does not happen to me" in page
    assert "does_not_apply.svg" in page or "does_not_apply.png" in page  # its own picture


def test_it_is_stored_as_its_own_kind(home_app: Flask) -> None:
    client = tablet(home_app)
    sent = post(client, 2, "college", action="does_not_apply")
    assert sent.status_code == 302
    assert stored(home_app)["college"] == (AnswerKind.DOES_NOT_APPLY, [], None)
    again = client.get("/q/2").get_data(as_text=True)  # shown as chosen when coming back
    assert 'value="does_not_apply" class="card card-small chosen"' in again


def test_a_question_without_it_refuses_it_and_stores_nothing(home_app: Flask) -> None:
    sent = post(tablet(home_app), 1, "room", action="does_not_apply")
    assert sent.status_code == 400
    body = sent.get_data(as_text=True)
    assert "Traceback" not in body and 'class="er-lines' in body
    assert "room" not in stored(home_app)


def test_left_out_of_the_percentages_but_counted_apart(home_app: Flask) -> None:
    for how in ({"action": "does_not_apply"}, {"answer": "happy"}, {"answer": "sad"}, {"answer": "happy"}):
        post(tablet(home_app), 2, "college", **how)
    with home_app.test_request_context():
        org = db.session.scalars(select(Organisation).where(Organisation.slug == "demo")).one()
        form = home_app.extensions["easyvoice.surveys"].questionnaires["home-and-choices"]
        found = figures.question_figures(db.session, org.id, 1, utcnow().year, {"home-and-choices": form})
        college = next(f for f in found if f.question.id == "college")
        room = next(f for f in found if f.question.id == "room")
        assert college.overall.total.value == 3  # the 3 answers; "does not happen" is not one
        assert college.overall.cells["happy"].value == 2
        assert percent(college.overall.cells["happy"], college.overall.total) == 67
        assert college.apart is not None and college.apart.cells["does_not_apply"].value == 1
        assert "does_not_apply" not in college.columns
        assert room.apart is None  # not offered: no line for it
        sentences = " ".join(finding(college).sentences)
        assert "3 people answered." in sentences
        assert "1 person said this does not happen to them." in sentences
        snap = figure_snapshot(college)
        assert snap["apart"]["value"] == 1 and snap["total"] == 3


def test_a_small_count_is_suppressed_like_the_others(home_app: Flask) -> None:
    post(tablet(home_app), 2, "college", action="does_not_apply")
    with home_app.test_request_context():
        org = db.session.scalars(select(Organisation).where(Organisation.slug == "demo")).one()
        form = home_app.extensions["easyvoice.surveys"].questionnaires["home-and-choices"]
        found = figures.question_figures(db.session, org.id, 5, utcnow().year, {"home-and-choices": form})
        college = next(f for f in found if f.question.id == "college")
        assert college.apart.cells["does_not_apply"].value is None
        assert college.apart.cells["does_not_apply"].label == "fewer than 5"


def test_the_dashboard_and_downloads_show_it_apart(tmp_path: Path) -> None:
    from app.demo.responses import add_responses

    app = app_with_survey(tmp_path, HOME)
    with app.app_context():
        org = db.session.scalars(select(Organisation).where(Organisation.slug == "demo")).one()
        add_responses(
            db.session, org, [app.extensions["easyvoice.surveys"].questionnaires["home-and-choices"]], 200
        )
        db.session.commit()
        kinds = {(a.question_key, a.kind) for a in db.session.scalars(select(Answer))}
    assert ("college", AnswerKind.DOES_NOT_APPLY) in kinds  # the demo gives some
    assert ("room", AnswerKind.DOES_NOT_APPLY) not in kinds
    add_users(app)
    client = app.test_client()
    assert sign_in_as(client, "quality_lead@demo.example").status_code == 302
    html = client.get("/provider/questionnaire/home-and-choices").get_data(as_text=True)
    assert 'class="does-not-apply"' in html and "This does not happen to me" in html
    rows = list(csv.reader(io.StringIO(client.get("/provider/download/summary.csv").get_data(as_text=True))))
    apart = [r for r in rows if r[1] == "college" and r[5] == "does_not_apply"]
    assert len(apart) == 1 and apart[0][8] == ""  # its count, and no percentage
    raw = list(
        csv.DictReader(io.StringIO(client.get("/provider/download/answers.csv").get_data(as_text=True)))
    )
    assert any(line["answer_kind"] == "does_not_apply" for line in raw)
    pdf = client.get("/provider/download/what-people-told-us.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (("does_not_apply: true", "does_not_apply: yes please"), "'does_not_apply' is true"),
        (("version: 2", "version: 1"), "needs format version 2"),
        (("audience: person_supported", "audience: expert"), "Expert by Experience"),
    ],
)
def test_a_wrong_value_names_the_line(tmp_path: Path, change: tuple[str, str], says: str) -> None:
    text = HOME.replace(*change, 1).replace("    escapes: [dont_know, skip]\n", "")
    errors = [e for e in load_all(surveys_with(tmp_path, text)).errors if e.file.endswith(EXTRA)]
    assert len(errors) == 1 and says in errors[0].message, errors
    assert text.splitlines()[errors[0].line - 1].strip().startswith("does_not_apply:")


def test_the_readme_example_loads_as_it_says(tmp_path: Path) -> None:
    readme = (ROOT / "surveys" / "README.md").read_text()
    part = readme.split('## "This does not happen to me"', 1)[1]
    example = part.split("```yaml\n", 1)[1].split("```", 1)[0]
    head = (
        "version: 2\nid: home-life\ntitle: Your home\naudience: person_supported\nsymbol: home\nquestions:\n"
    )
    result = load_all(surveys_with(tmp_path, head + example))
    assert result.errors == []
    assert result.questionnaires["home-life"].questions[0].does_not_apply
