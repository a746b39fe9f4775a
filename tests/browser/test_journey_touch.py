"""A whole questionnaire answered by touch on a 768 x 1024 tablet, then read back from the database."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from .helpers import (
    StoredAnswer,
    begin,
    path_of,
    screenshot,
    stored_responses,
    tap_and_wait,
    wait_for_scripts,
)

pytestmark = pytest.mark.browser

# What the person gives, question by question (your-support, in order).
# ("tap", value): one tap on an answer card; ("many", [values]): tick the cards, then Next;
# ("text", words): write, then Next; ("other", action): I don't know / I don't want to say / Skip.
PLAN: list[tuple[str, str, object]] = [
    ("listened", "tap", "happy"),  # changed to "ok" later, after Back
    ("choose_food", "tap", "together"),
    ("choose_day", "tap", "family"),
    ("choose_staff", "tap", "manager"),
    ("kind", "other", "dont_know"),
    ("activities", "many", ["music", "art"]),
    ("enjoy_last_week", "tap", "yes"),
    ("see_family", "tap", "no"),
    ("see_friends", "tap", "no"),
    ("doctor", "other", "skip"),
    ("safe_home", "tap", "happy"),
    ("safe_staff", "tap", "ok"),
    ("gentle", "tap", "yes"),
    ("upset", "tap", "yes"),
    ("go_out", "tap", "no"),
    ("knock", "tap", "yes"),
    ("plan", "other", "dont_want_to_say"),
    ("ignored", "tap", "no"),
    ("complain_know", "tap", "yes"),
    ("complain_fixed", "tap", "yes"),
    ("better", "text", "More trips to the seaside, please. And cake on Fridays."),
]
CHANGED = ("listened", "ok")
ANYTHING_ELSE = "I like my new room. The garden is nice."


def test_whole_questionnaire_by_touch(live_server, new_context: Callable[..., BrowserContext]) -> None:
    questionnaire = live_server.app.extensions["easyvoice.surveys"].questionnaires["your-support"]
    assert [q.id for q in questionnaire.questions] == [step[0] for step in PLAN]
    page = new_context(has_touch=True, is_mobile=False).new_page()

    # Start link -> questionnaires -> settings -> consent.
    page.goto(live_server.service_url())
    wait_for_scripts(page)
    screenshot(page, "touch-01-start")
    tap_and_wait(page, "a.card[href='/begin/your-support?length=full']", "**/settings")
    screenshot(page, "touch-02-settings")
    tap_and_wait(page, "button[name=action][value=no]", "**/consent")
    screenshot(page, "touch-03-consent")
    tap_and_wait(page, "button[name=action][value=yes]", "**/q/1")

    total = len(PLAN) + 3  # the 3 closing questions are counted too (issue 10, item 5)
    for number, (question_id, how, given) in enumerate(PLAN, start=1):
        question = questionnaire.questions[number - 1]
        expect(page.locator("h1")).to_have_text(question.text)
        expect(page.locator(".progress p")).to_have_text(f"Question {number} of {total}")
        expect(page.locator("input[name=question]")).to_have_value(question_id)
        after = f"**/q/{number + 1}" if number < len(PLAN) else "**/end/helped"
        if number in (1, 6, 21):
            screenshot(page, f"touch-q{number:02d}-{question.type}")
        if how == "tap":
            tap_and_wait(page, f"button.card[name=answer][value={given}]", after)
        elif how == "other":
            tap_and_wait(page, f"button[name=action][value={given}]", after)
        elif how == "many":
            for value in given:
                page.locator(f"label.card-check:has(input[value={value}])").tap()
                expect(page.locator(f"input[name=answer][value={value}]")).to_be_checked()
            expect(page.locator("input[name=answer]:checked")).to_have_count(len(given))
            screenshot(page, f"touch-q{number:02d}-ticked")
            tap_and_wait(page, "button.button-next", after)
        elif how == "text":
            page.locator("textarea#text").tap()
            page.keyboard.type(given)
            expect(page.locator("textarea#text")).to_have_value(given)
            tap_and_wait(page, "button.button-next", after)

        if number == 3:
            # Back from question 4 to 3, 2 and 1: each shows what was chosen; change question 1.
            tap_and_wait(page, "a.button-back", "**/q/3")
            expect(page.locator("button.card[aria-pressed=true]")).to_have_attribute("value", "family")
            tap_and_wait(page, "a.button-back", "**/q/2")
            chosen = page.locator("button.card[aria-pressed=true]")
            expect(chosen).to_have_count(1)
            expect(chosen).to_have_attribute("value", "together")
            tap_and_wait(page, "a.button-back", "**/q/1")
            chosen = page.locator("button.card[aria-pressed=true]")
            expect(chosen).to_have_count(1)
            expect(chosen).to_have_attribute("value", "happy")
            expect(chosen).to_contain_text("You chose this")
            expect(page.locator("button.card[name=answer][aria-pressed=false]")).to_have_count(2)
            screenshot(page, "touch-q01-after-back")
            tap_and_wait(page, f"button.card[value={CHANGED[1]}]", "**/q/2")
            expect(page.locator("button.card[aria-pressed=true]")).to_have_attribute("value", "together")
            tap_and_wait(page, "button.card[value=together]", "**/q/3")
            tap_and_wait(page, "button.card[value=family]", "**/q/4")

        if number == 7:
            # Back to the tick boxes: both ticks are still there; Next keeps them.
            tap_and_wait(page, "a.button-back", "**/q/7")
            tap_and_wait(page, "a.button-back", "**/q/6")
            expect(page.locator("input[name=answer]:checked")).to_have_count(2)
            tap_and_wait(page, "button.button-next", "**/q/7")
            expect(page.locator("button.card[aria-pressed=true]")).to_have_attribute("value", "yes")
            tap_and_wait(page, "button.card[value=yes]", "**/q/8")

        if number == 5:
            # "I don't know" is shown as chosen when the person comes back.
            tap_and_wait(page, "a.button-back", "**/q/5")
            expect(page.locator("button[aria-pressed=true]")).to_have_attribute("value", "dont_know")
            tap_and_wait(page, "button[name=action][value=dont_know]", "**/q/6")

    # The closing pages: who helped (2 ticks), who else was in the room (nobody), anything else.
    screenshot(page, "touch-04-helped")
    for value in ("family", "staff"):
        page.locator(f"label.card-check:has(input[name=people][value={value}])").tap()
    expect(page.locator("input[name=people]:checked")).to_have_count(2)
    tap_and_wait(page, "button.button-next", "**/end/room")
    screenshot(page, "touch-05-room")
    tap_and_wait(page, "button[name=action][value=nobody]", "**/end/anything_else")
    screenshot(page, "touch-06-anything-else")
    page.locator("textarea#text").tap()
    page.keyboard.type(ANYTHING_ELSE)
    tap_and_wait(page, "button.button-next", "**/thank-you")
    expect(page.locator("h1")).to_have_text("Thank you")
    screenshot(page, "touch-07-thank-you")

    # The database holds exactly what was given.
    responses = stored_responses(live_server.app)
    assert len(responses) == 1
    response = responses[0]
    assert response.questionnaire == "your-support"
    assert response.status == "finished" and response.finished
    assert response.consent is True
    assert response.answered_by == "self"
    assert response.helped_by == "family,staff"
    assert response.others_present == ""
    expected: dict[str, StoredAnswer] = {}
    for question_id, how, given in PLAN:
        if how == "tap":
            expected[question_id] = StoredAnswer("option", [given])
        elif how == "many":
            expected[question_id] = StoredAnswer("option", list(given))
        elif how == "text":
            expected[question_id] = StoredAnswer("text", [], given)
        else:
            expected[question_id] = StoredAnswer("skipped" if given == "skip" else given)
    expected[CHANGED[0]] = StoredAnswer("option", [CHANGED[1]])
    expected["_anything_else"] = StoredAnswer("text", [], ANYTHING_ELSE)
    assert response.answers == expected

    # The next person cannot get back into these answers: not by a link ...
    page.goto(f"{live_server.url}/q/1")
    assert path_of(page) == "/"
    expect(page.locator("button[aria-pressed=true]")).to_have_count(0)
    expect(page.locator("a.card[href='/begin/your-support?length=full']")).to_be_visible()
    # ... nor by the browser's Back button.
    for _ in range(6):
        if not page.go_back():
            break
        page.wait_for_load_state("load")
        assert path_of(page) in ("/", "/thank-you"), f"Back after thank you opened {path_of(page)}"
        assert page.locator("button[aria-pressed=true], input:checked[name=answer]").count() == 0, (
            f"Back after thank you shows the last person's answers at {path_of(page)}"
        )
        assert "seaside" not in page.content()
        assert ANYTHING_ELSE not in page.content()
    assert len(stored_responses(live_server.app)) == 1


def test_line_breaks_in_free_text_are_kept_as_typed(live_server, page: Page) -> None:
    begin(page, live_server.url, live_server.code())
    page.goto(f"{live_server.url}/q/21")
    limit = int(page.locator("textarea#text").get_attribute("maxlength"))
    line = "I want to go out more."
    lines = [line] * (limit // (len(line) + 1))
    typed = "\n".join(lines)
    typed += "x" * (limit - len(typed))  # exactly as long as the box allows
    page.locator("textarea#text").fill(typed)
    expect(page.locator("textarea#text")).to_have_value(typed)
    page.click("button.button-next")
    page.wait_for_load_state("load")
    assert path_of(page) == "/end/helped", f"a full answer with line breaks was refused: {page.title()}"
    assert stored_responses(live_server.app)[0].answers["better"] == StoredAnswer("text", [], typed)


def test_thank_you_keeps_the_persons_settings(live_server, page: Page) -> None:
    begin(
        page,
        live_server.url,
        live_server.code(),
        settings={"text": "bigger", "contrast": "on", "pictures": "off"},
    )
    page.click("a.button-stop")
    page.click("button[name=action][value=stop]")
    page.wait_for_url("**/thank-you")
    look = page.evaluate("document.body.className").split()
    # The next person starts plain.
    page.click("a.button-next")
    page.wait_for_url(f"{live_server.url}/")
    assert page.evaluate("document.body.className").split() == ["text-normal"]
    assert stored_responses(live_server.app)[0].status == "stopped"
    assert {"text-bigger", "contrast-high", "pictures-off"} <= set(look), look
