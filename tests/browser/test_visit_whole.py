"""A whole visit in Chromium on a 1024 x 768 tablet, as issue 3 describes it.

A quality lead writes the provider's statement in the year's self-assessment. The expert signs
in, plans and opens the visit, and hands the tablet over for 2 people: one alone, one asked
together. The first person tries to get into the expert's screens without the pin number and
fails. The expert records observations (with a photo), checks 1 of the 5 parts and signs anyway
(a second page asks first), and finishes the visit after "Are you sure?". The report then hides
the group of 2 (under the threshold of 5). Every page in the area is checked with axe-core at
1024 x 768 and 768 x 1024; the expert's easy-read pages also for 64 px targets, 20 px text and
7:1 contrast.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

import pytest
from axe_playwright_python.sync_playwright import Axe
from helpers.app import PASSWORD, add_users
from PIL import Image
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import select

from app.db import db
from app.models import Answer, Handover, Photo, Response, Verification, VerificationVerdict, Visit

from .helpers import (
    LANDSCAPE,
    PORTRAIT,
    assert_easy_read_sizes,
    choose_settings,
    path_of,
    screenshot,
    wait_for_scripts,
)

pytestmark = pytest.mark.browser

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE = Axe()
CONTROLS = (
    "button.card, a.card, label.card-check, .other-answers button, button.speak, a.button, "
    "button.button, summary, label.pill, .staff-nav a, textarea, "
    "input:not([type=hidden]):not([type=checkbox]):not([type=radio])"
)
STATEMENT = "We ask each person what they want. Their plan says it in their own words."


class Checker:
    """Looks at each page: axe-core at both tablet sizes, and for easy-read pages the measures."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, page: Page, name: str, easy_read: bool = True) -> None:
        wait_for_scripts(page)
        screenshot(page, f"visit-{name}")
        for size in (LANDSCAPE, PORTRAIT):
            page.set_viewport_size(size)
            results = AXE.run(page, options={"runOnly": {"type": "tag", "values": TAGS}})
            violations = results.response["violations"]
            assert not violations, f"{name} at {size}: " + "; ".join(
                f"{v['id']}: {[n['target'] for n in v['nodes'][:5]]}" for v in violations
            )
            width = page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= size["width"], f"{name} scrolls sideways at {size['width']}px"
        page.set_viewport_size(LANDSCAPE)
        if easy_read:
            self.measure(page, name)
        self.seen.append(name)

    @staticmethod
    def measure(page: Page, name: str) -> None:
        assert_easy_read_sizes(page, name, CONTROLS)


def go(page: Page, url: str) -> None:
    page.goto(url)
    wait_for_scripts(page)


def sign_in(page: Page, base: str, email: str) -> None:
    go(page, f"{base}/auth/sign-in")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button.button-next")
    page.wait_for_load_state("load")


def answer_questionnaire(
    page: Page, questions: list, check: Checker | None = None, sneak: Callable[[], None] | None = None
) -> None:
    """From the settings page to "thank you", tapping the first card of each question."""
    choose_settings(page)
    page.click("button[name=action][value=yes]")
    for number, question in enumerate(questions, start=1):
        page.wait_for_url(f"**/q/{number}")
        if number == 3 and sneak:
            sneak()
        if question.type == "free_text":
            page.fill("textarea[name=text]", "More trips out, please.")
            page.click("button.button-next")
        elif question.multiple:
            page.click(f"label.card-check:has(input[value={question.choices[0].value}])")
            page.click("button.button-next")
        else:
            page.click(f"button.card[name=answer][value={question.choices[0].value}]")
    for step in ("helped", "room", "anything_else"):
        page.wait_for_url(f"**/end/{step}")
        page.click("button.button-next" if step == "anything_else" else "button[value=nobody]")


def photo_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (90, 140, 60)).save(out, format="JPEG")
    return out.getvalue()


