"""The pages issue 9 added or changed for signing in (the "not right, wait" notice, "Your sign-in"
with "Sign out everywhere") and the admin pages per role pass axe-core at both tablet sizes; the
expert's easy-read pages also have 64 px targets, 20 px text and 7:1 contrast."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from helpers.app import PASSWORD, add_users
from playwright.sync_api import BrowserContext, Page, expect

from .helpers import (
    LANDSCAPE,
    PORTRAIT,
    LiveServer,
    assert_axe_clean,
    assert_easy_read_sizes,
    path_of,
    wait_for_scripts,
)

pytestmark = pytest.mark.browser

CONTROLS = (
    "a.button, button.button, button.speak, .staff-nav a, "
    "input:not([type=hidden]):not([type=checkbox]):not([type=radio])"
)


def check(page: Page, name: str, easy_read: bool) -> None:
    wait_for_scripts(page)
    for size in (LANDSCAPE, PORTRAIT):
        page.set_viewport_size(size)
        assert_axe_clean(page, f"{name} at {size}")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= size["width"], name
        if easy_read:
            assert_easy_read_sizes(page, name, CONTROLS)


def sign_in(page: Page, base: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/auth/sign-in")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button.button-next")
    page.wait_for_load_state("load")


def test_sign_in_account_and_admin_pages(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    add_users(live_server.app)
    base = live_server.url
    tablet = new_context(viewport=LANDSCAPE, has_touch=True).new_page()
    sign_in(tablet, base, "expert@demo.example", "not the password")
    expect(tablet.locator("[role=alert]")).to_contain_text("Wait 15 minutes")
    check(tablet, "sign-in-wrong", easy_read=True)
    sign_in(tablet, base, "expert@demo.example")
    tablet.click(".staff-nav a:has-text('Your sign-in')")
    tablet.wait_for_url("**/auth/account")
    check(tablet, "account", easy_read=True)
    tablet.click("form[action='/auth/sign-out-everywhere'] button")
    tablet.wait_for_url("**/auth/sign-in")
    expect(tablet.locator("[role=alert]")).to_contain_text("signed out on every tablet and computer")
    check(tablet, "signed-out-everywhere", easy_read=True)
    tablet.goto(f"{base}/visits/")
    assert path_of(tablet).startswith("/auth/sign-in")

    for email, pages in (
        ("admin@demo.example", ("/admin/", "/admin/users", "/admin/organisations")),
        ("operator@demo.example", ("/admin/organisations", "/admin/users")),
    ):
        staff = new_context(viewport=LANDSCAPE).new_page()
        sign_in(staff, base, email)
        for path in pages:
            staff.goto(base + path)
            check(staff, f"{email} {path}", easy_read=False)
        staff.context.close()
