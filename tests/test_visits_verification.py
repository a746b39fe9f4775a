"""Verification: the experts check the self-assessment's statement for the visit's year (one
store: SectionEntry.statement), step by step; signing (stamped with time and device, with a second
step when parts are not checked), no change after signing (only dated notes), and
verifications_for() / verdicts_by_section() with the exact text each verdict judged."""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers.app import add_users
from helpers.visit_steps import (
    STATEMENT,
    add_expert,
    assert_easy_read_error,
    assessment_id,
    check_section,
    open_visit,
    plan_visit,
    post,
    seen_on,
    sign,
    signed_in,
    statement_for,
    token_in,
)
from sqlalchemy import select

from app.db import db
from app.models import (
    AuditEvent,
    SectionEntry,
    SelfAssessment,
    Verification,
    VerificationNote,
    VerificationSignature,
    VerificationVerdict,
    Visit,
)
from app.models.verification import SignedVerificationChanged
from app.reports.exports import verdicts_by_section
from app.visits import verification


def open_visit_for(app: Flask, co_checker: int | None = None) -> tuple[FlaskClient, int]:
    client = signed_in(app)
    visit_id = plan_visit(client, app, co_checker=co_checker)
    open_visit(client, visit_id)
    return client, visit_id


def verdict_rows(app: Flask) -> list[tuple]:
    with app.app_context():
        rows = db.session.scalars(select(VerificationVerdict).order_by(VerificationVerdict.section_ref))
        return [
            (r.section_ref, r.verdict, r.reasons, r.why, r.provider_should, r.statement_text) for r in rows
        ]


def entry_id(app: Flask, section: str = "1") -> int:
    with app.app_context():
        aid = assessment_id(app)
        return db.session.scalars(
            select(SectionEntry.id).where(
                SectionEntry.self_assessment_id == aid, SectionEntry.section_ref == f"duq:{section}"
            )
        ).one()


def test_experts_check_the_self_assessments_statement(app: Flask) -> None:
    """One store: what the quality lead writes in the self-assessment is what the experts read."""
    add_users(app)
    lead = statement_for(app)
    # The old statements page now leads to the composer.
    assert lead.get("/visits/statements").headers["Location"] == "/provider/assessments"
    assert lead.post("/visits/statements/1", data={"text": "x"}).status_code in (404, 405)
    client, visit_id = open_visit_for(app)
    page = client.get(f"/visits/{visit_id}/verify/1/verdict").get_data(as_text=True)
    assert STATEMENT in page and f'data-say="{STATEMENT}"' in page
    check_section(client, visit_id)
    with app.app_context():
        row = db.session.scalars(select(VerificationVerdict)).one()
        assert row.statement_text == STATEMENT
        assert row.section_entry_id == row.section_entry.id and row.section_entry.statement == STATEMENT
    assert row.section_entry_id == entry_id(app)


def test_without_a_self_assessment_the_experts_are_told_in_easy_read(app: Flask) -> None:
    add_users(app)
    client, visit_id = open_visit_for(app)
    page = client.get(f"/visits/{visit_id}/verify/2/verdict").get_data(as_text=True)
    assert "The provider has not written about this yet." in page
    check_section(client, visit_id, "2", "disagree", ("not_seen",), "", "")
    with app.app_context():
        row = db.session.scalars(select(VerificationVerdict)).one()
        assert (row.statement_text, row.section_entry_id) == ("", None)


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
        (
            "duq:1",
            "partly",
            ["people_said", "we_saw"],
            "Most people said so.",
            "Ask everyone, not only some.",
            STATEMENT,
        ),
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
    for step, fields in (
        ("verdict", {"verdict": "agree"}),
        ("why", {"reasons": ["we_read"], "why": "x"}),
        ("todo", {"text": "Nothing"}),
    ):
        result = post(client, f"/visits/{visit_id}/verify/1/{step}", f"/visits/{visit_id}/verify", **fields)
        html = result.get_data(as_text=True)
        assert result.status_code == 409 and "You cannot change a signed check." in html, step
    result = post(
        client, f"/visits/{visit_id}/verify/2/verdict", f"/visits/{visit_id}/verify", verdict="agree"
    )
    assert result.status_code == 409
    assert sign(client, visit_id).status_code == 409  # signing again changes nothing either
    assert verdict_rows(app) == before
    with app.app_context():
        assert len(db.session.scalars(select(VerificationSignature)).all()) == 1

    # The one change allowed: a dated note.
    result = post(
        client,
        f"/visits/{visit_id}/notes",
        f"/visits/{visit_id}/verify",
        text="The manager sent us the new plan after the visit.",
    )
    assert result.status_code == 302
    assert_easy_read_error(
        post(client, f"/visits/{visit_id}/notes", f"/visits/{visit_id}/verify", text="   "), 400
    )
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
            verification.record_verdict(
                db.session, visit, expert, "duq:1", "agree", refs, seen=verification.digest("")
            )
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
    page = client.get(f"{base}/1/verdict").get_data(as_text=True)
    seen = seen_on(page)
    assert_easy_read_error(post(client, f"{base}/1/verdict", verdict="maybe", seen=seen), 400)
    assert_easy_read_error(post(client, f"{base}/1/verdict", verdict="agree"), 400)  # no fingerprint
    assert_easy_read_error(client.get(f"{base}/9/verdict"), 404)
    # "why" before a verdict goes back to the verdict.
    assert client.get(f"{base}/1/why").headers["Location"] == f"{base}/1/verdict"
    post(client, f"{base}/1/verdict", verdict="agree", seen=seen)
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
    page = client.get(f"/visits/{visit_id}/sign/unchecked").get_data(as_text=True)  # 4 parts not checked
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
    judged = entry_id(app)
    with app.app_context():
        org = db.session.get(Visit, signed_visit).organisation_id
        found = verification.verifications_for(db.session, org, today - timedelta(days=1), today)
        assert [(v.section_ref, v.verdict, v.visit_id) for v in found] == [("duq:1", "partly", signed_visit)]
        only = found[0]
        assert only.reasons == ("people_said", "we_saw") and only.statement_text == STATEMENT
        assert only.section_entry_id == judged
        assert only.signed_by == ("Expert",) and only.service_name == "Oak House"
        assert [text for _when, text in only.notes] == ["Seen again later."]
        assert (
            verification.verifications_for(
                db.session, org, today + timedelta(days=1), today + timedelta(days=30)
            )
            == []
        )
        assert verification.verifications_for(db.session, org + 1, today, today) == []


