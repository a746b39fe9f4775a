"""The final steps of a visit in Chromium: signing with parts not checked, and finishing the visit.

Signing with 4 of 5 parts not checked goes through a second page ("Do you want to sign anyway?");
a post that skips it (the list of parts taken out of the form) is refused and nothing is signed.
"Finish the visit" shows what happened (people, observations, photos, the check, an open safety
worry) and asks "Are you sure?" on its own page. Every one of these pages is checked with axe-core
(WCAG 2.2 A/AA) at 768 x 1024 and 1024 x 768, and for 64 px targets, 20 px text and 7:1 contrast.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from helpers.app import PASSWORD, add_users
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import select

from app.db import db
from app.models import User, Verification, VerificationSignature, Visit
from app.visits import planning, verification

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

CONTROLS = (
    "button.card, a.card, label.card-check, button.speak, a.button, button.button, "
    ".staff-nav a, textarea, input:not([type=hidden]):not([type=checkbox]):not([type=radio])"
)


def check(page: Page, name: str) -> None:
    """axe-core at both tablet sizes (no sideways scrolling), then the easy-read measures."""
    wait_for_scripts(page)
    screenshot(page, f"final-{name}")
    for size in (PORTRAIT, LANDSCAPE):
        page.set_viewport_size(size)
        assert_axe_clean(page, f"{name} at {size}")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= size["width"], f"{name} scrolls sideways at {size['width']}px"
        assert_easy_read_sizes(page, f"{name} at {size['width']}px", CONTROLS)


def go(page: Page, url: str) -> None:
    page.goto(url)
    wait_for_scripts(page)


def open_visit_with_one_part_checked(server: LiveServer) -> int:
    """Set up through the services: an open visit at Oak House whose experts checked part 1."""
    app = server.app
    with app.app_context():
        expert = db.session.scalars(select(User).where(User.email == "expert@demo.example")).one()
        service = next(s for s in planning.services_of(db.session, expert) if s.name == "Oak House")
        plan = planning.VisitPlan(
            service_id=service.id, visit_date=date.today(), questionnaires=("your-support",)
        )
        visit = planning.create_visit(
            db.session, expert, plan, app.extensions["easyvoice.surveys"].questionnaires
        )
        planning.open_visit(visit)
        db.session.flush()
        refs = [f"duq:{n}" for n in range(1, 6)]
        verification.record_verdict(
            db.session, visit, expert, "duq:1", "agree", refs, seen=verification.digest("")
        )
        db.session.commit()
        return visit.id


def signed(server: LiveServer, visit_id: int) -> tuple[bool, int]:
    with server.app.app_context():
        checked = db.session.scalars(select(Verification).where(Verification.visit_id == visit_id)).one()
        return checked.signed_at is not None, len(db.session.scalars(select(VerificationSignature)).all())


def test_sign_with_parts_not_checked_and_finish_the_visit(
    live_server: LiveServer, new_context: Callable[..., BrowserContext]
) -> None:
    server, base = live_server, live_server.url
    add_users(server.app)
    visit_id = open_visit_with_one_part_checked(server)
    tablet = new_context(viewport=LANDSCAPE, has_touch=True).new_page()
    go(tablet, f"{base}/auth/sign-in")
    tablet.fill("#email", "expert@demo.example")
    tablet.fill("#password", PASSWORD)
    tablet.click("button.button-next")
    tablet.wait_for_url("**/visits/")

    # An observation of concern: the visit now has an open safety worry.
    go(tablet, f"{base}/visits/{visit_id}/observations/1")
    tablet.fill("#note", "A staff member shouted at a man.")
    tablet.click("button.card >> nth=0")
    tablet.wait_for_url(f"**/visits/{visit_id}/observations/2")

    # The sign page: how many parts are checked, and a way back to each of the others.
    go(tablet, f"{base}/visits/{visit_id}/sign")
    main = tablet.locator("main")
    expect(main).to_contain_text("You checked 1 of 5 parts.")
    expect(main).to_contain_text("These parts are not checked yet:")
    expect(tablet.locator("li[id^=unchecked-] a.card")).to_have_count(4)
    check(tablet, "sign")
    tablet.click("a.button-next:has-text('Sign now')")
    tablet.wait_for_url(f"**/visits/{visit_id}/sign/unchecked")
    expect(tablet.locator("h1")).to_have_text("Do you want to sign anyway?")
    expect(tablet.locator("a.button:has-text('Go back and check')")).to_be_visible()
    check(tablet, "sign-confirm")

    # A post that skips the step (the parts not confirmed) is refused: nothing is signed.
    tablet.evaluate("() => { document.querySelector('input[name=unchecked_ok]').value = ''; }")
    with tablet.expect_response(f"**/visits/{visit_id}/sign") as refused:
        tablet.click("button.button-next:has-text('Sign anyway')")
    assert refused.value.status == 409
    wait_for_scripts(tablet)
    expect(tablet.locator("[role=alert]")).to_contain_text("Tap Sign anyway if you want to sign.")
    assert signed(server, visit_id) == (False, 0)
    check(tablet, "sign-refused")

    # "Finish the visit": the summary and "Are you sure?" on its own page; "No" goes back.
    go(tablet, f"{base}/visits/{visit_id}")
    tablet.click("a.button:has-text('Finish the visit')")
    tablet.wait_for_url(f"**/visits/{visit_id}/finish")
    for words in (
        "Are you sure you want to finish the visit?",
        "People who took part: 0.",
        "Questions you answered about what you saw: 1.",
        "Photos you took: 0.",
        "Your check is not signed yet.",
        "Safety worries still open: 1.",
    ):
        expect(tablet.locator("main")).to_contain_text(words)
    check(tablet, "finish-confirm")
    tablet.click("a.button:has-text('No, go back')")
    tablet.wait_for_url(f"**/visits/{visit_id}")
    with server.app.app_context():
        assert db.session.get(Visit, visit_id).status == "open"

    # Sign anyway, for real this time; then finish the visit.
    go(tablet, f"{base}/visits/{visit_id}/sign/unchecked")
    tablet.click("button.button-next:has-text('Sign anyway')")
    tablet.wait_for_url(f"**/visits/{visit_id}/verify")
    assert signed(server, visit_id) == (True, 1)
    go(tablet, f"{base}/visits/{visit_id}/finish")
    expect(tablet.locator("main")).to_contain_text("This check is signed")
    check(tablet, "finish-confirm-signed")
    tablet.click("button.button-next:has-text('Yes, finish the visit')")
    tablet.wait_for_url(f"**/visits/{visit_id}")
    assert path_of(tablet) == f"/visits/{visit_id}"
    expect(tablet.locator("main")).to_contain_text("This visit is finished.")
    with server.app.app_context():
        assert db.session.get(Visit, visit_id).status == "closed"
