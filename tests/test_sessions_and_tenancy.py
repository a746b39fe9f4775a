"""Sessions end when they should (issue 9, item 2) and admins manage their own organisation only,
while a site operator made by the command line manages organisations (issue 9, item 3)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers.app import PASSWORD, add_users, make_app, sign_in_as
from sqlalchemy import create_engine, select, text

from app.auth.accounts import create_user
from app.db import db
from app.models import AuditEvent, Organisation, Role, Service, User

RAW_CSV = "/provider/download/answers.csv"  # app/provider/downloads.py: raw_csv
NEW_PASSWORD = "a brand new password"  # noqa: S105  (test-only)


@pytest.fixture
def tenancy_app(tmp_path: Path) -> Flask:
    """Two organisations ("demo" and "other"), each with an admin; CSRF off to post forms by hand."""
    app = make_app(tmp_path, WTF_CSRF_ENABLED=False)
    add_users(app)
    with app.app_context():
        other = db.session.scalars(select(Organisation).where(Organisation.slug == "other")).one()
        create_user(
            db.session,
            organisation=other,
            email="admin@other.example",
            name="Other admin",
            role="admin",
            password=PASSWORD,
        )
        db.session.commit()
    return app


def signed_in(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    assert sign_in_as(client, email).status_code == 302, email
    return client


def user(app: Flask, email: str) -> User:
    with app.app_context():
        return db.session.scalars(select(User).where(User.email == email)).one()


def copy_of(app: Flask, client: FlaskClient) -> FlaskClient:
    """Another browser holding a copy of ``client``'s session cookie (as an attacker would)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def to_sign_in(result) -> bool:  # type: ignore[no-untyped-def]
    return result.status_code == 302 and "/auth/sign-in" in result.headers["Location"]


def change_user(admin: FlaskClient, app: Flask, email: str, **fields: str) -> object:
    target = user(app, email)
    data = {"role": target.role.value, "active": "y" if target.active else "", **fields}
    return admin.post(f"/admin/users/{target.id}", data={k: v for k, v in data.items() if v != ""})


# -- sessions end when they should ---------------------------------------------------------------


def test_a_copied_cookie_stops_working_after_sign_out(tenancy_app: Flask) -> None:
    """Failed on the old code: the copy still downloaded the raw answers (200) after sign-out."""
    lead = signed_in(tenancy_app, "quality_lead@demo.example")
    thief = copy_of(tenancy_app, lead)
    assert thief.get(RAW_CSV).status_code == 200  # the copy works while the user is signed in
    assert lead.post("/auth/sign-out").status_code == 302
    assert to_sign_in(thief.get(RAW_CSV))
    assert to_sign_in(thief.get("/provider/"))
    # and the sign-in cannot come back by signing in again elsewhere: the old number is gone
    signed_in(tenancy_app, "quality_lead@demo.example")
    assert to_sign_in(thief.get(RAW_CSV))


def test_a_new_password_ends_the_old_sessions(tenancy_app: Flask) -> None:
    """Failed on the old code: after an admin set a new password the old session opened /provider/."""
    lead = signed_in(tenancy_app, "quality_lead@demo.example")
    assert lead.get("/provider/").status_code == 200
    admin = signed_in(tenancy_app, "admin@demo.example")
    assert (
        change_user(admin, tenancy_app, "quality_lead@demo.example", password=NEW_PASSWORD).status_code == 302
    )
    assert to_sign_in(lead.get("/provider/"))
    assert sign_in_as(tenancy_app.test_client(), "quality_lead@demo.example", NEW_PASSWORD).status_code == 302
    assert admin.get("/admin/users").status_code == 200  # the admin's own session goes on


def test_switching_a_user_off_ends_their_session_for_good(tenancy_app: Flask) -> None:
    """The old code refused a switched-off user while off, but switching them back on revived
    the old cookie (it failed on the last check). Now the session has ended."""
    lead = signed_in(tenancy_app, "quality_lead@demo.example")
    admin = signed_in(tenancy_app, "admin@demo.example")
    assert change_user(admin, tenancy_app, "quality_lead@demo.example", active="").status_code == 302
    assert not user(tenancy_app, "quality_lead@demo.example").active
    assert to_sign_in(lead.get("/provider/"))
    assert change_user(admin, tenancy_app, "quality_lead@demo.example", active="y").status_code == 302
    assert to_sign_in(lead.get("/provider/"))


def test_a_new_role_or_pin_ends_the_old_sessions(tenancy_app: Flask) -> None:
    admin = signed_in(tenancy_app, "admin@demo.example")
    expert = signed_in(tenancy_app, "expert@demo.example")
    assert change_user(admin, tenancy_app, "expert@demo.example", pin="9876").status_code == 302
    assert to_sign_in(expert.get("/visits/"))
    viewer = signed_in(tenancy_app, "viewer@demo.example")
    assert change_user(admin, tenancy_app, "viewer@demo.example", role="quality_lead").status_code == 302
    assert to_sign_in(viewer.get("/provider/"))


