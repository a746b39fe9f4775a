"""Consent for each audience (issue 8, part 5): each questionnaire file says what it is for and
who sees the answers; shared defaults fill in where a file says nothing; every line can be heard."""

from __future__ import annotations

import html
import io
import re
import shutil
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers.app import ROOT, make_app, service_code, submission_id

from app.easyread.phrases import PHRASES
from app.questionnaires.extract import extract_survey_texts
from app.questionnaires.schema import DEFAULT_CONSENT, DEFAULT_INTRODUCTION, RIGHTS, Questionnaire

SETTINGS = {
    "who": "self",
    "text": "normal",
    "pictures": "on",
    "contrast": "off",
    "read_aloud": "on",
    "autoplay": "off",
    "locale": "en_GB",
}
RESPONDENT_SLUGS = ("your-support", "family-support", "working-here")


def consent_page(client: FlaskClient, app: Flask, slug: str, **prefs: str) -> str:
    client.get(f"/at/{service_code(app)}")
    assert client.get(f"/begin/{slug}").status_code == 302
    assert client.post("/settings", data={**SETTINGS, **prefs}).status_code == 302
    page = client.get("/consent")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def lines_of(page: str) -> list[str]:
    """The easy-read lines of a page, in order."""
    return [
        html.unescape(text) for text in re.findall(r'<li class="er-line">.*?<p>(.*?)</p>', page, flags=re.S)
    ]


def test_each_questionnaire_has_its_own_consent_for_its_audience(no_csrf_app: Flask) -> None:
    pages = {
        slug: lines_of(consent_page(no_csrf_app.test_client(), no_csrf_app, slug))
        for slug in RESPONDENT_SLUGS
    }
    # Each page is its own, and starts with what the questions are for.
    assert len({tuple(lines) for lines in pages.values()}) == 3
    assert pages["your-support"][0] == "We want to know what you think about your support."
    assert pages["family-support"][0] == (
        "We want to know what you think about the support your family member gets."
    )
    assert pages["working-here"][0] == "We want to know what it is like to work here."
    # Staff and families are never asked about "your support".
    for slug in ("family-support", "working-here"):
        assert not [line for line in pages[slug] if "your support" in line], slug
    # Each says who sees the answers, in the file's own words.
    questionnaires = no_csrf_app.extensions["easyvoice.surveys"].questionnaires
    for slug, lines in pages.items():
        own = [line.text for line in questionnaires[slug].own_introduction + questionnaires[slug].own_consent]
        assert own and lines[: len(own)] == own, slug
        assert any("read the answers" in line for line in lines), slug


@pytest.mark.parametrize("slug", RESPONDENT_SLUGS)
def test_every_consent_page_tells_the_rights_and_the_limit_of_confidentiality(
    no_csrf_app: Flask, slug: str
) -> None:
    lines = lines_of(consent_page(no_csrf_app.test_client(), no_csrf_app, slug))
    audience = no_csrf_app.extensions["easyvoice.surveys"].questionnaires[slug].audience
    rights = [line.text for line in RIGHTS[audience]]
    assert lines[-len(rights) :] == rights
    assert any("we must tell someone who can help" in line for line in lines)


TINY = """\
version: 1
id: tiny-{slug}
title: A few questions
audience: {audience}
symbol: question
questions:
  - id: food
    type: faces
    text: Do you like the food?
    symbol: food
    sections: [duq:1]
"""


@pytest.mark.parametrize("audience", ["person_supported", "family", "staff"])
def test_a_file_without_its_own_texts_gets_its_audiences_defaults(tmp_path: Path, audience: str) -> None:
    surveys = tmp_path / "surveys"
    shutil.copytree(ROOT / "surveys", surveys)
    slug = f"tiny-{audience.replace('_', '-')}"
    (surveys / "tiny.yaml").write_text(TINY.format(audience=audience, slug=slug[5:]))
    app = make_app(tmp_path, SURVEYS_DIR=str(surveys), WTF_CSRF_ENABLED=False)
    assert app.extensions["easyvoice.surveys"].errors == []
    lines = lines_of(consent_page(app.test_client(), app, slug))
    expected = [
        line.text for line in (DEFAULT_INTRODUCTION[audience] + DEFAULT_CONSENT[audience] + RIGHTS[audience])
    ]
    assert lines == expected
    if audience == "person_supported":  # the consent page as it was before files had their own
        assert lines == [
            "We want to know what you think about your support.",
            "Your answers help to make support better.",
            "We do not keep your name with your answers.",
            "You do not have to answer.",
            "You can stop at any time.",
            "You can skip any question.",
            "If you tell us someone hurts you, we must tell someone who can help.",
        ]


def test_a_stored_definition_from_before_keeps_working() -> None:
    """Versions stored before this change have only ``intro``: it becomes the introduction."""
    old = {
        "id": "old",
        "title": "Old",
        "audience": "family",
        "symbol": "family",
        "intro": "We ask families.",
        "questions": [{"id": "q", "type": "faces", "text": "Q?", "symbol": "ok", "sections": ["duq:1"]}],
    }
    questionnaire = Questionnaire.from_dict(old)
    assert [(line.text, line.symbol) for line in questionnaire.introduction] == [
        ("We ask families.", "family")
    ]
    assert questionnaire.consent == DEFAULT_CONSENT["family"]
    assert questionnaire.rights == RIGHTS["family"]


def test_every_consent_text_is_in_the_audio_build_and_the_catalog(app: Flask) -> None:
    from app.cli import spoken_texts

    spoken = {text for _locale, text in spoken_texts(app)}
    for questionnaire in app.extensions["easyvoice.surveys"].questionnaires.values():
        if questionnaire.audience == "expert":
            continue
        for line in questionnaire.consent_lines:
            assert line.text in spoken, line.text
    for table in (DEFAULT_INTRODUCTION, DEFAULT_CONSENT, RIGHTS):
        for lines in table.values():
            assert {line.text for line in lines} <= spoken
    assert PHRASES["listen_all"] in spoken
    # pybabel's survey extractor finds the files' own lines for translators.
    for slug in RESPONDENT_SLUGS:
        path = ROOT / "surveys" / f"{slug}.yaml"
        found = {
            message
            for _line, _func, message, _comments in extract_survey_texts(
                io.BytesIO(path.read_bytes()), None, None, None
            )
        }
        questionnaire = app.extensions["easyvoice.surveys"].questionnaires[slug]
        own = {line.text for line in questionnaire.own_introduction + questionnaire.own_consent}
        assert own and own <= found, slug


def test_listen_to_all_of_this_is_there_only_with_read_aloud(no_csrf_app: Flask) -> None:
    page = consent_page(no_csrf_app.test_client(), no_csrf_app, "your-support")
    assert page.count("data-speak-all") == 1 and PHRASES["listen_all"] in page
    quiet = consent_page(no_csrf_app.test_client(), no_csrf_app, "your-support", read_aloud="off")
    assert "data-speak-all" not in quiet and 'class="speak' not in quiet


def test_consent_still_refuses_an_id_that_is_not_the_sessions_own(no_csrf_app: Flask) -> None:
    client = no_csrf_app.test_client()
    page = consent_page(client, no_csrf_app, "working-here")
    refused = client.post("/consent", data={"submission_id": "f" * 32, "action": "yes"})
    assert refused.status_code == 400
    started = client.post("/consent", data={"submission_id": submission_id(page), "action": "yes"})
    assert started.headers["Location"] == "/q/1"
