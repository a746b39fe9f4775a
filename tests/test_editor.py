"""The questionnaire editor (issue 12, item 4), through the pages: a quality lead adds, changes,
moves and removes questions of the organisation's draft; the draft is checked as a file is and
by the easy-read rules, and a refused change keeps nothing; ``show_if`` is set from lists; the live
check answers; every change is audited; another organisation and a viewer cannot."""

from __future__ import annotations

import re

import yaml
from flask import Flask
from flask.testing import FlaskClient
from helpers.app import add_users, csrf_token, sign_in_as
from helpers.own import copy_template
from sqlalchemy import select

from app.db import db
from app.models import AuditEvent, OwnQuestionnaire

LONG = (
    "When you think about all the things that happen in your home every single week do you feel happy there"
)


def _copy(app: Flask) -> int:
    return copy_template(app)


def _draft(app: Flask, own_id: int) -> dict:
    with app.app_context():
        return yaml.safe_load(db.session.get(OwnQuestionnaire, own_id).source)


def _ids(app: Flask, own_id: int) -> list[str]:
    return [q["id"] for q in _draft(app, own_id)["questions"]]


def _lead(app: Flask) -> tuple[FlaskClient, dict[str, str]]:
    emails = add_users(app)
    client = app.test_client()
    sign_in_as(client, emails["quality_lead"])
    return client, emails


def _form(page: str, **fields: object) -> dict[str, object]:
    data: dict[str, object] = {"csrf_token": csrf_token(page), "action": "save"}
    data.update(fields)
    return data


def test_add_a_question_with_a_condition(app: Flask) -> None:
    client, _emails = _lead(app)
    own_id = _copy(app)
    page = client.get(f"/editor/{own_id}/questions/new?after=see_family").get_data(as_text=True)
    assert "<h1>Add a question</h1>" in page
    # the questions before it, with their answers, for "Ask only when"
    assert 'value="see_family=no"' in page and 'value="see_friends=no"' not in page
    sent = client.post(
        f"/editor/{own_id}/questions/new?after=see_family",
        data=_form(
            page,
            text="Would you like to see your family more?",
            kind="yes_no",
            symbol="family",
            sections=["duq:1"],
            escapes=["dont_know"],
            when_question="see_family",
            when_test="any_of",
            when_values=["see_family=no", "listened=happy"],  # another question's tick is ignored
        ),
    )
    assert sent.status_code == 303, sent.get_data(as_text=True)
    draft = _draft(app, own_id)
    ids = [q["id"] for q in draft["questions"]]
    made = draft["questions"][ids.index("see_family") + 1]
    assert made["id"] == "would_you_like_to_see_your_family_more"
    assert made["show_if"] == {"question": "see_family", "any_of": ["no"]}
    assert made["escapes"] == ["dont_know", "skip"] and draft["version"] == 2
    listed = client.get(f"/editor/{own_id}").get_data(as_text=True)
    assert "Would you like to see your family more?" in listed
    said = "Asked only when the answer to 'Can you see your family when you want to?' is 'No'."
    assert said.replace("'", "&#39;") in listed
    with app.app_context():
        assert db.session.get(OwnQuestionnaire, own_id).status == "draft"
        actions = [e.action for e in db.session.scalars(select(AuditEvent))]
    assert "own_questionnaire.saved" in actions


def test_a_long_sentence_is_refused_and_nothing_is_kept(app: Flask) -> None:
    client, _emails = _lead(app)
    own_id = _copy(app)
    before = _draft(app, own_id)
    page = client.get(f"/editor/{own_id}/questions/listened").get_data(as_text=True)
    assert "Do staff listen to you?" in page
    sent = client.post(
        f"/editor/{own_id}/questions/listened",
        data=_form(page, text=LONG, kind="faces", symbol="listen", sections=["duq:1"]),
    )
    html = sent.get_data(as_text=True)
    assert sent.status_code == 422 and 'role="alert"' in html
    assert re.search(r'id="check-text"[^>]*>\s*<p class="error">This sentence has 20 words', html)
    assert LONG in html  # what the person wrote stays in the box
    assert _draft(app, own_id) == before
    # fixed: kept
    fixed = client.post(
        f"/editor/{own_id}/questions/listened",
        data=_form(page, text="Do you feel happy at home?", kind="faces", symbol="home", sections=["duq:1"]),
    )
    assert fixed.status_code == 303
    changed = _draft(app, own_id)["questions"][0]
    assert (changed["id"], changed["text"], changed["symbol"]) == (
        "listened",
        "Do you feel happy at home?",
        "home",
    )
    assert "help" not in changed  # its box was sent empty


