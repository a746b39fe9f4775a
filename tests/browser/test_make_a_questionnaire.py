"""Issue 12's whole story in Chromium at 1024 x 768, by keyboard and touch: a quality lead copies a
template, adds a photo of the front door, adds a question with that photo and an 'Ask only when',
fixes a too-long sentence the live check flags, previews it, publishes, and people answer on a
tablet: the question is asked after one answer and not after another, and the database holds
"not asked" for it. axe-core finds nothing on any editor page at 1024 x 768 and 768 x 1024."""

from __future__ import annotations

import io

import pytest
from helpers.app import add_users
from PIL import Image
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.db import db
from app.models import Answer, Response

from .helpers import (
    LANDSCAPE,
    axe_clean_at_both_sizes,
    begin,
    quality_lead_page,
    screenshot,
    wait_for_scripts,
)

pytestmark = pytest.mark.browser

SLUG = "your-support-own"
LONG = "When you think about your family and all the times you see them do you want to see them more often"
QUESTION = "Would you like to see your family more?"


def front_door() -> bytes:
    """A picture of a blue door in a brick wall."""
    image = Image.new("RGB", (480, 360), (170, 74, 50))
    image.paste((30, 70, 170), (170, 60, 310, 360))
    image.paste((230, 200, 60), (280, 200, 296, 216))
    out = io.BytesIO()
    image.save(out, format="JPEG")
    return out.getvalue()


def _left(page: Page, question: str) -> None:
    """Wait until the next page (a question other than ``question``) has loaded."""
    page.wait_for_function(
        "q => { const f = document.querySelector('input[name=question]'); return !f || f.value !== q; }",
        arg=question,
    )
    page.wait_for_load_state("load")


def answer_until(page: Page, target: str, value: str) -> None:
    """Skip every question (touch) up to ``target``, then tap the ``value`` card on it."""
    for _ in range(30):
        wait_for_scripts(page)
        current = page.locator("input[name=question]").input_value()
        if current == target:
            page.locator(f"button.card[name=answer][value={value}]").tap()
            _left(page, current)
            return
        page.locator("button[name=action][value=skip]").tap()
        _left(page, current)
    raise AssertionError(f"never reached {target}")