def test_a_whole_visit_at_1024x768(
    make_live_server, built_audio, new_context: Callable[..., BrowserContext], tmp_path
) -> None:
    server = make_live_server(AUDIO_DIR=str(built_audio), PHOTO_DIR=str(tmp_path / "photos"))
    add_users(server.app)
    base, check = server.url, Checker()
    questions = list(server.app.extensions["easyvoice.surveys"].questionnaires["your-support"].questions)

    # A quality lead writes what the provider says about section 1, in this year's self-assessment
    # (the old statements page leads there).
    lead = new_context(viewport=LANDSCAPE).new_page()
    sign_in(lead, base, "quality_lead@demo.example")
    go(lead, f"{base}/visits/statements")
    assert path_of(lead) == "/provider/assessments"
    lead.fill("#period", str(date.today().year))
    lead.click("form.staff-form button[type=submit]")
    lead.wait_for_url("**/provider/assessments/1")
    go(lead, f"{base}/provider/assessments/1/section/duq:1")
    lead.fill("#statement", STATEMENT)
    lead.click("form.staff-form button[type=submit] >> nth=0")
    lead.wait_for_url("**/provider/assessments/1/section/duq:1")
    expect(lead.locator("#statement")).to_have_value(STATEMENT)

    # The expert signs in on the tablet, plans the visit and opens it on the day.
    tablet = new_context(viewport=LANDSCAPE, has_touch=True).new_page()
    sign_in(tablet, base, "expert@demo.example")
    assert path_of(tablet) == "/visits/"
    check(tablet, "index")
    tablet.click("a.button-next")
    tablet.wait_for_url("**/visits/plan")
    check(tablet, "plan")
    tablet.click("label.card-check:has-text('Oak House')")
    tablet.click("label.card-check:has(input[value=your-support])")
    tablet.click("details.plan-more > summary")  # "More: who comes with you" is folded
    tablet.fill("#supporter_name", "Sam")
    tablet.click("button.button-next")
    tablet.wait_for_url("**/visits/1")
    check(tablet, "visit-planned")
    tablet.click("form[action='/visits/1/open'] button.button-next")
    tablet.wait_for_url("**/visits/1")
    expect(tablet.locator("button.card:has-text('Start with a new person')")).to_be_visible()
    check(tablet, "visit-open")

    # Person 1 answers alone, and on the way tries to get into the expert's screens.
    def sneak() -> None:
        for path in ("/visits/", "/visits/1", "/admin/", "/visits/1/report"):
            go(tablet, base + path)
            assert path_of(tablet) == "/visits/give-back", path
        check(tablet, "give-back")
        tablet.fill("#pin", "9999")
        tablet.click("button.button-next")
        expect(tablet.locator("[role=alert]")).to_contain_text("That pin number is not right.")
        check(tablet, "give-back-wrong-pin")
        go(tablet, base + "/q/3")  # back to the questions: that is allowed

    tablet.click("button.card:has-text('Start with a new person')")
    answer_questionnaire(tablet, questions, sneak=sneak)
    tablet.wait_for_url("**/visits/give-back?thanks=1")
    expect(tablet.locator("h1")).to_have_text("Thank you")
    check(tablet, "give-back-thanks")
    tablet.fill("#pin", "1234")
    tablet.click("button.button-next")
    tablet.wait_for_url("**/visits/1")

    # Person 2 answers with the expert: "ask together".
    tablet.click("button.card:has-text('Ask together')")
    answer_questionnaire(tablet, questions)
    tablet.wait_for_url("**/visits/give-back?thanks=1")
    tablet.fill("#pin", "1234")
    tablet.click("button.button-next")
    tablet.wait_for_url("**/visits/1")
    expect(tablet.locator("main")).to_contain_text("Your support: 2")

    # Observations: the same cards, a note, and a photo of a place. A face only chooses: the
    # note is written after it, and "Save and go on" sends both.
    tablet.click("a.card:has-text('What you saw')")
    tablet.wait_for_url("**/visits/1/observations")
    check(tablet, "observations")
    tablet.click("a.button-next")
    checklist = server.app.extensions["easyvoice.surveys"].questionnaires["observations"].questions
    for number, question in enumerate(checklist, start=1):
        tablet.wait_for_url(f"**/visits/1/observations/{number}")
        if number == 1:
            check(tablet, "observe")
        if question.type == "free_text":
            tablet.fill("textarea[name=text]", "A lovely garden.")
        else:
            tablet.click(f"label.card-check:has(input[value={question.choices[0].value}])")
            assert path_of(tablet) == f"/visits/1/observations/{number}"  # still here
            expect(tablet.locator(f"input[name=answer][value={question.choices[0].value}]")).to_be_checked()
            if number == 1:
                tablet.fill("#note", "Everyone said hello.")
        tablet.click("button.button-next:has-text('Save and go on')")
    tablet.wait_for_url("**/visits/1/photos")
    check(tablet, "photos")
    tablet.set_input_files(
        "#photo", files=[{"name": "kitchen.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes()}]
    )
    tablet.fill("#caption", "The kitchen")
    tablet.click("label.visit-tick")
    tablet.click("button.button-next")
    tablet.wait_for_url("**/visits/1/photos")
    expect(tablet.locator("img[alt='The kitchen']")).to_be_visible()
    check(tablet, "photos-added")

    # Verification of section 1, then signing.
    go(tablet, f"{base}/visits/1/verify")
    check(tablet, "verify")
    tablet.click("#section-1 a.button")
    tablet.wait_for_url("**/verify/1/verdict")
    expect(tablet.locator("blockquote")).to_have_text(STATEMENT)
    check(tablet, "verify-verdict")
    tablet.click("button.card[value=partly]")
    tablet.wait_for_url("**/verify/1/why")
    check(tablet, "verify-why")
    tablet.click("label.card-check:has(input[value=people_said])")
    tablet.fill("#why", "Most people said so.")
    tablet.click("button.button-next")
    tablet.wait_for_url("**/verify/1/todo")
    check(tablet, "verify-todo")
    tablet.fill("#text", "Ask everyone, not only some.")
    tablet.click("button.button-next")
    tablet.wait_for_url("**/visits/1/verify#section-1")
    tablet.click("a.button-next:has-text('Sign your check')")
    tablet.wait_for_url("**/visits/1/sign")
    expect(tablet.locator("main")).to_contain_text("You checked 1 of 5 parts.")
    expect(tablet.locator("#unchecked-2 a.card")).to_be_visible()  # a way back to each part
    check(tablet, "sign")
    tablet.click("a.button-next:has-text('Sign now')")
    tablet.wait_for_url("**/visits/1/sign/unchecked")
    expect(tablet.locator("h1")).to_have_text("Do you want to sign anyway?")
    check(tablet, "sign-unchecked")
    tablet.click("button.button-next:has-text('Sign anyway')")
    tablet.wait_for_url("**/visits/1/verify")
    expect(tablet.locator("main")).to_contain_text("This check is signed")
    tablet.fill("#text", "The manager sent us the new plan.")
    tablet.click("form[action='/visits/1/notes'] button.button-next")
    tablet.wait_for_url("**/visits/1/verify#notes")
    check(tablet, "verify-signed")
    go(tablet, f"{base}/visits/1/verify/1/verdict")
    expect(tablet.locator("h1")).to_have_text("This check is signed")
    check(tablet, "signed-refused")

    # The report: the group of 2 is under the threshold (5), so it is hidden.
    go(tablet, f"{base}/visits/1/report")
    report = tablet.locator("main")
    expect(report).to_contain_text("Your support: fewer than 5")
    expect(report).to_contain_text("Everyone: fewer than 5")
    expect(report).to_contain_text("Some numbers are hidden.")
    expect(report).to_contain_text("Note: Everyone said hello.")
    expect(report).to_contain_text("We partly agree")
    expect(report).to_contain_text("Signed by Expert")
    assert "Your support: 2" not in report.inner_text()
    assert "More trips out" not in report.inner_text()
    check(tablet, "report")
    tablet.click("a.button:has-text('Print the report')")
    tablet.wait_for_url("**/visits/1/report/print")
    expect(tablet.locator("button[data-print]")).to_be_visible()
    check(tablet, "report-print")
    tablet.emulate_media(media="print")
    assert tablet.locator("button.speak").first.is_hidden()
    screenshot(tablet, "visit-report-printed")
    tablet.emulate_media(media="screen")

    # A third handover: 5 wrong pin numbers lock it; a full sign-in unlocks and the alert shows.
    go(tablet, f"{base}/visits/1")
    tablet.click("button.card:has-text('Start with a new person')")
    tablet.wait_for_url("**/settings")
    go(tablet, f"{base}/visits/give-back")
    for _ in range(5):
        tablet.fill("#pin", "0000")
        tablet.click("button.button-next")
        tablet.wait_for_load_state("load")
    expect(tablet.locator("[role=alert]")).to_contain_text("The tablet is locked")
    assert tablet.locator("#pin").count() == 0
    check(tablet, "give-back-locked")
    tablet.click("a.button:has-text('Sign in')")
    tablet.wait_for_url("**/auth/sign-in**")
    tablet.fill("#email", "expert@demo.example")
    tablet.fill("#password", PASSWORD)
    tablet.click("button.button-next")
    tablet.wait_for_url("**/visits/1")
    expect(tablet.locator("[role=alert]")).to_contain_text("Someone typed a wrong pin number 5 times.")
    check(tablet, "visit-alert")
    go(tablet, f"{base}/visits/1/change")  # an open visit cannot be changed: back to it
    assert path_of(tablet) == "/visits/1"

    # Finishing the visit asks "Are you sure?" on its own page first.
    go(tablet, f"{base}/visits/1")
    tablet.click("a.button:has-text('Finish the visit')")
    tablet.wait_for_url("**/visits/1/finish")
    expect(tablet.locator("main")).to_contain_text("People who took part: 2.")
    expect(tablet.locator("main")).to_contain_text("This check is signed")
    check(tablet, "finish")
    tablet.click("button.button-next:has-text('Yes, finish the visit')")
    tablet.wait_for_url("**/visits/1")
    expect(tablet.locator("main")).to_contain_text("This visit is finished.")

    # And the lead's list of reports.
    go(lead, f"{base}/visits/reports")
    check(lead, "reports", easy_read=False)

    with server.app.app_context():
        people = db.session.scalars(
            select(Response).where(Response.asked_by_expert.is_(True)).order_by(Response.id)
        ).all()
        assert [r.status for r in people] == ["finished", "finished"]
        supported = [{a.supported for a in r.answers} for r in people]
        assert supported == [{False}, {True}]
        friendly = db.session.scalars(select(Answer).where(Answer.question_key == "friendly")).one()
        assert (friendly.values, friendly.note) == ([checklist[0].choices[0].value], "Everyone said hello.")
        assert len(db.session.scalars(select(Photo)).all()) == 1
        assert db.session.scalars(select(Verification)).one().signed_at is not None
        assert db.session.scalars(select(VerificationVerdict)).one().statement_text == STATEMENT
        assert db.session.get(Visit, 1).status == "closed"
        assert [h.end_reason for h in db.session.scalars(select(Handover).order_by(Handover.id))] == [
            "pin",
            "pin",
            "sign_in",
        ]
    assert len(check.seen) >= 20
