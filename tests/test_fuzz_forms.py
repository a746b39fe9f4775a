"""Fuzz every POST route of the URL map with hypothesis: wrong types, huge strings, unicode,
missing and extra fields. Whatever arrives, the answer is never a 500.

Each route is fuzzed on a fresh app holding one real thing of each kind its URL can name (a
visit, a self-assessment, an alert ...: tests/helpers/world.py), signed in as a role the route
allows (or, for the open pages, as a respondent part-way through a questionnaire). The test then
proves the form was reached: at least one reply must come from the view itself, not a redirect to
sign in, a 403 or a 404. (The old version signed in once per module, used up the sign-in limit,
and fuzzed 28 of 40 routes anonymously: they only ever got redirects.)
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers.app import add_users, make_app, service_code, submission_id
from helpers.expert_tablet import enrol_tablet
from helpers.world import build_world, signed_in, token, world_url
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app import create_app
from app.auth.access import SUSPENDED_KEY
from app.db import db
from app.models import User
from app.respond import enrolment

EXAMPLES = 120
OPEN_BLUEPRINTS = {"respond", "public", "auth", "health"}
#: who signs in for a closed route: the first of these that the route allows
ROLE_ORDER = ("expert", "quality_lead", "admin", "operator", "viewer")
#: routes that need no sign-in but are closed to a respondent
ANONYMOUS = {"auth.sign_in"}
#: routes whose view signs the person out: reached when the person is signed out afterwards
SIGNS_OUT = {"auth.sign_out", "auth.sign_out_everywhere"}
#: an expert's picture-and-PIN sign-in: on a tablet enrolled to their organisation, and (to go on
#: after idle) in a session suspended during their open visit (issue 10, item 12)
EXPERT_TABLET = {"auth.pin_sign_in", "auth.resume"}

values = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1000, max_size=20_000),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "1e309",
            "NaN",
            "null",
            "true",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "../../etc/passwd",
            "\x00",
            "happy",
            "sad",
            "yes",
            "skip",
            "nobody",
            "en_GB",
            "admin",
            "operator",
            "on",
            "off",
            "2026-13-45",
            "9999-12-31",
            "\r\nSet-Cookie: x=1",
            "talk",
            "go_on",
            "confirm",
        ]
    ),
)


def _post_rules(app: Flask) -> dict[str, object]:
    return {
        rule.endpoint: rule
        for rule in app.url_map.iter_rules()
        if "POST" in (rule.methods or set()) and rule.endpoint != "static"
    }


# The routes are read from an app made at collection time (no database needed for the URL map):
# a new POST route is fuzzed (and must be reached) without anyone adding it here.
ENDPOINTS = sorted(
    _post_rules(create_app({"TESTING": True, "SECRET_KEY": "collect-only", "DATABASE_URL": "sqlite://"}))
)


def test_every_post_route_is_fuzzed() -> None:
    assert len(ENDPOINTS) >= 30
    assert {
        "respond.question",
        "visits.observe",
        "provider.publish",
        "admin.user_edit",
        "auth.sign_in",
    } <= set(ENDPOINTS)


def _client_for(app: Flask, endpoint: str) -> FlaskClient:
    blueprint = endpoint.split(".")[0]
    if endpoint in ANONYMOUS or blueprint in {"public", "health"}:
        return app.test_client()
    if endpoint in SIGNS_OUT:
        return signed_in(app, "quality_lead@demo.example")
    if endpoint in EXPERT_TABLET:
        return _expert_tablet(app, endpoint)
    if blueprint == "respond":
        client = _respondent(app)
        if endpoint == "respond.told_us":  # that page follows a worrying answer
            _worrying_answer(app, client)
        return client
    allowed = {role.value for role in getattr(app.view_functions[endpoint], "roles", ())}
    role = next(r for r in ROLE_ORDER if r in allowed)
    return signed_in(app, f"{role}@demo.example")


def _expert_tablet(app: Flask, endpoint: str) -> FlaskClient:
    client = app.test_client()
    client.set_cookie(enrolment.COOKIE, enrol_tablet(app))
    if endpoint == "auth.resume":
        with app.app_context():
            expert = db.session.scalars(select(User).where(User.email == "expert@demo.example")).one()
            held = {"uid": expert.id, "gen": expert.session_generation, "next": None}
        with client.session_transaction() as session:
            session[SUSPENDED_KEY] = held
    return client


def _respondent(app: Flask) -> FlaskClient:
    """A tablet part-way through "Your support" (question 1 is next)."""
    client = app.test_client()
    client.get(f"/at/{service_code(app)}")
    assert client.get("/begin/your-support").status_code == 302
    page = client.get("/settings").get_data(as_text=True)
    client.post(
        "/settings",
        data={
            "csrf_token": token(page),
            "who": "self",
            "text": "normal",
            "pictures": "on",
            "contrast": "off",
            "read_aloud": "on",
            "autoplay": "off",
            "locale": "en_GB",
        },
    )
    page = client.get("/consent").get_data(as_text=True)
    started = client.post(
        "/consent", data={"csrf_token": token(page), "submission_id": submission_id(page), "action": "yes"}
    )
    assert started.headers["Location"].endswith("/q/1"), started.status_code
    return client


def _worrying_answer(app: Flask, client: FlaskClient) -> None:
    questions = app.extensions["easyvoice.surveys"].questionnaires["your-support"].questions
    number, question = next(
        (n, q) for n, q in enumerate(questions, start=1) if q.safeguarding and q.type == "faces"
    )
    page = client.get(f"/q/{number}").get_data(as_text=True)
    told = client.post(
        f"/q/{number}", data={"submission_id": submission_id(page), "question": question.id, "answer": "sad"}
    )
    assert "/told-us" in told.headers["Location"], told.headers.get("Location")


def _from_the_view(status: int, location: str) -> bool:
    """Did the view itself answer (its form was read), rather than a guard in front of it?"""
    if status in (403, 404, 405) or status >= 500:
        return False
    if status in (301, 302, 303, 307, 308):
        path = urlsplit(location).path
        return not path.startswith("/auth/sign-in") and path != "/"
    return True


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_form_never_answers_500_and_is_reached(tmp_path, endpoint: str) -> None:
    app = make_app(tmp_path, WTF_CSRF_ENABLED=False, SIGN_IN_LIMIT=100_000)
    add_users(app)
    world = build_world(app)
    url = world_url(app, _post_rules(app)[endpoint], world)
    client = _client_for(app, endpoint)
    page = client.get(url)
    known = (
        sorted(set(re.findall(r'name="([^"]+)"', page.get_data(as_text=True))) - {"csrf_token"})
        if page.status_code == 200
        else []
    )
    names = st.sampled_from(
        known + ["submission_id", "action", "answer", "text", "question", "confirm", "extra_field", "x" * 300]
    )
    reached: list[int] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(st.dictionaries(names, st.one_of(values, st.lists(values, max_size=4)), max_size=8))
    def post(form: dict) -> None:
        result = client.post(url, data=form)
        assert result.status_code < 500, (endpoint, form, result.status_code)
        if _from_the_view(result.status_code, result.headers.get("Location", "")):
            reached.append(result.status_code)

    post()
    if endpoint in SIGNS_OUT:
        after = client.get("/provider/")
        assert after.headers.get("Location", "").startswith("/auth/sign-in"), endpoint
        return
    assert reached, f"{endpoint} ({url}) was never reached: only guards answered"
