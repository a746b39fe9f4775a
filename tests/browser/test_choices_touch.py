"""Issue 12, item 1 on a real tablet (Chromium, touch and keyboard, both sizes): a question with
fewer escape buttons shows only those; "This does not happen to me" is a button like the escapes
and is stored as its own kind; the "Say what" box of an "other" card is hidden until that card is
chosen (always there without script) and Enter in it means Next; answer cards of 80 characters fit
the screen (no card overflows, no sideways scroll); every page is axe-clean."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from helpers.surveys import HOME, surveys_with
from playwright.sync_api import BrowserContext, Page, expect

from .helpers import (
    LANDSCAPE,
    PORTRAIT,
    assert_axe_clean,
    assert_easy_read_sizes,
    begin,
    screenshot,
    stored_responses,
    wait_for_scripts,
)

pytestmark = pytest.mark.browser

#: cards whose words spill out of them, and whether the page scrolls sideways
OVERFLOW_JS = """() => ({
  cards: [...document.querySelectorAll('.answer-group .card')].filter(card => {
      const box = card.getBoundingClientRect();
      const words = card.querySelector('.card-text');
      const inner = words ? words.getBoundingClientRect() : box;
      return card.scrollWidth > card.clientWidth + 1 || card.scrollHeight > card.clientHeight + 1 ||
             inner.right > box.right + 1 || inner.bottom > box.bottom + 1 ||
             box.right > window.innerWidth || box.left < 0;
  }).map(card => card.innerText.trim().slice(0, 40)),
  sideways: document.documentElement.scrollWidth > window.innerWidth,
})"""


@pytest.fixture
def home_server(make_live_server, built_audio: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    server = make_live_server(SURVEYS_DIR=str(surveys_with(tmp_path, HOME)), AUDIO_DIR=str(built_audio))
    assert server.app.extensions["easyvoice.surveys"].errors == []
    return server


def arrive(page: Page, url_glob: str) -> None:
    page.wait_for_url(url_glob)
    wait_for_scripts(page)


@pytest.mark.parametrize("size", ["768x1024", "1024x768"])
def test_escapes_does_not_apply_other_and_long_cards(
    home_server, new_context: Callable[..., BrowserContext], size: str
) -> None:
    viewport = PORTRAIT if size == "768x1024" else LANDSCAPE
    page = new_context(viewport=viewport, has_touch=True).new_page()
    begin(page, home_server.url, home_server.code("Oak House"), slug="home-and-choices")
    wait_for_scripts(page)

    # 1: only "I don't know" and Skip
    escapes = page.locator(".other-answers button[name=action]")
    assert [escapes.nth(i).get_attribute("value") for i in range(escapes.count())] == ["dont_know", "skip"]
    assert_axe_clean(page, f"fewer escapes {size}")
    page.locator("button[name=answer][value=happy]").tap()
    arrive(page, "**/q/2")

    # 2: "This does not happen to me", by touch in one size and by keyboard in the other
    not_me = page.locator("button[name=action][value=does_not_apply]")
    expect(not_me).to_be_visible()
    expect(not_me).to_contain_text("This does not happen to me")
    assert_easy_read_sizes(page, f"does not apply {size}", ".other-answers button, button.speak")
    assert_axe_clean(page, f"does not apply {size}")
    screenshot(page, f"does-not-apply-{size}")
    if size == "1024x768":
        not_me.tap()
    else:
        not_me.focus()
        page.keyboard.press("Enter")
    arrive(page, "**/q/3")

    # 3: "Something else" shows its box; another card hides it; Enter in it means Next
    say = page.locator(".other-say")
    expect(say).to_be_hidden()
    assert_axe_clean(page, f"other, box hidden {size}")
    page.locator("label.card-check:has(input[value=park])").tap()
    expect(say).to_be_hidden()
    page.locator("input[name=answer][value=something_else]").focus()
    page.keyboard.press("Space")  # by keyboard
    expect(say).to_be_visible()
    page.locator("label.card-check:has(input[value=shop])").tap()  # by touch: hidden again
    expect(say).to_be_hidden()
    page.locator("label.card-check:has(input[value=something_else])").tap()
    expect(say).to_be_visible()
    box = page.locator("#other-text")
    box.focus()
    page.keyboard.type("Bowling with my brother")
    assert_easy_read_sizes(page, f"other box {size}", ".card, .other-answers button, a.button, button.button")
    assert_axe_clean(page, f"other, box shown {size}")
    screenshot(page, f"other-say-what-{size}")
    page.keyboard.press("Enter")
    arrive(page, "**/q/4")

    # 4: cards of 80 characters fit, nothing scrolls sideways
    found = page.evaluate(OVERFLOW_JS)
    assert found == {"cards": [], "sideways": False}, found
    assert_easy_read_sizes(page, f"80-character cards {size}", ".answer-group .card, button.speak")
    assert_axe_clean(page, f"80-character cards {size}")
    screenshot(page, f"long-cards-{size}")
    page.locator("label.card-check:has(input[value=meals])").tap()
    page.locator("label.card-check:has(input[value=quiet])").tap()
    page.locator("button.button-next").tap()
    arrive(page, "**/end/helped")

    [response] = stored_responses(home_server.app)
    answers = response.answers
    assert answers["room"].values == ["happy"]
    assert answers["college"].kind == "does_not_apply" and answers["college"].values == []
    assert (answers["weekend"].values, answers["weekend"].text) == (
        ["something_else"],
        "Bowling with my brother",
    )
    assert sorted(answers["my_week"].values) == ["meals", "quiet"]


def test_without_script_the_box_is_always_there(home_server, new_context) -> None:  # type: ignore[no-untyped-def]
    page = new_context(viewport=PORTRAIT, java_script_enabled=False).new_page()
    begin(page, home_server.url, home_server.code("Oak House"), slug="home-and-choices")
    page.goto(f"{home_server.url}/q/3")
    expect(page.locator("#other-text")).to_be_visible()
    page.locator("label.card-check:has(input[value=something_else])").click()
    page.locator("#other-text").fill("The library")
    page.locator("button.button-next").click()
    page.wait_for_url("**/q/4")
    [response] = stored_responses(home_server.app)
    assert response.answers["weekend"].text == "The library"
