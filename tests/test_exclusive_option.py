"""An ``exclusive`` option ("None of these", issue 12): chosen only on its own. The page's script
clears the other ticks (tests/browser/test_conditions_touch.py); the server refuses the two
together with the easy-read error page and stores nothing; the loader allows it only where it
means something."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from helpers.app import submission_id
from helpers.journey import begin, stored
from helpers.surveys import DAY, EXTRA, app_with_survey, surveys_with

from app.models import AnswerKind
from app.questionnaires.loader import load_all


@pytest.fixture
def day_app(tmp_path: Path) -> Flask:
    return app_with_survey(tmp_path, DAY)


def send_day(app: Flask, values: list[str]) -> object:
    client = app.test_client()
    begin(client, app, slug="day-and-work")
    html = client.get("/q/1").get_data(as_text=True)
    assert 'value="none" data-exclusive' in html  # the script knows which card goes alone
    assert html.count("data-exclusive") == 1
    data = {"submission_id": submission_id(html), "question": "day", "answer": values, "action": "answer"}
    return client.post("/q/1", data=data)


def test_none_of_these_with_another_is_refused_and_nothing_is_stored(day_app: Flask) -> None:
    sent = send_day(day_app, ["college", "none"])
    assert sent.status_code == 400
    page = sent.get_data(as_text=True)
    assert "Traceback" not in page and 'class="er-lines' in page  # the easy-read error page
    assert "day" not in stored(day_app)


def test_none_of_these_alone_and_other_ticks_together_are_stored(day_app: Flask) -> None:
    assert send_day(day_app, ["none"]).headers["Location"] == "/q/3"  # not at work: not asked
    assert send_day(day_app, ["work", "sport"]).headers["Location"] == "/q/2"
    assert stored(day_app)["day"] == (AnswerKind.OPTION, ["sport", "work"], None)


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (("version: 2", "version: 1"), "format version 2"),
        (("exclusive: true", "exclusive: yes please"), "'exclusive: true' is only for"),
        (("type: choose_many", "type: choose_one"), "'exclusive: true' is only for"),
    ],
)
def test_exclusive_only_where_it_means_something(tmp_path: Path, change: tuple[str, str], says: str) -> None:
    text = DAY.replace(*change, 1)
    if change[1] == "version: 1":
        text = text.replace("    show_if: {question: day, any_of: [work]}\n", "")
    result = load_all(surveys_with(tmp_path, text))
    errors = [e for e in result.errors if e.file.endswith(EXTRA)]
    assert len(errors) == 1 and says in errors[0].message, result.errors
    lines = text.splitlines()
    assert lines[errors[0].line - 1].strip().startswith("exclusive:")


def test_the_loaded_option_says_it_goes_alone(tmp_path: Path) -> None:
    loaded = load_all(surveys_with(tmp_path, DAY)).questionnaires["day-and-work"]
    assert [o.value for o in loaded.question("day").options if o.exclusive] == ["none"]
