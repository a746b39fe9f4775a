"""The self-assessment composer through the test client (with CSRF on): draft -> reviewed ->
published; published is frozen; the next starts as a copy and shows "You said, we did"."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers.app import add_users, make_app, sign_in_as
from sqlalchemy import select

from app.db import db
from app.demo.responses import add_responses
from app.models import AuditEvent, Organisation, SelfAssessment, User, utcnow


@pytest.fixture
def lead_app(tmp_path: Path) -> Flask:
    app = make_app(tmp_path)
    with app.app_context():
        org = db.session.scalar(select(Organisation).where(Organisation.slug == "demo"))
        add_responses(db.session, org, app.extensions["easyvoice.surveys"].questionnaires.values(), 200)
        db.session.commit()
    add_users(app)
    return app


def any_csrf_token(html: str) -> str:
    """The token of any form on the page (the sign-out form has one on every signed-in page)."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def post(client: FlaskClient, page_url: str, url: str, **data: object) -> object:
    token = any_csrf_token(client.get(page_url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def start(client: FlaskClient, year: int) -> int:
    result = post(client, "/provider/assessments", "/provider/assessments", period=year)
    assert result.status_code == 302, result.status_code
    return int(re.search(r"/assessments/(\d+)", result.headers["Location"]).group(1))


def publish(client: FlaskClient, aid: int) -> None:
    """Review, then publish through "Are you sure?", giving a reason for each unwritten section."""
    page = f"/provider/assessments/{aid}"
    assert post(client, page, f"{page}/review").status_code == 302
    confirm = client.get(f"{page}/publish").get_data(as_text=True)
    reasons = {name: "we will ask people first." for name in re.findall(r'name="(reason-[^"]+)"', confirm)}
    assert post(client, page, f"{page}/publish", confirm="yes", **reasons).status_code == 302


def offered(client: FlaskClient, section: str) -> list[str]:
    """The ids of the written answers the section page offers to quote."""
    return re.findall(re.escape(section) + r"/quotes/(\d+)", client.get(section).get_data(as_text=True))


def pick(client: FlaskClient, section: str, answer_id: str, **fields: object) -> object:
    """Quote an answer through its review page, both boxes ticked unless told otherwise."""
    review = f"{section}/quotes/{answer_id}"
    data = {"names_nobody": "y", "tells_no_harm": "y", **fields}
    return post(client, review, review, **{k: v for k, v in data.items() if v is not None})


def test_draft_review_publish_freeze_and_copy(lead_app: Flask) -> None:
    client = lead_app.test_client()
    sign_in_as(client, "quality_lead@demo.example")
    year = utcnow().year
    aid = start(client, year)
    section = f"/provider/assessments/{aid}/section/duq:1"
    page = client.get(section).get_data(as_text=True)
    evidence = re.findall(r'name="evidence" value="([^"]+)"', page)
    assert evidence, "no questions offered as evidence"
    assert (
        post(
            client, section, section, statement="People choose their own day.", evidence=evidence[:2]
        ).status_code
        == 302
    )
    assert (
        post(
            client,
            section,
            f"{section}/actions",
            what="More trips out",
            who="Service manager",
            by_when=f"{year + 1}-03-31",
        ).status_code
        == 302
    )
    quote_ids = offered(client, section)
    assert quote_ids, "no written answers offered to quote"
    assert pick(client, section, quote_ids[0]).status_code == 302
    # publishing needs a review first
    early = post(
        client, f"/provider/assessments/{aid}", f"/provider/assessments/{aid}/publish", confirm="yes"
    )
    assert early.status_code == 400
    publish(client, aid)
    with lead_app.app_context():
        item = db.session.get(SelfAssessment, aid)
        assert item.status == "published" and item.snapshot
        frozen = item.snapshot["sections"]["duq:1"]
        assert frozen["statement"] == "People choose their own day."
        assert len(frozen["figures"]) == 2 and len(frozen["quotes"]) == 1
        assert frozen["actions"][0]["what"] == "More trips out"
        actions = {e.action for e in db.session.scalars(select(AuditEvent))}
    assert {
        "self_assessment.start",
        "self_assessment.edit",
        "action_point.add",
        "quote.pick",
        "self_assessment.review",
        "self_assessment.publish",
    } <= actions

    # a published self-assessment refuses every edit
    refused = post(client, "/provider/assessments", section, statement="Changed later")
    assert refused.status_code == 403
    assert "You cannot open this page" in refused.get_data(as_text=True)
    assert (
        post(
            client, "/provider/assessments", f"{section}/actions", what="x", who="y", by_when=f"{year}-05-01"
        ).status_code
        == 403
    )
    assert post(client, "/provider/assessments", f"/provider/assessments/{aid}/review").status_code == 403
    with lead_app.app_context():
        assert db.session.get(SelfAssessment, aid).entry("duq:1").statement == "People choose their own day."

    # the next one starts as a copy; "You said, we did" shows how the action went
    nid = start(client, year + 1)
    with lead_app.app_context():
        nxt = db.session.get(SelfAssessment, nid)
        assert nxt.previous_id == aid and nxt.status == "draft"
        assert nxt.entry("duq:1").statement == "People choose their own day."
        copied = nxt.entry("duq:1").actions[0]
        assert copied.what == "More trips out" and copied.copied_from_id is not None
        action_id = copied.id
    section2 = f"/provider/assessments/{nid}/section/duq:1"
    assert (
        post(
            client,
            section2,
            f"/provider/assessments/{nid}/actions/{action_id}",
            status="done",
            outcome="We went to the seaside twice.",
        ).status_code
        == 302
    )
    page = client.get(f"/provider/assessments/{nid}").get_data(as_text=True)
    assert "You said, we did" in page and "We went to the seaside twice." in page


def test_evidence_pack_has_figures_picked_quotes_and_actions_only(lead_app: Flask) -> None:
    client = lead_app.test_client()
    sign_in_as(client, "quality_lead@demo.example")
    aid = start(client, utcnow().year)
    section = f"/provider/assessments/{aid}/section/duq:1"
    evidence = re.findall(r'name="evidence" value="([^"]+)"', client.get(section).get_data(as_text=True))
    post(client, section, section, statement="<b>Our</b> statement", evidence=evidence[:1])
    assert pick(client, section, offered(client, section)[0]).status_code == 302
    post(
        client,
        section,
        f"{section}/actions",
        what="Ask again in spring",
        who="Quality lead",
        by_when="2031-04-01",
    )
    result = client.get(f"/provider/assessments/{aid}/pack/duq:1.zip")
    assert result.status_code == 200
    with zipfile.ZipFile(io.BytesIO(result.data)) as pack:
        assert set(pack.namelist()) == {"index.html", "figures.csv"}
        page = pack.read("index.html").decode()
        figures = pack.read("figures.csv").decode()
    assert "&lt;b&gt;Our&lt;/b&gt; statement" in page and "Ask again in spring" in page
    assert evidence[0] in figures
    with lead_app.app_context():
        from app.models import Answer, AnswerKind

        texts = [a.text for a in db.session.scalars(select(Answer).where(Answer.kind == AnswerKind.TEXT))]
    quoted = [t for t in texts if t in page]
    assert len(set(quoted)) == 1, "only the picked quote goes in the pack"
    other = make_other_lead(client)
    # refused: another organisation's self-assessment is not found (app/provider/common.py)
    assert other.get(f"/provider/assessments/{aid}/pack/duq:1.zip").status_code == 404


def make_other_lead(client: FlaskClient) -> FlaskClient:
    other = client.application.test_client()
    sign_in_as(other, "lead@other.example")
    return other


def test_viewer_reads_but_cannot_change(lead_app: Flask) -> None:
    lead, viewer = lead_app.test_client(), lead_app.test_client()
    sign_in_as(lead, "quality_lead@demo.example")
    sign_in_as(viewer, "viewer@demo.example")
    aid = start(lead, utcnow().year)
    assert viewer.get(f"/provider/assessments/{aid}").status_code == 200
    section = f"/provider/assessments/{aid}/section/duq:1"
    assert post(viewer, section, section, statement="Viewer edit").status_code == 403
    assert post(viewer, "/provider/assessments", "/provider/assessments", period=2030).status_code == 403


def test_published_snapshot_and_pack_hold_the_experts_signed_verdicts(lead_app: Flask) -> None:
    """Verdicts come from app/visits (verifications_for): signed ones only, without experts' names."""
    from app.models import Service, Verification, VerificationVerdict, Visit

    with lead_app.app_context():
        expert = db.session.scalar(select(User).where(User.email == "expert@demo.example"))
        service_row = db.session.scalars(
            select(Service).where(Service.organisation_id == expert.organisation_id)
        ).first()
        visit = Visit(
            organisation_id=expert.organisation_id,
            service_id=service_row.id,
            visit_date=utcnow().date(),
            expert_id=expert.id,
            questionnaires=[],
            status="closed",
        )
        db.session.add(visit)
        db.session.flush()
        verification = Verification(visit_id=visit.id)
        db.session.add(verification)
        db.session.flush()
        db.session.add(
            VerificationVerdict(
                verification_id=verification.id,
                section_ref="duq:1",
                verdict="partly",
                why="People choose food, not outings.",
            )
        )
        db.session.flush()
        verification.signed_at = utcnow()
        db.session.commit()
    client = lead_app.test_client()
    sign_in_as(client, "quality_lead@demo.example")
    aid = start(client, utcnow().year)
    with zipfile.ZipFile(io.BytesIO(client.get(f"/provider/assessments/{aid}/pack/duq:1.zip").data)) as pack:
        page = pack.read("index.html").decode()
    assert "partly" in page and "People choose food, not outings." in page
    assert "Expert" not in page.replace("Experts by Experience", "")  # no expert's name
    publish(client, aid)
    with lead_app.app_context():
        frozen = db.session.get(SelfAssessment, aid).snapshot["sections"]["duq:1"]["verdicts"]
    assert frozen and frozen[0]["verdict"] == "partly"