def test_choose_questions_keep_their_option_values(app: Flask) -> None:
    client, _emails = _lead(app)
    own_id = _copy(app)
    page = client.get(f"/editor/{own_id}/questions/choose_food").get_data(as_text=True)
    assert 'value="Me"' in page and 'value="Together"' in page
    sent = client.post(
        f"/editor/{own_id}/questions/choose_food",
        data=_form(
            page,
            text="Who chooses your food?",
            kind="choose_many",
            symbol="food",
            sections=["duq:1"],
            **{
                "options-0-text": "Me",
                "options-0-symbol": "person",
                "options-1-text": "Me and staff",
                "options-1-symbol": "team",
                "options-2-text": "Staff",
                "options-2-symbol": "staff",
                "options-3-text": "Nobody",
                "options-3-symbol": "no",
                "options-3-exclusive": "y",
            },
        ),
    )
    assert sent.status_code == 303, sent.get_data(as_text=True)
    question = _draft(app, own_id)["questions"][1]
    assert [o["value"] for o in question["options"]] == ["me", "together", "staff", "nobody"]
    assert question["options"][1]["text"] == "Me and staff" and question["options"][3]["exclusive"] is True


def test_a_picture_found_by_a_word(app: Flask) -> None:
    client, _emails = _lead(app)
    own_id = _copy(app)
    page = client.get(f"/editor/{own_id}/questions/listened").get_data(as_text=True)
    found = client.post(
        f"/editor/{own_id}/questions/listened",
        data=_form(
            page, text="Do staff listen to you?", kind="faces", symbol="listen", find="food", action="find"
        ),
    ).get_data(as_text=True)
    assert 'name="symbol_pick" value="food"' in found and "/symbols/svg/food.svg" in found
    assert _ids(app, own_id)[0] == "listened"
    kept = client.post(
        f"/editor/{own_id}/questions/listened",
        data=_form(
            page,
            text="Do staff listen to you?",
            kind="faces",
            symbol="listen",
            symbol_pick="food",
            sections=["duq:1"],
        ),
    )
    assert kept.status_code == 303 and _draft(app, own_id)["questions"][0]["symbol"] == "food"


def test_move_and_remove(app: Flask) -> None:
    client, _emails = _lead(app)
    own_id = _copy(app)
    page = client.get(f"/editor/{own_id}").get_data(as_text=True)
    token = (
        csrf_token(page)
        if 'type="hidden" value=' in page
        else re.search(
            r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', page
        ).group(0)
    )
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    first = _ids(app, own_id)
    assert (
        client.post(
            f"/editor/{own_id}/questions/choose_food/move", data={"csrf_token": token, "to": "up"}
        ).status_code
        == 303
    )
    assert _ids(app, own_id)[:2] == ["choose_food", "listened"]
    assert (
        client.post(
            f"/editor/{own_id}/questions/listened/move", data={"csrf_token": token, "to": "5"}
        ).status_code
        == 303
    )
    assert _ids(app, own_id).index("listened") == 4
    confirm = client.get(f"/editor/{own_id}/questions/kind/remove").get_data(as_text=True)
    assert "Remove this question?" in confirm and "You cannot undo this." in confirm
    kept = client.post(f"/editor/{own_id}/questions/kind/remove", data={"csrf_token": token, "confirm": "no"})
    assert kept.status_code == 303 and "kind" in _ids(app, own_id)
    gone = client.post(
        f"/editor/{own_id}/questions/kind/remove", data={"csrf_token": token, "confirm": "yes"}
    )
    assert gone.status_code == 303 and "kind" not in _ids(app, own_id)
    assert len(_ids(app, own_id)) == len(first) - 1


