"""Walk the whole URL map as an anonymous visitor and as each role: every area is closed to the
wrong people (a redirect to sign in, or an easy-read 403 page)."""

from __future__ import annotations

import pytest
from flask import Flask
from werkzeug.routing import IntegerConverter

from conftest import ROLES, add_users, make_app, sign_in_as

OPEN_BLUEPRINTS = {"respond", "public", "auth", "health"}  # health: the load balancer's check


def _sample(converter: object) -> object:
    if hasattr(converter, "items"):  # any(...)
        return sorted(converter.items)[0]
    return 1 if isinstance(converter, IntegerConverter) else "x"


def all_routes(app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every rule, with made-up values for its arguments."""
    out = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        values = {arg: _sample(rule._converters[arg]) for arg in rule.arguments}
        url = rule.build(values, append_unknown=False)[1]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            out.append((rule.endpoint, method, url))
    return out


@pytest.fixture
def open_app(tmp_path) -> Flask:
    app = make_app(tmp_path, WTF_CSRF_ENABLED=False)  # reach the role check on posts too
    add_users(app)
    return app


def closed(app: Flask) -> list[tuple[str, str, str]]:
    return [r for r in all_routes(app) if r[0].split(".")[0] not in OPEN_BLUEPRINTS]


def test_every_closed_view_names_its_roles(open_app: Flask) -> None:
    routes = closed(open_app)
    assert routes, "no closed routes found"
    for endpoint, _method, _url in routes:
        assert getattr(open_app.view_functions[endpoint], "roles", None), f"{endpoint} has no roles"


def test_anonymous_visitors_are_sent_to_sign_in(open_app: Flask) -> None:
    client = open_app.test_client()
    for endpoint, method, url in closed(open_app):
        result = client.open(url, method=method)
        assert result.status_code == 302, (endpoint, method, result.status_code)
        assert result.headers["Location"].startswith("/auth/sign-in"), endpoint


@pytest.mark.parametrize("role", ROLES)
def test_each_role_only_opens_its_own_areas(open_app: Flask, role: str) -> None:
    client = open_app.test_client()
    assert sign_in_as(client, f"{role}@demo.example").status_code == 302
    for endpoint, method, url in closed(open_app):
        allowed = role in {r.value for r in open_app.view_functions[endpoint].roles}
        result = client.open(url, method=method)
        if allowed:
            to_sign_in = "/auth/sign-in" in result.headers.get("Location", "")
            assert result.status_code != 403 and not to_sign_in, (role, endpoint, method)
            assert result.status_code < 500, (role, endpoint, method, result.status_code)
        else:
            assert result.status_code == 403, (role, endpoint, method, result.status_code)
            assert "You cannot open this page" in result.get_data(as_text=True)
