"""The public pages of a published self-assessment and the "Challenge this" form: CSRF, size limit,
rate limit, safe storage of free text, the 4-week clock and the public answer."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers.app import add_users, csrf_token, make_app, sign_in_as
from sqlalchemy import select

from app.assessments import challenges, publication
from app.assessments import workflow as service
from app.audit import Actor
from app.db import db
from app.models import Challenge, Organisation, SelfAssessment, User, utcnow


def published(app: Flask, statement: str = "We listen to people.") -> int:
    """A published self-assessment made through the service (the flow test covers the views)."""
    with app.test_request_context():
        org = db.session.scalar(select(Organisation).where(Organisation.slug == "demo"))
        lead = db.session.scalar(select(User).where(User.email == "quality_lead@demo.example"))
        item = service.start(db.session, org.id, 2026, ["duq:1", "duq:2"], lead, Actor())
        service.edit_section(db.session, item, "duq:1", statement, [], Actor())
        service.add_action(
            db.session, item, "duq:1", "Ask people every month", "Manager", utcnow().date(), Actor()
        )
        service.review(db.session, item, lead, Actor())
        forms = app.extensions["easyvoice.surveys"].questionnaires
        publication.publish(
            db.session,
            item,
            lead,
            Actor(),
            5,
            forms,
            {},
            reasons={"duq:2": "we are asking families first."},
            confirmed=True,
        )
        db.session.commit()
        return item.id


@pytest.fixture
def public_app(tmp_path: Path) -> Flask:
    app = make_app(tmp_path)
    add_users(app)
    return app


def challenge(client: FlaskClient, aid: int, **fields: str) -> object:
    url = f"/published/demo/{aid}/challenge"
    token = csrf_token(client.get(url).get_data(as_text=True))
    data = {"csrf_token": token, "what": "You do not ask families.", "relation": "family", **fields}
    return client.post(url, data=data)


def test_public_pages_show_only_published(public_app: Flask) -> None:
    aid = published(public_app)
    client = public_app.test_client()
    for path in ("", "/easy-read", "/challenge"):
        page = client.get(f"/published/demo/{aid}{path}")
        assert page.status_code == 200, path
    assert "We listen to people." in client.get(f"/published/demo/{aid}").get_data(as_text=True)
    easy = client.get(f"/published/demo/{aid}/easy-read").get_data(as_text=True)
    assert "We will: Ask people every month" in easy and 'class="er-line"' in easy
    pdf = client.get(f"/published/demo/{aid}/report.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    with public_app.test_request_context():
        draft = service.start(
            db.session,
            1,
            2027,
            ["duq:1"],
            db.session.scalar(select(User).where(User.role == "quality_lead")),
            Actor(),
        )
        db.session.commit()
        draft_id = draft.id
    assert client.get(f"/published/demo/{draft_id}").status_code == 404
    assert client.get(f"/published/other/{aid}").status_code == 404


def test_challenge_is_stored_escaped_and_answered_in_public(public_app: Flask) -> None:
    aid = published(public_app)
    client = public_app.test_client()
    sent = challenge(client, aid, what="<script>alert('x')</script> You never ask me.", contact="me@x.org")
    assert sent.status_code == 302
    with public_app.app_context():
        stored = db.session.scalars(select(Challenge)).one()
        assert stored.what.startswith("<script>")  # stored as given, shown escaped
        assert stored.due_at - stored.received_at == timedelta(weeks=4)
        challenge_id = stored.id
    lead = public_app.test_client()
    sign_in_as(lead, "quality_lead@demo.example")
    overview = lead.get("/provider/").get_data(as_text=True)
    assert f"/provider/challenges/{challenge_id}" in overview
    page = lead.get(f"/provider/challenges/{challenge_id}").get_data(as_text=True)
    assert "&lt;script&gt;" in page and "<script>alert" not in page
    answer = lead.post(
        f"/provider/challenges/{challenge_id}",
        data={"csrf_token": csrf_token(page), "answer": "We will ask you next month."},
    )
    assert answer.status_code == 302
    public = client.get(f"/published/demo/{aid}").get_data(as_text=True)
    assert "We will ask you next month." in public and "<script>alert" not in public
    assert "me@x.org" not in public  # contact details are never public
    # answered once; a second answer is refused
    again = lead.post(
        f"/provider/challenges/{challenge_id}", data={"csrf_token": csrf_token(page), "answer": "Changed"}
    )
    assert again.status_code == 400


def test_overdue_challenge_shows_as_overdue(public_app: Flask) -> None:
    aid = published(public_app)
    challenge(public_app.test_client(), aid)
    with public_app.app_context():
        stored = db.session.scalars(select(Challenge)).one()
        stored.received_at = utcnow() - timedelta(weeks=5)
        stored.due_at = stored.received_at + timedelta(weeks=4)
        db.session.commit()
    lead = public_app.test_client()
    sign_in_as(lead, "quality_lead@demo.example")
    assert "Overdue" in lead.get("/provider/").get_data(as_text=True)
    public = public_app.test_client().get(f"/published/demo/{aid}").get_data(as_text=True)
    assert "Our answer is late." in public


def test_a_megabyte_of_text_is_refused_with_a_clear_message(public_app: Flask) -> None:
    aid = published(public_app)
    result = challenge(public_app.test_client(), aid, what="x" * 1_000_000)
    assert result.status_code == 413
    assert "That is too long. Please write less." in result.get_data(as_text=True)
    with public_app.app_context():
        assert db.session.scalars(select(Challenge)).first() is None


def test_fifty_posts_a_minute_are_refused(public_app: Flask) -> None:
    aid = published(public_app)
    client = public_app.test_client()
    codes = [challenge(client, aid, what=f"Point {n}").status_code for n in range(50)]
    assert codes[:5] == [302] * 5
    assert set(codes[5:]) == {429}
    with public_app.app_context():
        assert len(db.session.scalars(select(Challenge)).all()) == 5


def test_challenge_needs_csrf_and_a_known_relationship(public_app: Flask) -> None:
    aid = published(public_app)
    client = public_app.test_client()
    no_token = client.post(f"/published/demo/{aid}/challenge", data={"what": "x", "relation": "family"})
    assert no_token.status_code == 400
    assert challenge(client, aid, relation="king").status_code == 400
    assert challenge(client, aid, what="   ").status_code == 400


def test_only_published_can_be_challenged_by_the_service(public_app: Flask) -> None:
    with public_app.test_request_context():
        lead = db.session.scalar(select(User).where(User.email == "quality_lead@demo.example"))
        draft = service.start(db.session, lead.organisation_id, 2026, ["duq:1"], lead, Actor())
        with pytest.raises(service.AssessmentError):
            challenges.add_challenge(db.session, draft, "x", "public", None)
        assert db.session.get(SelfAssessment, draft.id).status == "draft"
