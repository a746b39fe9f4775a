"""Fuzz every form endpoint with hypothesis: wrong types, huge strings, unicode, missing and extra
fields. Whatever arrives, the answer is never a 500."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_access_map import OPEN_BLUEPRINTS, all_routes

from app import create_app
from conftest import _made, add_users, drop_database, make_app, sign_in_as
from test_journey_flow import begin

EXAMPLES = 200

values = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1000, max_size=20_000),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.sampled_from(["", "0", "-1", "1e309", "NaN", "null", "true", "<script>alert(1)</script>",
                     "' OR 1=1 --", "../../etc/passwd", "\x00", "happy", "yes", "skip", "nobody",
                     "en_GB", "admin", "on", "off", "2026-13-45"]),
)


def field_names(html: str) -> list[str]:
    return sorted(set(re.findall(r'name="([^"]+)"', html)) - {"csrf_token"})


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory) -> Iterator[Flask]:
    app = make_app(tmp_path_factory.mktemp("fuzz"), WTF_CSRF_ENABLED=False)
    _made.remove(app)  # lives for the whole module, not one test
    add_users(app)
    yield app
    drop_database(app)


def post_routes(app: Flask) -> list[tuple[str, str]]:
    return sorted({(endpoint, url) for endpoint, method, url in all_routes(app) if method == "POST"})


def test_there_are_forms_to_fuzz(fuzz_app: Flask) -> None:
    assert len(post_routes(fuzz_app)) >= 8


# The routes are read from an app made at collection time (no database needed for the URL map).
ENDPOINTS = [e for e, _ in post_routes(create_app({"TESTING": True, "SECRET_KEY": "collect-only",
                                                   "DATABASE_URL": "sqlite://"}))]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_form_never_answers_500(fuzz_app: Flask, endpoint: str) -> None:
    url = dict(post_routes(fuzz_app))[endpoint]
    client = fuzz_app.test_client()
    if endpoint.split(".")[0] in OPEN_BLUEPRINTS:
        begin(client, fuzz_app)  # a respondent part-way through a questionnaire
    else:
        sign_in_as(client, "admin@demo.example")
    page = client.get(url)
    known = field_names(page.get_data(as_text=True)) if page.status_code == 200 else []
    names = st.sampled_from(known + ["submission_id", "action", "answer", "text", "question",
                                     "extra_field", "x" * 300]) if known else st.text(max_size=20)

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(st.dictionaries(names, st.one_of(values, st.lists(values, max_size=4)), max_size=8))
    def post(form: dict) -> None:
        result = client.post(url, data=form)
        assert result.status_code < 500, (endpoint, form, result.status_code)

    post()
