"""Choosing a language (issue 13, item 2): the organisation picks which its tablets offer; when
more than 1, a tablet asks first (each name in its own words, no flags); ``?lang=`` on any
respondent page switches; every answer records the language it was given in."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask
from helpers.app import PASSWORD, add_users, csrf_token, make_app, service_code, sign_in_as, submission_id
from helpers.i18n import add_catalog, offer_languages
from helpers.journey import answer
from sqlalchemy import select

from app.db import db
from app.models import Answer, AuditEvent, Organisation

WELSH = {
    "Before we start": "Cyn i ni ddechrau",
    "Do staff listen to you?": "Ydy staff yn gwrando arnoch chi?",
}


def _app(tmp_path: Path, **config: object) -> Flask:
    translations = tmp_path / "translations"
    add_catalog(translations, "cy", WELSH)
    add_catalog(translations, "ur", {"Before we start": "شروع کرنے سے پہلے"})
    return make_app(tmp_path, BABEL_TRANSLATION_DIRECTORIES=str(translations), **config)


def test_one_language_asks_nothing(tmp_path: Path) -> None:
    app = _app(tmp_path)  # catalogs here, but the organisation offers none of them
    client = app.test_client()
    client.get(f"/at/{service_code(app)}")
    start = client.get("/")
    assert start.status_code == 200 and "/begin/your-support" in start.get_data(as_text=True)


def test_the_language_comes_first_and_stays(tmp_path: Path) -> None:
    app = _app(tmp_path)
    offer_languages(app, "cy ur")
    client = app.test_client()
    client.get(f"/at/{service_code(app)}")
    first = client.get("/")
    assert first.status_code == 302 and first.headers["Location"].endswith("/language")
    page = client.get("/language").get_data(as_text=True)
    cards = re.findall(
        r'<div class="option" lang="([^"]+)">.*?<span class="card-text">([^<]+)</span>', page, re.S
    )
    assert cards == [("en-GB", "English (United Kingdom)"), ("cy", "Cymraeg"), ("ur", "اردو")]
    assert "flag" not in page.lower()
    chosen = client.post("/language", data={"csrf_token": csrf_token(page), "locale": "cy"})
    assert chosen.status_code == 303 and chosen.headers["Location"].endswith("/")
    start = client.get("/")
    assert start.status_code == 200 and '<html lang="cy"' in start.get_data(as_text=True)
    # a language not offered is refused
    page = client.get("/language").get_data(as_text=True)
    assert client.post("/language", data={"csrf_token": csrf_token(page), "locale": "pl"}).status_code == 400


def test_lang_in_the_address_switches_and_answers_keep_their_language(tmp_path: Path) -> None:
    app = _app(tmp_path, WTF_CSRF_ENABLED=False)
    offer_languages(app, "cy ur")
    client = app.test_client()
    client.get(f"/at/{service_code(app)}?lang=ur")
    assert '<html lang="ur" dir="rtl">' in client.get("/").get_data(as_text=True)
    client.get("/begin/your-support")
    client.post("/settings", data={"action": "no"})
    consent = client.get("/consent?lang=cy").get_data(as_text=True)
    assert '<html lang="cy" dir="ltr">' in consent and "Cyn i ni ddechrau" in consent
    client.post("/consent", data={"action": "yes", "submission_id": submission_id(consent)})
    page = client.get("/q/1").get_data(as_text=True)
    assert "Ydy staff yn gwrando arnoch chi?" in page
    answer(client, 1, "listened", answer="happy")
    client.get("/q/2?lang=en-GB")
    answer(client, 2, "choose_food", answer="me")
    client.get("/q/3?lang=xx")  # not offered: nothing changes
    answer(client, 3, "choose_day", answer="staff")
    with app.app_context():
        given = {a.question_key: a.language for a in db.session.scalars(select(Answer))}
    assert given == {"listened": "cy", "choose_food": "en_GB", "choose_day": "en_GB"}


def test_an_admin_chooses_the_languages(tmp_path: Path) -> None:
    app = _app(tmp_path)
    emails = add_users(app)
    client = app.test_client()
    sign_in_as(client, emails["admin"])
    page = client.get("/admin/organisations").get_data(as_text=True)
    assert 'name="languages" value="cy"' in page and 'name="languages" value="ur"' in page
    assert 'value="en_GB"' not in page  # the default is always offered
    with app.app_context():
        demo = db.session.scalars(select(Organisation).where(Organisation.slug == "demo")).one().id
    form = {"csrf_token": _token(page), "name": "Demo Care", "suppression_threshold": "5"}
    refused = client.post(f"/admin/organisations/{demo}", data={**form, "languages": ["cy", "klingon"]})
    assert refused.status_code == 400
    saved = client.post(f"/admin/organisations/{demo}", data={**form, "languages": ["ur", "cy"]})
    assert saved.status_code == 302
    with app.app_context():
        assert db.session.get(Organisation, demo).languages == "cy ur"
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "organisation.change")
        ).all()[-1]
        assert "cy ur" in str(event.detail)
    # another organisation's admin cannot change it
    other = make_other_admin(app)
    outsider = app.test_client()
    sign_in_as(outsider, other)
    page = outsider.get("/admin/organisations").get_data(as_text=True)
    sent = outsider.post(
        f"/admin/organisations/{demo}", data={**form, "csrf_token": _token(page), "languages": []}
    )
    assert sent.status_code == 404


def make_other_admin(app: Flask) -> str:
    from app.auth.accounts import create_user

    with app.app_context():
        other = db.session.scalars(select(Organisation).where(Organisation.slug == "other")).one()
        create_user(
            db.session,
            organisation=other,
            email="admin@other.example",
            name="Other admin",
            role="admin",
            password=PASSWORD,
        )
        db.session.commit()
    return "admin@other.example"


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _fourteen_people_yesterday(tmp_path: Path) -> tuple[Flask, dict[str, str], int]:
    """6 people answer question 1 in Welsh, 6 in English and 2 in Urdu, all yesterday (the
    dashboard counts up to the end of yesterday): the app, its users' emails, and that year."""
    from datetime import timedelta

    from helpers.journey import begin

    from app.models import Response, utcnow

    app = _app(tmp_path, WTF_CSRF_ENABLED=False)
    offer_languages(app, "cy ur")
    emails = add_users(app)
    for locale in ["cy"] * 6 + ["en_GB"] * 6 + ["ur"] * 2:
        person = app.test_client()
        begin(person, app, locale=locale)
        answer(person, 1, "listened", answer="happy")
    with app.app_context():
        for response in db.session.scalars(select(Response)):
            response.started_at = utcnow() - timedelta(days=1)
        db.session.commit()
    return app, emails, (utcnow() - timedelta(days=1)).year


