"""Question types are one class each, in one registry (issue 12, item 1): a new type is one file
and one line. The test adds a type the app has never seen ("agree": I agree / I do not agree)
only by registering its class, and follows it through the file format, the page, an answer, the
figures, XLSForm both ways and the editor, with nothing else changed."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask
from helpers.app import submission_id
from helpers.journey import answer, begin, stored
from helpers.surveys import DAY, app_with_survey, surveys_with
from helpers.xlsform import shipped_checks

from app.editor import editing
from app.i18n import N_
from app.questionnaires.loader import load_all
from app.questionnaires.schema import Option
from app.questionnaires.types import registry
from app.questionnaires.types.base import QuestionType
from app.questionnaires.xlsform import read_xlsform, write_xlsform
from app.reports import figures

AGREE_CARDS = (
    Option("agree", N_("I agree"), "yes"),
    Option("disagree", N_("I do not agree"), "no"),
)


class Agree(QuestionType):
    """The new type: two fixed cards, tapped."""

    name = "agree"
    since = 2
    xlsform_lists = {"agree": ({}, AGREE_CARDS)}
    editor_kinds = (("agree", N_("Agree or not")),)

    def fixed_cards(self, q: Mapping[str, Any]) -> tuple[Option, ...]:
        return AGREE_CARDS

    def cards(self, question: Any) -> tuple[Option, ...]:
        return AGREE_CARDS


#: day-and-work.yaml with its yes / no question ("Do you like your work?") made an "agree" one
AGREE_DAY = DAY.replace(
    "    type: yes_no\n    text: Do you like your work?", "    type: agree\n    text: Do you like your work?"
)
LIKE_WORK = 2  # its place


@pytest.fixture
def agree_registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setitem(registry.REGISTRY, "agree", Agree())
    yield


def test_the_file_is_changed_as_the_test_says() -> None:
    assert AGREE_DAY != DAY and "type: agree" in AGREE_DAY


def test_an_unregistered_type_is_refused_with_the_registered_ones_listed(tmp_path: Path) -> None:
    result = load_all(surveys_with(tmp_path, AGREE_DAY))
    assert "day-and-work" not in result.questionnaires
    [error] = [e for e in result.errors if e.file.endswith("extra.yaml")]
    assert "no known type" in error.message
    assert error.hint == f"Use one of: {', '.join(registry.REGISTRY)}."


@pytest.mark.usefixtures("agree_registered")
def test_a_registered_type_loads_and_is_counted(tmp_path: Path) -> None:
    result = load_all(surveys_with(tmp_path, AGREE_DAY))
    assert [e for e in result.errors if e.file.endswith("extra.yaml")] == []
    question = result.questionnaires["day-and-work"].question("like_work")
    assert question.kind.name == "agree"
    assert [o.value for o in question.choices] == ["agree", "disagree"]
    assert figures.columns_for(question)[:2] == ["agree", "disagree"]  # counted in the figures


@pytest.mark.usefixtures("agree_registered")
def test_a_registered_type_is_drawn_by_the_one_macro_and_answered(tmp_path: Path) -> None:
    app: Flask = app_with_survey(tmp_path, AGREE_DAY)
    client = app.test_client()
    begin(client, app, slug="day-and-work")
    assert answer(client, 1, "day", answer="work", action="answer").status_code == 302  # asked after work
    html = client.get(f"/q/{LIKE_WORK}").get_data(as_text=True)
    assert "I agree" in html and "I do not agree" in html
    assert 'name="answer" value="agree"' in html  # a tap card from macros/answers.html
    refused = client.post(
        f"/q/{LIKE_WORK}",
        data={"submission_id": submission_id(html), "question": "like_work", "answer": "yes"},
    )
    assert refused.status_code == 400  # "yes" is not one of its cards
    sent = client.post(
        f"/q/{LIKE_WORK}",
        data={"submission_id": submission_id(html), "question": "like_work", "answer": "agree"},
    )
    assert sent.status_code == 302
    kind, values, text = stored(app)["like_work"]
    assert (str(kind), values, text) == ("option", ["agree"], None)


@pytest.mark.usefixtures("agree_registered")
def test_a_registered_type_goes_to_xlsform_and_back(tmp_path: Path) -> None:
    refs, symbols = shipped_checks()
    questionnaire = load_all(surveys_with(tmp_path, AGREE_DAY)).questionnaires["day-and-work"]
    data = write_xlsform(questionnaire)
    back = read_xlsform(data, section_refs=refs, symbols=symbols)
    [like] = [q for q in back["questions"] if q["id"] == "like_work"]
    assert like["type"] == "agree"
    assert back == questionnaire.definition


@pytest.mark.usefixtures("agree_registered")
def test_the_editor_offers_a_registered_type_and_writes_it() -> None:
    assert ("agree", "Agree or not") in [(kind, words) for kind, words, _type in registry.editor_kinds()]
    fields = {"text": "Do you like it here?", "kind": "agree", "symbol": "home", "sections": ["duq:1"]}
    question, problems = editing.build_question(fields, [], None)
    assert question["type"] == "agree" and "options" not in question
    assert not problems.by_field
    again = yaml.safe_load(yaml.safe_dump(question))
    assert editing.kind_of(again) == "agree"
    assert [value for value, _words in editing.choices_of(again)] == ["agree", "disagree"]


def test_every_shipped_type_says_what_it_is() -> None:
    """Each registered type names its page part (a macro in macros/answers.html), its XLSForm word
    and its editor kind; the macro file defines every part named."""
    answers = (
        Path(__file__).resolve().parent.parent / "app" / "templates" / "macros" / "answers.html"
    ).read_text(encoding="utf-8")
    for name, kind in registry.REGISTRY.items():
        assert kind.name == name
        assert f"{{% macro {kind.macro}(" in answers, name
        assert kind.xlsform_word in ("select_one", "select_multiple", "text", "integer"), name
        assert kind.editor_kinds, name
