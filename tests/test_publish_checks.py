"""Publishing a self-assessment is checked first (through the test client, CSRF on): the one-tap
post publishes nothing; "Are you sure?" is its own page with a summary; a section without a
statement needs a written reason, shown in public; a statement, action point or reason holding a
concern word refuses the publishing and names each text to change; a public answer to a challenge
is checked the same way, and a challenge that may tell of harm is not shown in public."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers.app import add_users, csrf_token, make_app, sign_in_as
from sqlalchemy import select

from app.db import db
from app.models import Challenge, SectionEntry, SelfAssessment, utcnow

SECTIONS = ("duq:1", "duq:2", "duq:3", "duq:4", "duq:5")
REASON = "we are asking families first and will write it in June."


@pytest.fixture
def lead_app(tmp_path: Path) -> Flask:
    app = make_app(tmp_path)
    add_users(app)
    return app


def post(client: FlaskClient, url: str, page: str | None = None, **data: object) -> object:
    token = csrf_token(client.get(page or url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def draft(app: Flask, statements: dict[str, str]) -> tuple[FlaskClient, int]:
    lead = app.test_client()
    sign_in_as(lead, "quality_lead@demo.example")
    started = post(lead, "/provider/assessments", period=utcnow().year)
    aid = int(re.search(r"/assessments/(\d+)", started.headers["Location"]).group(1))
    for ref, text in statements.items():
        section = f"/provider/assessments/{aid}/section/{ref}"
        assert post(lead, section, statement=text).status_code == 302
    return lead, aid


def reviewed(app: Flask, statements: dict[str, str]) -> tuple[FlaskClient, int]:
    lead, aid = draft(app, statements)
    page = f"/provider/assessments/{aid}"
    assert post(lead, f"{page}/review", page).status_code == 302
    return lead, aid


def status(app: Flask, aid: int) -> str:
    with app.app_context():
        return db.session.get(SelfAssessment, aid).status


ALL_WRITTEN = {ref: f"What we do for section {ref[-1]}." for ref in SECTIONS}


def test_the_one_tap_publish_publishes_nothing(lead_app: Flask) -> None:
    lead, aid = reviewed(lead_app, ALL_WRITTEN)
    page = f"/provider/assessments/{aid}"
    assert f'action="{page}/publish"' not in lead.get(page).get_data(as_text=True)  # a link, not a form
    for data in ({}, {"confirm": ""}, {"confirm": "no"}):
        tapped = post(lead, f"{page}/publish", page, **data)
        assert tapped.status_code == 303 and tapped.headers["Location"].endswith(f"{page}/publish")
        assert status(lead_app, aid) == "reviewed"


def test_are_you_sure_shows_a_summary_and_then_publishes(lead_app: Flask) -> None:
    lead, aid = reviewed(lead_app, ALL_WRITTEN)
    confirm = lead.get(f"/provider/assessments/{aid}/publish")
    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200
    assert "Are you sure?" in html and "What will be published" in html
    assert "Support is focussed on the person" in html and html.count(">written<") == 5
    assert 'name="confirm" value="yes"' in html and "No, not yet" in html
    assert status(lead_app, aid) == "reviewed"  # looking publishes nothing
    done = post(lead, f"/provider/assessments/{aid}/publish", confirm="yes")
    assert done.status_code == 302 and status(lead_app, aid) == "published"
    # a draft that is not reviewed yet says so and offers no button
    lead2, other = draft(lead_app, ALL_WRITTEN)
    waiting = lead2.get(f"/provider/assessments/{other}/publish").get_data(as_text=True)
    assert "Mark it as reviewed first" in waiting and 'value="yes"' not in waiting


def test_an_unwritten_section_needs_a_reason_shown_in_public(lead_app: Flask) -> None:
    lead, aid = reviewed(lead_app, {"duq:1": "People choose their own day."})
    url = f"/provider/assessments/{aid}/publish"
    confirm = lead.get(url).get_data(as_text=True)
    fields = re.findall(r'name="(reason-[^"]+)"', confirm)
    assert fields == [f"reason-{ref}" for ref in SECTIONS[1:]]
    missing = post(lead, url, confirm="yes")
    assert missing.status_code == 400 and "Write a reason" in missing.get_data(as_text=True)
    some = post(lead, url, confirm="yes", **{"reason-duq:2": REASON})
    assert some.status_code == 400 and REASON in some.get_data(as_text=True)  # kept as typed
    assert status(lead_app, aid) == "reviewed"
    done = post(lead, url, confirm="yes", **{field: REASON for field in fields})
    assert done.status_code == 302 and status(lead_app, aid) == "published"
    with lead_app.app_context():
        entries = {
            e.section_ref: e
            for e in db.session.scalars(select(SectionEntry).where(SectionEntry.self_assessment_id == aid))
        }
    assert entries["duq:1"].unwritten_reason is None and entries["duq:2"].unwritten_reason == REASON
    visitor = lead_app.test_client()
    for path in ("", "/easy-read"):
        page = visitor.get(f"/published/demo/{aid}{path}").get_data(as_text=True)
        # 4 sections (the easy-read line also carries it for its speaker button)
        assert page.count(f"We have not written about this yet because {REASON}") in (4, 8, 12), path
        assert "People choose their own day." in page


def test_a_text_that_may_tell_of_harm_refuses_publishing_and_is_named(lead_app: Flask) -> None:
    statements = {**ALL_WRITTEN, "duq:1": "Staff never shout at people here."}
    statements.pop("duq:3")
    lead, aid = draft(lead_app, statements)
    section2 = f"/provider/assessments/{aid}/section/duq:2"
    assert (
        post(
            lead,
            f"{section2}/actions",
            section2,
            what="Find out who hit Sam",
            who="Manager",
            by_when=f"{utcnow().year + 1}-01-31",
        ).status_code
        == 302
    )
    page = f"/provider/assessments/{aid}"
    assert post(lead, f"{page}/review", page).status_code == 302
    # the confirmation page lists the texts to change before anything else
    early = lead.get(f"{page}/publish").get_data(as_text=True)
    assert "Change these texts before you publish" in early
    refused = post(
        lead,
        f"{page}/publish",
        page,
        confirm="yes",
        **{"reason-duq:3": "someone was bullied and we are looking into it."},
    )
    html = refused.get_data(as_text=True)
    assert refused.status_code == 409 and "Nothing was published." in html
    assert "Support is focussed on the person, what you say about this section" in html
    assert "Staff never shout at people here." in html
    assert "action point, what you will do" in html and "Find out who hit Sam" in html
    assert "why it is not written yet" in html and "bullied" in html
    assert html.count("Change it") >= 3
    assert status(lead_app, aid) == "reviewed"
    # changed: it publishes
    section1 = f"/provider/assessments/{aid}/section/duq:1"
    post(lead, section1, statement="Staff speak kindly to people here.")
    with lead_app.app_context():
        action_id = (
            db.session.scalars(
                select(SectionEntry).where(
                    SectionEntry.self_assessment_id == aid, SectionEntry.section_ref == "duq:2"
                )
            )
            .one()
            .actions[0]
            .id
        )
    assert (
        post(
            lead,
            f"/provider/assessments/{aid}/actions/{action_id}",
            section2,
            status="planned",
            what="Check every rota with the team",
            who="Manager",
        ).status_code
        == 302
    )
    assert post(lead, f"{page}/review", page).status_code == 302
    done = post(lead, f"{page}/publish", page, confirm="yes", **{"reason-duq:3": REASON})
    assert done.status_code == 302 and status(lead_app, aid) == "published"


def test_a_public_answer_to_a_challenge_is_checked_and_a_worrying_challenge_is_not_shown(
    lead_app: Flask,
) -> None:
    lead, aid = reviewed(lead_app, ALL_WRITTEN)
    assert post(lead, f"/provider/assessments/{aid}/publish", confirm="yes").status_code == 302
    visitor = lead_app.test_client()
    url = f"/published/demo/{aid}/challenge"
    for what in ("You never ask families.", "Staff hurt my brother and nobody listened."):
        sent = post(visitor, url, what=what, relation="family")
        assert sent.status_code == 302
    with lead_app.app_context():
        ids = {c.what: c.id for c in db.session.scalars(select(Challenge))}
    plain, worrying = ids["You never ask families."], ids["Staff hurt my brother and nobody listened."]
    refused = post(lead, f"/provider/challenges/{plain}", answer="Nobody is hurt here.")
    assert refused.status_code == 400
    with lead_app.app_context():
        assert db.session.get(Challenge, plain).answer is None
    for cid in (plain, worrying):
        assert (
            post(
                lead, f"/provider/challenges/{cid}", answer="Thank you. We have talked with you about it."
            ).status_code
            == 302
        )
    for path in ("", "/easy-read"):
        page = visitor.get(f"/published/demo/{aid}{path}").get_data(as_text=True)
        assert "You never ask families." in page
        assert "Staff hurt my brother" not in page and "may be about someone's safety" in page