def test_answers_pool_across_languages_and_break_down_by_language(tmp_path: Path) -> None:
    """6 people answer in Welsh, 6 in English: the dashboard counts 12 for the question, and its
    'By language' table and the summary CSV give each language's 6 (small groups hidden as ever)."""

    app, emails, year = _fourteen_people_yesterday(tmp_path)
    lead = app.test_client()
    sign_in_as(lead, emails["quality_lead"])
    page = lead.get(f"/provider/questionnaire/your-support?year={year}").get_data(as_text=True)
    card = re.search(r'<section class="figure-card"[^>]*>.*?</section>', page, re.S).group(0)
    assert "By language" in card
    summary = lead.get(f"/provider/download/summary.csv?year={year}").get_data(as_text=True)
    happy = {
        line.split(",")[4]: line.split(",")[7]
        for line in summary.splitlines()
        if line.startswith("your-support,listened,")
        and ",happy," in line
        and line.split(",")[3] in ("all", "language")
    }
    assert happy["Everyone"] == "14"  # pooled, whatever the language
    # Urdu's 2 are hidden, and so one more cell, or its 2 could be worked out from the total
    assert happy["Urdu (اردو)"] != "2" and list(happy.values()).count("2") == 0
    shown = {name: n for name, n in happy.items() if n.isdigit() and name != "Everyone"}
    assert shown in ({"Welsh (Cymraeg)": "6"}, {"English (United Kingdom)": "6"})
    for name, n in shown.items():  # the page shows the same figures
        table = card[card.index("By the language of the answer") :]
        assert re.search(re.escape(name) + r"(?:(?!</tr>).)*?>\s*" + n + r"\s*<", table, re.S)


def test_the_evidence_pack_breaks_the_figures_down_by_language(tmp_path: Path) -> None:
    """The pack's figures-by-language.csv: each language's counts for an evidence question, with
    Urdu's 2 hidden (and one more cell, as on the dashboard); the overall figures pool them."""
    import csv
    import io
    import zipfile

    from app.assessments import workflow as service
    from app.audit import Actor
    from app.models import User

    app, emails, year = _fourteen_people_yesterday(tmp_path)
    with app.test_request_context():
        org = db.session.scalars(select(Organisation).where(Organisation.slug == "demo")).one()
        lead = db.session.scalar(select(User).where(User.email == emails["quality_lead"]))
        draft = service.start(db.session, org.id, year, ["duq:1"], lead, Actor())
        draft.entry("duq:1").evidence_questions = ["your-support:listened"]
        db.session.commit()
        assessment_id = draft.id
    client = app.test_client()
    sign_in_as(client, emails["quality_lead"])
    pack = client.get(f"/provider/assessments/{assessment_id}/pack/duq:1.zip")
    assert pack.status_code == 200
    with zipfile.ZipFile(io.BytesIO(pack.data)) as zipped:
        rows = list(csv.DictReader(io.StringIO(zipped.read("figures-by-language.csv").decode())))
        overall = list(csv.DictReader(io.StringIO(zipped.read("figures.csv").decode())))
    happy = {r["language"]: r["count"] for r in rows if r["answer"] == "happy"}
    assert set(happy) == {"Welsh (Cymraeg)", "English (United Kingdom)", "Urdu (اردو)"}
    assert happy["Urdu (اردو)"] != "2" and "2" not in happy.values()  # small groups hidden
    assert [r["count"] for r in overall if r["answer"] == "happy"] == ["14"]  # pooled
