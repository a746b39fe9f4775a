"""An organisation's own questionnaires (issue 12, item 3): copy a template, change the draft as
YAML text, publish it as a version of the organisation's own; another organisation never sees it."""

from __future__ import annotations

import io
from pathlib import Path

from flask import Flask
from helpers.app import add_users, csrf_token, service_code, sign_in_as
from helpers.journey import answer, begin
from sqlalchemy import func, select

from app.audit import Actor
from app.db import db
from app.easyread.pictures import load_symbol_index
from app.models import AuditEvent, Organisation, OwnQuestionnaire, QuestionnaireVersion, Response, Service
from app.questionnaires import own

SLUG = "your-support-own"


def _checks(app: Flask) -> own.Checks:
    symbols = set(load_symbol_index(Path(app.config["ASSETS_DIR"]) / "symbols" / "index.json"))
    return own.checks_for(app.extensions["easyvoice.surveys"], symbols)


def _org(slug: str) -> Organisation:
    return db.session.scalars(select(Organisation).where(Organisation.slug == slug)).one()


def _copy(app: Flask) -> int:
    with app.app_context():
        copy = own.make_copy(
            db.session,
            Actor(),
            _org("demo").id,
            app.extensions["easyvoice.surveys"],
            "your-support",
            app.config["SURVEYS_DIR"],
            _checks(app),
        )
        db.session.commit()
        return copy.id


def _publish(app: Flask, own_id: int) -> tuple[int, bool]:
    with app.app_context():
        item = db.session.get(OwnQuestionnaire, own_id)
        version, created = own.publish(db.session, Actor(), item, _checks(app))
        db.session.commit()
        return version.id, created


def _versions(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count()).where(QuestionnaireVersion.organisation_id.is_not(None))
        )


def test_copy_save_and_publish(app: Flask) -> None:
    add_users(app)
    own_id = _copy(app)
    with app.app_context():
        demo, other = _org("demo").id, _org("other").id
        registry = app.extensions["easyvoice.surveys"]
        item = db.session.get(OwnQuestionnaire, own_id)
        assert (item.slug, item.status, item.based_on) == (SLUG, "draft", "your-support")
        assert item.title == registry.questionnaires["your-support"].title
        assert SLUG not in own.catalogue(db.session, registry, demo)  # a draft is nobody's yet

        # a broken draft: the line and what to do; nothing is saved
        broken = item.source.replace("type: choose_one", "type: choose_some", 1)
        error = own.save_draft(db.session, Actor(), item, broken, _checks(app))
        assert error is not None and error.line > 1 and error.hint
        assert "choose_some" not in item.source
        # the id cannot change (it would be another questionnaire)
        error = own.save_draft(
            db.session, Actor(), item, item.source.replace(f"id: {SLUG}", "id: x"), _checks(app)
        )
        assert error is not None and "x" in error.message
        db.session.commit()

    first, created = _publish(app, own_id)
    assert created and _versions(app) == 1
    assert _publish(app, own_id) == (first, False)  # the same content: no new version
    assert _versions(app) == 1
    with app.app_context():
        registry = app.extensions["easyvoice.surveys"]
        assert SLUG in own.catalogue(db.session, registry, demo)
        assert SLUG not in own.catalogue(db.session, registry, other)
        assert db.session.get(QuestionnaireVersion, first).organisation_id == demo
        item = db.session.get(OwnQuestionnaire, own_id)
        changed = item.source.replace(item.title, "How is your support here?", 1)
        assert own.save_draft(db.session, Actor(), item, changed, _checks(app)) is None
        assert item.status == "changed"
        db.session.commit()
    second, created = _publish(app, own_id)
    assert created and second != first and _versions(app) == 2
    with app.app_context():
        actions = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.object_type == "own_questionnaire")
        ).all()
        assert sorted(actions) == sorted(
            ["own_questionnaire.copied", "own_questionnaire.published"] * 1
            + ["own_questionnaire.saved", "own_questionnaire.published"]
        )


