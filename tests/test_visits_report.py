"""The visit report: counts per questionnaire with small groups hidden (engineer B's suppression),
what the experts saw, their signed check; an easy-read page and a printable page (audited)."""

from __future__ import annotations

from flask import Flask
from helpers.app import add_users
from helpers.visit_steps import (
    answer_all,
    assert_easy_read_error,
    check_section,
    give_back,
    hand_over,
    observe,
    open_visit,
    plan_visit,
    post,
    sign,
    signed_in,
    statement_for,
)
from sqlalchemy import select

from app.db import db
from app.models import AuditEvent, Organisation


def set_threshold(app: Flask, threshold: int) -> None:
    with app.app_context():
        db.session.scalars(
            select(Organisation).where(Organisation.slug == "demo")
        ).one().suppression_threshold = threshold
        db.session.commit()


def visit_with_people(app: Flask, people: int) -> tuple[object, int]:
    add_users(app)
    client = signed_in(app)
    visit_id = plan_visit(client, app, ("your-support", "family-support"))
    open_visit(client, visit_id)
    for _ in range(people):
        hand_over(client, visit_id)
        answer_all(client, app, text="Please keep this private")
        give_back(client, "1234")
    return client, visit_id


def test_small_groups_are_hidden_in_the_report(app: Flask) -> None:
    client, visit_id = visit_with_people(app, 2)
    page = client.get(f"/visits/{visit_id}/report").get_data(as_text=True)
    assert "Your support: fewer than 5" in page and "Everyone: fewer than 5" in page
    assert "member&#39;s support: 0" in page  # a zero is nobody's answer: shown (the title escaped once)
    assert "Some numbers are hidden." in page
    assert "Your support: 2" not in page and "Please keep this private" not in page
    printed = client.get(f"/visits/{visit_id}/report/print").get_data(as_text=True)
    assert "Your support: fewer than 5" in printed and "Your support: 2" not in printed


def test_with_a_threshold_of_1_the_counts_are_shown(app: Flask) -> None:
    client, visit_id = visit_with_people(app, 2)
    set_threshold(app, 1)
    page = client.get(f"/visits/{visit_id}/report").get_data(as_text=True)
    assert "Your support: 2" in page and "Everyone: 2" in page and "Some numbers are hidden." not in page


def test_the_report_shows_observations_and_only_a_signed_check(app: Flask) -> None:
    add_users(app)
    statement_for(app)
    client = signed_in(app)
    visit_id = plan_visit(client, app)
    open_visit(client, visit_id)
    observe(client, visit_id, 1, "friendly", answer="happy", note="Everyone said hello.")
    check_section(client, visit_id, todo="Write plans with people.")
    page = client.get(f"/visits/{visit_id}/report").get_data(as_text=True)
    assert "Did the home feel friendly?" in page and "Note: Everyone said hello." in page
    assert "The experts have not signed their check yet." in page and "Write plans with people." not in page
    sign(client, visit_id)
    page = client.get(f"/visits/{visit_id}/report").get_data(as_text=True)
    assert "We partly agree" in page and "Write plans with people." in page and "Signed by Expert" in page
    assert "We ask each person what they want." in page  # the statement as the experts saw it


def test_printing_is_an_audited_export(app: Flask) -> None:
    add_users(app)
    client = signed_in(app)
    visit_id = plan_visit(client, app)
    page = client.get(f"/visits/{visit_id}/report/print").get_data(as_text=True)
    assert "data-print" in page and "Your areas" not in page  # no staff menu on paper
    assert client.get(f"/visits/{visit_id}/report").status_code == 200
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "visit_report.print")).all()
        assert [(e.object_id, e.user.email) for e in events] == [(str(visit_id), "expert@demo.example")]
    assert_easy_read_error(signed_in(app, "lead@other.example").get(f"/visits/{visit_id}/report/print"), 404)
    with app.app_context():
        assert (
            len(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "visit_report.print")).all())
            == 1
        )
    assert post(client, f"/visits/{visit_id}/open", f"/visits/{visit_id}").status_code == 302
