"""Issue 10, items 7, 8 and 10, measured in Chromium on every question page of every respondent
questionnaire and the 3 closing pages, at 768 x 1024 and 1024 x 768, in the default look:

- 7: every main action (the answer cards, Next, the escapes, Back, Settings, Stop) is on the
  screen without scrolling, before and after the page is answered;
- 8: nothing moves while the page loads (cumulative layout shift under 0.01, from a buffered
  PerformanceObserver): the Listen buttons keep their room before easyvoice.js shows them;
- 10: the cards are a group named by the question, the chosen card is pressed, and each
  Listen button is named "Listen: <its text>" (Chromium's accessibility tree, via aria snapshots).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page

from .helpers import (
    CLS_SCRIPT,
    LANDSCAPE,
    MAX_SHIFT,
    PORTRAIT,
    LiveServer,
    assert_axe_clean,
    begin,
    path_of,
    screenshot,
    settle,
    wait_for_scripts,
)

pytestmark = pytest.mark.browser

SIZES = {"768x1024": PORTRAIT, "1024x768": LANDSCAPE}
CLOSING = ("helped", "room", "anything_else")
#: the page's main actions: what a person taps to answer or to go on, back, out
MAIN_ACTIONS = ".answer-group .card, .answer-group textarea, .journey-nav .button, .other-answers .card"
MEASURE_JS = """(selector) => [...document.querySelectorAll(selector)]
  .filter(e => e.getClientRects().length)
  .map(e => { const r = e.getBoundingClientRect();
              return {what: (e.innerText || e.name || e.tagName).trim().slice(0, 30), top: r.top,
                      bottom: r.bottom, left: r.left, right: r.right}; })"""

MEASURED: dict[str, dict] = {}  # size -> {"bottom": lowest bottom edge, "cls": largest}


def respondent_paths(server: LiveServer) -> dict[str, list[str]]:
    out = {}
    for slug, q in sorted(server.app.extensions["easyvoice.surveys"].questionnaires.items()):
        if q.audience != "expert":
            out[slug] = [f"/q/{n}" for n in range(1, len(q.questions) + 1)] + [f"/end/{s}" for s in CLOSING]
    return out


def check_page(page: Page, size_name: str, label: str) -> list[str]:
    problems = []
    shift = settle(page)
    height = page.evaluate("() => window.innerHeight")
    width = page.evaluate("() => window.innerWidth")
    assert page.evaluate("() => window.scrollY") == 0
    boxes = page.evaluate(MEASURE_JS, MAIN_ACTIONS)
    kinds = page.evaluate(
        "() => ['.journey-nav .button-back', '.journey-nav .button-stop', '.journey-nav .button-settings']"
        ".map(s => document.querySelectorAll(s).length)"
    )
    assert kinds == [1, 1, 1], f"{label}: Back, Stop, Settings: {kinds}"
    assert len(boxes) >= 4, f"{label}: only {len(boxes)} main actions"
    found = MEASURED.setdefault(size_name, {"bottom": 0.0, "cls": 0.0, "cls_page": "", "pages": 0})
    found["pages"] += 1
    if shift > found["cls"]:
        found["cls"], found["cls_page"] = shift, label
    for box in boxes:
        found["bottom"] = max(found["bottom"], box["bottom"])
        if box["bottom"] > height or box["top"] < 0 or box["right"] > width or box["left"] < 0:
            problems.append(
                f"{label}: {box['what']!r} at {box['top']:.0f}-{box['bottom']:.0f} (screen {height})"
            )
    if shift >= MAX_SHIFT:
        problems.append(f"{label}: layout shift {shift:.4f}, moved: {page.evaluate('() => window.__moved')}")
    return problems


def answer_here(page: Page) -> None:
    """Answer the page in front of us: the first card, else the first tick and Next, else Skip."""
    first = page.locator(".answer-group .cards button.card[name=answer]")
    if first.count():
        first.first.click()
        return
    tick = page.locator(".answer-group label.card-check")
    if tick.count():
        tick.first.click()
        page.click(".journey-nav button.button-next")
        return
    page.click("button[name=action][value=skip]")


@pytest.mark.parametrize("size_name", list(SIZES))
def test_every_main_action_is_in_view_and_nothing_moves(
    size_name: str, browser: Browser, module_live_server: LiveServer
) -> None:
    problems: list[str] = []
    for slug, paths in respondent_paths(module_live_server).items():
        context = browser.new_context(viewport=SIZES[size_name])
        context.add_init_script(CLS_SCRIPT)
        page = context.new_page()
        begin(page, module_live_server.url, module_live_server.code(), slug=slug)
        for path in paths:  # as first seen
            page.goto(module_live_server.url + path)
            problems += check_page(page, size_name, f"{slug} {path}")
            if (
                path in ("/q/1", "/q/2", "/q/6", "/end/helped", "/end/anything_else")
                and slug == "your-support"
            ):
                screenshot(page, f"journey-{size_name}-{slug}{path.replace('/', '-')}")
        for path in paths[: -len(CLOSING)]:  # answered, then seen again after Back: chosen, with Next
            page.goto(module_live_server.url + path)
            wait_for_scripts(page)
            answer_here(page)
            page.wait_for_url(lambda url, p=path: not url.endswith(p))
            page.goto(module_live_server.url + path)
            problems += check_page(page, size_name, f"{slug} {path} answered")
            assert page.locator(".journey-nav .button-next").count() == 1, f"{slug} {path}: no Next"
            if path in ("/q/1", "/q/6") and slug == "your-support":
                screenshot(page, f"journey-{size_name}-{slug}{path.replace('/', '-')}-answered")
        context.close()
    print(f"\n{size_name}: {MEASURED[size_name]}")
    assert problems == [], "\n".join(problems)


def test_the_question_groups_its_cards_and_names_listen_buttons_cleanly(
    browser: Browser, module_live_server: LiveServer
) -> None:
    context = browser.new_context(viewport=PORTRAIT)
    page = context.new_page()
    begin(page, module_live_server.url, module_live_server.code())
    page.click("button.card[value=ok]")
    page.wait_for_url("**/q/2")
    page.goto(module_live_server.url + "/q/1")
    wait_for_scripts(page)
    title = page.locator("h1").inner_text()
    group = page.get_by_role("group", name=title)
    assert group.count() == 1
    tree = group.aria_snapshot()
    for text in ("Happy", "OK", "Sad", "I don't know", "I don't want to say", "Skip"):
        assert re.search(rf'button "{re.escape(text)}[^"]*"', tree), (text, tree)
    assert re.search(r'button "OK You chose this" \[pressed\]', tree), tree
    assert len(re.findall(r"\[pressed\]", tree)) == 1, tree  # only the chosen card
    names = re.findall(r'button "(Listen[^"]*)"', page.locator("main").aria_snapshot())
    listens = [name for name in names if name != "Listen to all of this"]
    assert len(listens) == 7, listens  # the question, 3 faces, 3 escapes
    assert "Listen: Happy" in listens and "Listen: OK" in listens
    assert f"Listen: {title}" in listens
    assert all(re.fullmatch(r"Listen: \S.*", name) for name in listens), listens
    # The many-options and closing pages are groups named by their question too.
    for path in ("/q/6", "/end/helped"):
        page.goto(module_live_server.url + path)
        wait_for_scripts(page)
        title = page.locator("h1").inner_text()
        group = page.get_by_role("group", name=title)
        assert group.count() == 1, path
        assert group.get_by_role("checkbox").count() >= 4, path
    context.close()


@pytest.mark.parametrize("size_name", list(SIZES))
def test_question_pages_pass_axe(size_name: str, browser: Browser, module_live_server: LiveServer) -> None:
    context = browser.new_context(viewport=SIZES[size_name])
    page = context.new_page()
    begin(page, module_live_server.url, module_live_server.code())
    page.click("button.card[value=happy]")
    page.wait_for_url("**/q/2")
    for path in ("/q/1", "/q/2", "/q/6", "/q/7", "/q/21", "/end/helped", "/end/room", "/end/anything_else"):
        page.goto(module_live_server.url + path)
        wait_for_scripts(page)
        assert path_of(page) == path
        assert_axe_clean(page, f"{size_name} {path}")
    context.close()
