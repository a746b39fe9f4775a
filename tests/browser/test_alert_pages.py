"""In Chromium: the safeguarding alert list and an alert page pass axe-core (WCAG 2.2 A/AA) at
768 x 1024 and 1024 x 768, with urgent, overdue, acknowledged and closed alerts on them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from helpers.app import PASSWORD, add_users
from playwright.sync_api import Page
from sqlalchemy import select

from app.audit import Actor
from app.db import db
from app.models import Service, User, utcnow
from app.respond import journey
from app.safeguarding import acknowledge, check_answer, close, mark_urgent

from .helpers import LANDSCAPE, PORTRAIT, assert_axe_clean, screenshot, wait_for_scripts

pytestmark = pytest.mark.browser


def make_alerts(app) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Four alerts: urgent with 3 signals, overdue, acknowledged, closed."""
    questionnaire = app.extensions["easyvoice.surveys"].questionnaires["your-support"]
    safe = questionnaire.question("safe_home")
    sad = journey.Given(journey.AnswerKind.OPTION, values=("sad",))
    made = {}
    with app.app_context():
        service = db.session.scalars(select(Service).where(Service.name == "Oak House")).one()
        lead = db.session.scalars(select(User).where(User.email == "quality_lead@demo.example")).one()
        for number, name in enumerate(("urgent", "overdue", "acknowledged", "closed")):
            response = journey.start_response(
                db.session,
                questionnaire=questionnaire,
                service=service,
                client_id=f"browser-{name}",
                answered_by="self",
                language="en_GB",
            )
            response.helped_by, response.others_present = "", "staff" if number % 2 else ""
            alert = check_answer(db.session, response, safe, "safe_home", sad)
            assert alert is not None
            made[name] = alert.id
            if name == "urgent":
                check_answer(
                    db.session,
                    response,
                    None,
                    journey.ANYTHING_ELSE,
                    journey.Given(journey.AnswerKind.TEXT, text="Someone took my money"),
                )
                mark_urgent(db.session, alert, Actor())
            if name == "overdue":
                alert.raised_at = utcnow() - timedelta(hours=30)
            if name in ("acknowledged", "closed"):
                acknowledge(db.session, alert, lead, Actor(user_id=lead.id))
            if name == "closed":
                close(
                    db.session, alert, lead, "Spoke with the person and the manager.", Actor(user_id=lead.id)
                )
        db.session.commit()
    return made


def check(page: Page, name: str) -> None:
    wait_for_scripts(page)
    for size in (PORTRAIT, LANDSCAPE):
        page.set_viewport_size(size)
        screenshot(page, f"alerts-{name}-{size['width']}x{size['height']}")
        assert_axe_clean(page, f"{name} at {size}")


def test_alert_pages_pass_axe_at_both_tablet_sizes(make_live_server, new_context) -> None:  # type: ignore[no-untyped-def]
    server = make_live_server()
    add_users(server.app)
    made = make_alerts(server.app)
    page = new_context(viewport=PORTRAIT).new_page()
    page.goto(f"{server.url}/auth/sign-in")
    page.fill("#email", "quality_lead@demo.example")
    page.fill("#password", PASSWORD)
    page.click("button.button-next")
    page.wait_for_url("**/provider/")
    assert "3 open safeguarding alerts" in page.inner_text("nav.staff-nav")

    page.goto(f"{server.url}/provider/alerts")
    rows = page.locator("table.figures tbody tr")
    assert rows.count() == 4
    assert "Urgent" in rows.nth(0).inner_text() and "Overdue" in rows.nth(1).inner_text()
    check(page, "list")
    for name in ("urgent", "acknowledged", "closed"):
        page.goto(f"{server.url}/provider/alerts/{made[name]}")
        assert "_anything_else" not in page.content()
        check(page, name)
