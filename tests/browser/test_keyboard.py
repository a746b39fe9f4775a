"""The family questionnaire answered with the keyboard alone (Tab, Shift+Tab, Enter, Space, typing).

A switch user's scanning and a keyboard user's Tab walk the same focus order, so every control
must be reachable, work with Enter or Space, and show where the focus is.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .helpers import StoredAnswer, path_of, screenshot, stored_responses, wait_for_scripts

pytestmark = pytest.mark.browser

MAX_TABS = 80

DESCRIBE_ACTIVE = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return 'body';
  let d = e.tagName.toLowerCase();
  for (const a of ['name', 'value', 'href', 'id', 'class']) {
    if (e.getAttribute(a)) d += `[${a}=${e.getAttribute(a)}]`;
  }
  return d + ' "' + (e.innerText || '').trim().replace(/\\s+/g, ' ').slice(0, 30) + '"';
}"""


def tab_to(page: Page, selector: str, *, backwards: bool = False, limit: int = MAX_TABS) -> None:
    """Press Tab (or Shift+Tab) until the focused element matches ``selector``; fail clearly."""
    key = "Shift+Tab" if backwards else "Tab"
    visited: list[str] = []
    for _ in range(limit):
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector):
            assert_focus_visible(page)
            return
        page.keyboard.press(key)
        visited.append(page.evaluate(DESCRIBE_ACTIVE))
    pytest.fail(
        f"{limit} presses of {key} on {path_of(page)} never reached {selector!r}. "
        f"Focus went: " + " -> ".join(visited[:40]),
        pytrace=False,
    )


def assert_focus_visible(page: Page) -> None:
    """The focused element draws an outline at least 3 px wide, and is on the screen."""
    style = page.evaluate("""() => {
      const e = document.activeElement, s = getComputedStyle(e), r = e.getBoundingClientRect();
      return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), top: r.top,
              bottom: r.bottom, height: innerHeight};
    }""")
    where = page.evaluate(DESCRIBE_ACTIVE)
    assert style["style"] != "none", f"no focus outline on {where} at {path_of(page)}"
    assert style["width"] >= 3, f"focus outline {style['width']}px on {where} at {path_of(page)}"
    assert style["bottom"] > 0 and style["top"] < style["height"], f"{where} is off screen"


def press_on(page: Page, selector: str, key: str, url_glob: str, *, backwards: bool = False) -> None:
    tab_to(page, selector, backwards=backwards)
    page.keyboard.press(key)
    page.wait_for_url(url_glob)
    wait_for_scripts(page)


# family-support, in order: (question id, selector to reach, key, what is stored)
PLAN = [
    ("informed", "button.card[value=yes]", "Enter", StoredAnswer("option", ["yes"])),
    ("news", "button.card[value=email]", "Space", StoredAnswer("option", ["email"])),
    ("listened", "button[name=action][value=dont_want_to_say]", "Enter", StoredAnswer("dont_want_to_say")),
    ("know_person", "button.card[value=ok]", "Space", StoredAnswer("option", ["ok"])),
    ("safe", "button.card[value=happy]", "Enter", StoredAnswer("option", ["happy"])),
    ("kind", "button[name=action][value=skip]", "Space", StoredAnswer("skipped")),
    ("enjoy", "button.card[value=no]", "Enter", StoredAnswer("option", ["no"])),
    ("health", "button.card[value=happy]", "Enter", StoredAnswer("option", ["happy"])),
    ("plan", "button.card[value=no]", "Enter", StoredAnswer("option", ["no"])),
    ("complain_know", "button.card[value=yes]", "Space", StoredAnswer("option", ["yes"])),
    ("manager", "button[name=action][value=dont_know]", "Enter", StoredAnswer("dont_know")),
    ("better", "textarea#text", "type", None),
]
WRITTEN = "Tell me sooner when my son is ill."


def test_whole_questionnaire_by_keyboard(live_server, page: Page) -> None:
    questionnaire = live_server.app.extensions["easyvoice.surveys"].questionnaires["family-support"]
    assert [q.id for q in questionnaire.questions] == [step[0] for step in PLAN]
    total = len(PLAN)

    page.goto(live_server.service_url())
    wait_for_scripts(page)
    press_on(page, "a[href='/begin/family-support']", "Enter", "**/settings")
    press_on(page, "button[name=action][value=no]", "Enter", "**/consent")
    press_on(page, "button[name=action][value=yes]", "Enter", "**/q/1")

    for number, (question_id, selector, key, _stored) in enumerate(PLAN, start=1):
        expect(page.locator("input[name=question]")).to_have_value(question_id)
        after = f"**/q/{number + 1}" if number < total else "**/end/helped"
        if key == "type":
            tab_to(page, selector)
            page.keyboard.type(WRITTEN)
            expect(page.locator(selector)).to_have_value(WRITTEN)
            screenshot(page, "keyboard-free-text-focused")
            press_on(page, "button.button-next", "Enter", after)
        else:
            press_on(page, selector, key, after)
        if question_id == "plan":
            # Back (by keyboard, going backwards through the page) to "health": change it.
            press_on(page, "a.button-back", "Enter", f"**/q/{number}", backwards=True)
            press_on(page, "a.button-back", "Enter", f"**/q/{number - 1}", backwards=True)
            expect(page.locator("button.card[aria-pressed=true]")).to_have_attribute("value", "happy")
            tab_to(page, "button.card[value=ok]")
            screenshot(page, "keyboard-focus-on-card")
            press_on(page, "button.card[value=ok]", "Enter", f"**/q/{number}")
            press_on(page, "button.card[value=no]", "Space", f"**/q/{number + 1}")

    # Who helped: 2 tick boxes (Space), then Next. Who else was there: 1 tick box.
    for value in ("friend", "advocate"):
        tab_to(page, f"input[name=people][value={value}]")
        page.keyboard.press("Space")
        expect(page.locator(f"input[name=people][value={value}]")).to_be_checked()
    screenshot(page, "keyboard-focus-on-tick-box")
    press_on(page, "button.button-next", "Enter", "**/end/room")
    tab_to(page, "input[name=people][value=staff]")
    page.keyboard.press("Space")
    press_on(page, "button.button-next", "Enter", "**/end/anything_else")
    # Nothing else to say: Next with the box empty.
    press_on(page, "button.button-next", "Enter", "**/thank-you")
    expect(page.locator("h1")).to_have_text("Thank you")
    tab_to(page, "a.button-next")

    responses = stored_responses(live_server.app)
    assert len(responses) == 1
    response = responses[0]
    assert response.questionnaire == "family-support"
    assert response.status == "finished" and response.finished
    assert response.helped_by == "friend,advocate"
    assert response.others_present == "staff"
    expected = {question_id: stored for question_id, _s, _k, stored in PLAN}
    expected["health"] = StoredAnswer("option", ["ok"])
    expected["better"] = StoredAnswer("text", [], WRITTEN)
    expected["_anything_else"] = StoredAnswer("skipped")
    assert response.answers == expected
