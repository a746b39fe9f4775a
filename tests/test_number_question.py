"""``type: number`` (issue 12, format version 2): a whole number in a range, typed on a keypad. The
number is stored as given with the band it falls in; the figures count bands, never single
numbers; a number that does not fit asks again on the same page (the easy-read words, the number
kept in the box, nothing stored); the loader checks min, max and bands."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from helpers.app import submission_id
from helpers.journey import begin, stored
from helpers.surveys import DAY, EXTRA, app_with_survey, surveys_with
from sqlalchemy import select

from app.db import db
from app.models import AnswerKind, Organisation, QuestionnaireVersion, utcnow
from app.questionnaires.loader import load_all
from app.reports import figures

AGE = 4  # the number question's place in tests/data/day-and-work.yaml


@pytest.fixture
def day_app(tmp_path: Path) -> Flask:
    return app_with_survey(tmp_path, DAY)


def type_age(app: Flask, typed: str) -> object:
    client = app.test_client()
    begin(client, app, slug="day-and-work")
    html = client.get(f"/q/{AGE}").get_data(as_text=True)
    assert 'inputmode="numeric"' in html and 'data-keypad-for="number"' in html
    data = {"submission_id": submission_id(html), "question": "age", "text": typed, "action": "answer"}
    return client.post(f"/q/{AGE}", data=data)


def test_bands(tmp_path: Path) -> None:
    age = load_all(surveys_with(tmp_path, DAY)).questionnaires["day-and-work"].question("age")
    assert [o.value for o in age.number_bands] == ["16-17", "18-29", "30-49", "50-64", "65-100"]
    assert age.number_bands[0].text == "16\u201317"  # 16–17
    assert [age.band_of(n) for n in (16, 29, 30, 100)] == ["16-17", "18-29", "30-49", "65-100"]
    with pytest.raises(ValueError):
        age.band_of(101)
    even = load_all(
        surveys_with(tmp_path / "b", DAY.replace("    bands: [18, 30, 50, 65]\n", ""))
    ).questionnaires
    assert [o.value for o in even["day-and-work"].question("age").number_bands] == [
        "16-32",
        "33-49",
        "50-66",
        "67-83",
        "84-100",
    ]


def test_a_number_is_stored_as_given_with_its_band(day_app: Flask) -> None:
    sent = type_age(day_app, "35")
    assert sent.status_code == 302 and sent.headers["Location"] == "/end/helped"
    assert stored(day_app)["age"] == (AnswerKind.NUMBER, ["30-49"], "35")


@pytest.mark.parametrize("typed", ["15", "101", "3.5", "-4", "forty", "1e3"])
def test_a_number_that_does_not_fit_asks_again(day_app: Flask, typed: str) -> None:
    sent = type_age(day_app, typed)
    assert sent.status_code == 422
    page = sent.get_data(as_text=True)
    assert "That number does not fit. Try again." in page and 'role="alert"' in page
    assert f'value="{typed}" aria-invalid="true"' in page  # what was typed stays, to be fixed
    assert "age" not in stored(day_app)


def test_figures_count_bands_never_single_numbers(day_app: Flask) -> None:
    for typed in ("20", "25", "70"):
        type_age(day_app, typed)
    with day_app.app_context():
        org = db.session.scalars(select(Organisation).where(Organisation.slug == "demo")).one()
        versions = db.session.scalars(
            select(QuestionnaireVersion.id).where(QuestionnaireVersion.slug == "day-and-work")
        ).all()
        rows = db.session.execute(figures.counts_query(org.id, versions, utcnow().year)).all()
    ages = {row.value: row.n for row in rows if row.question_key == "age"}
    assert ages == {"18-29": 2, "65-100": 1}
    form = day_app.extensions["easyvoice.surveys"].questionnaires["day-and-work"]
    assert figures.columns_for(form.question("age"))[:5] == ["16-17", "18-29", "30-49", "50-64", "65-100"]


@pytest.mark.parametrize(
    ("change", "says", "at"),
    [
        (("    min: 16\n", ""), "needs 'min'", "- id: age"),
        (("max: 100", "max: 16"), "'max' should be bigger", "max: 16"),
        (
            ("audience: person_supported", "audience: expert"),
            "not yet for an Expert",
            "type: number",
        ),
        (("max: 100", "max: 100000"), "needs 'max'", "max: 100000"),
        (("bands: [18, 30, 50, 65]", "bands: [30, 18]"), "'bands'", "bands:"),
        (("bands: [18, 30, 50, 65]", "bands: [16, 30]"), "'bands'", "bands:"),
        (
            ("    sections: [duq:1]\n    show_if", "    sections: [duq:1]\n    min: 3\n    show_if"),
            "only for a number",
            "min: 3",
        ),
    ],
)
def test_the_loader_checks_a_number(tmp_path: Path, change: tuple[str, str], says: str, at: str) -> None:
    text = DAY.replace(*change, 1)
    assert text != DAY
    if "expert" in change[1]:  # a checklist has no show_if either
        text = text.replace("    show_if: {question: day, any_of: [work]}\n", "")
    errors = [e for e in load_all(surveys_with(tmp_path, text)).errors if e.file.endswith(EXTRA)]
    assert len(errors) == 1 and says in errors[0].message, errors
    assert at in text.splitlines()[errors[0].line - 1]


def test_a_cleared_box_takes_the_number_back(day_app: Flask) -> None:
    client = day_app.test_client()
    begin(client, day_app, slug="day-and-work")
    for typed in ("35", ""):  # a number, then Back, the box emptied, Next
        html = client.get(f"/q/{AGE}").get_data(as_text=True)
        data = {"submission_id": submission_id(html), "question": "age", "text": typed, "action": "answer"}
        assert client.post(f"/q/{AGE}", data=data).status_code == 302
        if typed:
            assert 'value="35"' in client.get(f"/q/{AGE}").get_data(as_text=True)  # shown again
    assert stored(day_app)["age"] == (AnswerKind.SKIPPED, [], None)
