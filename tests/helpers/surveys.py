"""Survey folders for tests: the shipped surveys plus one questionnaire file of the test's own."""

from __future__ import annotations

import shutil
from pathlib import Path

from flask import Flask

from helpers.app import make_app

ROOT = Path(__file__).resolve().parent.parent.parent
#: the file the tests add beside the shipped ones
EXTRA = "extra.yaml"
#: tests/data/day-and-work.yaml: every format-2 feature (show_if, scale, number, "None of these")
DAY = (ROOT / "tests" / "data" / "day-and-work.yaml").read_text(encoding="utf-8")
#: tests/data/home-and-choices.yaml: fewer escapes, "This does not happen to me"
HOME = (ROOT / "tests" / "data" / "home-and-choices.yaml").read_text(encoding="utf-8")


def surveys_with(tmp_path: Path, text: str) -> Path:
    """A copy of surveys/ with ``text`` added as extra.yaml."""
    surveys = tmp_path / "surveys"
    shutil.copytree(ROOT / "surveys", surveys)
    (surveys / EXTRA).write_text(text, encoding="utf-8")
    return surveys


def app_with_survey(tmp_path: Path, text: str, **overrides: object) -> Flask:
    """An app (CSRF off, as the journey helpers post) whose surveys include ``text``, loaded cleanly."""
    app = make_app(
        tmp_path, SURVEYS_DIR=str(surveys_with(tmp_path, text)), WTF_CSRF_ENABLED=False, **overrides
    )
    assert app.extensions["easyvoice.surveys"].errors == []
    return app
