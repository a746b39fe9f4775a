"""Pages a busy person can read (issue 10, item 13), in Chromium at 1024 x 768 and 768 x 1024:
"What stands out" is on the first screen of the figures pages and the visit report, the folded
details open and close from the keyboard, the plan page is short, and axe-core finds nothing.

Each page's full height is written to /tmp/shots/busy-heights.json (and printed) before anything
is asserted, so the same test run on older code measures the "before" heights."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from helpers.app import PASSWORD, add_users
from helpers.visits import visit_seen
from helpers.world import signed_in
from playwright.sync_api import Page
from sqlalchemy import select

from app.db import db
from app.demo.responses import add_responses
from app.models import Organisation, utcnow

from .helpers import LANDSCAPE, PORTRAIT, SHOTS, assert_axe_clean, screenshot

pytestmark = pytest.mark.browser


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/auth/sign-in")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button.button-next")
    page.wait_for_load_state("load")


def height(page: Page) -> int:
    return int(page.evaluate("() => document.documentElement.scrollHeight"))


def summary_bottom(page: Page) -> float:
    box = page.locator("section.stands-out").bounding_box()
    assert box is not None
    return box["y"] + box["height"]


def test_busy_pages_summary_first_folds_by_keyboard_and_axe_clean(  # type: ignore[no-untyped-def]
    make_live_server, new_context, tmp_path
) -> None:
    # The audio is not built here (that takes minutes) but the page is measured as people use it,
    # with audio built: an (empty) audio index keeps the "audio is not built" box off the header.
    (tmp_path / "audio").mkdir()
    (tmp_path / "audio" / "index.json").write_text("{}")
    server = make_live_server(AUDIO_DIR=str(tmp_path / "audio"))
    app, base = server.app, server.url
    add_users(app)
    with app.app_context():
        org = db.session.scalar(select(Organisation).where(Organisation.slug == "demo"))
        forms = app.extensions["easyvoice.surveys"].questionnaires.values()
        add_responses(db.session, org, forms, 1500, now=utcnow() - timedelta(days=2))
        db.session.commit()
    expert = signed_in(app, "expert@demo.example")
    visit_seen(app, expert, {"friendly": "happy", "clean": "sad"}, when=date.today() - timedelta(days=365))
    seen = {"friendly": "sad", "clean": "happy", "choose": "no", "worried": "yes"}
    visit_id = visit_seen(app, expert, seen)

    pages = {
        "dashboard": "/provider/",
        "figures": "/provider/questionnaire/your-support",
        "section": "/provider/section/duq:1",
        "visit-report": f"/visits/{visit_id}/report",
    }
    heights: dict[str, dict[str, int]] = {}
    lead = new_context(viewport=LANDSCAPE).new_page()
    sign_in(lead, base, "quality_lead@demo.example")
    for name, path in pages.items():
        lead.goto(base + path)
        for label, size in (("1024x768", LANDSCAPE), ("768x1024", PORTRAIT)):
            lead.set_viewport_size(size)
            heights.setdefault(name, {})[label] = height(lead)
    plan = new_context(viewport=LANDSCAPE).new_page()
    sign_in(plan, base, "expert@demo.example")
    plan.goto(f"{base}/visits/plan")
    for label, size in (("1024x768", LANDSCAPE), ("768x1024", PORTRAIT)):
        plan.set_viewport_size(size)
        heights.setdefault("plan", {})[label] = height(plan)
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "busy-heights.json").write_text(json.dumps(heights, indent=2))
    print("page heights:", json.dumps(heights))

    # -- the summary is on the first screen, details fold by keyboard, axe finds nothing ----------
    for name, path in pages.items():
        lead.goto(base + path)
        for label, size in (("1024x768", LANDSCAPE), ("768x1024", PORTRAIT)):
            lead.set_viewport_size(size)
            lead.evaluate("() => window.scrollTo(0, 0)")
            screenshot(lead, f"busy-{name}-{label}")
            if name == "visit-report":
                # easy read: every line has its 64 px Listen button, so the whole summary is
                # taller than one screen; it starts the page and its first lines are on screen
                first_line = lead.locator("section.stands-out .er-line").first.bounding_box()
                assert first_line is not None and first_line["y"] + first_line["height"] <= size["height"]
            if name not in ("dashboard", "visit-report"):
                assert summary_bottom(lead) <= size["height"], f"{name} at {label}: summary below the fold"
                folds = lead.locator("details.fold")
                assert folds.count() >= 2
                assert all(not folds.nth(i).evaluate("d => d.open") for i in range(folds.count()))
            assert_axe_clean(lead, f"{name} at {label}")
        if name == "dashboard":
            # the quality lead's next step is at the top: the self-assessments
            link = lead.locator("main a[href='/provider/assessments']").first
            box = link.bounding_box()
            assert box is not None and box["y"] + box["height"] <= PORTRAIT["height"]
            continue
        # keyboard only: Tab to the first fold's summary, Enter opens it, Space closes it
        first = lead.locator("details.fold").first
        lead.evaluate("() => document.activeElement && document.activeElement.blur()")
        for _ in range(200):
            lead.keyboard.press("Tab")
            if lead.evaluate("() => document.activeElement.matches('details.fold > summary')"):
                break
        else:
            pytest.fail(f"{name}: no fold reached with Tab")
        assert first.evaluate("d => d.contains(document.activeElement)")
        lead.keyboard.press("Enter")
        assert first.evaluate("d => d.open")
        assert_axe_clean(lead, f"{name} with a fold open")
        lead.keyboard.press(" ")
        assert not first.evaluate("d => d.open")

    # the summary's first link goes to the question, opening its fold
    lead.goto(base + pages["figures"])
    href = lead.locator("section.stands-out ol a").first.get_attribute("href")
    assert href and href.startswith("#q-your-support-")
    lead.click("section.stands-out ol a >> nth=0")
    assert lead.locator(href).is_visible()

    # the plan page: the main form fits on far fewer pixels, axe finds nothing
    for label, size in (("1024x768", LANDSCAPE), ("768x1024", PORTRAIT)):
        plan.set_viewport_size(size)
        assert_axe_clean(plan, f"plan at {label}")
        screenshot(plan, f"busy-plan-{label}")
        assert heights["plan"][label] <= 2300, heights["plan"]  # 2,849 and 3,446 px before
    more = plan.locator("details.fold").first
    more.locator("summary").focus()
    plan.keyboard.press("Enter")
    assert more.evaluate("d => d.open")
    assert_axe_clean(plan, "plan with more open")
    assert re.search(r"Oak House", plan.content())
