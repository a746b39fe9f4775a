"""In Chromium: a quality lead writes an own questionnaire's Urdu words in the editor's "In other
languages" page (issue 13, item 5): it says how many texts have none, each box takes Urdu right to
left, keeping it brings the count down; the dashboard's downloads offer the easy-read report in
each language the organisation offers. axe-core finds nothing at 1024 x 768 and 768 x 1024."""

from __future__ import annotations

import re

import pytest
from helpers.app import add_users
from helpers.i18n import offer_languages
from helpers.own import copy_template
from playwright.sync_api import expect

from .helpers import axe_clean_at_both_sizes, quality_lead_page, screenshot, wait_for_scripts

pytestmark = pytest.mark.browser


def test_write_the_urdu_words_of_an_own_questionnaire(live_server, new_context) -> None:  # type: ignore[no-untyped-def]
    app = live_server.app
    add_users(app)
    offer_languages(app, "cy ur")
    own_id = copy_template(app, template="family-support")
    lead = quality_lead_page(live_server, new_context)
    wait_for_scripts(lead)
    downloads = lead.locator("#downloads + ul a[hreflang=ur]")
    expect(downloads).to_have_count(2)
    axe_clean_at_both_sizes(lead, "dashboard-with-languages")

    lead.goto(f"{live_server.url}/editor/{own_id}")
    wait_for_scripts(lead)
    link = lead.locator(f"a[href='/editor/{own_id}/languages/ur']")
    expect(link).to_have_count(1)
    link.click()
    lead.wait_for_url(f"**/editor/{own_id}/languages/ur")
    wait_for_scripts(lead)
    missing = lead.locator("#missing")
    before = int(re.search(r"\d+", missing.inner_text()).group(0))
    assert before > 10
    first = lead.locator("input[id^=text-]").first
    assert first.get_attribute("lang") == "ur" and first.get_attribute("dir") == "auto"
    screenshot(lead, "editor-languages-ur")
    axe_clean_at_both_sizes(lead, "editor-languages-ur")

    first.focus()  # by keyboard: type, then Enter keeps the form
    lead.keyboard.type("آپ کے گھر والے کی مدد")
    lead.keyboard.press("Enter")
    lead.wait_for_url(f"**/editor/{own_id}/languages/ur")
    wait_for_scripts(lead)
    expect(lead.locator(".flash")).to_have_count(1)
    after = int(re.search(r"\d+", lead.locator("#missing").inner_text()).group(0))
    assert after == before - 1
    expect(lead.locator("input[id^=text-]").first).to_have_value("آپ کے گھر والے کی مدد")
    axe_clean_at_both_sizes(lead, "editor-languages-ur-kept")
