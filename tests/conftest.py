"""Shared fixtures: a fresh database per test, a copy of one built by the real migrations, with
demo data. The helpers themselves are in tests/helpers/app.py."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers.app import drop_database, drop_template, made, make_app
from helpers.shared import only_one_at_a_time, run_folder


@pytest.fixture(autouse=True)
def _drop_databases() -> Iterator[None]:
    """Every app a test made is closed (and its PostgreSQL database dropped) after the test."""
    yield
    while made:
        drop_database(made.pop())


@pytest.fixture(scope="session", autouse=True)
def _template_database() -> Iterator[None]:
    """The template database every test's copy comes from goes at the end of the session."""
    yield
    drop_template()


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return make_app(tmp_path)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def no_csrf_app(tmp_path: Path) -> Flask:
    """For flow tests that post forms by hand: CSRF itself is tested on `app`."""
    return make_app(tmp_path, WTF_CSRF_ENABLED=False)


@pytest.fixture(scope="session")
def audio_build_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Run the real `flask build-audio` once per test run (real espeak-ng through pyttsx3).

    Returns the audio directory and what the command printed on a cold and on a warm run. With
    several workers (pytest -n), the first to ask builds and the others read what it printed.
    """
    shared = run_folder(tmp_path_factory) / "audio-build"
    result = shared / "result.json"
    with only_one_at_a_time(shared / "lock"):
        if not result.exists():
            audio_dir = shared / "audio"
            app = make_app(shared, AUDIO_DIR=str(audio_dir))
            runner = app.test_cli_runner()
            cold = runner.invoke(args=["build-audio"])
            assert cold.exit_code == 0, cold.output
            warm = runner.invoke(args=["build-audio"])
            assert warm.exit_code == 0, warm.output
            made.remove(app)
            drop_database(app)
            run = {"dir": str(audio_dir), "cold": cold.output, "warm": warm.output}
            result.write_text(json.dumps(run), encoding="utf-8")
        return json.loads(result.read_text(encoding="utf-8"))
