"""An organisation's own questionnaire in other languages (issue 13, item 5): its translations are
held with its definition (``translations:``, format version 2; XLSForm ``label::Welsh (cy)``
columns), a respondent sees and hears them, and a questionnaire is offered in a language only
when every one of its texts has words in it (its own, or the shipped catalog's)."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import openpyxl
import pytest
import yaml
from flask import Flask
from helpers.app import add_users, make_app, service_code, sign_in_as, submission_id
from helpers.i18n import add_catalog, offer_languages
from helpers.own import copy_template, draft_checks
from markupsafe import escape
from sqlalchemy import func, select

from app.audit import Actor
from app.db import db
from app.models import AuditEvent, Organisation, OwnQuestionnaire
from app.questionnaires import own, xlsform
from app.questionnaires.loader import SurveyFileError, load_questionnaire_text
from app.respond.spoken import spoken_texts

ROOT = Path(__file__).resolve().parent.parent


def welsh(text: str) -> str:
    """Stand-in Welsh words for a text (the test needs only that they differ and are known)."""
    return "Yn Gymraeg: " + " ".join(text.split())


def shown(text: str) -> str:
    """A text as a page's HTML has it."""
    return str(escape(text))


def _with_welsh(source: str, leave_out: int = 0) -> str:
    """The questionnaire text with a Welsh translation of every text (but the last ``leave_out``)."""
    data = yaml.safe_load(source)
    data["version"] = 2
    texts = load_questionnaire_text(source, "x", _refs(data), None).texts()
    kept = list(dict.fromkeys(" ".join(t.split()) for t in texts))
    kept = kept[: len(kept) - leave_out] if leave_out else kept
    data["translations"] = {"cy": {text: welsh(text) for text in kept}}
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)


def _refs(data: dict) -> set[str]:
    return {str(s) for q in data["questions"] for s in q.get("sections", ())}


@pytest.fixture
def welsh_app(tmp_path: Path) -> Flask:
    """An app with a Welsh catalog of a few page strings only (so the shipped questionnaires are
    not complete in Welsh), offering Welsh."""
    translations = tmp_path / "translations"
    shutil.copytree(ROOT / "translations", translations, ignore=shutil.ignore_patterns("cy", "pl", "ur"))
    add_catalog(translations, "cy", {"Choose your questions": "Dewiswch eich cwestiynau"})
    app = make_app(tmp_path, BABEL_TRANSLATION_DIRECTORIES=str(translations), WTF_CSRF_ENABLED=False)
    offer_languages(app, "cy")
    return app


def _own(app: Flask, leave_out: int = 0) -> tuple[int, str]:
    """A published copy of family-support with Welsh words held with it; its id and slug."""
    own_id = copy_template(app, template="family-support")
    with app.app_context():
        item = db.session.get(OwnQuestionnaire, own_id)
        checks = draft_checks(app)
        assert own.save_draft(db.session, Actor(), item, _with_welsh(item.source, leave_out), checks) is None
        own.publish(db.session, Actor(), item, checks)
        db.session.commit()
        return own_id, item.slug


def _start_page(app: Flask, lang: str) -> str:
    client = app.test_client()
    client.get(f"/at/{service_code(app)}?lang={lang}")
    return client.get("/").get_data(as_text=True)


def test_a_respondent_sees_and_hears_the_questionnaires_own_welsh(welsh_app: Flask) -> None:
    app = welsh_app
    _, slug = _own(app)
    with app.app_context():
        org = db.session.scalars(select(Organisation).where(Organisation.slug == "demo")).one()
        mine = own.catalogue(db.session, app.extensions["easyvoice.surveys"], org.id)[slug]
    assert mine.missing_words("cy") == []

    page = _start_page(app, "cy")
    assert f"/begin/{slug}" in page and shown(welsh(mine.title)) in page
    assert "/begin/your-support" not in page  # the catalog lacks its words: not offered in Welsh
    page = _start_page(app, "en_GB")
    assert f"/begin/{slug}" in page and "/begin/your-support" in page and shown(welsh(mine.title)) not in page

    client = app.test_client()
    client.get(f"/at/{service_code(app)}?lang=cy")
    assert client.get(f"/begin/{slug}").status_code == 302
    client.post("/settings", data={"action": "no"})
    consent = client.get("/consent").get_data(as_text=True)
    assert 'lang="cy"' in consent
    client.post("/consent", data={"submission_id": submission_id(consent), "action": "yes"})
    question = client.get("/q/1").get_data(as_text=True)
    first = mine.questions[0]
    assert shown(welsh(first.text)) in question
    assert f">{shown(first.text)}<" not in question

    spoken = spoken_texts(app, [mine])
    assert ("cy", welsh(first.text)) in spoken and ("en_GB", first.text) in spoken


