"""A small, real world for tests that must reach every form: one of each thing a URL can name.

``build_world(app)`` makes (through the app's own pages and services) an open visit with an
observation and a photo, a draft self-assessment with an action point, a published one with a
challenge, a disclosure with its alert, and a quotable written answer. It returns the values to put
into each URL argument, by argument name.
"""

from __future__ import annotations

import io
import re
import secrets
from datetime import date, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import select
from werkzeug.routing import IntegerConverter, Rule

from app import safeguarding
from app.db import db
from app.models import (
    ActionPoint,
    Answer,
    AnswerKind,
    Challenge,
    Organisation,
    OwnPicture,
    OwnQuestionnaire,
    Photo,
    SelfAssessment,
    Service,
    User,
    utcnow,
)
from app.respond import journey
from helpers.app import sign_in_as


def token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    return match.group(1) if match else ""


def signed_in(app: Flask, email: str) -> FlaskClient:
    """A client signed in as ``email`` (one of tests/helpers/app.py's accounts)."""
    client = app.test_client()
    result = sign_in_as(client, email)
    assert result.status_code == 302, (email, result.status_code)
    return client


def written_answer(app: Flask, words: str, *, alert: bool) -> int:
    """A respondent at Oak House writes ``words`` in "anything else"; the answer's id.

    ``alert``: whether those words must raise a safeguarding alert (checked).
    """
    form = app.extensions["easyvoice.surveys"].questionnaires["your-support"]
    with app.app_context():
        oak = db.session.scalars(select(Service).where(Service.name == "Oak House")).one()
        response = journey.start_response(
            db.session,
            questionnaire=form,
            service=oak,
            client_id=secrets.token_hex(16),
            answered_by="self",
            language="en_GB",
        )
        db.session.flush()
        given = journey.Given(AnswerKind.TEXT, text=words)
        answer = journey.record_answer(
            db.session, response, journey.ANYTHING_ELSE, given, secrets.token_hex(8)
        )
        raised = safeguarding.check_answer(db.session, response, None, journey.ANYTHING_ELSE, given)
        assert bool(raised) == alert
        db.session.commit()
        return answer.id


def open_visit(app: Flask, expert: FlaskClient, service: str = "Oak House") -> int:
    """The signed-in expert plans a visit to ``service`` today and opens it; its id."""
    with app.app_context():
        service_id = db.session.scalars(select(Service.id).where(Service.name == service)).one()
    page = expert.get("/visits/plan").get_data(as_text=True)
    planned = expert.post(
        "/visits/plan",
        data={
            "csrf_token": token(page),
            "service": service_id,
            "visit_date": date.today().isoformat(),
            "questionnaires": ["your-support"],
            "co_checker": "",
            "supporter_name": "Sam",
        },
    )
    assert planned.status_code == 302, planned.status_code
    visit_id = int(planned.headers["Location"].rsplit("/", 1)[1])
    page = expert.get(f"/visits/{visit_id}").get_data(as_text=True)
    assert expert.post(f"/visits/{visit_id}/open", data={"csrf_token": token(page)}).status_code == 302
    return visit_id


def add_photo(expert: FlaskClient, visit_id: int) -> None:
    """The expert adds one small photo of the kitchen to the visit."""
    picture = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(picture, format="JPEG")
    page = expert.get(f"/visits/{visit_id}/photos").get_data(as_text=True)
    sent = expert.post(
        f"/visits/{visit_id}/photos",
        content_type="multipart/form-data",
        data={
            "csrf_token": token(page),
            "photo": (io.BytesIO(picture.getvalue()), "kitchen.jpg"),
            "caption": "The kitchen",
            "no_people": "y",
        },
    )
    assert sent.status_code == 302, sent.status_code


