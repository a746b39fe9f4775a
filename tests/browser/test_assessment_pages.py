"""In Chromium, the quality lead's new self-assessment pages: the review of a quote (and its
"tick both boxes" answer), the refusal of an answer that may be a disclosure, "Are you sure?"
before publishing, and the list of texts to change. axe-core finds nothing on any of them at
1024 x 768 and 768 x 1024, and each works as a plain form (no script needed)."""

from __future__ import annotations

import re

import pytest
from helpers.app import PASSWORD, add_users
from playwright.sync_api import Page
from sqlalchemy import insert, select

from app.db import db
from app.demo.responses import add_responses
from app.models import Answer, Organisation, PickedQuote, QuestionnaireVersion, Response, Service, utcnow

from .helpers import LANDSCAPE, PORTRAIT, assert_axe_clean, screenshot, wait_for_scripts

pytestmark = pytest.mark.browser

DISCLOSURE = "I like my room. I am scared at night."


def check(page: Page, name: str) -> None:
    wait_for_scripts(page)
    screenshot(page, f"assessment-{name}")
    for size in (LANDSCAPE, PORTRAIT):
        page.set_viewport_size(size)
        assert_axe_clean(page, f"{name} at {size}")
    page.set_viewport_size(LANDSCAPE)


def disclosure_answer(app) -> int:  # type: ignore[no-untyped-def]
    """A written answer holding a concern word, as the demo's people might write one."""
    with app.app_context():
        version = db.session.scalars(
            select(QuestionnaireVersion).where(QuestionnaireVersion.slug == "your-support")
        ).first()
        service = db.session.scalars(select(Service).where(Service.name == "Oak House")).one()
        now = utcnow()
        rid = db.session.execute(
            insert(Response).returning(Response.id),
            [
                dict(
                    client_id="browser-disclosure",
                    token="browser-disclosure",  # noqa: S106
                    version_id=version.id,
                    service_id=service.id,
                    respondent_role="person_supported",
                    answered_by="self",
                    language="en_GB",
                    consent=True,
                    status="finished",
                    started_at=now,
                    finished_at=now,
                )
            ],
        ).scalar_one()
        aid = db.session.execute(
            insert(Answer).returning(Answer.id),
            [
                dict(
                    response_id=rid,
                    question_key="better",
                    kind="text",
                    text=DISCLOSURE,
                    submission_id="bd",
                    created_at=now,
                    updated_at=now,
                )
            ],
        ).scalar_one()
        db.session.commit()
        return aid


