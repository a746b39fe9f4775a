"""Measured in Chromium on a 768 x 1024 tablet: target sizes, text sizes and text contrast.

DESIGN.md: touch targets at least 64 CSS px, body text 20 px or more, contrast 7:1 (WCAG AAA).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page

from .helpers import (
    LANDSCAPE,
    PORTRAIT,
    TEXT_STYLES_JS,
    LiveServer,
    begin,
    contrast_ratio,
    path_of,
    screenshot,
    wait_for_scripts,
)

pytestmark = pytest.mark.browser

MIN_TARGET = 64
MIN_FONT = 20
MIN_CONTRAST = 7.0

# Every control a respondent can tap (the tick-box card is the label around the tick box).
CONTROLS = (
    "button.card, a.card, label.card-check, .other-answers button, button.speak, "
    "a.button, button.button, summary, label.pill"
)

# page name -> path on a started questionnaire (your-support)
PAGES = {
    "settings": "/settings",
    "consent": "/consent",
    "faces": "/q/1",  # answered "happy" first, so it also shows a chosen card
    "choose_one": "/q/2",
    "choose_many": "/q/6",
    "yes_no": "/q/7",
    "free_text": "/q/21",
    "helped": "/end/helped",
    "room": "/end/room",
    "anything_else": "/end/anything_else",
    "stop": "/stop?from=2",
}
SETTINGS = {
    "default": {},
    "bigger": {"text": "bigger"},
    "no-pictures": {"pictures": "off"},
    "contrast": {"contrast": "on"},
}


@pytest.fixture(scope="module")
def respondents(browser: Browser, module_live_server: LiveServer) -> Iterator[Callable[[str], Page]]:
    """One tablet per setting, with a started questionnaire whose question 1 is answered."""
    opened: dict[str, Page] = {}
    contexts = []

    def get(setting: str) -> Page:
        if setting not in opened:
            context = browser.new_context(viewport=PORTRAIT)
            contexts.append(context)
            page = context.new_page()
            begin(page, module_live_server.url, module_live_server.code(), settings=SETTINGS[setting])
            page.click("button.card[value=happy]")
            page.wait_for_url("**/q/2")
            opened[setting] = page
        return opened[setting]

    yield get
    for context in contexts:
        context.close()


def visit(page: Page, server: LiveServer, path: str) -> None:
    page.goto(server.url + path)
    wait_for_scripts(page)
    assert path_of(page) == path, f"{path} went to {path_of(page)}"


@pytest.mark.parametrize("name", list(PAGES))
def test_every_control_is_at_least_64px(name: str, respondents, module_live_server) -> None:
    page = respondents("default")
    visit(page, module_live_server, PAGES[name])
    screenshot(page, f"sizes-{name}")
    boxes = page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)]
      .filter(e => e.getClientRects().length)
      .map(e => {
        const r = e.getBoundingClientRect();
        return {what: e.outerHTML.slice(0, 90), width: r.width, height: r.height};
      })""",
        CONTROLS,
    )
    assert len(boxes) >= 3, f"no controls found on {name}"
    small = [b for b in boxes if b["width"] < MIN_TARGET or b["height"] < MIN_TARGET]
    assert small == [], "\n".join(f"{b['width']:.0f}x{b['height']:.0f}: {b['what']}" for b in small)


@pytest.mark.parametrize("setting", list(SETTINGS))
@pytest.mark.parametrize("name", list(PAGES))
def test_text_is_big_and_dark_enough(name: str, setting: str, respondents, module_live_server) -> None:
    page = respondents(setting)
    visit(page, module_live_server, PAGES[name])
    body_size = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
    assert body_size >= MIN_FONT
    texts = page.evaluate(TEXT_STYLES_JS)
    assert len(texts) >= 5
    problems = []
    for item in texts:
        label = f"{item['element']} {item['text']!r}"
        if item["fontSize"] < MIN_FONT:
            problems.append(f"font {item['fontSize']}px: {label}")
        if item["backgroundImages"]:
            problems.append(f"text over a background image: {label}")
        colour = item["color"]
        assert colour[3] == 1, f"semi-transparent text: {label}"
        ratio = contrast_ratio(tuple(colour[:3]), tuple(item["background"]))
        if ratio < MIN_CONTRAST:
            problems.append(f"contrast {ratio:.2f}:1 ({colour[:3]} on {item['background']}): {label}")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("size", [PORTRAIT, LANDSCAPE], ids=["768x1024", "1024x768"])
@pytest.mark.parametrize("setting", list(SETTINGS))
def test_no_page_scrolls_sideways(
    setting: str, size: dict[str, int], respondents, module_live_server
) -> None:
    page = respondents(setting)
    page.set_viewport_size(size)
    try:
        wide = {}
        for name, path in PAGES.items():
            visit(page, module_live_server, path)
            if setting != "default" and (setting == "bigger" or size == PORTRAIT):
                screenshot(page, f"look-{setting}-{size['width']}-{name}")
            width = page.evaluate("() => document.documentElement.scrollWidth")
            if width > size["width"]:
                wide[name] = width
        assert wide == {}, f"pages wider than the screen ({size['width']}px): {wide}"
    finally:
        page.set_viewport_size(PORTRAIT)


@pytest.mark.parametrize("setting,bigger_than", [("big", "normal"), ("bigger", "big")])
def test_bigger_text_makes_the_words_bigger(
    setting: str, bigger_than: str, browser: Browser, module_live_server
) -> None:
    sizes = {}
    for text in (bigger_than, setting):
        context = browser.new_context(viewport=PORTRAIT)
        page = context.new_page()
        begin(page, module_live_server.url, module_live_server.code(), settings={"text": text})
        sizes[text] = page.evaluate("""() => ({
          h1: parseFloat(getComputedStyle(document.querySelector('h1')).fontSize),
          card: parseFloat(getComputedStyle(document.querySelector('.card-text')).fontSize),
          body: parseFloat(getComputedStyle(document.body).fontSize)})""")
        if text == "bigger":
            screenshot(page, "sizes-faces-bigger-text")
        context.close()
    for part in ("h1", "card", "body"):
        assert sizes[setting][part] > sizes[bigger_than][part], sizes
