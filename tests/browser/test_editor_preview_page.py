"""In Chromium: a quality lead previews a copied questionnaire from the Questionnaires page, sees its
questions as a respondent does in each look (big text, high contrast, no pictures), taps a card to go
on, and nothing is stored. axe-core finds nothing at 1024 x 768 and 768 x 1024 in any look."""

from __future__ import annotations

import pytest
from helpers.app import add_users
from sqlalchemy import func, select

from app.db import db
from app.models import Answer, Response

from .helpers import axe_clean_at_both_sizes, quality_lead_page

pytestmark = pytest.mark.browser


def test_preview_in_every_look(live_server, new_context) -> None:  # type: ignore[no-untyped-def]
    app = live_server.app
    add_users(app)
    questions = app.extensions["easyvoice.surveys"].questionnaires["your-support"].questions
    lead = quality_lead_page(live_server, new_context)
    lead.click("text=Questionnaires")
    lead.click("form[action$='/copy/your-support'] button")
    lead.wait_for_url("**/provider/questionnaires")
    lead.click("#own-your-support-own >> text=Preview")
    lead.wait_for_url("**/preview/1")
    assert lead.inner_text("h1#q-title").strip() == questions[0].text
    assert "nothing is kept" in lead.inner_text(".preview-bar")
    axe_clean_at_both_sizes(lead, "preview-plain")
    for look in (
        {"look-text": "bigger"},
        {"look-contrast": "on"},
        {"look-pictures": "off", "look-contrast": "off"},
    ):
        for field, value in look.items():
            lead.select_option(f"#{field}", value)
        lead.click("text=Show this look")
        lead.wait_for_load_state("load")
        assert lead.inner_text("h1#q-title").strip() == questions[0].text
        axe_clean_at_both_sizes(lead, "preview-" + "-".join(look.values()))
    body = lead.get_attribute("body", "class") or ""
    assert "text-bigger" in body and "pictures-off" in body and "contrast-high" not in body
    # a card goes on to the next question, in the same look; nothing is stored
    lead.click(f"button[name='answer'][value='{questions[0].choices[0].value}']")
    lead.wait_for_url("**/preview/2?**")
    assert lead.inner_text("h1#q-title").strip() == questions[1].text
    assert "text-bigger" in (lead.get_attribute("body", "class") or "")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 0
        assert db.session.scalar(select(func.count()).select_from(Answer)) == 0
