"""Answer texts up to 80 characters in format version 2 (issue 12): a scale that needs a sentence
can have one. Version 1 keeps its limit of 40. Either way a sentence has at most 15 words (easy
read) and every option has a picture; the loader names the line of a text past them. The cards
still fit a tablet: tests/browser/test_choices_touch.py measures them at both sizes."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.surveys import EXTRA, HOME, surveys_with

from app.questionnaires.loader import load_all

LONGEST = "I enjoy quiet afternoons in my own bedroom, listening to music or reading books."


def errors_of(tmp_path: Path, text: str) -> list:
    return [e for e in load_all(surveys_with(tmp_path, text)).errors if e.file.endswith(EXTRA)]


def test_80_characters_load_in_version_2(tmp_path: Path) -> None:
    assert len(LONGEST) == 80 and LONGEST in HOME
    result = load_all(surveys_with(tmp_path, HOME))
    assert [e for e in result.errors if e.file.endswith(EXTRA)] == []
    texts = [o.text for o in result.questionnaires["home-and-choices"].question("my_week").options]
    assert LONGEST in texts


@pytest.mark.parametrize(
    ("longest", "says"),
    [
        (LONGEST + "!", "81 characters long"),  # one more than version 2 allows
        ("I like it when staff ask me what I want to do before they plan my day.", "17 words"),
    ],
)
def test_past_the_limits_names_the_line(tmp_path: Path, longest: str, says: str) -> None:
    text = HOME.replace(LONGEST, longest)
    errors = errors_of(tmp_path, text)
    assert len(errors) == 1 and says in str(errors[0]), errors
    assert text.splitlines()[errors[0].line - 1].strip() == f"text: {longest}"


def test_version_1_keeps_40(tmp_path: Path) -> None:
    one = """\
version: 1
id: short-words
title: Short words
audience: person_supported
symbol: home
questions:
  - id: pick
    type: choose_one
    text: Which do you like?
    symbol: choice
    sections: [duq:1]
    options:
      - value: a
        text: {a}
        symbol: music
      - value: b
        text: Sport
        symbol: sport
"""
    assert errors_of(tmp_path / "40", one.format(a="x" * 40)) == []
    errors = errors_of(tmp_path / "41", one.format(a="x" * 41))
    assert len(errors) == 1 and "41 characters long" in errors[0].message


def test_a_missing_picture_is_still_refused(tmp_path: Path) -> None:
    text = HOME.replace("        symbol: bedroom\n", "")
    errors = errors_of(tmp_path, text)
    assert len(errors) == 1 and "'symbol' is missing" in errors[0].message


def test_the_readme_example_loads_as_it_says(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parent.parent / "surveys" / "README.md").read_text()
    part = readme.split("## Longer answer texts", 1)[1]
    example = part.split("```yaml\n", 1)[1].split("```", 1)[0]
    head = "version: 2\nid: my-week\ntitle: Your week\naudience: person_supported\nsymbol: plan\nquestions:\n"
    result = load_all(surveys_with(tmp_path, head + example))
    assert [e for e in result.errors if e.file.endswith(EXTRA)] == []
    options = result.questionnaires["my-week"].question("my_week").options
    assert max(len(o.text) for o in options) == 80