def test_make_a_questionnaire_and_answer_it(live_server, new_context) -> None:  # type: ignore[no-untyped-def]
    app = live_server.app
    add_users(app)
    lead = quality_lead_page(live_server, new_context)
    lead.click("text=Questionnaires")
    lead.click("form[action$='/copy/your-support'] button")
    lead.wait_for_url("**/provider/questionnaires")

    # a photo of the front door, with what it shows
    lead.click("text=Your pictures")
    lead.wait_for_url("**/editor/pictures")
    axe_clean_at_both_sizes(lead, "editor-pictures-empty")
    lead.set_input_files(
        "#picture", files=[{"name": "door.jpg", "mimeType": "image/jpeg", "buffer": front_door()}]
    )
    lead.fill("#name", "front-door")
    lead.fill("#alt_text", "Our blue front door")
    lead.click("text=Add the picture")
    lead.wait_for_url("**/editor/pictures")
    expect(lead.locator("#picture-front-door img")).to_have_attribute("alt", "Our blue front door")
    axe_clean_at_both_sizes(lead, "editor-pictures")

    # the questions, and a new one after "Can you see your family when you want to?"
    lead.click("text=Back to Questionnaires")
    lead.click(f"#own-{SLUG} >> text=Change the questions")
    lead.wait_for_url("**/editor/*")
    axe_clean_at_both_sizes(lead, "editor-questions")
    lead.click("text=The title and the first page")
    expect(lead.locator("h1")).to_have_text("The title and the first page")
    axe_clean_at_both_sizes(lead, "editor-about")
    lead.click("text=Back to the questions")
    lead.click("#question-see_family >> text=Add a question here")
    lead.wait_for_url("**/questions/new?after=see_family")
    wait_for_scripts(lead)

    # by keyboard: the words, and the live check says the sentence is too long
    lead.focus("#text")
    lead.keyboard.type(LONG)
    expect(lead.locator("#check-text .error")).to_contain_text("This sentence has 21 words")
    screenshot(lead, "make-question-too-long")
    axe_clean_at_both_sizes(lead, "editor-question-too-long")
    lead.fill("#text", "")
    lead.focus("#text")
    lead.keyboard.type(QUESTION)
    expect(lead.locator("#check-text .error")).to_have_count(0)
    lead.select_option("#kind", "yes_no")

    # the picture: found by a word, the photo of our own first
    lead.fill("#find", "door")
    lead.click("text=Find pictures")
    lead.wait_for_load_state("load")
    lead.check("input[name=symbol_pick][value='own:front-door']")
    # asked only when the answer to "Can you see your family when you want to?" is No
    lead.select_option("#when_question", "see_family")
    expect(lead.locator("[data-when-for=listened]")).to_be_hidden()
    lead.check("input[name=when_values][value='see_family=no']")
    screenshot(lead, "make-question-with-condition")
    axe_clean_at_both_sizes(lead, "editor-question-filled")
    lead.focus("button.button-next")
    lead.keyboard.press("Enter")
    lead.wait_for_url("**/editor/*#question-*")
    item = lead.locator("li[data-question='would_you_like_to_see_your_family_more']")
    expect(item).to_contain_text(QUESTION)
    expect(item).to_contain_text(
        "Asked only when the answer to 'Can you see your family when you want to?' is 'No'."
    )

    # preview: the question as a respondent sees it, with its photo
    questions = [q.get_attribute("data-question") for q in lead.locator("li[data-question]").all()]
    number = questions.index("would_you_like_to_see_your_family_more") + 1
    lead.click("text=Preview")
    lead.wait_for_url("**/preview/1")
    lead.goto(lead.url.replace("/preview/1", f"/preview/{number}"))
    expect(lead.locator("h1#q-title")).to_have_text(QUESTION)
    expect(lead.locator("img.own-picture")).to_have_attribute("alt", "Our blue front door")
    expect(lead.locator("#asked-when")).to_contain_text("Can you see your family when you want to?")
    axe_clean_at_both_sizes(lead, "editor-preview-own-question")

    # publish, after "Are you sure?"
    lead.click("text=Back to the questions")
    lead.click(".editor-actions >> text=Publish")
    lead.click("button[name=confirm][value=yes]")
    lead.wait_for_url("**/provider/questionnaires")
    expect(lead.locator(f"#own-{SLUG}")).to_contain_text("Published")

    # on a tablet, by touch: asked after "No", not after "Yes"
    code = live_server.code()
    for seen, asked in (("no", True), ("yes", False)):
        tablet = new_context(viewport=LANDSCAPE, has_touch=True).new_page()
        begin(tablet, live_server.url, code, slug=SLUG)
        answer_until(tablet, "see_family", seen)
        wait_for_scripts(tablet)
        shown = tablet.locator("input[name=question]").input_value()
        if asked:
            assert shown == "would_you_like_to_see_your_family_more"
            expect(tablet.locator("img.own-picture")).to_have_attribute("alt", "Our blue front door")
            screenshot(tablet, "make-question-answered-on-tablet")
            tablet.locator("button.card[name=answer][value=yes]").tap()
            _left(tablet, shown)
        else:
            assert shown == "see_friends"
    with app.app_context():
        given = [
            {a.question_key: a for a in db.session.scalars(select(Answer).where(Answer.response_id == r.id))}
            for r in db.session.scalars(select(Response).order_by(Response.id))
        ]
        assert len(given) == 2
        assert given[0]["would_you_like_to_see_your_family_more"].kind.value == "option"
        assert given[0]["would_you_like_to_see_your_family_more"].values == ["yes"]
        assert given[1]["would_you_like_to_see_your_family_more"].kind.value == "not_asked"
