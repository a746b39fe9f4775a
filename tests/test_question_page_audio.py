"""Issue 10, items 4 and 5: every word on the question pages and the 3 closing pages can be heard,
and the progress counts the closing questions ("Question 24 of 24" on the last one)."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers.app import service_code, submission_id
from helpers.audible import unheard, visible_texts

from app.cli import spoken_texts

CLOSING = ("helped", "room", "anything_else")


def begin(client: FlaskClient, app: Flask, slug: str) -> None:
    client.get(f"/at/{service_code(app)}")
    assert client.get(f"/begin/{slug}").status_code == 302
    settings = {"who": "self", "text": "normal", "pictures": "on", "contrast": "off"}
    settings |= {"read_aloud": "on", "autoplay": "off", "locale": "en_GB"}
    assert client.post("/settings", data=settings).status_code == 302
    page = client.get("/consent").get_data(as_text=True)
    response = client.post("/consent", data={"submission_id": submission_id(page), "action": "yes"})
    assert response.headers["Location"].endswith("/q/1")


def respondent_slugs(app: Flask) -> list[str]:
    questionnaires = app.extensions["easyvoice.surveys"].questionnaires.values()
    return sorted(q.id for q in questionnaires if q.audience != "expert")


def test_the_helper_finds_a_text_nobody_can_hear() -> None:
    html = (
        '<main><h1>Hello</h1><p hidden>Secret</p><span class="visually-hidden">x</span>'
        '<button class="speak"><span>Listen</span></button><p>Not <b>spoken</b></p></main><p>foot</p>'
    )
    assert visible_texts(html) == ["Hello", "Not", "spoken"]
    assert unheard(html, ["Hello", "Not"]) == ["spoken"]


def test_every_visible_text_on_every_question_page_has_audio(no_csrf_app: Flask) -> None:
    app = no_csrf_app
    spoken = {text for locale, text in spoken_texts(app) if locale == "en_GB"}
    checked = 0
    for slug in respondent_slugs(app):
        client = app.test_client()
        begin(client, app, slug)
        questionnaire = app.extensions["easyvoice.surveys"].questionnaires[slug]
        total = len(questionnaire.questions) + 3
        paths = [f"/q/{n}" for n in range(1, len(questionnaire.questions) + 1)]
        paths += [f"/end/{step}" for step in CLOSING]
        for number, path in enumerate(paths, start=1):
            html = client.get(path).get_data(as_text=True)
            texts = visible_texts(html)
            # the page shows what it must: the progress, Next / Back / Stop / Settings words
            assert f"Question {number} of {total}" in texts, (path, texts)
            assert {"Back", "Stop", "Settings"} <= set(texts), (path, texts)
            assert unheard(html, spoken) == [], f"{slug} {path}: no audio for {unheard(html, spoken)}"
            checked += 1
            if path.startswith("/q/"):  # answer it (the first card, or skip), so "You chose this" shows
                q = questionnaire.questions[number - 1]
                data = {"submission_id": submission_id(html), "question": q.id}
                data |= {"answer": q.choices[0].value} if q.choices else {"action": "skip"}
                assert client.post(path, data=data).status_code == 302
                again = client.get(path).get_data(as_text=True)
                if q.choices and not q.multiple:  # (a tick-box card shows its tick)
                    assert "You chose this" in visible_texts(again)
                assert {"Next"} <= set(visible_texts(again))
                assert unheard(again, spoken) == [], f"{slug} {path} answered: {unheard(again, spoken)}"
    assert checked == sum(
        len(app.extensions["easyvoice.surveys"].questionnaires[s].questions) + 3
        for s in respondent_slugs(app)
    )


def test_the_progress_counts_the_closing_questions_and_is_said_with_the_question(
    no_csrf_app: Flask,
) -> None:
    app = no_csrf_app
    client = app.test_client()
    begin(client, app, "your-support")
    q3 = client.get("/q/3").get_data(as_text=True)
    assert "Question 3 of 24" in q3
    title = app.extensions["easyvoice.surveys"].questionnaires["your-support"].questions[2].text
    heading_speaker = re.search(r'<button[^>]*data-say="([^"]*)"[^>]*data-autoplay-this', q3, re.S)
    assert heading_speaker, "no autoplay speaker on the question"
    assert heading_speaker.group(1) == f"Question 3 of 24. {title}"
    for step, number in zip(CLOSING, (22, 23, 24), strict=True):
        page = client.get(f"/end/{step}").get_data(as_text=True)
        assert f"Question {number} of 24" in page, step


@pytest.mark.parametrize("slug", ["your-support", "family-support", "working-here"])
def test_build_audio_speaks_every_progress_text(app: Flask, slug: str) -> None:
    questionnaire = app.extensions["easyvoice.surveys"].questionnaires[slug]
    total = len(questionnaire.questions) + 3
    spoken = {text for locale, text in spoken_texts(app) if locale == "en_GB"}
    assert {f"Question {n} of {total}" for n in range(1, total + 1)} <= spoken
