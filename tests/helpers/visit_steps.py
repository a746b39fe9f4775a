"""An Expert by Experience's visit through the test client: plan, open, hand over, observe,
verify and sign, as the pages do it."""

from __future__ import annotations

import re
from datetime import date

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.db import db
from app.models import (
    AuditEvent,
    Handover,
    Organisation,
    Service,
    Visit,
)
from app.visits import verification
from helpers.app import PASSWORD, add_users, sign_in_as, submission_id
from helpers.journey import questions

TODAY = date.today().isoformat()


# -- helpers shared by the visits tests --------------------------------------------------------------
def token_in(html: str) -> str:
    """The CSRF token of the first form on a page (rendered by WTForms or by hand)."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert match, "no CSRF token on the page"
    return match.group(1)


def service_id(app: Flask, name: str = "Oak House") -> int:
    with app.app_context():
        return db.session.scalars(select(Service.id).where(Service.name == name)).one()


def add_expert(app: Flask, email: str, *, org_slug: str = "demo", pin: str | None = "4321") -> int:
    from app.auth.accounts import create_user

    with app.app_context():
        org = db.session.scalars(select(Organisation).where(Organisation.slug == org_slug)).one()
        user = create_user(
            db.session,
            organisation=org,
            email=email,
            name=email.split("@")[0].title(),
            role="expert",
            password=PASSWORD,
            pin=pin,
        )
        db.session.commit()
        return user.id


def signed_in(app: Flask, email: str = "expert@demo.example") -> FlaskClient:
    client = app.test_client()
    assert sign_in_as(client, email).status_code == 302
    return client


def post(client: FlaskClient, url: str, page_url: str | None = None, **data: object) -> object:
    """Post a form with the CSRF token from the page it is on (``page_url``, or ``url`` itself)."""
    page = client.get(page_url or url).get_data(as_text=True)
    return client.post(url, data={"csrf_token": token_in(page), **data})


def plan_visit(
    client: FlaskClient,
    app: Flask,
    slugs: tuple[str, ...] = ("your-support",),
    co_checker: int | None = None,
    supporter: str = "Sam",
) -> int:
    result = post(
        client,
        "/visits/plan",
        service=service_id(app),
        visit_date=TODAY,
        questionnaires=list(slugs),
        co_checker=co_checker or "",
        supporter_name=supporter,
    )
    assert result.status_code == 302, result.get_data(as_text=True)
    return int(result.headers["Location"].rsplit("/", 1)[1])


def open_visit(client: FlaskClient, visit_id: int) -> None:
    result = post(client, f"/visits/{visit_id}/open", f"/visits/{visit_id}")
    assert result.status_code == 302


def finish_visit(client: FlaskClient, visit_id: int) -> object:
    """Finish the visit as the expert does: "Finish the visit", then "Yes" on "Are you sure?"."""
    page = client.get(f"/visits/{visit_id}/finish").get_data(as_text=True)
    return client.post(f"/visits/{visit_id}/close", data={"csrf_token": token_in(page), "confirm": "yes"})


def visit_row(app: Flask, visit_id: int) -> Visit:
    with app.app_context():
        return db.session.get(Visit, visit_id)


def actions(app: Flask, prefix: str = "") -> list[str]:
    with app.app_context():
        rows = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.action.startswith(prefix)).order_by(AuditEvent.id)
        )
        return list(rows)


def count(app: Flask, model: type) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def assert_easy_read_error(result: object, status: int) -> None:
    html = result.get_data(as_text=True)
    assert result.status_code == status, (result.status_code, html[:400])
    assert "Something went wrong" in html and "Traceback" not in html


def open_visit_for(app: Flask, slugs: tuple[str, ...] = ("your-support",)) -> tuple[FlaskClient, int]:
    add_users(app)
    client = signed_in(app)
    visit_id = plan_visit(client, app, slugs)
    open_visit(client, visit_id)
    return client, visit_id


def hand_over(client: FlaskClient, visit_id: int, mode: str = "alone", slug: str = "your-support") -> None:
    result = post(
        client, f"/visits/{visit_id}/hand-over", f"/visits/{visit_id}", questionnaire=slug, mode=mode
    )
    assert result.status_code == 302 and result.headers["Location"] == f"/begin/{slug}"


def answer_all(client: FlaskClient, app: Flask, slug: str = "your-support", text: str = "I like it") -> str:
    """A respondent goes through the whole questionnaire; returns where the tablet goes after."""
    assert client.get(f"/begin/{slug}").status_code == 302
    page = client.get("/settings").get_data(as_text=True)
    settings = {
        "who": "self",
        "text": "normal",
        "pictures": "on",
        "contrast": "off",
        "read_aloud": "on",
        "autoplay": "off",
        "locale": "en_GB",
        "csrf_token": token_in(page),
    }
    assert client.post("/settings", data=settings).status_code == 302
    page = client.get("/consent").get_data(as_text=True)
    client.post(
        "/consent", data={"submission_id": submission_id(page), "action": "yes", "csrf_token": token_in(page)}
    )
    for number, question in enumerate(questions(app, slug), start=1):
        page = client.get(f"/q/{number}").get_data(as_text=True)
        fields = (
            {"text": text, "action": "answer"}
            if question.type == "free_text"
            else {"answer": question.choices[0].value}
        )
        result = client.post(
            f"/q/{number}",
            data={
                "submission_id": submission_id(page),
                "question": question.id,
                "csrf_token": token_in(page),
                **fields,
            },
        )
        assert result.status_code == 302
    for step, fields in (
        ("helped", {"action": "nobody"}),
        ("room", {"people": ["staff"], "action": "answer"}),
        ("anything_else", {"text": "", "action": "answer"}),
    ):
        page = client.get(f"/end/{step}").get_data(as_text=True)
        result = client.post(
            f"/end/{step}",
            data={"submission_id": submission_id(page), "csrf_token": token_in(page), **fields},
        )
    assert result.headers["Location"] == "/thank-you"
    return client.get("/thank-you").headers["Location"]


def give_back(client: FlaskClient, pin: str) -> object:
    return post(client, "/visits/give-back", pin=pin)


def handovers(app: Flask) -> list[Handover]:
    with app.app_context():
        return list(db.session.scalars(select(Handover).order_by(Handover.id)))


def observe(client: FlaskClient, visit_id: int, number: int, question: str, **fields: object) -> object:
    url = f"/visits/{visit_id}/observations/{number}"
    page = client.get(url).get_data(as_text=True)
    return client.post(
        url,
        data={
            "csrf_token": token_in(page),
            "submission_id": submission_id(page),
            "question": question,
            **fields,
        },
    )


STATEMENT = "We ask each person what they want. Their plan says it in their own words."


def assessment_id(app: Flask, year: int | None = None) -> int | None:
    """The demo organisation's newest self-assessment for the year, if there is one."""
    with app.app_context():
        org = db.session.scalars(select(Organisation.id).where(Organisation.slug == "demo")).one()
        found = verification.newest_assessment(db.session, org, year or date.today().year)
        return found.id if found else None


