"""Handing the tablet over: the respondent answers inside the journey, cannot reach the expert's
screens, and the tablet comes back with the expert's pin number or a full sign-in."""

from __future__ import annotations

from flask import Flask
from helpers.app import PASSWORD, add_users, service_code, sign_in_as
from helpers.visit_steps import (
    add_expert,
    answer_all,
    assert_easy_read_error,
    give_back,
    hand_over,
    handovers,
    open_visit,
    open_visit_for,
    plan_visit,
    post,
    signed_in,
    token_in,
)
from sqlalchemy import select

from app.db import db
from app.models import AuditEvent, Response, Visit

STAFF_PAGES = (
    "/visits/",
    "/visits/plan",
    "/admin/",
    "/admin/users",
    "/auth/home",
    "/visits/reports",
    "/visits/statements",
    "/provider/",
)


def responses(app: Flask) -> list[Response]:
    with app.app_context():
        rows = db.session.scalars(select(Response).order_by(Response.id)).all()
        for row in rows:
            row.answers  # noqa: B018  (load them before the session closes)
        return list(rows)


def test_two_people_answer_one_alone_one_together_and_the_visit_counts_them(app: Flask) -> None:
    client, visit_id = open_visit_for(app)
    hand_over(client, visit_id, "alone")
    assert answer_all(client, app, text="More trips out please") == "/visits/give-back?thanks=1"
    page = client.get("/visits/give-back?thanks=1").get_data(as_text=True)
    assert "Thank you" in page and "Give the tablet back" in page and 'name="pin"' in page
    assert give_back(client, "1234").headers["Location"] == f"/visits/{visit_id}"

    hand_over(client, visit_id, "together")
    answer_all(client, app, text="Cake on Fridays")
    assert give_back(client, "1234").status_code == 302

    alone, together = responses(app)
    assert (alone.visit_id, alone.asked_by_expert, alone.status) == (visit_id, True, "finished")
    assert (together.visit_id, together.asked_by_expert) == (visit_id, True)
    assert alone.answers and not any(a.supported for a in alone.answers)
    assert together.answers and all(a.supported for a in together.answers)
    assert [h.end_reason for h in handovers(app)] == ["pin", "pin"]
    assert [h.together for h in handovers(app)] == [False, True]

    page = client.get(f"/visits/{visit_id}").get_data(as_text=True)
    assert "Your support: 2" in page
    assert "More trips out please" not in page and "Cake on Fridays" not in page  # never what they said
    report = client.get(f"/visits/{visit_id}/report").get_data(as_text=True)
    assert "More trips out please" not in report and "Cake on Fridays" not in report


def test_a_respondent_cannot_reach_the_experts_screens(app: Flask) -> None:
    client, visit_id = open_visit_for(app)
    hand_over(client, visit_id)
    for url in (
        *STAFF_PAGES,
        f"/visits/{visit_id}",
        f"/visits/{visit_id}/report",
        "/",
        f"/at/{service_code(app)}",
        "/begin/family-support",
        "/begin/observations",
        "/thank-you",
        "/no-such-page",
    ):
        result = client.get(url)
        assert result.status_code == 302, url
        assert result.headers["Location"].startswith("/visits/give-back"), url
    # Posting to the expert's pages does nothing either.
    page = client.get("/visits/give-back").get_data(as_text=True)
    result = client.post(f"/visits/{visit_id}/close", data={"csrf_token": token_in(page)})
    assert result.headers["Location"] == "/visits/give-back"
    with app.app_context():
        assert db.session.get(Visit, visit_id).status == "open"
    # The journey itself works, for the visit's questionnaire.
    assert client.get("/begin/your-support").headers["Location"] == "/settings"
    assert client.get("/settings").status_code == 200