def build_world(app: Flask) -> dict[str, Any]:
    """Everything a URL argument can name, made for real; argument name -> value."""
    expert = signed_in(app, "expert@demo.example")
    visit_id = open_visit(app, expert)
    add_photo(expert, visit_id)
    with app.app_context():
        oak = db.session.scalars(select(Service).where(Service.name == "Oak House")).one()
        oak_id, oak_code = oak.id, oak.code

    lead = signed_in(app, "quality_lead@demo.example")
    page = lead.get("/provider/assessments").get_data(as_text=True)
    started = lead.post("/provider/assessments", data={"csrf_token": token(page), "period": utcnow().year})
    assert started.status_code == 302, started.status_code
    draft_id = int(started.headers["Location"].rstrip("/").rsplit("/", 1)[1])

    copied = lead.post("/provider/questionnaires/copy/your-support", data={"csrf_token": token(page)})
    assert copied.status_code == 303, copied.status_code
    with app.app_context():
        own_id = db.session.scalars(select(OwnQuestionnaire.id)).one()
    published_own = lead.post(
        f"/provider/questionnaires/{own_id}/publish", data={"csrf_token": token(page), "confirm": "yes"}
    )
    assert published_own.status_code == 303, published_own.status_code

    # an own picture (its page, its file)
    pictures_page = lead.get("/editor/pictures").get_data(as_text=True)
    picture = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(picture, format="PNG")
    kept = lead.post(
        "/editor/pictures",
        data={
            "csrf_token": token(pictures_page),
            "name": "front-door",
            "alt_text": "Our front door",
            "picture": (io.BytesIO(picture.getvalue()), "door.png"),
        },
        content_type="multipart/form-data",
    )
    assert kept.status_code == 303, kept.status_code
    with app.app_context():
        digest = db.session.scalars(select(OwnPicture.digest)).one()

    disclosure = written_answer(app, "Someone hurt me at night", alert=True)
    quotable = written_answer(app, "I like going to the park with my friends", alert=False)
    with app.app_context():
        demo = db.session.scalars(select(Organisation).where(Organisation.slug == "demo")).one()
        draft = db.session.get(SelfAssessment, draft_id)
        action = ActionPoint(
            what="Ask people about trips", who="The manager", by_when=date.today() + timedelta(days=60)
        )
        draft.entries[0].actions.append(action)
        now = utcnow()
        published = SelfAssessment(
            organisation_id=demo.id,
            period=now.year - 1,
            status="published",
            published_at=now,
            snapshot={"period": now.year - 1, "sections": {}},
        )
        db.session.add(published)
        db.session.flush()
        challenge = Challenge(
            self_assessment_id=published.id,
            received_at=now,
            due_at=now + timedelta(weeks=4),
            what="You say people choose.",
            relation="family",
        )
        db.session.add(challenge)
        alert = safeguarding.alert_for_response(db.session, db.session.get(Answer, disclosure).response_id)
        expert_user = db.session.scalars(select(User).where(User.email == "expert@demo.example")).one()
        photo_id = db.session.scalars(select(Photo.id)).one()
        db.session.commit()
        return {
            "visit_id": visit_id,
            "number": 1,
            "section_id": "1",
            "step": "helped",
            "assessment_id": draft_id,
            "published_id": published.id,
            "action_id": action.id,
            "ref": draft.entries[0].section_ref,
            "answer_id": quotable,
            "alert_id": alert.id,
            "challenge_id": challenge.id,
            "user_id": expert_user.id,
            "org_id": demo.id,
            "organisation_id": demo.id,
            "service_id": oak_id,
            "code": oak_code,
            "org_slug": "demo",
            "slug": "your-support",
            "photo_id": photo_id,
            "own_id": own_id,
            "question_id": "listened",
            "name": "front-door",  # an own picture's (and so an audio or symbol name: not found)
            "digest": digest,  # a question of the own questionnaire (a copy of your-support)
            "template_id": "your-support",
            "locale": "cy",  # a shipped catalog's language (the editor's translations page)
        }


def world_url(app: Flask, rule: Rule, world: dict[str, Any]) -> str:
    """``rule``'s URL with the world's things in it (a published self-assessment on public pages)."""
    args: dict[str, object] = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        if name == "assessment_id" and rule.endpoint.startswith("public."):
            args[name] = world["published_id"]
        elif name == "step" and rule.endpoint == "respond.setting":  # a settings screen
            args[name] = "who"
        elif hasattr(converter, "items"):  # any(...): the first choice
            args[name] = sorted(converter.items)[0]
        elif name in world:
            args[name] = world[name]
        else:
            args[name] = 1 if isinstance(converter, IntegerConverter) else "x"
    return rule.build(args, append_unknown=False)[1]
