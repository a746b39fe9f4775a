"""Per-question escapes (issue 12, format version 2): ``escapes:`` chooses which of "I don't know",
"I don't want to say" and Skip a question offers. Skip cannot be left out (the consent page tells
every person "You can skip any question."): the loader refuses such a file with that reason. The
page shows only the offered buttons; the server refuses an escape the question does not offer
with the easy-read error page and stores nothing; the demo's random answers keep to them."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from helpers.app import submission_id
from helpers.journey import begin, stored
from helpers.surveys import EXTRA, app_with_survey, surveys_with
from sqlalchemy import select

from app.db import db
from app.models import Answer, AnswerKind, Organisation
from app.questionnaires.loader import load_all
from app.questionnaires.schema import ESCAPES

ROOT = Path(__file__).resolve().parent.parent

HOME = """\
version: 2
id: home-life
title: Your home
audience: person_supported
symbol: home
questions:
  - id: room
    type: faces
    text: Do you like your room?
    symbol: home
    sections: [duq:1]
    escapes: [dont_know, skip]
  - id: garden
    type: faces
    text: Do you like the garden?
    symbol: garden
    sections: [duq:1]
"""


@pytest.fixture
def home_app(tmp_path: Path) -> Flask:
    return app_with_survey(tmp_path, HOME)


def page(app: Flask) -> tuple[object, str]:
    client = app.test_client()
    begin(client, app, slug="home-life")
    return client, client.get("/q/1").get_data(as_text=True)


def test_the_page_offers_only_the_chosen_escapes(home_app: Flask) -> None:
    client, html = page(home_app)
    assert 'value="dont_know"' in html and 'value="skip"' in html
    assert 'value="dont_want_to_say"' not in html
    second = client.get("/q/2").get_data(as_text=True)  # no 'escapes': all three
    assert all(f'value="{e}"' in second for e in ESCAPES)


@pytest.mark.parametrize(("action", "code"), [("dont_want_to_say", 400), ("dont_know", 302), ("skip", 302)])
def test_an_escape_not_offered_is_refused_and_nothing_stored(home_app: Flask, action: str, code: int) -> None:
    client, html = page(home_app)
    sent = client.post(
        "/q/1", data={"submission_id": submission_id(html), "question": "room", "action": action}
    )
    assert sent.status_code == code
    if code == 400:
        body = sent.get_data(as_text=True)
        assert "Traceback" not in body and 'class="er-lines' in body  # the easy-read error page
        assert "room" not in stored(home_app)
    else:
        kind = {"dont_know": AnswerKind.DONT_KNOW, "skip": AnswerKind.SKIPPED}[action]
        assert stored(home_app)["room"][0] == kind


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ("escapes: [dont_know]", "You can skip any question."),
        ("escapes: [dont_know, dont_want_to_say]", "leaves out 'skip'"),
        ("escapes: [skip, skip]", "each once"),
        ("escapes: [maybe, skip]", "should list some of"),
        ("escapes: skip", "should list some of"),
    ],
)
def test_a_bad_escapes_list_names_the_line_and_why(tmp_path: Path, change: str, says: str) -> None:
    text = HOME.replace("escapes: [dont_know, skip]", change)
    errors = [e for e in load_all(surveys_with(tmp_path, text)).errors if e.file.endswith(EXTRA)]
    assert len(errors) == 1 and says in str(errors[0]), errors
    assert errors[0].line == line_of(text, "escapes:")
    assert "What to do" in str(errors[0])


def test_escapes_need_format_version_2(tmp_path: Path) -> None:
    text = HOME.replace("version: 2", "version: 1")
    errors = [e for e in load_all(surveys_with(tmp_path, text)).errors if e.file.endswith(EXTRA)]
    assert len(errors) == 1 and "needs format version 2" in errors[0].message
    assert errors[0].line == line_of(text, "escapes:")


def test_the_readme_example_loads_as_it_says(tmp_path: Path) -> None:
    readme = (ROOT / "surveys" / "README.md").read_text()
    part = readme.split("## Fewer escape buttons", 1)[1]
    example = part.split("```yaml\n", 1)[1].split("```", 1)[0]
    head = (
        "version: 2\nid: home-life\ntitle: Your home\naudience: person_supported\nsymbol: home\nquestions:\n"
    )
    result = load_all(surveys_with(tmp_path, head + example))
    assert result.errors == []
    assert result.questionnaires["home-life"].questions[0].escapes == ("dont_know", "skip")


def test_demo_answers_use_only_the_offered_escapes(home_app: Flask) -> None:
    from app.demo.responses import add_responses

    with home_app.app_context():
        org = db.session.scalars(select(Organisation).where(Organisation.slug == "demo")).one()
        home = home_app.extensions["easyvoice.surveys"].questionnaires["home-life"]
        add_responses(db.session, org, [home], 300)
        kinds = {(a.question_key, a.kind) for a in db.session.scalars(select(Answer))}
    assert ("room", AnswerKind.DONT_WANT_TO_SAY) not in kinds
    assert ("garden", AnswerKind.DONT_WANT_TO_SAY) in kinds  # the other question still has it
    assert ("room", AnswerKind.DONT_KNOW) in kinds
