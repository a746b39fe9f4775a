"""Browser tests: the real app on a real port, driven by the system Chromium through Playwright.

Audio is built once per session by the real build (pyttsx3 + espeak-ng), into a temporary folder
that every live server of the session shares. Nothing here downloads a browser: Playwright drives
/usr/bin/chromium.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from helpers.app import drop_database, made, make_app
from helpers.shared import only_one_at_a_time, run_folder
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from werkzeug.serving import make_server

from .helpers import PORTRAIT, LiveServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]


# -- audio ------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def built_audio(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    """Every spoken text synthesised once for the whole run, exactly as `flask build-audio`.

    The files are those of the suite's one real build (``audio_build_run``); checked here to be
    complete. BROWSER_TESTS_AUDIO_DIR keeps them between runs instead (the build finds them cached).
    """
    from app.cli import spoken_texts
    from app.easyread.audio import load_recordings
    from app.easyread.speech import SpeechUnavailable

    if shutil.which("espeak-ng") is None:
        pytest.fail(
            "espeak-ng is not installed: the browser tests need real built audio. "
            "Install it with: apt-get install espeak-ng",
            pytrace=False,
        )
    kept = os.environ.get("BROWSER_TESTS_AUDIO_DIR")
    audio_dir = Path(kept) if kept else Path(str(request.getfixturevalue("audio_build_run")["dir"]))
    shared = run_folder(tmp_path_factory)
    with only_one_at_a_time(shared / "browser-audio.lock"):
        app = server_app(tmp_path_factory.mktemp("audio-build-db"), AUDIO_DIR=str(audio_dir))
        try:
            texts = spoken_texts(app)
            try:
                report = app.extensions["easyvoice.audio"].build(
                    texts,
                    app.config["VOICES"],
                    int(app.config["SPEECH_RATE"]),
                    recordings=load_recordings(Path(app.config["ASSETS_DIR"])),
                )
            except SpeechUnavailable as exc:
                pytest.fail(f"The audio build failed, so the browser tests cannot run: {exc}", pytrace=False)
        finally:
            drop_database(app)
    assert not report.problems, report.problems
    assert report.synthesised + report.cached + report.recorded == len(dict.fromkeys(texts))
    return audio_dir


# -- live server ------------------------------------------------------------------------------------
def server_app(tmp_path: Path, **overrides: Any) -> Flask:
    """An app on a fresh database (as every test's), dropped by :func:`serve` when it stops.

    The root conftest drops each test's apps after that test; a module's server outlives its
    first test, so its app is taken off that list here.
    """
    app = make_app(tmp_path, **overrides)
    made.remove(app)
    return app


def serve(app: Flask) -> Iterator[LiveServer]:
    """Serve ``app`` on 127.0.0.1 (a free port) from a daemon thread until the generator closes."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        drop_database(app)


@pytest.fixture
def live_server(tmp_path: Path, built_audio: Path) -> Iterator[LiveServer]:
    """A fresh database with demo data and the session's built audio, on a real port."""
    yield from serve(server_app(tmp_path, AUDIO_DIR=str(built_audio)))


@pytest.fixture(scope="module")
def module_live_server(tmp_path_factory: pytest.TempPathFactory, built_audio: Path) -> Iterator[LiveServer]:
    """One server for a module whose tests only look at pages (they share its database)."""
    yield from serve(server_app(tmp_path_factory.mktemp("module-server"), AUDIO_DIR=str(built_audio)))


@pytest.fixture
def make_live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., LiveServer]]:
    """Start extra servers with their own settings (e.g. an empty AUDIO_DIR)."""
    running: list[Iterator[LiveServer]] = []

    def start(**overrides: Any) -> LiveServer:
        generator = serve(server_app(tmp_path_factory.mktemp("server"), **overrides))
        running.append(generator)
        return next(generator)

    yield start
    for generator in running:
        generator.close()


# -- browser ----------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser: Browser) -> Iterator[Callable[..., BrowserContext]]:
    """Open browser contexts (a tablet each); all are closed after the test."""
    contexts: list[BrowserContext] = []

    def open_context(viewport: dict[str, int] | None = None, **options: Any) -> BrowserContext:
        context = browser.new_context(viewport=viewport or PORTRAIT, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context: Callable[..., BrowserContext]) -> Page:
    """A 768 x 1024 tablet page."""
    return new_context().new_page()
