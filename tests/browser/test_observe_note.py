"""In Chromium: an expert's observation keeps its note (issue 10, item 11).

On the observation page the faces come first, then the note box, then "Save and go on". A face
is a radio card: tapping it only chooses it (announced as a checked radio), so a note typed
after it is sent with it. The page is axe-clean at 768x1024 and 1024x768 with 64 px targets and
20 px text, before and after a face is chosen, and it works without JavaScript too.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from helpers.app import PASSWORD, add_users
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import select

from app.db import db
from app.models import Answer, AnswerKind

from .helpers import (
    LANDSCAPE,
    PORTRAIT,
    LiveServer,
    assert_axe_clean,
    assert_easy_read_sizes,
    path_of,
    screenshot,
    wait_for_scripts,
)

pytestmark = pytest.mark.browser

SIZES = {"768x1024": PORTRAIT, "1024x768": LANDSCAPE}
CONTROLS = "label.card-check, .other-answers button, button.speak, a.button, button.button, textarea, summary"


def open_a_visit(page: Page, base: str) -> str:
    """Sign in as the demo expert, plan a visit to Oak House and open it: the visit's path."""
    page.goto(f"{base}/auth/sign-in")
    page.fill("#email", "expert@demo.example")
    page.fill("#password", PASSWORD)
    page.click("button.button-next")
    page.wait_for_url("**/visits/")
    page.goto(f"{base}/visits/plan")
    page.click("label.card-check:has-text('Oak House')")
    page.click("label.card-check:has(input[value=your-support])")
    page.click("button.button-next")
    page.wait_for_url("**/visits/*")
    visit = path_of(page)
    page.click(f"form[action='{visit}/open'] button.button-next")
    page.wait_for_url(f"**{visit}")
    return visit


def top_of(page: Page, selector: str) -> float:
    return page.locator(selector).first.bounding_box()["y"]


def bottom_of_all(page: Page, selector: str) -> float:
    return max(
        b["y"] + b["height"]
        for b in (page.locator(selector).nth(i).bounding_box() for i in range(page.locator(selector).count()))
    )


def check_page(page: Page, name: str) -> None:
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        wait_for_scripts(page)
        assert_axe_clean(page, f"{name} {size}")
        assert_easy_read_sizes(page, f"{name} {size}", CONTROLS)
        width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], f"{name} {size} scrolls sideways"
        # Faces first, then the note, then "Save and go on", on the screen as on the page.
        faces = bottom_of_all(page, "label.card-check")
        assert faces <= top_of(page, "#note") < top_of(page, "button.button-send"), name
        screenshot(page, f"{name}-{size}")


def stored(server: LiveServer, key: str) -> tuple[AnswerKind, list[str], str | None]:
    """The stored answer to ``key``: its kind, its chosen values and its note."""
    with server.app.app_context():
        answer = db.session.scalars(select(Answer).where(Answer.question_key == key)).one()
        return answer.kind, list(answer.values), answer.note


def test_a_face_then_a_note_then_save_keeps_both(live_server: LiveServer, page: Page) -> None:
    add_users(live_server.app)
    page.set_viewport_size(LANDSCAPE)
    visit = open_a_visit(page, live_server.url)
    page.goto(f"{live_server.url}{visit}/observations/1")
    expect(page.get_by_role("radio")).to_have_count(3)
    check_page(page, "observe-note")

    # A face only chooses: the page stays, the face is announced as checked, the note can follow.
    page.get_by_role("radio", name="OK").click()
    assert path_of(page) == f"{visit}/observations/1"
    expect(page.get_by_role("radio", name="OK")).to_be_checked()
    expect(page.get_by_role("radio", name="Happy")).not_to_be_checked()
    page.fill("#note", "We waited 10 minutes at the door.")
    check_page(page, "observe-note-chosen")
    page.click("button.button-send:has-text('Save and go on')")
    page.wait_for_url(f"**{visit}/observations/2")
    assert stored(live_server, "friendly") == (AnswerKind.OPTION, ["ok"], "We waited 10 minutes at the door.")

    # Opened again: the stored face is chosen and its note is there. Choosing another face makes
    # the first one look plain again (only one card looks chosen).
    page.goto(f"{live_server.url}{visit}/observations/1")
    expect(page.get_by_role("radio", name="OK")).to_be_checked()
    expect(page.locator("#note")).to_have_value("We waited 10 minutes at the door.")
    check_page(page, "observe-note-again")
    page.get_by_role("radio", name="Sad").click()
    borders = page.evaluate("""() => [...document.querySelectorAll('label.card-check')]
        .map(l => getComputedStyle(l).borderTopWidth)""")
    assert borders == ["3px", "3px", "6px"], borders

    # "I don't know" is still there, and sends the note too.
    page.goto(f"{live_server.url}{visit}/observations/2")
    page.fill("#note", "We did not meet the staff.")
    page.click(".other-answers button[value=dont_know]")
    page.wait_for_url(f"**{visit}/observations/3")
    assert stored(live_server, "kind_staff") == (AnswerKind.DONT_KNOW, [], "We did not meet the staff.")


def test_the_note_is_kept_without_javascript(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    add_users(live_server.app)
    page = new_context(viewport=PORTRAIT, java_script_enabled=False, has_touch=True).new_page()
    visit = open_a_visit(page, live_server.url)
    page.goto(f"{live_server.url}{visit}/observations/1")
    page.tap("label.card-check:has(input[value=happy])")
    assert path_of(page) == f"{visit}/observations/1"
    page.fill("#note", "Staff smiled at us.")
    page.tap("button.button-send")
    page.wait_for_url(f"**{visit}/observations/2")
    assert stored(live_server, "friendly") == (AnswerKind.OPTION, ["happy"], "Staff smiled at us.")
