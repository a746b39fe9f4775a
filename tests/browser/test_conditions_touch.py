"""Issue 12 on a real tablet (Chromium, touch and keyboard): "None of these" clears the other ticks
and another tick clears it; a question asked only after "Work" is stepped over for one answer and
asked for another; the database holds "not asked" for it; a 5-face scale is one row in order, big
enough to tap; a number is typed on the keypad; every page is axe-clean at both sizes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from helpers.surveys import DAY, surveys_with
from playwright.sync_api import BrowserContext, Page, expect

from app.models import AnswerKind

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


@pytest.fixture
def day_server(make_live_server, built_audio: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    server = make_live_server(SURVEYS_DIR=str(surveys_with(tmp_path, DAY)), AUDIO_DIR=str(built_audio))
    assert server.app.extensions["easyvoice.surveys"].errors == []
    return server


def box(page: Page, value: str):  # type: ignore[no-untyped-def]
    return page.locator(f"input[name=answer][value={value}]")


def card(page: Page, value: str):  # type: ignore[no-untyped-def]
    return page.locator(f"label.card-check:has(input[name=answer][value={value}])")


def ticked(page: Page) -> list[str]:
    return page.eval_on_selector_all("input[name=answer]:checked", "boxes => boxes.map(b => b.value)")


def send(page: Page, url_glob: str) -> None:
    page.locator("button.button-next").tap()
    page.wait_for_url(url_glob)
    wait_for_scripts(page)


@pytest.mark.parametrize("size", ["768x1024", "1024x768"])
def test_none_of_these_and_a_conditional_question_by_touch_and_keyboard(
    day_server, new_context: Callable[..., BrowserContext], size: str
) -> None:
    viewport = PORTRAIT if size == "768x1024" else LANDSCAPE
    page = new_context(viewport=viewport, has_touch=True).new_page()
    begin(page, day_server.url, day_server.code("Oak House"), slug="day-and-work")
    wait_for_scripts(page)
    assert_axe_clean(page, f"choose many with none of these {size}")

    # by touch: two ticks, then "None of these" clears them, then a tick clears it
    card(page, "work").tap()
    card(page, "college").tap()
    assert ticked(page) == ["work", "college"]
    card(page, "none").tap()
    assert ticked(page) == ["none"]
    card(page, "sport").tap()
    assert ticked(page) == ["sport"]
    # by keyboard: Space on "None of these" clears "Sport"
    box(page, "none").focus()
    page.keyboard.press("Space")
    assert ticked(page) == ["none"]
    screenshot(page, f"none-of-these-{size}")
    assert_axe_clean(page, f"none of these ticked {size}")

    # "None of these": "Do you like your work?" is not asked
    send(page, "**/q/3")
    expect(page.locator("#q-title")).to_contain_text("Do you like the garden?")
    assert_axe_clean(page, f"after a question not asked {size}")
    page.locator("a.button-back").tap()
    page.wait_for_url("**/q/1")  # Back steps over it too
    wait_for_scripts(page)
    assert ticked(page) == ["none"]  # the answer given is shown again

    # now "Work": the question is asked
    card(page, "work").tap()
    assert ticked(page) == ["work"]
    send(page, "**/q/2")
    expect(page.locator("#q-title")).to_contain_text("Do you like your work?")
    assert_axe_clean(page, f"the conditional question {size}")
    page.locator("button[name=answer][value=yes]").tap()
    page.wait_for_url("**/q/3")
    wait_for_scripts(page)

    # a 5-face scale: one row, in order, each face big enough to tap
    faces = page.locator(".cards-scale button[name=answer]")
    expect(faces).to_have_count(5)
    assert [faces.nth(i).get_attribute("value") for i in range(5)] == [
        "very_happy",
        "happy",
        "ok",
        "sad",
        "very_sad",
    ]
    boxes = [faces.nth(i).bounding_box() for i in range(5)]
    assert len({round(b["y"]) for b in boxes}) == 1, boxes  # one row
    assert [b["x"] for b in boxes] == sorted(b["x"] for b in boxes)  # in reading order
    covered = page.evaluate(
        """() => [...document.querySelectorAll('.cards-scale .option')].filter(option => {
            const face = option.querySelector('.symbol-card').getBoundingClientRect();
            const listen = option.querySelector('.speak').getBoundingClientRect();
            return face.left < listen.right && listen.left < face.right &&
                   face.top < listen.bottom && listen.top < face.bottom;
        }).map(option => option.querySelector('button[name=answer]').value)"""
    )
    assert covered == [], f"faces covered by their Listen button: {covered}"
    assert_easy_read_sizes(
        page, f"5-face scale {size}", "button.card, .other-answers button, button.speak, a.button"
    )
    assert_axe_clean(page, f"5-face scale {size}")
    screenshot(page, f"scale-5-{size}")
    page.locator("button[name=answer][value=very_sad]").tap()
    page.wait_for_url("**/q/4")
    wait_for_scripts(page)

    # a number that does not fit, typed on the keyboard: asked again, the number kept to fix
    box_ = page.locator("#number")
    keypad = page.locator(".number-keypad")
    expect(keypad).to_be_visible()
    box_.focus()
    page.keyboard.type("150")
    page.keyboard.press("Enter")
    expect(page.locator(".problem[role=alert]")).to_contain_text("That number does not fit.")
    wait_for_scripts(page)
    expect(box_).to_have_value("150")
    assert_axe_clean(page, f"number that does not fit {size}")
    screenshot(page, f"number-problem-{size}")
    # then on the keypad: Delete x3, 3, 4, Delete, 5 -> 35
    for key in ("back", "back", "back", "3", "4", "back", "5"):
        keypad.locator(f"button[data-key='{key}']").tap()
    expect(box_).to_have_value("35")
    assert_easy_read_sizes(
        page, f"number {size}", ".keypad-key, .other-answers button, button.speak, a.button, button.button"
    )
    assert_axe_clean(page, f"number {size}")
    screenshot(page, f"number-{size}")
    send(page, "**/end/helped")

    [response] = stored_responses(day_server.app)
    answers = response.answers
    assert answers["day"].values == ["work"]
    assert answers["like_work"].values == ["yes"]
    assert answers["garden"].values == ["very_sad"]
    assert (answers["age"].kind, answers["age"].text, answers["age"].values) == ("number", "35", ["30-49"])


def test_not_asked_is_stored_when_the_condition_fails(day_server, new_context) -> None:  # type: ignore[no-untyped-def]
    page = new_context(has_touch=True).new_page()
    begin(page, day_server.url, day_server.code("Oak House"), slug="day-and-work")
    wait_for_scripts(page)
    card(page, "college").tap()
    send(page, "**/q/3")
    [response] = stored_responses(day_server.app)
    answers = response.answers
    assert answers["like_work"].kind == AnswerKind.NOT_ASKED.value
    assert answers["day"].values == ["college"]