def test_two_organisations_publishing_the_same_text_each_keep_their_own_version(app: Flask) -> None:
    add_users(app)
    _publish(app, _copy(app))
    with app.app_context():
        copy = own.make_copy(
            db.session,
            Actor(),
            _org("other").id,
            app.extensions["easyvoice.surveys"],
            "your-support",
            app.config["SURVEYS_DIR"],
            _checks(app),
        )
        db.session.commit()
        other_id = copy.id
    _publish(app, other_id)
    assert _versions(app) == 2


def test_a_respondent_answers_the_published_copy_and_old_answers_keep_their_version(
    no_csrf_app: Flask,
) -> None:
    app = no_csrf_app
    add_users(app)
    own_id = _copy(app)
    client = app.test_client()
    client.get(f"/at/{service_code(app)}")
    assert client.get(f"/begin/{SLUG}").status_code == 404  # a draft cannot be started
    first, _ = _publish(app, own_id)
    client = app.test_client()
    begin(client, app, slug=SLUG)
    with app.app_context():
        questions = own.catalogue(db.session, app.extensions["easyvoice.surveys"], _org("demo").id)[
            SLUG
        ].questions
    for number, q in enumerate(questions, start=1):
        if q.type == "free_text":
            fields: dict[str, object] = {"text": "Fine", "action": "answer"}
        elif q.multiple:
            fields = {"answer": [q.choices[0].value], "action": "answer"}
        elif q.type == "number":
            fields = {"number": str(q.min_value), "action": "answer"}
        else:
            fields = {"answer": q.choices[0].value}
        page = client.get(f"/q/{number}")
        assert page.status_code == 200  # no built audio for these texts: the page still works
        assert answer(client, number, q.id, **fields).status_code == 302
    with app.app_context():
        response = db.session.scalars(select(Response)).one()
        assert response.version_id == first
        item = db.session.get(OwnQuestionnaire, own_id)
        changed = item.source.replace(item.title, "How is your support here?", 1)
        assert own.save_draft(db.session, Actor(), item, changed, _checks(app)) is None
        db.session.commit()
    second, _ = _publish(app, own_id)
    with app.app_context():
        assert db.session.scalars(select(Response)).one().version_id == first != second

    lead = app.test_client()
    assert sign_in_as(lead, "quality_lead@demo.example").status_code == 302
    figures = lead.get(f"/provider/questionnaire/{SLUG}")
    assert figures.status_code == 200
    assert "How is your support here?" in figures.get_data(as_text=True)

    # another organisation's tablet and staff: 404
    stranger_tablet = app.test_client()
    stranger_tablet.get("/at/elmcourt")
    assert stranger_tablet.get(f"/begin/{SLUG}").status_code == 404
    stranger = app.test_client()
    assert sign_in_as(stranger, "lead@other.example").status_code == 302
    assert stranger.get(f"/provider/questionnaire/{SLUG}").status_code == 404


