"""Walk the whole URL map as an anonymous visitor, as each role (the site operator too) and as an
admin of a second organisation: every area is closed to the wrong people (a redirect to sign in,
or an easy-read 403 page), and another organisation's ids answer 404."""

from __future__ import annotations

import pytest
from flask import Flask
from helpers.app import ROLES, add_users, make_app, sign_in_as
from helpers.routes import all_routes
from werkzeug.routing import IntegerConverter

OPEN_BLUEPRINTS = {"respond", "public", "auth", "health"}  # health: the load balancer's check


@pytest.fixture
def open_app(tmp_path) -> Flask:
    app = make_app(tmp_path, WTF_CSRF_ENABLED=False)  # reach the role check on posts too
    add_users(app)
    return app


def closed(app: Flask) -> list[tuple[str, str, str]]:
    """The routes behind a sign-in; those that end sessions (sign a user out) come last."""
    routes = [r for r in all_routes(app) if r[0].split(".")[0] not in OPEN_BLUEPRINTS]
    return sorted(routes, key=lambda r: "sign_out" in r[0])


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


def with_ids(app: Flask) -> list[tuple[str, str, str]]:
    """Closed routes with an id in them (the sample id 1 names the demo organisation's things)."""
    return [
        r
        for r in closed(app)
        if any(
            isinstance(c, IntegerConverter)
            for rule in app.url_map.iter_rules(r[0])
            for c in rule._converters.values()
        )
    ]


def test_an_admin_of_another_organisation_gets_404_for_every_id(open_app: Flask) -> None:
    """Id 1 is the demo organisation's (organisation 1, its first service and first user): its own
    admin reaches those pages, and an admin of "other" is told they do not exist."""
    from helpers.app import PASSWORD

    from app.auth.accounts import create_user
    from app.db import db
    from app.models import Organisation

    with open_app.app_context():
        other = db.session.query(Organisation).filter_by(slug="other").one()
        create_user(
            db.session,
            organisation=other,
            email="admin@other.example",
            name="Other admin",
            role="admin",
            password=PASSWORD,
        )
        db.session.commit()
    routes = with_ids(open_app)
    assert any(e.startswith("admin.") for e, _m, _u in routes)
    own, foreign = open_app.test_client(), open_app.test_client()
    assert sign_in_as(own, "admin@demo.example").status_code == 302
    assert sign_in_as(foreign, "admin@other.example").status_code == 302
    for endpoint, method, url in routes:
        if "admin" not in {r.value for r in open_app.view_functions[endpoint].roles}:
            continue
        result = foreign.open(url, method=method)
        assert result.status_code == 404, (endpoint, method, result.status_code)
        if endpoint.startswith("admin."):
            assert own.open(url, method=method).status_code != 404, endpoint


@pytest.mark.parametrize("role", ["admin", "quality_lead", "expert", "viewer"])
def test_every_role_of_another_organisation_gets_404_for_every_real_id(tmp_path, role: str) -> None:
    """Organisation 1 holds one real thing of each kind (tests/helpers/world.py). For every closed
    route with an id that ``role`` may open, the same role in organisation 2 is told it does not
    exist, while organisation 1's own user of that role reaches the page (GET)."""
    from helpers.app import PASSWORD
    from helpers.world import build_world, signed_in, world_url

    from app.auth.accounts import create_user
    from app.db import db
    from app.models import Organisation

    app = make_app(tmp_path, WTF_CSRF_ENABLED=False)
    add_users(app)
    world = build_world(app)
    with app.app_context():
        other = db.session.query(Organisation).filter_by(slug="other").one()
        create_user(
            db.session,
            organisation=other,
            email=f"{role}@other.example",
            name="Stranger",
            role=role,
            password=PASSWORD,
            pin="1234" if role == "expert" else None,
        )
        db.session.commit()
    own, foreign = signed_in(app, f"{role}@demo.example"), signed_in(app, f"{role}@other.example")
    checked = 0
    for rule in app.url_map.iter_rules():
        roles = {r.value for r in getattr(app.view_functions[rule.endpoint], "roles", ())}
        ids = [n for n, c in rule._converters.items() if isinstance(c, IntegerConverter)]
        if role not in roles or not ids or rule.endpoint.split(".")[0] in OPEN_BLUEPRINTS:
            continue
        url = world_url(app, rule, world)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            result = foreign.open(url, method=method)
            assert result.status_code == 404, (role, rule.endpoint, method, result.status_code)
            checked += 1
        if "GET" in (rule.methods or set()):
            assert own.get(url).status_code not in (403, 404), (role, rule.endpoint)
    assert checked >= 3, checked
