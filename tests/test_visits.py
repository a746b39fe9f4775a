"""Visits by Experts by Experience through the test client: planning, who sees what, opening and
closing, and bad input (CSRF-less posts, another organisation's visit). Helpers here are shared
by the other tests/test_visits_*.py files."""

from __future__ import annotations

from flask import Flask
from helpers.app import add_users
from helpers.visit_steps import (
    TODAY,
    actions,
    add_expert,
    assert_easy_read_error,
    count,
    finish_visit,
    open_visit,
    plan_visit,
    post,
    service_id,
    signed_in,
    token_in,
    visit_row,
)
from sqlalchemy import select

from app.db import db
from app.models import AuditEvent, Visit


# -- planning --------------------------------------------------------------------------------------
def test_expert_plans_a_visit_and_it_is_audited(app: Flask) -> None:
    add_users(app)
    client = signed_in(app)
    page = client.get("/visits/plan").get_data(as_text=True)
    assert "Where are you going?" in page and 'class="speak"' in page and "/symbols/svg/plan.svg" in page
    assert "What I saw on my visit" not in page  # the experts' own checklist is not asked of people
    visit_id = plan_visit(client, app, ("your-support", "family-support"))
    visit = visit_row(app, visit_id)
    assert (visit.status, visit.questionnaires, visit.supporter_name) == (
        "planned",
        ["your-support", "family-support"],
        "Sam",
    )
    assert visit.visit_date.isoformat() == TODAY
    assert actions(app, "visit.") == ["visit.create"]
    listing = client.get("/visits/").get_data(as_text=True)
    assert "Oak House" in listing and "Planned" in listing


def test_a_plan_naming_things_it_may_not_is_refused_and_nothing_is_stored(app: Flask) -> None:
    add_users(app)
    other_expert = add_expert(app, "elsewhere@other.example", org_slug="other")
    client = signed_in(app)
    demo, elsewhere = service_id(app), service_id(app, "Elm Court")
    cases = [
        ({"service": elsewhere, "questionnaires": ["your-support"]}, "Choose where you are going."),
        ({"service": demo, "questionnaires": ["observations"]}, "Choose the questions to ask."),
        ({"service": demo, "questionnaires": ["no-such-survey"]}, "Choose the questions to ask."),
        ({"service": demo, "questionnaires": []}, "Choose the questions to ask."),
        (
            {"service": demo, "questionnaires": ["your-support"], "co_checker": other_expert},
            "Choose who checks with you.",
        ),
        (
            {"service": demo, "questionnaires": ["your-support"], "visit_date": "31/02/2026"},
            "Choose the day of the visit.",
        ),
    ]
    for fields, message in cases:
        result = post(client, "/visits/plan", **{"visit_date": TODAY, **fields})
        html = result.get_data(as_text=True)
        assert result.status_code == 400 and message in html and 'role="alert"' in html, fields
    assert count(app, Visit) == 0 and actions(app, "visit.") == []


def test_a_planned_visit_can_be_changed_until_it_opens(app: Flask) -> None:
    add_users(app)
    co = add_expert(app, "co@demo.example")
    client = signed_in(app)
    visit_id = plan_visit(client, app)
    result = post(
        client,
        f"/visits/{visit_id}/change",
        service=service_id(app, "Riverside Day Service"),
        visit_date="2030-01-15",
        questionnaires=["working-here"],
        co_checker=co,
        supporter_name="",
    )
    assert result.status_code == 302
    visit = visit_row(app, visit_id)
    assert (
        visit.visit_date.isoformat(),
        visit.questionnaires,
        visit.co_checker_id,
        visit.supporter_name,
    ) == ("2030-01-15", ["working-here"], co, None)
    with app.app_context():
        change = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "visit.change")).one()
        assert change.detail["changes"]["questionnaires"] == [["your-support"], ["working-here"]]
    open_visit(client, visit_id)
    assert client.get(f"/visits/{visit_id}/change").status_code == 302  # back to the visit page
    assert visit_row(app, visit_id).status == "open"


def test_open_and_close_a_visit(app: Flask) -> None:
    add_users(app)
    client = signed_in(app)
    visit_id = plan_visit(client, app)
    assert "Open the visit" in client.get(f"/visits/{visit_id}").get_data(as_text=True)
    open_visit(client, visit_id)
    page = client.get(f"/visits/{visit_id}").get_data(as_text=True)
    assert "Start with a new person" in page and "Ask together" in page and "Finish the visit" in page
    assert finish_visit(client, visit_id).status_code == 302
    visit = visit_row(app, visit_id)
    assert visit.status == "closed" and visit.opened_at and visit.closed_at
    assert "Start with a new person" not in client.get(f"/visits/{visit_id}").get_data(as_text=True)
    assert actions(app, "visit.") == ["visit.create", "visit.open", "visit.close"]


