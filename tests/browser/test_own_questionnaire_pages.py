"""In Chromium: a quality lead copies a questionnaire, uploads a broken file (the page says the line
and what to do) and a file that is not an XLSForm workbook, publishes the copy after "Are you
sure?", and a respondent at the service starts it; its texts have no built audio, and the page
still works. axe-core finds nothing on any of these pages at 1024 x 768 and 768 x 1024."""

from __future__ import annotations

import pytest
from helpers.app import PASSWORD, add_users
from playwright.sync_api import Page

from .helpers import LANDSCAPE, PORTRAIT, assert_axe_clean, begin, screenshot, wait_for_scripts

pytestmark = pytest.mark.browser


def check(page: Page, name: str) -> None:
    wait_for_scripts(page)
    screenshot(page, f"own-questionnaire-{name}")
    for size in (LANDSCAPE, PORTRAIT):
        page.set_viewport_size(size)
        assert_axe_clean(page, f"{name} at {size}")
    page.set_viewport_size(LANDSCAPE)


def test_copy_upload_publish_and_answer(live_server, new_context) -> None:  # type: ignore[no-untyped-def]
    app, base = live_server.app, live_server.url
    add_users(app)
    lead = new_context(viewport=LANDSCAPE).new_page()
    lead.goto(f"{base}/auth/sign-in")
    lead.fill("#email", "quality_lead@demo.example")
    lead.fill("#password", PASSWORD)
    lead.click("button.button-next")
    lead.wait_for_url("**/provider/")
    lead.click("text=Questionnaires")
    lead.wait_for_url("**/provider/questionnaires")
    check(lead, "list-empty")
    lead.click("form[action$='/copy/your-support'] button")
    lead.wait_for_url("**/provider/questionnaires")
    assert "your-support-own" in lead.content()
    check(lead, "list-draft")

    broken = b"version: 2\nid: your-support-own\ntitle: [\n"
    lead.set_input_files(
        "form[action$='/upload'] input[type=file]",
        {"name": "x.yaml", "mimeType": "text/yaml", "buffer": broken},
    )
    lead.click("form[action$='/upload'] button")
    lead.wait_for_load_state()
    assert "What to do:" in lead.content()
    check(lead, "upload-refused")

    not_a_workbook = {
        "name": "form.xlsx",
        "mimeType": "application/octet-stream",
        "buffer": b"not a workbook",
    }
    lead.set_input_files("#workbook", not_a_workbook)
    lead.click("form[action$='/xlsform'] button")
    lead.wait_for_load_state()
    assert "The workbook is not kept" in lead.content()
    check(lead, "workbook-refused")

    lead.click("a:has-text('Publish')")
    lead.wait_for_url("**/publish")
    check(lead, "publish-confirm")
    lead.click("button[value=yes]")
    lead.wait_for_url("**/provider/questionnaires")
    assert "Published" in lead.content()
    check(lead, "list-published")

    tablet = new_context(viewport=LANDSCAPE).new_page()
    begin(tablet, base, live_server.code(), slug="your-support-own")  # the start page lists it
    check(tablet, "question-without-built-audio")
    assert tablet.locator("button.speak").count() > 0  # Listen still there: the browser's own voice