def statement_for(
    app: Flask, section: str = "1", text: str = STATEMENT, year: int | None = None
) -> FlaskClient:
    """The quality lead writes the section's statement in the self-assessment composer (starting
    the year's self-assessment first if there is none)."""
    lead = signed_in(app, "quality_lead@demo.example")
    year = year or date.today().year
    aid = assessment_id(app, year)
    if aid is None:
        started = post(lead, "/provider/assessments", period=year)
        assert started.status_code == 302, started.get_data(as_text=True)[:300]
        aid = int(started.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    page = f"/provider/assessments/{aid}/section/duq:{section}"
    assert post(lead, page, statement=text).status_code == 302
    return lead


def seen_on(html: str) -> str:
    """The fingerprint of the statement the verdict page showed."""
    match = re.search(r'name="seen" value="([0-9a-f]+)"', html)
    assert match, "no statement fingerprint on the verdict page"
    return match.group(1)


def check_section(
    client: FlaskClient,
    visit_id: int,
    section: str = "1",
    verdict: str = "partly",
    reasons: tuple[str, ...] = ("people_said", "we_saw"),
    why: str = "Most people said so.",
    todo: str = "Ask everyone, not only some.",
) -> None:
    base = f"/visits/{visit_id}/verify/{section}"
    page = client.get(f"{base}/verdict").get_data(as_text=True)
    result = client.post(
        f"{base}/verdict", data={"csrf_token": token_in(page), "verdict": verdict, "seen": seen_on(page)}
    )
    assert result.headers["Location"] == f"{base}/why"
    assert post(client, f"{base}/why", reasons=list(reasons), why=why).headers["Location"] == f"{base}/todo"
    assert post(client, f"{base}/todo", text=todo).status_code == 302


def sign(client: FlaskClient, visit_id: int, co_pin: str = "", agent: str = "TestTablet/1.0") -> object:
    """Sign as the expert would: from the sign page, through "Sign anyway" when parts are not
    checked."""
    page = client.get(f"/visits/{visit_id}/sign").get_data(as_text=True)
    data = {"csrf_token": token_in(page), "co_pin": co_pin}
    if f"/visits/{visit_id}/sign/unchecked" in page:
        page = client.get(f"/visits/{visit_id}/sign/unchecked").get_data(as_text=True)
        match = re.search(r'name="unchecked_ok" value="([^"]*)"', page)
        assert match, "no list of the parts not checked on the second step"
        data["unchecked_ok"] = match.group(1)
    return client.post(f"/visits/{visit_id}/sign", data=data, headers={"User-Agent": agent})
