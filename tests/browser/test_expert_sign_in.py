"""The picture-and-PIN sign-in in Chromium (issue 10, item 12), at 768x1024 and 1024x768.

On a tablet enrolled to Oak House an expert taps their picture, then their PIN on the big keypad
(touch, and keyboard only); the keypad is a form of submit buttons, so it needs no JavaScript.
Every sign-in page (pictures, keypad, wrong PIN, "go on" after idle, email and password) is
axe-clean at both sizes, with 64 px targets, 20 px text and 7:1 contrast measured; the email and
password boxes are 64 px tall with 20 px text, and their Listen buttons come after the box.

Failed on the old code: no picture cards or keypad existed (the card selector times out), and the
sign-in boxes were 177x21 px with 13 px text and the Listen button between label and box.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from helpers.app import add_users
from helpers.expert_tablet import COOKIE, add_organisation, add_person, enrol_tablet, open_visit
from playwright.sync_api import BrowserContext, Page, expect

from .helpers import (
    LANDSCAPE,
    PORTRAIT,
    LiveServer,
    assert_axe_clean,
    assert_easy_read_sizes,
    path_of,
    screenshot,
    wait_for_scripts,
)

pytestmark = pytest.mark.browser

CONTROLS = "a.card, a.button, button.button, button.card, button.speak, .keypad-key, input:not([type=hidden])"
PIN = "2468"
#: a sign-in box: its size and text, the label right before it, its Listen button right after it
MEASURE_BOX_JS = """(sel) => {
  const e = document.querySelector(sel); const r = e.getBoundingClientRect();
  const label = document.querySelector(`label[for="${e.id}"]`); const after = e.nextElementSibling;
  return {height: r.height, width: r.width, font: parseFloat(getComputedStyle(e).fontSize),
          next: label.nextElementSibling === e, speakAfter: after.matches('button.speak'),
          speakTop: after.getBoundingClientRect().top, bottom: r.bottom};
}"""


def world(server: LiveServer) -> dict[str, object]:
    app = server.app
    add_users(app)
    add_organisation(app, "faraway", "Far House")
    ann = add_person(app, "ann@demo.example", name="Ann", picture="animal")
    add_person(app, "eve@far.example", name="Eve", org_slug="faraway", picture="star")
    return {"ann": ann, "cookie": enrol_tablet(app)}


def enrolled_tablet(
    new_context: Callable[..., BrowserContext],
    server: LiveServer,
    cookie: str,
    size: dict[str, int],
    **options: object,
) -> Page:
    context = new_context(viewport=size, **options)
    context.add_cookies([{"name": COOKIE, "value": cookie, "url": server.url}])
    return context.new_page()


def check_page(page: Page, name: str) -> None:
    """axe-core clean, nothing wider than the screen, easy-read sizes: at both tablet sizes."""
    wait_for_scripts(page)
    for size in (PORTRAIT, LANDSCAPE):
        page.set_viewport_size(size)
        assert_axe_clean(page, f"{name} at {size}")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= size["width"], name
        assert_easy_read_sizes(page, f"{name} at {size}", CONTROLS)


def keypad_sizes(page: Page) -> list[dict[str, float]]:
    return page.evaluate(
        """() => [...document.querySelectorAll('.keypad-key')].map(k => {
            const r = k.getBoundingClientRect();
            return {width: r.width, height: r.height, font: parseFloat(getComputedStyle(k).fontSize),
                    bottom: r.bottom};})"""
    )


@pytest.mark.parametrize("size", [PORTRAIT, LANDSCAPE], ids=["portrait", "landscape"])
def test_touch_through_the_picture_and_the_keypad(
    live_server: LiveServer, new_context: Callable[..., BrowserContext], size: dict[str, int]
) -> None:
    made = world(live_server)
    page = enrolled_tablet(new_context, live_server, made["cookie"], size, has_touch=True)
    page.goto(f"{live_server.url}/auth/sign-in")
    cards = page.locator("a.expert-card")
    expect(cards).to_have_count(2)  # Ann and Expert of the demo organisation; never Eve
    expect(cards.first).to_contain_text("Ann")
    expect(page.locator("main")).not_to_contain_text("Eve")
    assert page.locator("a.expert-card img[src$='/animal.svg']").count() == 1
    check_page(page, "pictures")
    page.set_viewport_size(size)
    screenshot(page, f"expertsignin-pictures-{size['width']}")
    cards.first.tap()
    page.wait_for_url(f"**/auth/pin/{made['ann']}")
    keys = keypad_sizes(page)
    assert len(keys) == 12
    assert all(k["width"] >= 64 and k["height"] >= 64 and k["font"] >= 20 for k in keys), keys
    assert max(k["bottom"] for k in keys) <= size["height"], "the keypad is in reach without scrolling"
    check_page(page, "keypad")
    page.set_viewport_size(size)
    screenshot(page, f"expertsignin-keypad-{size['width']}")
    for digit in "1111":  # a wrong PIN first: counted, and the page says so
        with page.expect_navigation():
            page.locator(f".keypad-key[value='{digit}']").tap()
    expect(page.locator("[role=alert]")).to_contain_text("That pin number is not right")
    check_page(page, "keypad-wrong")
    page.set_viewport_size(size)
    for number, digit in enumerate(PIN, start=1):
        with page.expect_navigation():
            page.locator(f".keypad-key[value='{digit}']").tap()
        if number < 4:
            expect(page.locator(".pin-dot-on")).to_have_count(number)
    page.wait_for_url("**/visits/")
    screenshot(page, f"expertsignin-signed-in-{size['width']}")
    page.goto(f"{live_server.url}/auth/account")
    expect(page.locator("main")).to_contain_text("You are signed in as Ann.")
    check_page(page, "account-pictures")


def test_the_password_pages_have_big_boxes_and_the_listen_button_after_the_box(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    made = world(live_server)
    plain = new_context(viewport=PORTRAIT).new_page()
    tablet = enrolled_tablet(new_context, live_server, made["cookie"], PORTRAIT)
    for name, page, path in (
        ("password-new-tablet", plain, "/auth/sign-in"),
        ("password-enrolled-tablet", tablet, "/auth/sign-in?how=password"),
    ):
        page.goto(live_server.url + path)
        assert page.locator("a.expert-card").count() == 0
        check_page(page, name)
        for size in (PORTRAIT, LANDSCAPE):
            page.set_viewport_size(size)
            for box in ("#email", "#password"):
                measured = page.evaluate(MEASURE_BOX_JS, box)
                assert measured["height"] >= 64 and measured["font"] >= 20, (name, box, measured)
                assert measured["width"] >= 300, (name, box, measured)
                assert measured["next"] and measured["speakAfter"], (name, box, measured)
                assert measured["speakTop"] >= measured["bottom"], (name, box, measured)
        page.set_viewport_size(PORTRAIT)
        screenshot(page, f"expertsignin-{name}")
    # a wrong password: the notice page too
    plain.fill("#email", "ann@demo.example")
    plain.fill("#password", "not the password")
    plain.click("button.button-next")
    expect(plain.locator("[role=alert]")).to_contain_text("not right")
    check_page(plain, "password-wrong")


def test_keyboard_only_picture_and_pin(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    made = world(live_server)
    page = enrolled_tablet(new_context, live_server, made["cookie"], LANDSCAPE)
    page.goto(f"{live_server.url}/auth/sign-in")
    wait_for_scripts(page)

    def tab_to(test: str, arg: str) -> None:
        for _ in range(40):
            page.keyboard.press("Tab")
            if page.evaluate(f"(arg) => {{ const e = document.activeElement; return {test}; }}", arg):
                return
        raise AssertionError(f"Tab never reached {arg}")

    tab_to("e.matches('a.expert-card') && e.textContent.includes(arg)", "Ann")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url(f"**/auth/pin/{made['ann']}")
    for digit in PIN:
        tab_to("e.matches('.keypad-key') && e.value === arg", digit)
        with page.expect_navigation():
            page.keyboard.press("Enter")
    page.wait_for_url("**/visits/")
    assert path_of(page) == "/visits/"


def test_idle_in_an_open_visit_goes_on_with_the_pin(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    made = world(live_server)
    visit_id = open_visit(live_server.app, made["ann"])
    page = enrolled_tablet(new_context, live_server, made["cookie"], PORTRAIT, has_touch=True)
    page.goto(f"{live_server.url}/auth/sign-in?how=password")
    page.fill("#email", "ann@demo.example")
    page.fill("#password", "correct horse battery")
    page.click("button.button-next")
    page.wait_for_url("**/visits/")
    page.goto(f"{live_server.url}/visits/{visit_id}")
    live_server.app.config["IDLE_MINUTES"] = 0  # idle after a second (read on every request)
    try:
        time.sleep(1.2)
        page.reload()
        page.wait_for_url("**/auth/go-on")
    finally:
        live_server.app.config["IDLE_MINUTES"] = 20
    expect(page.locator("h1")).to_have_text("Put in your pin number to go on")
    expect(page.locator(".pin-name")).to_have_text("Ann")
    check_page(page, "go-on")
    page.set_viewport_size(PORTRAIT)
    screenshot(page, "expertsignin-go-on")
    for digit in PIN:
        with page.expect_navigation():
            page.locator(f".keypad-key[value='{digit}']").tap()
    page.wait_for_url(f"**/visits/{visit_id}")
    assert path_of(page) == f"/visits/{visit_id}"
