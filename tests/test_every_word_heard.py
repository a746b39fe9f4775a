"""Issue 10, item 4: every word a respondent can see can also be heard, on every respondent page.

Each page a person meets (start, the settings screens, consent, every question, "you told us",
the closing questions, thank you, stop, a break, no thanks, the error pages) is compared, text
block by text block, with the texts the audio build speaks (app/cli.py ``spoken_texts``). A
text missing there has no built audio: the test names it and the page.
"""

from __future__ import annotations

import pytest
from flask import Flask
from helpers.app import service_code
from helpers.audible import unheard, visible_texts
from helpers.i18n import offer_languages
from helpers.pages import Walk, refusal_pages, respondent_pages

from app.cli import spoken_texts
from app.respond.forms import SETTINGS_STEPS


def respondent_slugs(app: Flask) -> list[str]:
    forms = app.extensions["easyvoice.surveys"].questionnaires.values()
    return sorted(form.id for form in forms if form.audience != "expert")


def other_pages(app: Flask, slug: str) -> list[tuple[str, str]]:
    """The settings screens one by one, the stop page and a break, for one questionnaire."""
    walk = Walk(app)
    walk.client.get(f"/at/{service_code(app)}")
    assert walk.client.get(f"/begin/{slug}").status_code == 302
    walk.get("/settings")
    for step in SETTINGS_STEPS:
        result = walk.client.get(f"/settings/{step}")
        if result.status_code == 200:  # (language: only when more than one is offered)
            walk.pages.append((f"/settings/{step}", result.get_data(as_text=True)))
    page = walk.get("/consent")
    assert walk.post("/consent", page, action="yes").endswith("/q/1")
    walk.get("/stop?from=1")
    walk.get("/no-such-page", status=404)
    return walk.pages


def test_every_visible_text_on_every_respondent_page_has_audio(no_csrf_app: Flask) -> None:
    app = no_csrf_app
    spoken = {text for locale, text in spoken_texts(app) if locale == "en_GB"}
    pages: list[tuple[str, str]] = []
    for slug in respondent_slugs(app):
        pages += respondent_pages(app, slug)
        pages += other_pages(app, slug)
        pages += refusal_pages(app, slug)
    paths = {url.split("?")[0] for url, _html in pages}
    # it reached the pages it claims to cover
    assert {"/", "/settings", "/consent", "/q/1", "/told-us", "/end/helped", "/thank-you"} <= paths
    assert {"/stop", "/no-thanks", "/no-such-page"} <= paths
    assert sum(path.startswith("/settings/") for path in paths) >= 6
    problems = [
        f"{url}: {text!r}" for url, html in pages if visible_texts(html) for text in unheard(html, spoken)
    ]
    assert not problems, "Texts a person sees but cannot hear:\n" + "\n".join(dict.fromkeys(problems))


@pytest.mark.parametrize("lang", ["en_GB", "cy", "pl", "ur", "pa", "bn", "ar"])
def test_every_text_of_a_short_version_and_in_each_language_has_audio(no_csrf_app: Flask, lang: str) -> None:
    """The short version counts its own length ("Question 3 of 13"), and each shipped language's
    pages are spoken in that language: every text block is in the build for that locale."""
    app = no_csrf_app
    offer_languages(app, "cy pl ur pa bn ar")
    spoken = {text for locale, text in spoken_texts(app) if locale == lang}
    pages = respondent_pages(app, "your-support", lang=lang, length="short")
    pages += respondent_pages(app, "family-support", lang=lang)
    assert any(url.startswith("/q/10") for url, _html in pages)
    assert all(f'<html lang="{lang.replace("_", "-")}"' in html for _url, html in pages)
    problems = [
        f"{url}: {text!r}" for url, html in pages if visible_texts(html) for text in unheard(html, spoken)
    ]
    assert not problems, f"Texts a person sees in {lang} but cannot hear:\n" + "\n".join(
        dict.fromkeys(problems)
    )