def test_sign_out_everywhere(tenancy_app: Flask) -> None:
    """Failed on the old code: there was no such button (404), and the other session lived on."""
    tablet = signed_in(tenancy_app, "expert@demo.example")
    laptop = signed_in(tenancy_app, "expert@demo.example")
    page = laptop.get("/auth/account")
    assert page.status_code == 200 and "Sign out everywhere" in page.get_data(as_text=True)
    result = laptop.post("/auth/sign-out-everywhere")
    assert to_sign_in(result)
    assert "signed out on every tablet and computer" in laptop.get("/auth/sign-in").get_data(as_text=True)
    assert to_sign_in(tablet.get("/visits/")) and to_sign_in(laptop.get("/visits/"))
    # an admin can do it for a user of their organisation (a lost tablet)
    tablet = signed_in(tenancy_app, "expert@demo.example")
    admin = signed_in(tenancy_app, "admin@demo.example")
    expert_id = user(tenancy_app, "expert@demo.example").id
    assert admin.post(f"/admin/users/{expert_id}/sign-out").status_code == 302
    assert to_sign_in(tablet.get("/visits/"))
    with tenancy_app.app_context():
        actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"auth.sign_out_everywhere", "user.sign_out_everywhere"} <= actions


def test_sessions_from_before_the_upgrade_end_once(tenancy_app: Flask) -> None:
    """A cookie without the session number (made before migration 0008) counts as signed out."""
    lead = signed_in(tenancy_app, "quality_lead@demo.example")
    with lead.session_transaction() as session:
        del session["gen"]
    assert to_sign_in(lead.get("/provider/"))


# -- admins manage their own organisation only ---------------------------------------------------


def test_an_admin_of_another_organisation_cannot_touch_ours(tenancy_app: Flask) -> None:
    """Failed on the old code: the other admin set a password on our lead (302), signed in as
    them, and read our raw answers with ?org=demo."""
    intruder = signed_in(tenancy_app, "admin@other.example")
    lead = user(tenancy_app, "quality_lead@demo.example")
    result = intruder.post(
        f"/admin/users/{lead.id}", data={"role": "quality_lead", "active": "y", "password": NEW_PASSWORD}
    )
    assert result.status_code == 404 and "We cannot find this page" in result.get_data(as_text=True)
    assert sign_in_as(tenancy_app.test_client(), lead.email, NEW_PASSWORD).status_code == 401
    assert intruder.post(f"/admin/users/{lead.id}/sign-out").status_code == 404
    assert intruder.get(f"{RAW_CSV}?org=demo").status_code == 404
    assert intruder.get("/provider/?org=demo").status_code == 404
    with tenancy_app.app_context():
        oak = db.session.scalars(select(Service).where(Service.name == "Oak House")).one()
        demo_id = oak.organisation_id
    assert intruder.post(f"/admin/services/{oak.id}", data={"name": "Mine now"}).status_code == 404
    assert (
        intruder.post(
            f"/admin/organisations/{demo_id}", data={"name": "Mine", "suppression_threshold": "1"}
        ).status_code
        == 404
    )
    # nor can they add a user or a service to our organisation
    assert (
        intruder.post(
            "/admin/users",
            data={
                "organisation_id": demo_id,
                "email": "spy@x.example",
                "name": "Spy",
                "role": "admin",
                "password": NEW_PASSWORD,
            },
        ).status_code
        == 400
    )
    assert (
        intruder.post("/admin/services", data={"organisation_id": demo_id, "name": "Spy house"}).status_code
        == 400
    )
    # and our people, services and audit trail are not on their pages
    for url in ("/admin/users", "/admin/services", "/admin/organisations", "/admin/audit"):
        page = intruder.get(url).get_data(as_text=True)
        assert "quality_lead@demo.example" not in page and "Oak House" not in page, url
        assert "Demo Care" not in page or url == "/admin/audit", url
    with tenancy_app.app_context():
        assert db.session.get(Service, oak.id).name == "Oak House"
        assert db.session.scalar(select(User).where(User.email == "spy@x.example")) is None


def test_an_admin_still_manages_their_own_organisation(tenancy_app: Flask) -> None:
    admin = signed_in(tenancy_app, "admin@other.example")
    lead = user(tenancy_app, "lead@other.example")
    assert (
        admin.post(
            f"/admin/users/{lead.id}", data={"role": "quality_lead", "active": "y", "password": NEW_PASSWORD}
        ).status_code
        == 302
    )
    assert sign_in_as(tenancy_app.test_client(), lead.email, NEW_PASSWORD).status_code == 302
    assert admin.get(f"{RAW_CSV}?org=other").status_code == 200
    assert "Elm Court" in admin.get("/admin/services").get_data(as_text=True)
    # but adding organisations is the site operator's job
    assert (
        admin.post(
            "/admin/organisations", data={"name": "New", "slug": "new", "suppression_threshold": "5"}
        ).status_code
        == 403
    )


