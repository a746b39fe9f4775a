"""In Chromium: a quality lead writes and publishes a self-assessment; a member of the public
challenges it; the lead answers; the answer shows on the public page. axe-core finds nothing on any
provider or public page at 1024 x 768 and 768 x 1024; the easy-read public pages also keep 64 px
targets, 20 px text and 7:1 contrast."""

from __future__ import annotations

import pytest
from helpers.app import PASSWORD, add_users
from playwright.sync_api import Page
from sqlalchemy import select

from app.db import db
from app.demo.responses import add_responses
from app.models import Organisation, utcnow

from .helpers import (
    LANDSCAPE,
    PORTRAIT,
    assert_axe_clean,
    assert_easy_read_sizes,
    screenshot,
    wait_for_scripts,
)

pytestmark = pytest.mark.browser

EASY_CONTROLS = (
    "a.button, button.button, button.speak, label.pill, textarea, input:not([type=hidden]):not([type=radio])"
)
STATEMENT = "We ask each person what they want. Their plan says it in their own words."
ANSWER = "Thank you. We now ask families at every review."


def check(page: Page, name: str, easy_read: bool = False) -> None:
    wait_for_scripts(page)
    screenshot(page, f"provider-{name}")
    for size in (LANDSCAPE, PORTRAIT):
        page.set_viewport_size(size)
        assert_axe_clean(page, f"{name} at {size}")
    page.set_viewport_size(LANDSCAPE)
    if not easy_read:
        return
    assert_easy_read_sizes(page, name, EASY_CONTROLS)


def go(page: Page, url: str) -> None:
    page.goto(url)
    wait_for_scripts(page)


def test_publish_challenge_answer_and_see_it_in_public(live_server, new_context) -> None:  # type: ignore[no-untyped-def]
    app, base = live_server.app, live_server.url
    with app.app_context():
        org = db.session.scalar(select(Organisation).where(Organisation.slug == "demo"))
        add_responses(db.session, org, app.extensions["easyvoice.surveys"].questionnaires.values(), 300)
        db.session.commit()
    add_users(app)
    year = utcnow().year

    lead = new_context(viewport=LANDSCAPE).new_page()
    go(lead, f"{base}/auth/sign-in")
    lead.fill("#email", "quality_lead@demo.example")
    lead.fill("#password", PASSWORD)
    lead.click("button.button-next")
    lead.wait_for_url("**/provider/")
    check(lead, "overview")
    go(lead, f"{base}/provider/questionnaire/your-support?year={year}")
    lead.click("details summary >> nth=0")
    check(lead, "questionnaire")
    go(lead, f"{base}/provider/section/duq:1?year={year}")
    check(lead, "section")
    go(lead, f"{base}/provider/alerts")
    check(lead, "alerts")

    go(lead, f"{base}/provider/assessments")
    check(lead, "assessments")
    lead.fill("#period", str(year))
    lead.click("form.staff-form button[type=submit]")
    lead.wait_for_url("**/provider/assessments/*")
    check(lead, "assessment-draft")
    lead.click("table a >> nth=0")  # section 1
    lead.wait_for_url("**/section/duq:1")
    lead.fill("#statement", STATEMENT)
    lead.check("input[name=evidence] >> nth=0")
    lead.click("form.staff-form >> nth=0 >> button[type=submit]")
    lead.wait_for_url("**/section/duq:1")
    lead.fill("#what", "Ask families at every review")
    lead.fill("#who", "Service manager")
    lead.fill("#by_when", f"{year + 1}-03-31")
    lead.click("button:text-is('Add')")
    lead.wait_for_selector("text=Ask families at every review")
    check(lead, "section-entry")
    lead.click("text=Back to the self-assessment")
    lead.click("text=Mark as reviewed")
    lead.click("a.button:has-text('Publish')")  # "Are you sure?" on its own page
    lead.wait_for_url("**/publish")
    for field in lead.locator("textarea[name^=reason-]").all():  # sections 2 to 5 are not written
        field.fill("we are asking people first.")
    lead.click("button:has-text('Yes, publish it')")
    lead.wait_for_selector("text=Published. It cannot change now.")
    check(lead, "assessment-published")
    lead.click("text=See the public page")
    public_url = lead.url

    visitor = new_context(viewport=PORTRAIT).new_page()
    go(visitor, public_url)
    assert STATEMENT in visitor.content() and "Ask families at every review" in visitor.content()
    check(visitor, "public-standard")
    go(visitor, public_url + "/easy-read")
    check(visitor, "public-easy-read", easy_read=True)
    visitor.click("text=Tell us you disagree")
    visitor.wait_for_url("**/challenge")
    check(visitor, "public-challenge", easy_read=True)
    visitor.fill("#what", "You never ask families. <script>alert(1)</script>")
    visitor.click("label.pill:has-text('Family')")
    visitor.click("button:has-text('Send')")
    visitor.wait_for_url("**/challenge/sent")
    check(visitor, "public-challenge-sent", easy_read=True)

    go(lead, f"{base}/provider/")
    lead.click("a:has-text('Challenge')")
    lead.wait_for_url("**/provider/challenges/*")
    check(lead, "challenge")
    assert "&lt;script&gt;" in lead.content()
    lead.fill("#answer", ANSWER)
    lead.click("button:has-text('Publish the answer')")
    lead.wait_for_selector("text=Our public answer")

    go(visitor, public_url)
    assert ANSWER in visitor.content()
    check(visitor, "public-answered")
    go(visitor, public_url + "/easy-read")
    assert ANSWER in visitor.content()
