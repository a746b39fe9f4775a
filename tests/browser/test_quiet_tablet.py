"""In Chromium: the start page of a tablet with no service, and a walked-away tablet (issue 9,
items 4 and 7).

Both new pages are axe-clean at 768x1024 and 1024x768, with 64 px targets, 20 px text and built
audio for every speaker. A walked-away tablet asks "Are you still there?" at the next touch and,
when nobody answers, closes the response by itself (the page's Refresh, no script) and starts
fresh: the next person sees nothing of the previous person's answers.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .helpers import (
    LANDSCAPE,
    PORTRAIT,
    LiveServer,
    assert_axe_clean,
    assert_easy_read_sizes,
    begin,
    path_of,
    screenshot,
    stored_responses,
    wait_for_scripts,
)

pytestmark = pytest.mark.browser

SIZES = {"768x1024": PORTRAIT, "1024x768": LANDSCAPE}
CONTROLS = "button.card, a.card, button.speak, a.button, button.button"
WORDS = "My keyworker takes my money"
FREE_TEXT = 21


def check_page(page: Page, name: str) -> None:
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        wait_for_scripts(page)
        assert_axe_clean(page, f"{name} {size}")
        assert_easy_read_sizes(page, f"{name} {size}", CONTROLS)
        screenshot(page, f"{name}-{size}")
    speakers = page.evaluate("""() => [...document.querySelectorAll('main button.speak[data-say]')]
        .map(b => [b.getAttribute('data-say'), b.getAttribute('data-audio')])""")
    assert speakers and all(audio for _say, audio in speakers), speakers


def move_clock(page: Page, server: LiveServer, key: str, minutes: float) -> None:
    """Nobody touched the tablet for ``minutes``: the session cookie's time, moved back."""
    app = server.app
    name = app.config["SESSION_COOKIE_NAME"]
    serializer = app.session_interface.get_signing_serializer(app)
    cookie = next(c for c in page.context.cookies() if c["name"] == name)
    session = serializer.loads(cookie["value"])
    session[key] = time.time() - minutes * 60
    page.context.add_cookies([{"name": name, "value": serializer.dumps(session), "url": server.url}])


def answer_and_walk_away(page: Page, server: LiveServer) -> None:
    begin(page, server.url, server.code())
    page.click("button.card[value=sad]")
    page.wait_for_url("**/q/2**")
    page.goto(f"{server.url}/q/{FREE_TEXT}")
    page.fill("textarea[name=text]", WORDS)
    page.click("button.button-next[value=answer]")
    page.wait_for_url("**/told-us?then=helped")  # those words worry us: what happens next


def test_a_tablet_with_no_service_explains_how_to_start(live_server: LiveServer, page: Page) -> None:
    page.goto(f"{live_server.url}/")
    expect(page.locator("h1")).to_have_text("Ask the staff for this tablet's start link")
    html = page.content()
    assert "Oak House" not in html and "Riverside" not in html and "/at/" not in html
    check_page(page, "ask-for-link")


def test_a_walked_away_tablet_asks_and_then_starts_fresh(
    make_live_server, built_audio: Path, page: Page
) -> None:
    # QUIET_ANSWER_MINUTES 0.05: the question waits 3 seconds for an answer (2 minutes by default)
    server = make_live_server(AUDIO_DIR=str(built_audio), QUIET_ANSWER_MINUTES=0.05)
    answer_and_walk_away(page, server)
    move_clock(page, server, "ev_seen", 11)
    page.goto(f"{server.url}/q/1")  # the next touch
    expect(page.locator("h1")).to_have_text("Are you still there?")
    html = page.content()
    assert WORDS not in html and 'aria-pressed="true"' not in html

    # Nobody answers: the page asks the server again when the time is up, which closes it.
    page.wait_for_url(lambda url: "/stop" not in url and not url.endswith("/q/1"), timeout=15_000)
    page.wait_for_load_state("load")
    assert path_of(page) == "/"
    html = page.content()
    assert WORDS not in html and "/begin/your-support" in html
    (response,) = stored_responses(server.app)
    assert response.status == "stopped"
    assert response.answers["listened"].values == ["sad"]
    assert response.answers["better"].text == WORDS  # nothing given is lost
    # the next person starts their own: nothing of the previous answers on the pages
    begin(page, server.url, server.code())
    assert page.locator("button.card[aria-pressed=true]").count() == 0
    page.goto(f"{server.url}/q/{FREE_TEXT}")
    assert page.input_value("textarea[name=text]") == ""


def test_are_you_still_there_is_easy_read_and_yes_goes_back(live_server: LiveServer, page: Page) -> None:
    begin(page, live_server.url, live_server.code())
    page.click("button.card[value=sad]")
    page.wait_for_url("**/q/2**")
    move_clock(page, live_server, "ev_seen", 11)
    page.goto(f"{live_server.url}/q/2")
    expect(page.locator("h1")).to_have_text("Are you still there?")
    check_page(page, "still-there")
    page.click("button.card[value=still_here]")
    page.wait_for_url("**/q/2")
    page.goto(f"{live_server.url}/q/1")
    assert page.locator("button.card[aria-pressed=true]").count() == 1  # their own answer
