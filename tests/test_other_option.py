""" "Other, say what" (issue 12, format version 2): ``other: true`` on one option of a choose_one or
choose_many question. The page has a short "Say what" box under the cards (always there without
script; the page's script shows it once that card is chosen: tests/browser/test_choices_touch.py);
its words (at most 80 characters) are stored with the choice (Answer.text beside the option), go
through the checks written answers go through (length, concern words raise a safeguarding alert),
show on the dashboard as free text to those who may read written answers, and are offered as
quotes only under the same rules (app/assessments/quotes.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers.app import add_users, sign_in_as, submission_id
from helpers.journey import begin, stored
from helpers.surveys import EXTRA, HOME, app_with_survey, surveys_with
from sqlalchemy import select

from app.assessments import quotes
from app.db import db
from app.models import Answer, AnswerKind, Organisation, SafeguardingAlert, utcnow
from app.questionnaires.loader import load_all
from app.reports.figures import version_ids, year_bounds

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def home_app(tmp_path: Path) -> Flask:
    return app_with_survey(tmp_path, HOME)


def weekend(app: Flask, answer: str, text: str = "") -> object:
    client: FlaskClient = app.test_client()
    begin(client, app, slug="home-and-choices")
    html = client.get("/q/3").get_data(as_text=True)
    data = {"submission_id": submission_id(html), "question": "weekend", "answer": answer, "text": text}
    return client.post("/q/3", data=data, follow_redirects=False)


def test_the_page_has_the_box_and_cards_that_only_choose(home_app: Flask) -> None:
    client = home_app.test_client()
    begin(client, home_app, slug="home-and-choices")
    html = client.get("/q/3").get_data(as_text=True)
    assert 'data-other-for="something_else"' in html
    assert 'id="other-text" name="text"' in html and 'maxlength="80"' in html
    assert 'type="radio" name="answer" value="something_else"' in html  # a tap chooses, Next sends
    assert "Say what. Use a few words." in html
    first_send = html.split('type="submit"', 1)[1][:80]
    assert 'value="answer"' in first_send  # Enter in the box means Next, not an escape


def test_the_words_are_stored_with_the_choice(home_app: Flask) -> None:
    assert weekend(home_app, "something_else", "  Bowling with my brother ").status_code == 302
    assert stored(home_app)["weekend"] == (AnswerKind.OPTION, ["something_else"], "Bowling with my brother")


def test_words_without_the_other_card_are_not_kept(home_app: Flask) -> None:
    assert weekend(home_app, "park", "Bowling").status_code == 302
    assert stored(home_app)["weekend"] == (AnswerKind.OPTION, ["park"], None)


def test_too_many_words_get_the_easy_read_page_and_nothing_is_stored(home_app: Flask) -> None:
    sent = weekend(home_app, "something_else", "x" * 81)
    assert sent.status_code == 400
    body = sent.get_data(as_text=True)
    assert "Traceback" not in body and 'class="er-lines' in body
    assert "weekend" not in stored(home_app)


def test_concern_words_raise_an_alert_as_written_answers_do(home_app: Flask) -> None:
    sent = weekend(home_app, "something_else", "staff hit me")
    assert sent.status_code == 302 and "/told-us" in sent.headers["Location"]
    with home_app.app_context():
        alerts = db.session.scalars(select(SafeguardingAlert)).all()
        assert len(alerts) == 1


def test_the_words_show_as_free_text_and_quote_only_under_the_rules(home_app: Flask) -> None:
    weekend(home_app, "something_else", "Bowling with my brother")
    weekend(home_app, "something_else", "staff hit me")  # a concern: never offered as a quote
    weekend(home_app, "park")
    add_users(home_app)
    client = home_app.test_client()
    assert sign_in_as(client, "quality_lead@demo.example").status_code == 302
    html = client.get("/provider/questionnaire/home-and-choices").get_data(as_text=True)
    assert "Bowling with my brother" in html  # as a written answer, to those who may read them
    with home_app.app_context():
        org = db.session.scalars(select(Organisation).where(Organisation.slug == "demo")).one()
        start, end = year_bounds(utcnow().year)
        found = quotes.candidates(
            db.session, org.id, ["weekend"], version_ids(db.session, ["home-and-choices"]), start, end
        )
        assert [a.text for a in found] == ["Bowling with my brother"]
        park = db.session.scalars(
            select(Answer).where(Answer.text.is_(None), Answer.question_key == "weekend")
        )
        assert quotes.quotable(db.session, park.first(), org.id) == quotes.NOT_WRITTEN


def test_a_viewer_never_sees_the_words(home_app: Flask) -> None:
    weekend(home_app, "something_else", "Bowling with my brother")
    add_users(home_app)
    client = home_app.test_client()
    assert sign_in_as(client, "viewer@demo.example").status_code == 302
    page = client.get("/provider/questionnaire/home-and-choices")
    assert page.status_code == 200 and "Bowling with my brother" not in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (("        other: true", "        other: yes please"), "'other: true' is only for"),
        (("version: 2", "version: 1"), "'other: true' is only for"),
        (("        symbol: park\n", "        symbol: park\n        other: true\n"), "at most 1 'other'"),
        (("audience: person_supported", "audience: expert"), "Expert by Experience"),
    ],
)
def test_a_wrong_other_names_the_line(tmp_path: Path, change: tuple[str, str], says: str) -> None:
    text = HOME.replace(*change, 1)
    if change[1] in ("version: 1", "audience: expert"):
        text = text.replace("    escapes: [dont_know, skip]\n", "").replace("    does_not_apply: true\n", "")
    errors = [e for e in load_all(surveys_with(tmp_path, text)).errors if e.file.endswith(EXTRA)]
    assert len(errors) == 1 and says in errors[0].message, errors
    assert text.splitlines()[errors[0].line - 1].strip().startswith("other:")


def test_the_readme_example_loads_as_it_says(tmp_path: Path) -> None:
    readme = (ROOT / "surveys" / "README.md").read_text()
    part = readme.split('## "Other, say what"', 1)[1]
    example = part.split("```yaml\n", 1)[1].split("```", 1)[0]
    head = (
        "version: 2\nid: home-life\ntitle: Your home\naudience: person_supported\nsymbol: home\nquestions:\n"
    )
    result = load_all(surveys_with(tmp_path, head + example))
    assert result.errors == []
    assert result.questionnaires["home-life"].questions[0].other_option.value == "something_else"