def test_quote_review_refusal_and_publish_pages(live_server, new_context) -> None:  # type: ignore[no-untyped-def]
    app, base = live_server.app, live_server.url
    with app.app_context():
        org = db.session.scalar(select(Organisation).where(Organisation.slug == "demo"))
        add_responses(db.session, org, app.extensions["easyvoice.surveys"].questionnaires.values(), 150)
        db.session.commit()
    add_users(app)
    disclosure = disclosure_answer(app)
    year = utcnow().year

    lead = new_context(viewport=LANDSCAPE, java_script_enabled=True).new_page()
    lead.goto(f"{base}/auth/sign-in")
    lead.fill("#email", "quality_lead@demo.example")
    lead.fill("#password", PASSWORD)
    lead.click("button.button-next")
    lead.wait_for_url("**/provider/")
    lead.goto(f"{base}/provider/assessments")
    lead.fill("#period", str(year))
    lead.click("form.staff-form button[type=submit]")
    lead.wait_for_url("**/provider/assessments/*")
    aid = int(re.search(r"/assessments/(\d+)", lead.url).group(1))
    section = f"{base}/provider/assessments/{aid}/section/duq:1"

    # the review of a quote: the whole answer in context, two boxes to tick
    lead.goto(section)
    assert DISCLOSURE not in lead.content()
    lead.click("a:has-text('Check and quote this') >> nth=0")
    lead.wait_for_url("**/quotes/*")
    check(lead, "quote-review")
    lead.check("input[name=names_nobody]")
    lead.click("button:has-text('Quote it')")  # one box only: the page says what is missing
    lead.wait_for_selector("#problem")
    assert "Tick both boxes" in lead.content()
    check(lead, "quote-review-problem")
    lead.check("input[name=names_nobody]")
    lead.check("input[name=tells_no_harm]")
    lead.click("button:has-text('Quote it')")
    lead.wait_for_url("**/section/duq:1")
    with app.app_context():
        assert db.session.scalars(select(PickedQuote)).one().confirmed_at is not None

    # an answer that may be a disclosure: refused, nothing stored
    refused = lead.goto(f"{section}/quotes/{disclosure}")
    assert refused is not None and refused.status == 409
    assert "This answer cannot be a quote" in lead.content()
    check(lead, "quote-refused")

    # a statement that may tell of harm: publishing lists it to change
    lead.goto(section)
    lead.fill("#statement", "Nobody shouted at anyone this year.")
    lead.click("form.staff-form >> nth=0 >> button[type=submit]")
    lead.wait_for_url("**/section/duq:1")
    lead.goto(f"{base}/provider/assessments/{aid}")
    lead.click("text=Mark as reviewed")
    lead.click("a.button:has-text('Publish')")
    lead.wait_for_url("**/publish")
    assert "Change these texts before you publish" in lead.content()
    check(lead, "publish-refused")
    lead.click("a:has-text('Change it')")
    lead.wait_for_url("**/section/duq:1")
    lead.fill("#statement", "People choose what they do each day.")
    lead.click("form.staff-form >> nth=0 >> button[type=submit]")
    lead.wait_for_url("**/section/duq:1")

    # "Are you sure?": the summary, a reason for each unwritten section, then publish
    lead.goto(f"{base}/provider/assessments/{aid}")
    lead.click("text=Mark as reviewed")
    lead.click("a.button:has-text('Publish')")
    lead.wait_for_url("**/publish")
    assert "Are you sure?" in lead.content()
    check(lead, "publish-confirm")
    lead.click("button:has-text('Yes, publish it')")  # no reasons yet: the browser asks (required)
    assert "/publish" in lead.url
    for field in lead.locator("textarea[name^=reason-]").all():
        field.fill("we are asking families first.")
    lead.click("button:has-text('Yes, publish it')")
    lead.wait_for_selector("text=Published. It cannot change now.")
    lead.click("text=See the public page")
    assert "We have not written about this yet because we are asking families first." in lead.content()
    assert DISCLOSURE not in lead.content()


def test_the_pages_work_without_javascript(live_server, new_context) -> None:  # type: ignore[no-untyped-def]
    """The same steps with scripts off: plain forms and links only."""
    app, base = live_server.app, live_server.url
    with app.app_context():
        org = db.session.scalar(select(Organisation).where(Organisation.slug == "demo"))
        add_responses(db.session, org, app.extensions["easyvoice.surveys"].questionnaires.values(), 100)
        db.session.commit()
    add_users(app)
    lead = new_context(viewport=PORTRAIT, java_script_enabled=False).new_page()
    lead.goto(f"{base}/auth/sign-in")
    lead.fill("#email", "quality_lead@demo.example")
    lead.fill("#password", PASSWORD)
    lead.click("button.button-next")
    lead.wait_for_url("**/provider/")
    lead.goto(f"{base}/provider/assessments")
    lead.fill("#period", str(utcnow().year))
    lead.click("form.staff-form button[type=submit]")
    lead.wait_for_url("**/provider/assessments/*")
    lead.click("table a >> nth=0")
    lead.wait_for_url("**/section/duq:1")
    lead.click("a:has-text('Check and quote this') >> nth=0")
    lead.check("input[name=names_nobody]")
    lead.check("input[name=tells_no_harm]")
    lead.click("button:has-text('Quote it')")
    lead.wait_for_url("**/section/duq:1")
    lead.click("text=Back to the self-assessment")
    lead.click("text=Mark as reviewed")
    lead.click("a.button:has-text('Publish')")
    lead.wait_for_url("**/publish")
    for field in lead.locator("textarea[name^=reason-]").all():
        field.fill("we are asking people first.")
    lead.click("button:has-text('Yes, publish it')")
    lead.wait_for_selector("text=Published. It cannot change now.")