def test_five_wrong_pin_numbers_lock_the_handover_and_alert_the_visit_page(app: Flask) -> None:
    client, visit_id = open_visit_for(app)
    hand_over(client, visit_id)
    for tries_left in (4, 3, 2, 1):
        result = give_back(client, "0000")
        html = result.get_data(as_text=True)
        assert result.status_code == 401 and "That pin number is not right." in html
        assert f"You can try {tries_left} more time" in html
    locked = give_back(client, "0000")
    assert locked.status_code == 429 and "The tablet is locked" in locked.get_data(as_text=True)
    # Now even the right pin number does not give the tablet back (the form is gone; post anyway).
    token = token_in(client.get("/settings").get_data(as_text=True))
    assert client.post("/visits/give-back", data={"csrf_token": token, "pin": "1234"}).status_code == 429
    assert client.get("/visits/").headers["Location"] == "/visits/give-back"
    handover = handovers(app)[0]
    assert handover.failed_pins == 5 and handover.locked_at is not None and handover.ended_at is None
    page = client.get("/visits/give-back").get_data(as_text=True)
    assert 'name="pin"' not in page and "Sign in" in page

    # Only a full sign-in unlocks; it ends the handover, and the visit page shows the alert.
    assert sign_in_as(client, "expert@demo.example").headers["Location"] == "/visits/"
    handover = handovers(app)[0]
    assert (handover.end_reason, handover.ended_at is not None) == ("sign_in", True)
    page = client.get(f"/visits/{visit_id}").get_data(as_text=True)
    assert "Someone typed a wrong pin number 5 times." in page and 'role="alert"' in page
    assert post(client, f"/visits/{visit_id}/alerts-seen", f"/visits/{visit_id}").status_code == 302
    assert "wrong pin number" not in client.get(f"/visits/{visit_id}").get_data(as_text=True)
    with app.app_context():
        wrong = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "handover.pin_wrong")).all()
        assert len(wrong) == 6 and wrong[4].detail["locked"] and wrong[0].user_id is None
        ended = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "handover.end")).one()
        assert ended.detail["how"] == "sign_in" and ended.user_id is not None


def test_an_old_cookie_from_before_the_handover_does_not_sign_the_expert_back_in(app: Flask) -> None:
    client, visit_id = open_visit_for(app)
    before = client.get_cookie("session").value
    hand_over(client, visit_id)
    client.set_cookie("session", before)  # what a respondent would need to sneak back in
    result = client.get("/visits/")
    assert result.status_code == 302 and result.headers["Location"] == "/auth/sign-in"
    assert client.get("/visits/").headers["Location"].startswith("/auth/sign-in")


def test_the_pin_number_must_be_the_handing_over_experts(app: Flask) -> None:
    client, visit_id = open_visit_for(app)
    add_expert(app, "colleague@demo.example", pin="4321")
    hand_over(client, visit_id)
    assert give_back(client, "4321").status_code == 401  # a colleague's pin number is not enough
    assert give_back(client, "").status_code == 400  # an empty try is not counted
    assert handovers(app)[0].failed_pins == 1
    assert give_back(client, "1234").status_code == 302


def test_a_handover_needs_an_open_visit_and_one_of_its_questionnaires(app: Flask) -> None:
    add_users(app)
    client = signed_in(app)
    visit_id = plan_visit(client, app)
    page = client.get(f"/visits/{visit_id}").get_data(as_text=True)
    planned = client.post(
        f"/visits/{visit_id}/hand-over",
        data={"csrf_token": token_in(page), "questionnaire": "your-support", "mode": "alone"},
    )
    assert_easy_read_error(planned, 400)
    open_visit(client, visit_id)
    for fields in (
        {"questionnaire": "working-here", "mode": "alone"},
        {"questionnaire": "your-support", "mode": "sideways"},
    ):
        result = client.post(f"/visits/{visit_id}/hand-over", data={"csrf_token": token_in(page), **fields})
        assert_easy_read_error(result, 400)
    assert handovers(app) == [] and client.get("/visits/").status_code == 200


def test_the_give_back_page_without_a_handover(app: Flask) -> None:
    add_users(app)
    anonymous = app.test_client()
    assert anonymous.get("/visits/give-back").headers["Location"] == "/auth/sign-in"
    expert = signed_in(app)
    assert expert.get("/visits/give-back").headers["Location"] == "/visits/"
    assert sign_in_as(app.test_client(), "expert@demo.example", PASSWORD).status_code == 302
