"""Choosing a language on a tablet, in Chromium by touch (issue 13): the first page when the
organisation offers more than one, each name in its own words and its own lang; Urdu then turns the
page right to left, in Noto Nastaliq Urdu, with the Back arrow turned round. axe-core finds nothing
at 768 x 1024 and 1024 x 768. (The catalogs here are a few test strings: the real ones are not yet
shipped.)"""

from __future__ import annotations

import pytest
from helpers.i18n import add_catalog, offer_languages
from playwright.sync_api import expect

from .helpers import PORTRAIT, axe_clean_at_both_sizes, screenshot, wait_for_scripts

pytestmark = pytest.mark.browser

URDU = {
    "Choose your questions": "اپنے سوال چنیں",
    "Tap the picture to start.": "شروع کرنے کے لیے تصویر کو چھوئیں۔",
    "Your support": "آپ کی مدد",
    "Choose your language": "اپنی زبان چنیں",
    "Next": "آگے",
}
WELSH = {"Choose your questions": "Dewiswch eich cwestiynau", "Choose your language": "Dewiswch eich iaith"}


def test_choose_urdu_by_touch(make_live_server, built_audio, new_context, tmp_path) -> None:  # type: ignore[no-untyped-def]
    translations = tmp_path / "translations"
    add_catalog(translations, "cy", WELSH)
    add_catalog(translations, "ur", URDU)
    server = make_live_server(AUDIO_DIR=str(built_audio), BABEL_TRANSLATION_DIRECTORIES=str(translations))
    offer_languages(server.app, "cy ur")
    page = new_context(viewport=PORTRAIT, has_touch=True).new_page()
    page.goto(server.service_url())
    page.wait_for_url("**/language")
    wait_for_scripts(page)
    cards = page.locator("fieldset .option")
    expect(cards).to_have_count(3)
    assert [cards.nth(i).get_attribute("lang") for i in range(3)] == ["en-GB", "cy", "ur"]
    expect(cards.nth(1)).to_contain_text("Cymraeg")
    expect(cards.nth(2)).to_contain_text("اردو")
    assert page.locator("img[src*=flag]").count() == 0
    screenshot(page, "language-choose")
    axe_clean_at_both_sizes(page, "language-choose")
    page.set_viewport_size(PORTRAIT)

    page.locator("label.card-check:has(input[value=ur])").tap()
    page.locator("button.button-next").tap()
    page.wait_for_url(f"{server.url}/")
    wait_for_scripts(page)
    assert page.get_attribute("html", "lang") == "ur" and page.get_attribute("html", "dir") == "rtl"
    expect(page.locator("h1")).to_have_text("اپنے سوال چنیں")
    page.evaluate("document.fonts.ready")
    assert page.evaluate("document.fonts.check('16px \"Noto Nastaliq Urdu\"', 'اردو')")
    family = page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
    assert family.startswith('"Noto Nastaliq Urdu"')
    # right to left: the picture of the heading sits right of its words
    symbol = page.locator(".heading-row img").bounding_box()
    words = page.locator(".heading-row h1").bounding_box()
    assert symbol["x"] > words["x"]
    screenshot(page, "language-urdu-start")
    axe_clean_at_both_sizes(page, "language-urdu-start")
