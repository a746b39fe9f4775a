"""A whole questionnaire answered in Welsh and in Urdu, by touch on a 768 x 1024 tablet, with the
shipped catalogs and the run's built audio (issue 13): each page's <html lang> and dir, its heading
in that language (not the English words), its Listen button playing that language's file (made
with that language's voice), every answer stored with its language, and the reports counting the
Welsh and Urdu answers together with the English ones."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask_babel import force_locale, gettext
from helpers.i18n import offer_languages
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import select

from app.db import db
from app.demo.responses import add_responses
from app.easyread.audio import synth_name
from app.models import Answer, Organisation, utcnow
from app.reports.figures import question_figures
from app.respond.short import short_version

from .helpers import PORTRAIT, LiveServer, screenshot, tap_and_wait, wait_for_scripts

pytestmark = pytest.mark.browser

QUESTION_SPEAKER = ".question-heading button.speak"


def _in(app, code: str, text: str) -> str:  # type: ignore[no-untyped-def]
    with app.test_request_context(), force_locale(code):
        return " ".join(gettext(text).split())


def _figure(app, question: str):  # type: ignore[no-untyped-def]
    """This question's figures as the dashboard makes them (its suppression; today's answers too)."""
    with app.test_request_context():
        org = db.session.scalar(select(Organisation).where(Organisation.slug == "demo"))
        form = app.extensions["easyvoice.surveys"].questionnaires["your-support"]
        figures = question_figures(
            db.session, org.id, org.suppression_threshold, utcnow().year, {"your-support": form}
        )
        (figure,) = [f for f in figures if f.question.id == question]
        return figure


def answer_in(server: LiveServer, page: Page, code: str) -> list[str]:
    """From the start link to Thank you in ``code``; the question ids asked, in order."""
    app = server.app
    form = app.extensions["easyvoice.surveys"].questionnaires["your-support"]
    short = short_version(form, app.config["SURVEYS_DIR"])
    assert short is not None
    page.goto(server.service_url())
    page.wait_for_url("**/language")
    wait_for_scripts(page)
    page.locator(f"label.card-check:has(input[value={code}])").tap()
    tap_and_wait(page, "button.button-next", f"{server.url}/")
    direction = "rtl" if code == "ur" else "ltr"
    assert page.get_attribute("html", "lang") == code and page.get_attribute("html", "dir") == direction
    expect(page.locator("h1")).to_have_text(_in(app, code, "Choose your questions"))
    tap_and_wait(page, "a.card[href='/begin/your-support?length=short']", "**/settings")
    tap_and_wait(page, "button[name=action][value=no]", "**/consent")
    tap_and_wait(page, "button[name=action][value=yes]", "**/q/1")
    voice, rate = app.config["VOICES"][code], int(app.config["SPEECH_RATE"])
    asked = []
    for number, question in enumerate(short.questions, start=1):
        assert page.get_attribute("html", "lang") == code and page.get_attribute("html", "dir") == direction
        words = _in(app, code, question.text)
        assert words != question.text, f"{question.id} is not translated into {code}"
        expect(page.locator("h1")).to_have_text(words)
        # the Listen button plays the file built from these words with this language's voice
        files = (page.locator(QUESTION_SPEAKER).first.get_attribute("data-audio") or "").split()
        # ("Question 1 of 13", then the question)
        assert f"/audio/{synth_name(words, voice, rate)}" in files, question.id
        english = app.extensions["easyvoice.audio"].lookup("en_GB", question.text)
        assert english and f"/audio/{english}" not in files
        if number == 1:
            screenshot(page, f"language-{code}-q01")
        after = f"**/q/{number + 1}" if number < len(short.questions) else "**/end/helped"
        if question.type == "free_text":
            page.locator("textarea#text").tap()
            page.keyboard.type("Da iawn" if code == "cy" else "بہت اچھا")
            tap_and_wait(page, "button.button-next", after)
        else:
            tap_and_wait(page, "button.card[name=answer] >> nth=0", after)
        asked.append(question.id)
    page.locator("label.card-check:has(input[name=people][value=family])").tap()
    tap_and_wait(page, "button.button-next", "**/end/room")
    tap_and_wait(page, "button[name=action][value=nobody]", "**/end/anything_else")
    tap_and_wait(page, "button.button-next", "**/thank-you")
    expect(page.locator("h1")).to_have_text(_in(app, code, "Thank you"))
    return asked


def test_a_whole_questionnaire_in_welsh_and_in_urdu(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    app = live_server.app
    offer_languages(app, "cy ur")
    with app.app_context():
        org = db.session.scalar(select(Organisation).where(Organisation.slug == "demo"))
        add_responses(
            db.session, org, [app.extensions["easyvoice.surveys"].questionnaires["your-support"]], 30
        )
        db.session.commit()
    before = _figure(app, "listened")
    assert before.overall.total.value and before.by_language is None  # English only so far
    asked = {}
    for code in ("cy", "ur"):
        page = new_context(viewport=PORTRAIT, has_touch=True).new_page()
        asked[code] = answer_in(live_server, page, code)
    with app.app_context():
        stored = db.session.execute(
            select(Answer.question_key, Answer.language).where(Answer.language != "en_GB")
        )
        by_language: dict[str, list[str]] = {}
        for key, language in stored:
            by_language.setdefault(language, []).append(key)
    for code in ("cy", "ur"):
        questions = sorted(key for key in by_language[code] if not key.startswith("_"))
        assert questions == sorted(asked[code]), code
        assert "_anything_else" in by_language[code]  # the closing questions too
    # pooled by question whatever the language: the dashboard's count grew by the 2 answers
    after = _figure(app, "listened")
    assert after.overall.total.value == before.overall.total.value + 2
    assert after.by_language is not None and {"en_GB", "cy", "ur"} <= set(after.by_language.rows)
