"""Verification: the provider's statements, the experts' verdicts step by step, signing (stamped
with time and device), no change after signing (only dated notes), and verifications_for()."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from test_visits import add_expert, assert_easy_read_error, open_visit, plan_visit, post, signed_in

from app.db import db
from app.models import (
    AuditEvent,
    ProviderStatement,
    Verification,
    VerificationNote,
    VerificationSignature,
    VerificationVerdict,
    Visit,
)
from app.models.visit import SignedVerificationChanged
from app.visits import verification
from conftest import add_users

STATEMENT = "We ask each person what they want. Their plan says it in their own words."


def statement_for(app: Flask, section: str = "1", text: str = STATEMENT) -> FlaskClient:
    lead = signed_in(app, "quality_lead@demo.example")
    assert post(lead, f"/visits/statements/{section}", "/visits/statements", text=text).status_code == 302
    return lead


def open_visit_for(app: Flask, co_checker: int | None = None) -> tuple[FlaskClient, int]:
    client = signed_in(app)
    visit_id = plan_visit(client, app, co_checker=co_checker)
    open_visit(client, visit_id)
    return client, visit_id


def check_section(client: FlaskClient, visit_id: int, section: str = "1", verdict: str = "partly",
                  reasons: tuple[str, ...] = ("people_said", "we_saw"), why: str = "Most people said so.",
                  todo: str = "Ask everyone, not only some.") -> None:
    base = f"/visits/{visit_id}/verify/{section}"
    assert post(client, f"{base}/verdict", verdict=verdict).headers["Location"] == f"{base}/why"
    assert post(client, f"{base}/why", reasons=list(reasons), why=why).headers["Location"] == f"{base}/todo"
    assert post(client, f"{base}/todo", text=todo).status_code == 302


def sign(client: FlaskClient, visit_id: int, co_pin: str = "", agent: str = "TestTablet/1.0") -> object:
    page = client.get(f"/visits/{visit_id}/sign").get_data(as_text=True)
    from test_visits import token_in

    return client.post(f"/visits/{visit_id}/sign", data={"csrf_token": token_in(page), "co_pin": co_pin},
                       headers={"User-Agent": agent})


def verdict_rows(app: Flask) -> list[tuple]:
    with app.app_context():
        rows = db.session.scalars(select(VerificationVerdict).order_by(VerificationVerdict.section_ref))
        return [(r.section_ref, r.verdict, r.reasons, r.why, r.provider_should, r.statement_text)
                for r in rows]


def test_quality_lead_writes_the_statements(app: Flask) -> None:
    add_users(app)
    lead = statement_for(app)
    page = lead.get("/visits/statements").get_data(as_text=True)
    assert STATEMENT in page and "Support is focussed on the person" in page
    statement_for(app, text="Changed.")
    with app.app_context():
        row = db.session.scalars(select(ProviderStatement)).one()
        assert (row.section_ref, row.text) == ("duq:1", "Changed.")
        changes = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "statement.change")
                                     .order_by(AuditEvent.id)).all()
        assert [c.detail["before"] for c in changes] == [None, STATEMENT]
    assert_easy_read_error(post(lead, "/visits/statements/9", "/visits/statements", text="x"), 400)


def test_experts_check_a_section_in_easy_read_and_sign(app: Flask) -> None:
    add_users(app)
    statement_for(app)
    client, visit_id = open_visit_for(app)
    page = client.get(f"/visits/{visit_id}/verify/1/verdict").get_data(as_text=True)
    assert STATEMENT in page and "Your support is about you." in page
    assert f'data-say="{STATEMENT}"' in page  # the statement has its own read-aloud button
    for words in ("We agree", "We partly agree", "We don&#39;t agree"):
        assert words in page
    check_section(client, visit_id)
    check_section(client, visit_id, "3", "disagree", ("not_seen",), "", "")
    assert verdict_rows(app) == [
        ("duq:1", "partly", ["people_said", "we_saw"], "Most people said so.",
         "Ask everyone, not only some.", STATEMENT),
        ("duq:3", "disagree", ["not_seen"], None, None, ""),
    ]
    summary = client.get(f"/visits/{visit_id}/verify").get_data(as_text=True)
    assert "People told us" in summary and "Sign your check" in summary

    result = sign(client, visit_id)
    assert result.headers["Location"] == f"/visits/{visit_id}/verify"
    with app.app_context():
        checked = db.session.scalars(select(Verification)).one()
        signature = db.session.scalars(select(VerificationSignature)).one()
        assert checked.signed_at is not None and signature.device == "TestTablet/1.0"
        assert signature.session_ref and len(signature.session_ref) == 16
        assert signature.user.email == "expert@demo.example"
    page = client.get(f"/visits/{visit_id}/verify").get_data(as_text=True)
    assert "This check is signed" in page and "Signed by Expert" in page
    kinds = [a for a in _actions(app) if a.startswith("verification.")]
    assert kinds == ["verification.change"] * 6 + ["verification.sign"]


def _actions(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_a_signed_verification_cannot_be_changed_only_added_to(app: Flask) -> None:
    add_users(app)
    statement_for(app)
    client, visit_id = open_visit_for(app)
    check_section(client, visit_id)
    sign(client, visit_id)
    before = verdict_rows(app)
    for step, fields in (("verdict", {"verdict": "agree"}), ("why", {"reasons": ["we_read"], "why": "x"}),
                         ("todo", {"text": "Nothing"})):
        result = post(client, f"/visits/{visit_id}/verify/1/{step}", f"/visits/{visit_id}/verify", **fields)
        html = result.get_data(as_text=True)
        assert result.status_code == 409 and "You cannot change a signed check." in html, step
    result = post(client, f"/visits/{visit_id}/verify/2/verdict", f"/visits/{visit_id}/verify",
                  verdict="agree")
    assert result.status_code == 409
    assert sign(client, visit_id).status_code == 409  # signing again changes nothing either
    assert verdict_rows(app) == before
    with app.app_context():
        assert len(db.session.scalars(select(VerificationSignature)).all()) == 1

    # The one change allowed: a dated note.
    result = post(client, f"/visits/{visit_id}/notes", f"/visits/{visit_id}/verify",
                  text="The manager sent us the new plan after the visit.")
    assert result.status_code == 302
    assert_easy_read_error(post(client, f"/visits/{visit_id}/notes", f"/visits/{visit_id}/verify",
                                text="   "), 400)
    with app.app_context():
        note = db.session.scalars(select(VerificationNote)).one()
        assert note.added_at is not None and note.text.startswith("The manager")
    page = client.get(f"/visits/{visit_id}/verify").get_data(as_text=True)
    assert "The manager sent us the new plan" in page
    assert verdict_rows(app) == before


def test_the_service_and_the_database_session_refuse_changes_after_signing(app: Flask) -> None:
    add_users(app)
    client, visit_id = open_visit_for(app)
    check_section(client, visit_id)
    sign(client, visit_id)
    with app.app_context():
        visit = db.session.get(Visit, visit_id)
        expert = visit.expert
        refs = ["duq:1", "duq:2"]
        with pytest.raises(verification.VerificationSigned):
            verification.record_verdict(db.session, visit, expert, "duq:1", "agree", "", refs)
        with pytest.raises(verification.VerificationSigned):
            verification.record_why(db.session, visit, expert, "duq:1", [], "new", refs)
        row = db.session.scalars(select(VerificationVerdict)).one()
        row.verdict = "agree"  # code that skips the service
        with pytest.raises(SignedVerificationChanged):
            db.session.flush()
        db.session.rollback()
        checked = db.session.scalars(select(Verification)).one()
        checked.signed_at = checked.signed_at + timedelta(days=1)
        with pytest.raises(SignedVerificationChanged):
            db.session.flush()
        db.session.rollback()
    assert verdict_rows(app)[0][1] == "partly"


def test_bad_verification_input_is_refused(app: Flask) -> None:
    add_users(app)
    client, visit_id = open_visit_for(app)
    base = f"/visits/{visit_id}/verify"
    assert_easy_read_error(post(client, f"{base}/1/verdict", verdict="maybe"), 400)
    assert_easy_read_error(client.get(f"{base}/9/verdict"), 404)
    # "why" before a verdict goes back to the verdict.
    assert client.get(f"{base}/1/why").headers["Location"] == f"{base}/1/verdict"
    post(client, f"{base}/1/verdict", verdict="agree")
    assert_easy_read_error(post(client, f"{base}/1/why", reasons=["bribed"]), 400)
    assert_easy_read_error(post(client, f"{base}/1/todo", text="x" * 1001), 400)
    # Nothing to sign yet is not signed; a note before signing is refused.
    assert_easy_read_error(post(client, f"/visits/{visit_id}/notes", base, text="A note"), 400)
    assert verdict_rows(app) == [("duq:1", "agree", [], None, None, "")]


def test_a_co_checker_signs_with_their_pin_number(app: Flask) -> None:
    add_users(app)
    co = add_expert(app, "co@demo.example", pin="4321")
    client, visit_id = open_visit_for(app, co_checker=co)
    check_section(client, visit_id)
    page = client.get(f"/visits/{visit_id}/sign").get_data(as_text=True)
    assert "The other expert can type their pin number to sign too." in page and "Co" in page
    wrong = sign(client, visit_id, co_pin="1111")
    assert wrong.status_code == 400 and "That pin number is not right." in wrong.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(Verification)).one().signed_at is None
    assert sign(client, visit_id, co_pin="4321").status_code == 302
    with app.app_context():
        names = sorted(s.user.email for s in db.session.scalars(select(VerificationSignature)))
        assert names == ["co@demo.example", "expert@demo.example"]


def test_verifications_for_gives_signed_verdicts_in_the_period(app: Flask) -> None:
    add_users(app)
    statement_for(app)
    client, signed_visit = open_visit_for(app)
    check_section(client, signed_visit)
    sign(client, signed_visit)
    post(client, f"/visits/{signed_visit}/notes", f"/visits/{signed_visit}/verify", text="Seen again later.")
    _client, draft_visit = open_visit_for(app)
    check_section(client, draft_visit, "2", "agree")  # not signed: left out
    today = date.today()
    with app.app_context():
        org = db.session.get(Visit, signed_visit).organisation_id
        found = verification.verifications_for(db.session, org, today - timedelta(days=1), today)
        assert [(v.section_ref, v.verdict, v.visit_id) for v in found] == [("duq:1", "partly", signed_visit)]
        only = found[0]
        assert only.reasons == ("people_said", "we_saw") and only.statement_text == STATEMENT
        assert only.signed_by == ("Expert",) and only.service_name == "Oak House"
        assert [text for _when, text in only.notes] == ["Seen again later."]
        assert verification.verifications_for(db.session, org, today + timedelta(days=1),
                                              today + timedelta(days=30)) == []
        assert verification.verifications_for(db.session, org + 1, today, today) == []