# -- signing with parts not checked needs a second step ---------------------------------------------
def signed_state(app: Flask) -> tuple[object, int, list[str]]:
    with app.app_context():
        checked = db.session.scalars(select(Verification)).one()
        signatures = len(db.session.scalars(select(VerificationSignature)).all())
        signs = list(
            db.session.scalars(select(AuditEvent.action).where(AuditEvent.action == "verification.sign"))
        )
        return checked.signed_at, signatures, signs


def test_signing_with_parts_not_checked_needs_a_second_step(app: Flask) -> None:
    add_users(app)
    statement_for(app)
    client, visit_id = open_visit_for(app)
    check_section(client, visit_id)
    page = client.get(f"/visits/{visit_id}/sign").get_data(as_text=True)
    assert "You checked 1 of 5 parts." in page and "These parts are not checked yet:" in page
    for section in ("2", "3", "4", "5"):  # each part not checked, with a way back to it
        assert f'href="/visits/{visit_id}/verify/{section}/verdict"' in page
    assert f'href="/visits/{visit_id}/verify/1/verdict"' not in page
    assert 'name="co_pin"' not in page and f'href="/visits/{visit_id}/sign/unchecked"' in page

    # The one-tap post, and a post that confirms only some of the parts, are refused: nothing signed.
    token = token_in(page)
    for confirmed in ("", "duq:2 duq:3"):
        refused = client.post(
            f"/visits/{visit_id}/sign", data={"csrf_token": token, "unchecked_ok": confirmed}
        )
        html = refused.get_data(as_text=True)
        assert refused.status_code == 409, confirmed
        assert "Do you want to sign anyway?" in html and "Tap Sign anyway if you want to sign." in html
        assert signed_state(app) == (None, 0, [])

    second = client.get(f"/visits/{visit_id}/sign/unchecked").get_data(as_text=True)
    for words in (
        "Do you want to sign anyway?",
        "Some parts are not checked.",
        "Go back and check",
        "Sign anyway",
        "You checked 1 of 5 parts.",
    ):
        assert words in second
    assert f'href="/visits/{visit_id}/verify"' in second  # "Go back and check"
    assert 'value="duq:2 duq:3 duq:4 duq:5"' in second
    assert sign(client, visit_id).status_code == 302
    signed_at, signatures, signs = signed_state(app)
    assert signed_at is not None and signatures == 1 and signs == ["verification.sign"]
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "verification.sign")).one()
        assert event.detail["checked"] == ["duq:1"]
        assert event.detail["signed_unchecked"] == ["duq:2", "duq:3", "duq:4", "duq:5"]


def test_the_service_refuses_to_sign_parts_not_confirmed(app: Flask) -> None:
    add_users(app)
    client, visit_id = open_visit_for(app)
    check_section(client, visit_id)
    refs = [f"duq:{n}" for n in range(1, 6)]
    with app.app_context():
        visit = db.session.get(Visit, visit_id)
        with pytest.raises(verification.UncheckedParts) as refused:
            verification.sign(
                db.session,
                visit,
                [visit.expert],
                device=None,
                session_ref=None,
                known_refs=refs,
                unchecked_ok=["duq:2"],
            )
        assert refused.value.missing == ("duq:3", "duq:4", "duq:5")
        db.session.rollback()
    assert signed_state(app) == (None, 0, [])