def test_finishing_a_visit_asks_are_you_sure_first(app: Flask) -> None:
    add_users(app)
    client = signed_in(app)
    visit_id = plan_visit(client, app)
    open_visit(client, visit_id)
    page = client.get(f"/visits/{visit_id}").get_data(as_text=True)
    # "Finish the visit" on the visit page is a link to its own page, not a one-tap form.
    assert f'href="/visits/{visit_id}/finish"' in page
    assert f'action="/visits/{visit_id}/close"' not in page
    # The one-tap post (no "Yes") goes to the question and closes nothing.
    for data in ({}, {"confirm": "no"}):
        result = client.post(f"/visits/{visit_id}/close", data={"csrf_token": token_in(page), **data})
        assert result.status_code == 303 and result.headers["Location"] == f"/visits/{visit_id}/finish"
        assert visit_row(app, visit_id).status == "open"
    assert actions(app, "visit.") == ["visit.create", "visit.open"]
    ask = client.get(f"/visits/{visit_id}/finish").get_data(as_text=True)
    for words in (
        "Are you sure you want to finish the visit?",
        "What happened on this visit",
        "People who took part: 0.",
        "Questions you answered about what you saw: 0.",
        "Photos you took: 0.",
        "Your check is not signed yet.",
        "Yes, finish the visit",
        "No, go back",
        "Nobody can answer on this visit after you finish it.",
    ):
        assert words in ask, words
    assert "Safety worries still open" not in ask
    assert f'href="/visits/{visit_id}"' in ask  # "No, go back"
    assert finish_visit(client, visit_id).status_code == 302
    assert visit_row(app, visit_id).status == "closed"
    # A finished visit has nothing to finish: the page goes back to the visit.
    assert client.get(f"/visits/{visit_id}/finish").headers["Location"] == f"/visits/{visit_id}"


# -- who sees what -----------------------------------------------------------------------------------
def test_another_organisations_visit_is_not_found(app: Flask) -> None:
    add_users(app)
    add_expert(app, "elsewhere@other.example", org_slug="other")
    client = signed_in(app)
    visit_id = plan_visit(client, app)
    open_visit(client, visit_id)
    outsider = signed_in(app, "elsewhere@other.example")
    assert "Oak House" not in outsider.get("/visits/").get_data(as_text=True)
    for url in (
        f"/visits/{visit_id}",
        f"/visits/{visit_id}/change",
        f"/visits/{visit_id}/observations",
        f"/visits/{visit_id}/observations/1",
        f"/visits/{visit_id}/photos",
        f"/visits/{visit_id}/verify",
        f"/visits/{visit_id}/verify/1/verdict",
        f"/visits/{visit_id}/sign",
        f"/visits/{visit_id}/report",
        f"/visits/{visit_id}/report/print",
    ):
        assert_easy_read_error(outsider.get(url), 404)
    own_page = outsider.get("/visits/").get_data(as_text=True)
    for url, data in (
        (f"/visits/{visit_id}/hand-over", {"questionnaire": "your-support", "mode": "alone"}),
        (f"/visits/{visit_id}/open", {}),
        (f"/visits/{visit_id}/close", {}),
    ):
        assert_easy_read_error(outsider.post(url, data={"csrf_token": token_in(own_page), **data}), 404)
    assert_easy_read_error(outsider.get(f"/visits/{visit_id}/finish"), 404)
    assert_easy_read_error(
        outsider.post(f"/visits/{visit_id}/close", data={"csrf_token": token_in(own_page), "confirm": "yes"}),
        404,
    )
    other_lead = signed_in(app, "lead@other.example")
    assert_easy_read_error(other_lead.get(f"/visits/{visit_id}/report"), 404)
    assert visit_row(app, visit_id).status == "open"


def test_only_the_visits_own_experts_run_it(app: Flask) -> None:
    """A colleague at the same provider sees the visit, but cannot hand over or open it."""
    add_users(app)
    add_expert(app, "colleague@demo.example")
    client = signed_in(app)
    visit_id = plan_visit(client, app)
    colleague = signed_in(app, "colleague@demo.example")
    page = colleague.get(f"/visits/{visit_id}").get_data(as_text=True)
    assert "Oak House" in page and "Open the visit" not in page
    result = colleague.post(f"/visits/{visit_id}/open", data={"csrf_token": token_in(page)})
    assert_easy_read_error(result, 403)
    assert visit_row(app, visit_id).status == "planned"


def test_quality_leads_read_reports_but_do_not_run_visits(app: Flask) -> None:
    add_users(app)
    visit_id = plan_visit(signed_in(app), app)
    lead = signed_in(app, "quality_lead@demo.example")
    assert lead.get(f"/visits/{visit_id}/report").status_code == 200
    assert "Oak House" in lead.get("/visits/reports").get_data(as_text=True)
    assert_easy_read_error(lead.get(f"/visits/{visit_id}"), 403)
    assert_easy_read_error(lead.get("/visits/plan"), 403)


def test_posts_without_a_csrf_token_are_refused_and_change_nothing(app: Flask) -> None:
    add_users(app)
    client = signed_in(app)
    visit_id = plan_visit(client, app)
    for url, data in (
        (
            "/visits/plan",
            {"service": service_id(app), "visit_date": TODAY, "questionnaires": ["your-support"]},
        ),
        (f"/visits/{visit_id}/open", {}),
        (f"/visits/{visit_id}/hand-over", {"questionnaire": "your-support", "mode": "alone"}),
    ):
        result = client.post(url, data=data)
        assert_easy_read_error(result, 400)
        assert "This page was open too long" in result.get_data(as_text=True)
    assert count(app, Visit) == 1 and visit_row(app, visit_id).status == "planned"
    assert actions(app, "handover.") == [] and actions(app, "visit.") == ["visit.create"]