def test_a_questionnaire_missing_one_welsh_text_is_not_offered_in_welsh(welsh_app: Flask) -> None:
    _, slug = _own(welsh_app, leave_out=1)
    assert f"/begin/{slug}" not in _start_page(welsh_app, "cy")
    assert f"/begin/{slug}" in _start_page(welsh_app, "en_GB")


@pytest.mark.parametrize(
    ("translations", "said"),
    [
        ({"cy": {"Not one of its texts": "Dim"}}, "is not a text of this questionnaire"),
        ({"Welsh": {}}, "is not a language code"),
        ({"cy": "Dim"}, "should be a set of 'name: value' lines"),
    ],
)
def test_the_loader_refuses_translations_it_cannot_use(translations: object, said: str) -> None:
    data = yaml.safe_load((ROOT / "surveys" / "family-support.yaml").read_text())
    data["version"] = 2
    data["translations"] = translations
    with pytest.raises(SurveyFileError, match=said):
        load_questionnaire_text(yaml.safe_dump(data), "x", _refs(data), None)
    data["translations"] = {"cy": {data["title"]: ""}}
    with pytest.raises(SurveyFileError, match="missing or too long"):
        load_questionnaire_text(yaml.safe_dump(data), "x", _refs(data), None)


def test_xlsform_carries_the_translations_both_ways(tmp_path: Path) -> None:
    source = (ROOT / "surveys" / "family-support.yaml").read_text()
    data = yaml.safe_load(source)
    mine = load_questionnaire_text(_with_welsh(source), "x", _refs(data), None)
    book = xlsform.write_xlsform(mine)
    sheets = openpyxl.load_workbook(io.BytesIO(book))
    headers = [c.value for c in sheets["survey"][1]]
    assert "label::Welsh (cy)" in headers
    assert "form_title::Welsh (cy)" in [c.value for c in sheets["settings"][1]]
    back = xlsform.read_xlsform(book, section_refs=_refs(data), symbols=None)
    assert back["translations"]["cy"][mine.questions[0].text] == welsh(mine.questions[0].text)
    assert load_questionnaire_text(xlsform.definition_yaml(back), "x", _refs(data), None).content_hash == (
        mine.content_hash
    )

    # a second language's column that does not say which language it is: refused, with the way out
    column = headers.index("label::Welsh (cy)") + 1
    sheets["survey"].cell(row=1, column=column).value = "label::Cymraeg"
    out = io.BytesIO()
    sheets.save(out)
    with pytest.raises(xlsform.XLSFormError, match=r"cannot tell which language.*label::Welsh \(cy\)"):
        xlsform.read_xlsform(out.getvalue(), section_refs=_refs(data), symbols=None)


def test_the_editor_writes_the_welsh_and_shows_what_is_missing(welsh_app: Flask) -> None:
    app = welsh_app
    add_users(app)
    own_id = copy_template(app, template="family-support")
    lead = app.test_client()
    sign_in_as(lead, "quality_lead@demo.example")
    questions = lead.get(f"/editor/{own_id}").get_data(as_text=True)
    with app.app_context():
        item = db.session.get(OwnQuestionnaire, own_id)
        texts = list(
            dict.fromkeys(
                " ".join(t.split()) for t in own.check_draft(item, item.source, draft_checks(app)).texts()
            )
        )
    assert f"/editor/{own_id}/languages/cy" in questions
    assert f"{len(texts)} texts have no words yet" in questions
    page = lead.get(f"/editor/{own_id}/languages/cy")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f"{len(texts)} texts have no words yet." in html and shown(texts[0]) in html
    assert lead.get(f"/editor/{own_id}/languages/pl").status_code == 404  # no catalog, not offered

    data = {f"text-{n}": welsh(text) for n, text in enumerate(texts)}
    data["text-1"] = ""  # one left for later
    kept = lead.post(f"/editor/{own_id}/languages/cy", data=data)
    assert kept.status_code == 303
    html = lead.get(f"/editor/{own_id}/languages/cy").get_data(as_text=True)
    assert "1 text has no words yet." in html and shown(welsh(texts[0])) in html
    with app.app_context():
        item = db.session.get(OwnQuestionnaire, own_id)
        held = yaml.safe_load(item.source)["translations"]["cy"]
        assert held[texts[0]] == welsh(texts[0]) and texts[1] not in held
        changes = db.session.scalar(
            select(func.count()).where(
                AuditEvent.action.like("%questionnaire%"), AuditEvent.object_id == str(own_id)
            )
        )
        assert changes and changes >= 2  # the copy and this change, audited

    data["text-1"] = welsh(texts[1])
    assert lead.post(f"/editor/{own_id}/languages/cy", data=data).status_code == 303
    assert "every text has words" in lead.get(f"/editor/{own_id}").get_data(as_text=True)

    stranger = app.test_client()
    sign_in_as(stranger, "lead@other.example")
    assert stranger.get(f"/editor/{own_id}/languages/cy").status_code == 404