def test_with_every_part_checked_signing_is_one_step(app: Flask) -> None:
    add_users(app)
    client, visit_id = open_visit_for(app)
    for section in ("1", "2", "3", "4", "5"):
        check_section(client, visit_id, section)
    page = client.get(f"/visits/{visit_id}/sign").get_data(as_text=True)
    assert "You checked 5 of 5 parts." in page and "You checked every part." in page
    assert "These parts are not checked yet:" not in page
    assert client.get(f"/visits/{visit_id}/sign/unchecked").headers["Location"] == f"/visits/{visit_id}/sign"
    result = client.post(f"/visits/{visit_id}/sign", data={"csrf_token": token_in(page)})
    assert result.status_code == 302 and signed_state(app)[1] == 1


# -- the verdict keeps the text it judged -------------------------------------------------------------
def test_a_verdict_keeps_the_text_it_judged_after_the_statement_changes(app: Flask) -> None:
    add_users(app)
    statement_for(app)
    client, visit_id = open_visit_for(app)
    check_section(client, visit_id)
    judged = entry_id(app)
    changed = "We ask people every month. Their plans are checked with them."
    statement_for(app, text=changed)
    overview = client.get(f"/visits/{visit_id}/verify").get_data(as_text=True)
    assert "The provider changed this text after you checked it." in overview
    sign(client, visit_id)
    with app.app_context():
        row = db.session.scalars(select(VerificationVerdict)).one()
        assert (row.statement_text, row.section_entry_id) == (STATEMENT, judged)
        assert row.section_entry.statement == changed
        org = db.session.get(Visit, visit_id).organisation_id
        [verdict] = verdicts_by_section(db.session, org, date.today().year)["duq:1"]
        assert verdict["statement_text"] == STATEMENT and verdict["section_entry_id"] == judged
        assert verdict["same_statement"] is False
    # The report shows the text as the experts saw it.
    assert STATEMENT in client.get(f"/visits/{visit_id}/report").get_data(as_text=True)


def test_a_verdict_on_a_text_that_changed_meanwhile_is_not_stored(app: Flask) -> None:
    add_users(app)
    statement_for(app)
    client, visit_id = open_visit_for(app)
    base = f"/visits/{visit_id}/verify/1/verdict"
    page = client.get(base).get_data(as_text=True)
    changed = "We changed this while the experts were reading."
    statement_for(app, text=changed)
    result = client.post(base, data={"csrf_token": token_in(page), "verdict": "agree", "seen": seen_on(page)})
    html = result.get_data(as_text=True)
    assert result.status_code == 409
    assert "The provider changed this text. Please read it again." in html and changed in html
    assert verdict_rows(app) == []
    # Read again, it is stored with the new text.
    result = client.post(base, data={"csrf_token": token_in(html), "verdict": "agree", "seen": seen_on(html)})
    assert result.status_code == 302 and verdict_rows(app)[0][5] == changed


def test_the_published_page_shows_each_verdict_beside_the_text_it_judged(app: Flask) -> None:
    add_users(app)
    for section in ("2", "3", "4", "5"):
        statement_for(app, section, f"What we do for part {section}. We ask people.")
    statement_for(app)
    client, visit_id = open_visit_for(app)
    check_section(client, visit_id, "1", "agree", ("people_said",), "People said so.", "")
    check_section(client, visit_id, "2", "partly", ("we_saw",), "", "")
    statement_for(app, "2", "What we do for part 2. We changed it.")
    sign(client, visit_id)
    lead = signed_in(app, "quality_lead@demo.example")
    aid = assessment_id(app)
    page = f"/provider/assessments/{aid}"
    assert post(lead, f"{page}/review", page).status_code == 302
    result = post(lead, f"{page}/publish", f"{page}/publish", confirm="yes")
    assert result.status_code == 302, result.get_data(as_text=True)[:500]
    with app.app_context():
        item = db.session.get(SelfAssessment, aid)
        assert item.status == "published"
        snap = item.snapshot["sections"]
        assert snap["duq:1"]["verdicts"][0]["statement_text"] == STATEMENT
        assert snap["duq:2"]["verdicts"][0]["same_statement"] is False
        slug = item.organisation.slug
    public = app.test_client().get(f"/published/{slug}/{aid}").get_data(as_text=True)
    first = public[public.index(STATEMENT) :]
    assert "The Experts by Experience checked this text:" in public
    assert "It is the text we published above." in first and "They said: We agree." in first
    second = public[public.index("What we do for part 2. We ask people.") :]
    assert "We changed our text after they checked it." in second
    assert "They said: We partly agree." in second
    # The evidence pack (from the published snapshot) holds the judged text too.
    packed = lead.get(f"/provider/assessments/{aid}/pack/duq:2.zip")
    with zipfile.ZipFile(io.BytesIO(packed.data)) as pack:
        assert "What we do for part 2. We ask people." in pack.read("index.html").decode()
