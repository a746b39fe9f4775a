"""A page that arrives slowly must not move (issue 10, item 8, seen again in stop 28's CI).

On a slow tablet or a slow line Chromium may paint a page before it has read all of it; what comes
later then moves what was painted (the Settings button jumped from the right edge to the middle when
Next arrived; /end/helped moved by 0.56). base.html holds the first paint until the page's end is
read (``<link rel="expect" blocking="render">``). Here the server sends each journey page in two
parts with a pause between, cut at several places, and the layout shift is measured from the first
paint, as test_question_page_layout does.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser
from werkzeug.wrappers import Response

from .helpers import CLS_SCRIPT, LANDSCAPE, MAX_SHIFT, PORTRAIT, LiveServer, begin, settle

pytestmark = pytest.mark.browser

PAUSE = 0.6  # seconds between the two parts: far longer than a paint
#: where each page is cut: just inside these parts of it (a line's packets end anywhere)
CUTS = (
    b'<li class="now"',
    b'<span class="card-text">',
    b"<span>Back</span></a>",
    b"<span>Settings</span></a>",
)


class TwoParts:
    """WSGI middleware: a journey page's HTML goes out in two writes, ``PAUSE`` apart."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self.cut = CUTS[0]
        self.sent_in_parts: list[str] = []

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if environ["REQUEST_METHOD"] != "GET" or not path.startswith(("/q/", "/end/")):
            return self.app(environ, start_response)
        response = Response.from_app(self.app, environ, buffered=True)
        body = response.get_data()
        start_response(response.status, list(response.headers.items()))
        if response.mimetype != "text/html" or len(body) < 100:
            return [body]
        self.sent_in_parts.append(path)
        at = body.index(self.cut) + len(self.cut)  # every page these tests open has each part
        return self.parts(body[:at], body[at:])

    @staticmethod
    def parts(first: bytes, rest: bytes) -> Iterator[bytes]:
        yield first
        time.sleep(PAUSE)
        yield rest


@pytest.fixture
def slow_server(
    make_live_server: Callable[..., LiveServer], built_audio: Path
) -> tuple[LiveServer, TwoParts]:
    server = make_live_server(AUDIO_DIR=str(built_audio))
    trickle = TwoParts(server.app.wsgi_app)
    server.app.wsgi_app = trickle  # type: ignore[method-assign]  # Flask looks it up per request
    return server, trickle


@pytest.mark.parametrize("viewport", [PORTRAIT, LANDSCAPE], ids=["768x1024", "1024x768"])
def test_a_page_that_arrives_in_parts_does_not_move(
    viewport: dict[str, int], browser: Browser, slow_server: tuple[LiveServer, TwoParts]
) -> None:
    server, trickle = slow_server
    context = browser.new_context(viewport=viewport)
    context.add_init_script(CLS_SCRIPT)
    page = context.new_page()
    begin(page, server.url, server.code())
    problems = []
    for cut in CUTS:
        trickle.cut = cut
        for path in ("/q/1", "/q/3", "/q/6", "/end/helped", "/end/room"):
            trickle.sent_in_parts.clear()
            started = time.monotonic()
            page.goto(server.url + path)
            shift = settle(page)
            # reached: the page really came in two parts, the pause between them
            assert trickle.sent_in_parts == [path], (path, trickle.sent_in_parts)
            assert time.monotonic() - started >= PAUSE
            if shift >= MAX_SHIFT:
                moved = page.evaluate("() => window.__moved")
                problems.append(f"{path} cut after {cut.decode()}: layout shift {shift:.4f}, moved: {moved}")
    context.close()
    assert problems == [], "\n".join(problems)