def test_pages_copy_upload_and_publish(app: Flask) -> None:
    emails = add_users(app)
    lead = app.test_client()
    assert sign_in_as(lead, emails["quality_lead"]).status_code == 302
    page = lead.get("/provider/questionnaires")
    assert page.status_code == 200 and "Make a copy" in page.get_data(as_text=True)
    token = csrf_token(page.get_data(as_text=True))
    assert lead.post("/provider/questionnaires/copy/your-support").status_code == 400  # no CSRF token
    assert lead.post("/provider/questionnaires/copy/nothing", data={"csrf_token": token}).status_code == 404
    made = lead.post("/provider/questionnaires/copy/your-support", data={"csrf_token": token})
    assert made.status_code == 303
    with app.app_context():
        own_id = db.session.scalars(select(OwnQuestionnaire.id)).one()
    listing = lead.get("/provider/questionnaires").get_data(as_text=True)
    assert SLUG in listing and "Draft: not published yet" in listing

    text = lead.get(f"/provider/questionnaires/{own_id}/file.yaml").get_data(as_text=True)
    assert f"id: {SLUG}" in text
    broken = text.replace("type: choose_one", "type: choose_some", 1)
    sent = lead.post(
        f"/provider/questionnaires/{own_id}/upload",
        data={"csrf_token": token, "file": (io.BytesIO(broken.encode()), "x.yaml")},
        content_type="multipart/form-data",
    )
    body = sent.get_data(as_text=True)
    assert sent.status_code == 400 and "has a mistake on line" in body and "What to do:" in body
    assert lead.get(f"/provider/questionnaires/{own_id}/file.yaml").get_data(as_text=True) == text
    changed = text.replace("type: choose_one", "type: choose_one", 1) + "\n# changed\n"
    sent = lead.post(
        f"/provider/questionnaires/{own_id}/upload",
        data={"csrf_token": token, "file": (io.BytesIO(changed.encode()), "x.yaml")},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 303

    confirm = lead.get(f"/provider/questionnaires/{own_id}/publish")
    assert confirm.status_code == 200 and "Are you sure?" in confirm.get_data(as_text=True)
    url = f"/provider/questionnaires/{own_id}/publish"
    assert lead.post(url, data={"csrf_token": token}).status_code == 303  # not confirmed: asked first
    assert _versions(app) == 0
    assert lead.post(url, data={"csrf_token": token, "confirm": "yes"}).status_code == 303
    assert _versions(app) == 1
    assert "Published" in lead.get("/provider/questionnaires").get_data(as_text=True)

    urls = [
        "/provider/questionnaires",
        f"/provider/questionnaires/{own_id}/file.yaml",
        f"/provider/questionnaires/{own_id}/publish",
    ]
    for role in ("viewer", "expert"):
        other = app.test_client()
        sign_in_as(other, emails[role])
        for url in urls:
            assert other.get(url).status_code == 403, (role, url)
    stranger = app.test_client()
    assert sign_in_as(stranger, emails["other_lead"]).status_code == 302
    assert stranger.get("/provider/questionnaires").status_code == 200
    assert SLUG not in stranger.get("/provider/questionnaires").get_data(as_text=True)
    for url in urls[1:]:
        assert stranger.get(url).status_code == 404, url
    stranger_token = csrf_token(stranger.get("/provider/questionnaires").get_data(as_text=True))
    for url in (f"/provider/questionnaires/{own_id}/publish", f"/provider/questionnaires/{own_id}/upload"):
        assert stranger.post(url, data={"csrf_token": stranger_token, "confirm": "yes"}).status_code == 404, (
            url
        )
    with app.app_context():
        assert db.session.scalar(select(Service.id).where(Service.code == "elmcourt")) is not None


def test_a_questionnaire_given_as_text_is_checked_as_a_file_is(app: Flask) -> None:
    from app.questionnaires.loader import SurveyFileError, load_questionnaire_text

    checks = _checks(app)

    root = Path(__file__).resolve().parent.parent
    text = (root / "surveys" / "your-support.yaml").read_text(encoding="utf-8")
    assert (
        load_questionnaire_text(text, "mine.yaml", checks.section_refs, checks.symbols).id == "your-support"
    )
    broken = text.replace("type: choose_one", "type: choose_some", 1)
    line = text[: text.index("type: choose_one")].count("\n") + 1
    try:
        load_questionnaire_text(broken, "mine.yaml", checks.section_refs, checks.symbols)
    except SurveyFileError as exc:
        assert (exc.error.file, exc.error.line) == ("mine.yaml", line)
        assert exc.error.hint
    else:  # pragma: no cover
        raise AssertionError("a wrong type was let through")
    try:
        load_questionnaire_text(text, "mine.yaml", checks.section_refs, checks.symbols, max_bytes=100)
    except SurveyFileError as exc:
        assert "limit" in exc.error.message
    else:  # pragma: no cover
        raise AssertionError("a file over the limit was let through")
