"""Survey files: every mistake names its file and line; one broken file does not stop the others."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.db import db
from app.models import QuestionnaireVersion
from app.questionnaires import load_all
from app.questionnaires.schema import content_hash
from conftest import ROOT, make_app

GOOD = """\
version: 1
id: tiny
title: A tiny survey
audience: person_supported
symbol: question
questions:
  - id: food
    type: faces
    text: Do you like the food?
    symbol: food
    sections: [duq:1]
"""


def copy_surveys(tmp_path: Path) -> Path:
    target = tmp_path / "surveys"
    shutil.copytree(ROOT / "surveys", target)
    return target


def load(surveys: Path):
    from app.easyread.pictures import load_symbol_index

    symbols = set(load_symbol_index(ROOT / "easyread_assets" / "symbols" / "index.json"))
    return load_all(surveys, symbols)


def test_shipped_surveys_load_without_problems() -> None:
    result = load(ROOT / "surveys")
    assert result.errors == []
    assert set(result.questionnaires) == {"your-support", "family-support", "working-here",
                                        "observations"}
    assert set(result.frameworks) == {"duq", "cqc"}
    assert len(result.questionnaires["your-support"].questions) >= 12


@pytest.mark.parametrize(("broken", "line", "words"), [
    (GOOD.replace("type: faces", "type: stars"), 8, "no known type"),
    (GOOD.replace("symbol: food", "symbol: no_such_picture"), 10, "no symbol called"),
    (GOOD.replace("[duq:1]", "[duq:9]"), 11, "no framework section 'duq:9'"),
    (GOOD.replace("version: 1", "version: 2"), 1, "version: 1"),
    (GOOD.replace("    text: Do you like the food?\n", ""), 7, "'text' is missing"),
    (GOOD.replace("  - id: food", "  - id: food\n    colour: red"), 8, "'colour' is not a field"),
    (GOOD.replace("text: Do you like the food?", "text: [unclosed"), 10, "cannot be read as YAML"),
    (GOOD + "  - id: food\n    type: yes_no\n    text: Again?\n    symbol: food\n    sections: [duq:1]\n",
     12, "used twice"),
    (GOOD.replace("type: faces", "type: choose_one"), 7, "needs 2 to 8 options"),
    (GOOD + "    options:\n      - value: a\n        text: A\n        symbol: food\n", 12,
     "answers built in"),
    (GOOD.replace("questions:", "consent: You can stop.\nquestions:"), 6, "list of 1 to 8 lines"),
    (GOOD.replace("questions:", "introduction:\n  - text: Hello.\n    symbol: nowhere\nquestions:"),
     8, "no symbol called 'nowhere'"),
    (GOOD.replace("questions:", "consent:\n  - symbol: private\nquestions:"), 7, "'text' is missing"),
    (GOOD.replace("questions:", "consent:\n  - text: Hi.\n    symbol: private\n    colour: red\n"
                                "questions:"), 9, "'colour' is not a field"),
])
def test_a_mistake_names_file_line_and_what_to_do(tmp_path: Path, broken: str, line: int,
                                                 words: str) -> None:
    surveys = copy_surveys(tmp_path)
    (surveys / "tiny.yaml").write_text(broken)
    result = load(surveys)
    assert len(result.errors) == 1, result.errors
    error = result.errors[0]
    assert (error.file, error.line) == ("surveys/tiny.yaml", line), str(error)
    assert words in str(error) and "What to do:" in str(error)
    # One broken file does not stop the others loading.
    assert set(result.questionnaires) == {"your-support", "family-support", "working-here",
                                        "observations"}


def test_a_broken_framework_is_reported_and_the_rest_still_load(tmp_path: Path) -> None:
    surveys = copy_surveys(tmp_path)
    (surveys / "frameworks" / "cqc.yaml").write_text("version: 1\nid: cqc\ntitle: CQC\nsections: 5\n")
    result = load(surveys)
    assert [(e.file, e.line) for e in result.errors][0] == ("surveys/frameworks/cqc.yaml", 4)
    assert "duq" in result.frameworks


def test_version_is_the_content_hash(tmp_path: Path) -> None:
    surveys = copy_surveys(tmp_path)
    (surveys / "tiny.yaml").write_text(GOOD)
    first = load(surveys).questionnaires["tiny"].content_hash
    (surveys / "tiny.yaml").write_text("# a comment changes nothing\n" + GOOD)
    assert load(surveys).questionnaires["tiny"].content_hash == first
    (surveys / "tiny.yaml").write_text(GOOD.replace("the food", "your food"))
    assert load(surveys).questionnaires["tiny"].content_hash != first
    assert content_hash({"a": 1, "b": 2}) == content_hash({"b": 2, "a": 1})


def test_load_surveys_command_reports_file_and_line_and_changes_nothing(tmp_path: Path) -> None:
    surveys = copy_surveys(tmp_path)
    app: Flask = make_app(tmp_path, SURVEYS_DIR=str(surveys))
    with app.app_context():
        before = db.session.scalars(select(QuestionnaireVersion.content_hash)).all()
    (surveys / "tiny.yaml").write_text(GOOD.replace("type: faces", "type: stars"))
    result = app.test_cli_runner().invoke(args=["load-surveys"])
    assert result.exit_code == 1
    assert "surveys/tiny.yaml:8:" in result.output and "What to do:" in result.output
    assert "OK: surveys/your-support.yaml" in result.output
    with app.app_context():
        after = db.session.scalars(select(QuestionnaireVersion.content_hash)).all()
        assert sorted(after) == sorted(before)
    # Once fixed, it is stored as a new version; nothing stored before changes.
    (surveys / "tiny.yaml").write_text(GOOD)
    assert app.test_cli_runner().invoke(args=["load-surveys"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(QuestionnaireVersion)) == len(before) + 1


def test_a_broken_file_does_not_break_the_app(tmp_path: Path) -> None:
    surveys = copy_surveys(tmp_path)
    (surveys / "broken.yaml").write_text("version: 1\nid: [\n")
    app = make_app(tmp_path, SURVEYS_DIR=str(surveys))
    client = app.test_client()
    assert client.get("/").status_code == 200
    assert len(app.extensions["easyvoice.surveys"].errors) == 1