def test_the_admin_pages_cannot_make_an_operator(tenancy_app: Flask) -> None:
    """Failed on the old code: there was no operator role; now no admin page can give it."""
    for email in ("admin@demo.example", "operator@demo.example"):
        client = signed_in(tenancy_app, email)
        with tenancy_app.app_context():
            demo_id = db.session.scalars(select(Organisation.id).where(Organisation.slug == "demo")).one()
        result = client.post(
            "/admin/users",
            data={
                "organisation_id": demo_id,
                "email": "op2@x.example",
                "name": "Op",
                "role": "operator",
                "password": NEW_PASSWORD,
            },
        )
        assert result.status_code == 400, email
        assert change_user(client, tenancy_app, "viewer@demo.example", role="operator").status_code == 400, (
            email
        )
        assert "operator" not in [
            o
            for o in client.get("/admin/users").get_data(as_text=True).split('<option value="')[1:]
            if o.startswith("operator")
        ]
    assert user(tenancy_app, "viewer@demo.example").role == Role.VIEWER
    with tenancy_app.app_context():
        assert db.session.scalar(select(User).where(User.email == "op2@x.example")) is None
    # an organisation's admin cannot see or change the operator's account either
    admin = signed_in(tenancy_app, "admin@demo.example")
    operator = user(tenancy_app, "operator@demo.example")
    assert "operator@demo.example" not in admin.get("/admin/users").get_data(as_text=True)
    assert (
        admin.post(
            f"/admin/users/{operator.id}", data={"role": "operator", "active": "y", "password": NEW_PASSWORD}
        ).status_code
        == 404
    )


def test_an_operator_made_by_the_command_line_manages_organisations(tenancy_app: Flask) -> None:
    """Failed on the old code: "operator" was not a role `flask create-user` knew."""
    result = tenancy_app.test_cli_runner().invoke(
        args=[
            "create-user",
            "--email",
            "ops@host.example",
            "--name",
            "Ops",
            "--role",
            "operator",
            "--organisation",
            "demo",
        ],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    ops = signed_in(tenancy_app, "ops@host.example")
    page = ops.get("/admin/organisations").get_data(as_text=True)
    assert "Demo Care" in page and "Other Care" in page and "Add an organisation" in page
    assert (
        ops.post(
            "/admin/organisations",
            data={"name": "Birch Trust", "slug": "birch", "suppression_threshold": "5"},
        ).status_code
        == 302
    )
    with tenancy_app.app_context():
        birch = db.session.scalars(select(Organisation).where(Organisation.slug == "birch")).one()
        other = db.session.scalars(select(Organisation).where(Organisation.slug == "other")).one()
    assert (
        ops.post(
            f"/admin/organisations/{other.id}", data={"name": "Other Care Ltd", "suppression_threshold": "10"}
        ).status_code
        == 302
    )
    assert (
        ops.post(
            "/admin/users",
            data={
                "organisation_id": birch.id,
                "email": "admin@birch.example",
                "name": "Birch admin",
                "role": "admin",
                "password": NEW_PASSWORD,
            },
        ).status_code
        == 302
    )
    users_page = ops.get("/admin/users").get_data(as_text=True)
    assert "admin@birch.example" in users_page and "lead@other.example" in users_page
    # the new organisation's admin sees their organisation only
    birch_admin = tenancy_app.test_client()
    assert sign_in_as(birch_admin, "admin@birch.example", NEW_PASSWORD).status_code == 302
    assert "Other Care" not in birch_admin.get("/admin/organisations").get_data(as_text=True)
    # an operator manages organisations; reading answers is not part of it
    assert ops.get("/provider/").status_code == 403
    assert ops.get(RAW_CSV).status_code == 403


# -- the migration keeps every user ---------------------------------------------------------------


def test_migration_0008_keeps_users_and_gives_them_0(tmp_path: Path) -> None:
    from alembic import command
    from helpers.app import POSTGRES_SERVER, fresh_database_url

    from app.db import alembic_config

    url = fresh_database_url(tmp_path)
    engine = create_engine(url)
    config = alembic_config(engine)
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "0004")
            connection.execute(
                text(
                    "INSERT INTO organisation (name, slug, suppression_threshold) "
                    "VALUES ('Old Care', 'old', 5)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO user_account (organisation_id, email, name, role, password_hash, active, "
                    "failed_sign_ins, created_at) SELECT id, 'old@old.example', 'Old', 'admin', 'x', true, "
                    "2, CURRENT_TIMESTAMP FROM organisation WHERE slug = 'old'"
                )
            )
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "heads")
            row = connection.execute(
                text("SELECT email, role, failed_sign_ins, session_generation FROM user_account")
            ).one()
        assert tuple(row) == ("old@old.example", "admin", 2, 0)
    finally:
        engine.dispose()
        if POSTGRES_SERVER:
            admin = create_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{engine.url.database}" WITH (FORCE)'))
            admin.dispose()
