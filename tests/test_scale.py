"""``type: scale`` (issue 12, format version 2): 3 faces (as ``faces``) or 5 (very happy ... very
sad), always in that order. Through the loader, the test client and the database: the page draws
the 5 faces in order as one scale, an answer is stored as given, "very sad" on a safeguarding
question raises the alert, and the figures have a column for each face."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from helpers.app import submission_id
from helpers.journey import begin, stored
from helpers.surveys import EXTRA, app_with_survey, surveys_with
from sqlalchemy import select

from app.db import db
from app.models import AnswerKind, SafeguardingAlert
from app.questionnaires.loader import load_all
from app.questionnaires.schema import FACES
from app.reports.figures import DONT_KNOW, DONT_WANT_TO_SAY, columns_for

FIVE = ["very_happy", "happy", "ok", "sad", "very_sad"]

SCALES = """\
version: 2
id: how-it-is
title: How it is
audience: person_supported
symbol: question
questions:
  - id: food
    type: scale
    points: 5
    text: Do you like the food?
    symbol: food
    sections: [duq:1]
  - id: safe
    type: scale
    points: 5
    text: Do you feel safe at home?
    symbol: safe
    sections: [duq:1]
    safeguarding: true
  - id: garden
    type: scale
    text: Do you like the garden?
    symbol: garden
    sections: [duq:1]
"""


@pytest.fixture
def scale_app(tmp_path: Path) -> Flask:
    return app_with_survey(tmp_path, SCALES)


def test_the_faces_and_their_order(tmp_path: Path) -> None:
    form = load_all(surveys_with(tmp_path, SCALES)).questionnaires["how-it-is"]
    assert [o.value for o in form.question("food").choices] == FIVE
    assert [o.symbol for o in form.question("food").choices] == FIVE  # a face each
    assert form.question("garden").choices == FACES  # 3 points: the faces everyone knows
    assert columns_for(form.question("food")) == [*FIVE, DONT_KNOW, DONT_WANT_TO_SAY]
    assert {"sad", "very_sad"} <= form.question("safe").alert_values
    assert form.question("food").bad_values >= {"sad", "very_sad"}


def test_the_page_draws_one_scale_and_stores_the_answer(scale_app: Flask) -> None:
    client = scale_app.test_client()
    begin(client, scale_app, slug="how-it-is")
    html = client.get("/q/1").get_data(as_text=True)
    assert 'class="cards cards-5 cards-scale"' in html
    drawn = [v for v in FIVE if f'name="answer" value="{v}"' in html]
    assert drawn == FIVE
    assert [html.index(f'name="answer" value="{v}"') for v in FIVE] == sorted(
        html.index(f'name="answer" value="{v}"') for v in FIVE
    )
    assert "Very happy" in html and "Very sad" in html
    sent = client.post(
        "/q/1", data={"submission_id": submission_id(html), "question": "food", "answer": "very_happy"}
    )
    assert sent.headers["Location"] == "/q/2"
    assert stored(scale_app)["food"] == (AnswerKind.OPTION, ["very_happy"], None)
    page = client.get("/q/3").get_data(as_text=True)  # 3 points: the usual faces, no scale row
    assert "cards-3 cards-scale" in page and 'value="very_happy"' not in page


def test_very_sad_on_a_safeguarding_question_raises_the_alert(scale_app: Flask) -> None:
    client = scale_app.test_client()
    begin(client, scale_app, slug="how-it-is")
    html = client.get("/q/2").get_data(as_text=True)
    sent = client.post(
        "/q/2", data={"submission_id": submission_id(html), "question": "safe", "answer": "very_sad"}
    )
    assert sent.status_code == 302
    with scale_app.app_context():
        alerts = db.session.scalars(select(SafeguardingAlert)).all()
        assert len(alerts) == 1
        assert [s.question_key for s in alerts[0].signals] == ["safe"]


def test_a_value_not_on_the_scale_is_refused(scale_app: Flask) -> None:
    client = scale_app.test_client()
    begin(client, scale_app, slug="how-it-is")
    html = client.get("/q/3").get_data(as_text=True)
    sent = client.post(
        "/q/3", data={"submission_id": submission_id(html), "question": "garden", "answer": "very_sad"}
    )
    assert sent.status_code == 400  # 3 points: no "very sad" card on this page
    assert "garden" not in stored(scale_app)


@pytest.mark.parametrize(
    ("change", "says", "at"),
    [
        (("version: 2", "version: 1"), "needs format version 2", "type: scale"),
        (
            ("points: 5\n    text: Do you like the food?", "points: 4\n    text: Do you like the food?"),
            "'points'",
            "points: 4",
        ),
        (
            (
                "type: scale\n    text: Do you like the garden?",
                "type: faces\n    points: 5\n    text: Do you like the garden?",
            ),
            "'points'",
            "points: 5",
        ),
        (("    safeguarding: true\n", "    safeguarding: true\n    alert_on: [very_sad]\n"), None, None),
        (("safeguarding: true\n", "safeguarding: true\n    alert_on: [awful]\n"), "'alert_on'", "alert_on"),
    ],
)
def test_the_loader_checks_a_scale(
    tmp_path: Path, change: tuple[str, str], says: str | None, at: str | None
) -> None:
    text = SCALES.replace(*change, 1)
    assert text != SCALES
    result = load_all(surveys_with(tmp_path, text))
    errors = [e for e in result.errors if e.file.endswith(EXTRA)]
    if says is None:
        assert errors == []
        assert result.questionnaires["how-it-is"].question("safe").alert_values == {"very_sad"}
        return
    assert len(errors) == 1 and says in errors[0].message, errors
    assert at in text.splitlines()[errors[0].line - 1]
