"""The editor's preview (issue 12, item 4): a quality lead sees a draft's questions exactly as a
respondent does, through the one question macro, in every look, and nothing is kept: no response,
answer, audio job or safeguarding alert comes of answering a preview. Another organisation gets 404."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from helpers.app import add_users, csrf_token, sign_in_as, submission_id
from helpers.own import copy_template
from sqlalchemy import func, select

from app.db import db
from app.models import Answer, AudioJob, OwnQuestionnaire, Response, SafeguardingAlert

V2_WITH_CONDITION = """\
version: 2
id: {slug}
title: Your day
audience: person_supported
symbol: support
questions:
  - id: has_job
    type: yes_no
    text: Do you have a job?
    symbol: work
    sections: [duq:1]
  - id: like_job
    type: faces
    text: Do you like your job?
    symbol: work
    sections: [duq:1]
    show_if: {{question: has_job, equals: "yes"}}
  - id: how_old
    type: number
    text: How old are you?
    symbol: person
    sections: [duq:1]
    min: 16
    max: 99
  - id: safe_home
    type: faces
    text: Do you feel safe at home?
    symbol: safe
    sections: [duq:1]
    safeguarding: true
"""


def _draft(app: Flask, text: str | None = None) -> tuple[int, str]:
    own_id = copy_template(app, text)
    return own_id, "your-support-own"


def _counts(app: Flask) -> tuple[int, ...]:
    with app.app_context():
        return tuple(
            db.session.scalar(select(func.count()).select_from(model))
            for model in (Response, Answer, AudioJob, SafeguardingAlert)
        )


def _lead(app: Flask, client: FlaskClient) -> dict[str, str]:
    emails = add_users(app)
    sign_in_as(client, emails["quality_lead"])
    return emails


def _heading(html: str) -> str:
    found = re.search(r'<h1[^>]*id="q-title"[^>]*>(.*?)</h1>', html, re.S)
    assert found, "no question heading on the page"
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def test_the_preview_shows_each_question_as_a_respondent_sees_it(app: Flask, client: FlaskClient) -> None:
    _lead(app, client)
    own_id, _slug = _draft(app)
    questions = app.extensions["easyvoice.surveys"].questionnaires["your-support"].questions
    first = client.get(f"/editor/{own_id}/preview")
    assert first.status_code == 302 and first.headers["Location"].endswith(f"/editor/{own_id}/preview/1")
    page = client.get(f"/editor/{own_id}/preview/1").get_data(as_text=True)
    assert "Preview of your draft: nothing is kept" in page
    assert _heading(page) == questions[0].text
    assert 'class="q-page' in page and 'name="answer"' in page  # the respondent's macro and its cards
    assert f"/symbols/svg/{questions[0].symbol}.svg" in page
    last = client.get(f"/editor/{own_id}/preview/{len(questions)}").get_data(as_text=True)
    assert _heading(last) == questions[-1].text
    assert client.get(f"/editor/{own_id}/preview/{len(questions) + 1}").status_code == 404
    assert client.get(f"/editor/{own_id}/preview/0").status_code == 404


def test_every_look_for_this_page_only(app: Flask, client: FlaskClient) -> None:
    _lead(app, client)
    own_id, _slug = _draft(app)
    page = client.get(f"/editor/{own_id}/preview/1?contrast=on&text=bigger&pictures=off").get_data(
        as_text=True
    )
    body = re.search(r"<body[^>]*>", page).group(0)
    assert "contrast-high" in body and "text-bigger" in body and "pictures-off" in body
    assert "/symbols/black/" in page and "/symbols/svg/" not in page
    # the look travels with Next, and nobody's settings changed
    assert re.search(r"/preview/2\?[^\"']*contrast=on", page)
    with client.session_transaction() as session:
        assert "ev_prefs" not in session
    plain = client.get(f"/editor/{own_id}/preview/1?contrast=purple").get_data(as_text=True)
    assert "contrast-high" not in re.search(r"<body[^>]*>", plain).group(0)


def test_answering_a_preview_keeps_nothing(app: Flask, client: FlaskClient) -> None:
    _lead(app, client)
    own_id, _slug = _draft(app, V2_WITH_CONDITION)
    before = _counts(app)
    page = client.get(f"/editor/{own_id}/preview/4").get_data(as_text=True)
    assert _heading(page) == "Do you feel safe at home?"
    sent = client.post(
        f"/editor/{own_id}/preview/4",
        data={
            "csrf_token": csrf_token(page),
            "submission_id": submission_id(page),
            "question": "safe_home",
            "answer": "sad",
        },
    )
    # the last question: back to the questions, and a worrying answer raised no alert
    assert sent.status_code == 303 and sent.headers["Location"].endswith(f"/editor/{own_id}")
    page = client.get(f"/editor/{own_id}/preview/1").get_data(as_text=True)
    sent = client.post(
        f"/editor/{own_id}/preview/1",
        data={
            "csrf_token": csrf_token(page),
            "submission_id": submission_id(page),
            "question": "has_job",
            "answer": "yes",
        },
    )
    assert sent.status_code == 303 and sent.headers["Location"].endswith(f"/editor/{own_id}/preview/2")
    assert _counts(app) == before == (0, 0, 0, 0)


def test_a_number_that_does_not_fit_is_asked_again(app: Flask, client: FlaskClient) -> None:
    _lead(app, client)
    own_id, _slug = _draft(app, V2_WITH_CONDITION)
    page = client.get(f"/editor/{own_id}/preview/3").get_data(as_text=True)
    assert 'inputmode="numeric"' in page
    sent = client.post(
        f"/editor/{own_id}/preview/3",
        data={
            "csrf_token": csrf_token(page),
            "submission_id": submission_id(page),
            "question": "how_old",
            "action": "answer",
            "text": "7",
        },
    )
    assert sent.status_code == 422 and 'aria-invalid="true"' in sent.get_data(as_text=True)
    assert client.post(f"/editor/{own_id}/preview/3", data={"question": "how_old"}).status_code == 400


def test_a_conditional_question_says_when_it_is_asked(app: Flask, client: FlaskClient) -> None:
    _lead(app, client)
    own_id, _slug = _draft(app, V2_WITH_CONDITION)
    page = client.get(f"/editor/{own_id}/preview/2").get_data(as_text=True)
    assert _heading(page) == "Do you like your job?"
    note = re.search(r'id="asked-when".*?</div>', page, re.S).group(0)
    assert "Do you have a job?" in note and "Yes" in note
    assert 'id="asked-when"' not in client.get(f"/editor/{own_id}/preview/1").get_data(as_text=True)


def test_a_draft_with_a_mistake_says_where(app: Flask, client: FlaskClient) -> None:
    _lead(app, client)
    own_id, _slug = _draft(app)
    with app.app_context():  # a draft kept before a symbol left the library, say
        item = db.session.get(OwnQuestionnaire, own_id)
        item.source = item.source.replace("symbol: listen", "symbol: no-such-symbol", 1)
        db.session.commit()
    refused = client.get(f"/editor/{own_id}/preview/1")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 409 and 'role="alert"' in html and "no-such-symbol" in html


def test_other_organisations_and_viewers_cannot_preview(app: Flask) -> None:
    emails = add_users(app)
    own_id, _slug = _draft(app)
    other = app.test_client()
    sign_in_as(other, emails["other_lead"])
    for url in (f"/editor/{own_id}/preview", f"/editor/{own_id}/preview/1"):
        assert other.get(url).status_code == 404
    assert other.post(f"/editor/{own_id}/preview/1").status_code in (400, 404)
    viewer = app.test_client()
    sign_in_as(viewer, emails["viewer"])
    assert viewer.get(f"/editor/{own_id}/preview/1").status_code in (302, 403)
    anonymous = app.test_client().get(f"/editor/{own_id}/preview/1")
    assert anonymous.status_code == 302 and "/auth/sign-in" in anonymous.headers["Location"]