def test_a_condition_keeps_its_question_above(app: Flask) -> None:
    client, _emails = _lead(app)
    own_id = _copy(app)
    page = client.get(f"/editor/{own_id}/questions/new").get_data(as_text=True)
    client.post(
        f"/editor/{own_id}/questions/new",
        data=_form(
            page,
            text="Do you like the music?",
            kind="faces",
            symbol="music",
            sections=["duq:1"],
            when_question="activities",
            when_values=["activities=music"],
        ),
    )
    token = re.search(
        r'name="csrf_token"[^>]*value="([^"]+)"', client.get(f"/editor/{own_id}").get_data(as_text=True)
    ).group(1)
    before = _ids(app, own_id)
    moved = client.post(
        f"/editor/{own_id}/questions/do_you_like_the_music/move", data={"csrf_token": token, "to": "1"}
    )
    assert moved.status_code == 409 and 'role="alert"' in moved.get_data(as_text=True)
    removed = client.post(
        f"/editor/{own_id}/questions/activities/remove", data={"csrf_token": token, "confirm": "yes"}
    )
    assert removed.status_code == 409 and "Ask only when" in removed.get_data(as_text=True)
    assert _ids(app, own_id) == before


def test_start_an_empty_questionnaire(app: Flask) -> None:
    client, _emails = _lead(app)
    page = client.get("/provider/questionnaires").get_data(as_text=True)
    assert "Start an empty questionnaire" in page
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    made = client.post(
        "/editor/start", data={"csrf_token": token, "title": "Our day centre", "audience": "family"}
    )
    assert made.status_code == 303
    with app.app_context():
        item = db.session.scalars(
            select(OwnQuestionnaire).where(OwnQuestionnaire.slug == "our-day-centre")
        ).one()
        own_id = item.id
    assert made.headers["Location"].endswith(f"/editor/{own_id}")
    assert "Are you happy with your support?" in client.get(f"/editor/{own_id}").get_data(as_text=True)


def test_live_check(app: Flask) -> None:
    client, _emails = _lead(app)
    page = client.get("/provider/questionnaires").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    long = client.post("/editor/check", json={"text": LONG}, headers={"X-CSRFToken": token}).get_json()
    assert long["problems"] == ["This sentence has 20 words. Use 15 or fewer."]
    number = client.post(
        "/editor/check", json={"text": "Do you go out three times?"}, headers={"X-CSRFToken": token}
    )
    assert "Write numbers as digits" in number.get_json()["problems"][0]
    short = client.post("/editor/check", json={"text": "Do you feel safe?"}, headers={"X-CSRFToken": token})
    assert short.get_json() == {"problems": []}
    assert client.post("/editor/check", json={"text": LONG}).status_code == 400  # no CSRF token


def test_other_organisations_and_viewers_cannot(app: Flask) -> None:
    client, emails = _lead(app)
    own_id = _copy(app)
    other = app.test_client()
    sign_in_as(other, emails["other_lead"])
    for url in (
        f"/editor/{own_id}",
        f"/editor/{own_id}/questions/new",
        f"/editor/{own_id}/questions/listened",
        f"/editor/{own_id}/questions/listened/remove",
    ):
        assert other.get(url).status_code == 404, url
    viewer = app.test_client()
    sign_in_as(viewer, emails["viewer"])
    assert viewer.get(f"/editor/{own_id}").status_code in (302, 403)
    assert client.get(f"/editor/{own_id}/questions/no_such_question").status_code == 404
    assert client.get(f"/editor/{own_id}/questions/new?after=no_such_question").status_code == 404


def test_the_title_and_the_first_page(app: Flask) -> None:
    client, _emails = _lead(app)
    own_id = _copy(app)
    page = client.get(f"/editor/{own_id}/about").get_data(as_text=True)
    assert "<h1>The title and the first page</h1>" in page
    assert 'value="We want to know what you think about your support."' in page  # the file's own line
    fields = {
        "csrf_token": csrf_token(page),
        "title": "Your home",
        "introduction-0-text": "We want to know about your home.",
        "introduction-0-symbol": "home",
        "consent-0-text": LONG,
        "consent-0-symbol": "manager",
    }
    refused = client.post(f"/editor/{own_id}/about", data=fields)
    assert refused.status_code == 422 and "This sentence has 20 words" in refused.get_data(as_text=True)
    assert _draft(app, own_id)["title"] == "Your support"
    kept = client.post(f"/editor/{own_id}/about", data={**fields, "consent-0-text": ""})
    assert kept.status_code == 303
    draft = _draft(app, own_id)
    assert draft["title"] == "Your home"
    assert draft["introduction"] == [{"text": "We want to know about your home.", "symbol": "home"}]
    assert "consent" not in draft  # no lines: the usual words for its audience
    with app.app_context():
        assert db.session.get(OwnQuestionnaire, own_id).title == "Your home"
