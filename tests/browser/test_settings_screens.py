"""The settings screens in Chromium (issue 10, item 6): by touch from the start link to consent,
one setting per screen; every screen axe-clean and whole on the screen (no scrolling) at
768 x 1024 and 1024 x 768, in the default look and after the person chose big words."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from .helpers import (
    LANDSCAPE,
    PORTRAIT,
    assert_axe_clean,
    assert_easy_read_sizes,
    path_of,
    screenshot,
    wait_for_scripts,
)

pytestmark = pytest.mark.browser

SIZES = {"768x1024": PORTRAIT, "1024x768": LANDSCAPE}
STEPS = ["who", "text", "pictures", "contrast", "read_aloud", "autoplay"]
CONTROLS = "a.button, button.button, button.card, label.card"


def assert_fits(page: Page, name: str) -> None:
    """The whole page is on the screen: nothing to scroll, down or across."""
    sizes = page.evaluate(
        "() => [document.documentElement.scrollHeight, window.innerHeight,"
        " document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert sizes[0] <= sizes[1] and sizes[2] <= sizes[3], f"{name}: page {sizes[:2]} / {sizes[2:]}"


def check_every_size(page: Page, name: str) -> None:
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        wait_for_scripts(page)
        assert_axe_clean(page, f"{name} {size}")
        assert_fits(page, f"{name} {size}")
        assert_easy_read_sizes(page, f"{name} {size}", CONTROLS)
        screenshot(page, f"settings-{name}-{size}")
    page.set_viewport_size(PORTRAIT)


def tap(page: Page, selector: str, navigates: bool = True) -> None:
    locator = page.locator(selector)
    expect(locator).to_have_count(1)
    if navigates:
        with page.expect_navigation():
            locator.tap()
    else:
        locator.tap()
    page.wait_for_load_state("load")
    wait_for_scripts(page)


@pytest.mark.parametrize("text", ["normal", "bigger"])
def test_settings_by_touch_one_per_screen_each_fits_and_is_axe_clean(
    live_server, new_context: Callable[..., BrowserContext], text: str
) -> None:
    page = new_context(viewport=PORTRAIT, has_touch=True, is_mobile=False).new_page()
    page.goto(live_server.service_url())
    tap(page, "a.card[href='/begin/your-support?length=full']")
    assert path_of(page) == "/settings"
    expect(page.locator("h1")).to_have_text("Do you want to change how it looks or sounds?")
    expect(page.locator("button.card")).to_have_text(["No, start", "Yes, change it"])
    check_every_size(page, f"{text}-ask")
    tap(page, "button.card[value=yes]")
    for number, step in enumerate(STEPS, start=1):
        assert path_of(page) == f"/settings/{step}"
        expect(page.locator(".settings-progress p")).to_have_text(f"Setting {number} of 6")
        values = page.locator(f"input[name={step}]").evaluate_all("els => els.map(e => e.value)")
        if "on" in values:
            assert values == ["on", "off"]
        check_every_size(page, f"{text}-{number}-{step}")
        if step == "text":
            tap(page, f"label.card-check:has(input[value={text}])", navigates=False)
            expect(page.locator(f"input[name=text][value={text}]")).to_be_checked()
        tap(page, "button.button-next")
    assert path_of(page) == "/consent"
    expect(page.locator("body")).to_have_class(f"text-{text}")


def test_back_goes_one_screen_back_and_keeps_the_choice(live_server, page: Page) -> None:
    page.goto(live_server.service_url())
    page.click("a.card[href='/begin/your-support?length=full']")
    page.click("button.card[value=yes]")
    page.click("label.card-check:has(input[value=family])")
    page.click("button.button-next")
    page.wait_for_url("**/settings/text")
    page.click("a.button-back")
    page.wait_for_url("**/settings/who")
    expect(page.locator("input[name=who][value=family]")).to_be_checked()
    page.click("a.button-back")
    page.wait_for_url("**/settings")
