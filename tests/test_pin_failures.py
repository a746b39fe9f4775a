"""PINs cannot be guessed across visits (issue 9, item 6): wrong PINs are counted per account,
over every visit's handovers and the co-checker's signature; the 10th in a row locks the PIN (not
the password), is audited and shown to the admin; a password sign-in or the admin unlocks it.

Failed on the old code: each handover got 5 fresh tries and each visit 5 co-signing tries, so
after 10 wrong PINs the right one still gave the tablet back (and the new names did not exist).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from helpers.app import PASSWORD, add_users, sign_in_as
from helpers.migrations import empty_database, migrate
from helpers.visit_steps import (
    add_expert,
    check_section,
    give_back,
    hand_over,
    handovers,
    open_visit,
    plan_visit,
    post,
    sign,
    signed_in,
    token_in,
)
from sqlalchemy import Engine, select

from app.audit import Actor
from app.auth.accounts import PIN_LOCK_AFTER, check_pin_counted, create_user
from app.db import db
from app.models import AuditEvent, Organisation, User, Verification

VICTIM = "expert@demo.example"  # PIN 1234 (helpers.app.add_users)
LOCKED_TEXT = "Your pin number is locked. Sign in with your password, or ask your admin."


def pin_state(app: Flask, email: str = VICTIM) -> tuple[int, bool]:
    """(wrong PINs in a row, locked?) as the database has them, read afresh."""
    with app.app_context():
        user = db.session.scalars(select(User).where(User.email == email)).one()
        return user.pin_failures, user.pin_locked_at is not None


def post_pin(tablet: FlaskClient, pin: str) -> object:
    """Post a PIN to the give-back page also when it shows no form (a token from another page)."""
    token = token_in(tablet.get("/settings").get_data(as_text=True))
    return tablet.post("/visits/give-back", data={"csrf_token": token, "pin": pin})


def user_id(app: Flask, email: str = VICTIM) -> int:
    with app.app_context():
        return db.session.scalars(select(User.id).where(User.email == email)).one()


def new_visit(client: FlaskClient, app: Flask, co_checker: int | None = None) -> int:
    visit_id = plan_visit(client, app, co_checker=co_checker)
    open_visit(client, visit_id)
    return visit_id


def audit_rows(app: Flask, action: str) -> list[AuditEvent]:
    with app.app_context():
        return list(
            db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))
        )


def lock_by_service(app: Flask, email: str = VICTIM) -> None:
    """10 wrong PINs through the one service function, each try in a request-like rollback."""
    with app.app_context():
        user = db.session.scalars(select(User).where(User.email == email)).one()
        for _ in range(PIN_LOCK_AFTER):
            check_pin_counted(db.session, user, "0000", Actor())
            db.session.rollback()
    assert pin_state(app, email) == (PIN_LOCK_AFTER, True)


def test_ten_wrong_pins_over_three_visits_and_a_co_signature_lock_the_pin(app: Flask) -> None:
    add_users(app)
    victim = user_id(app)
    add_expert(app, "colleague@demo.example", pin="4321")
    tablet = signed_in(app)  # the victim's own tablet

    # Visit 1: 5 wrong PINs lock this handover (its own lock still holds: 429, even when right).
    visit_1 = new_visit(tablet, app)
    hand_over(tablet, visit_1)
    for _ in range(5):
        assert give_back(tablet, "0000").status_code in (401, 429)
    # The handover's own lock: even the right PIN is not checked (the form is gone; post anyway).
    assert post_pin(tablet, "1234").status_code == 429
    assert handovers(app)[0].failed_pins == 5 and handovers(app)[0].locked_at is not None
    assert pin_state(app) == (5, False)
    # The victim signs in (ends the handover); the count is for the account and stays.
    assert sign_in_as(tablet, VICTIM).status_code == 302
    assert pin_state(app) == (5, False)

    # Visit 2: 2 wrong PINs, then a sign-in again. Visit 3: 2 wrong, left handed over.
    visit_2 = new_visit(tablet, app)
    hand_over(tablet, visit_2)
    for tries_left in (4, 3):
        wrong = give_back(tablet, "0000")
        html = wrong.get_data(as_text=True)
        assert wrong.status_code == 401 and f"You can try {tries_left} more time" in html
    assert sign_in_as(tablet, VICTIM).status_code == 302
    visit_3 = new_visit(tablet, app)
    hand_over(tablet, visit_3)
    for _ in range(2):
        assert give_back(tablet, "0000").status_code == 401
    assert pin_state(app) == (9, False)

    # A colleague's visit with the victim as co-checker: the 10th wrong PIN locks it.
    colleague = signed_in(app, "colleague@demo.example")
    visit_4 = new_visit(colleague, app, co_checker=victim)
    check_section(colleague, visit_4)
    tenth = sign(colleague, visit_4, co_pin="0000")
    assert tenth.status_code == 403 and LOCKED_TEXT in tenth.get_data(as_text=True)
    assert pin_state(app) == (10, True)

    # Now the right PIN is refused everywhere: the give-back page and the co-signature.
    refused = post_pin(tablet, "1234")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 403 and LOCKED_TEXT in html
    page = tablet.get("/visits/give-back").get_data(as_text=True)
    assert LOCKED_TEXT in page and 'name="pin"' not in page and "Sign in" in page
    assert handovers(app)[2].ended_at is None  # still handed over
    right = sign(colleague, visit_4, co_pin="1234")
    assert right.status_code == 403 and LOCKED_TEXT in right.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(Verification)).one().signed_at is None
    assert pin_state(app) == (10, True)  # a locked PIN is not even checked: nothing more counted

    # The admin is told: one audit event, the users page and the admin home.
    locked = audit_rows(app, "user.pin_locked")
    assert len(locked) == 1 and locked[0].object_id == str(victim)
    assert locked[0].detail["failures"] == 10 and locked[0].detail["via"] == "co_sign"
    assert locked[0].organisation_id is not None
    # Every refused try is in the audit trail, though each page answered with an error.
    assert len(audit_rows(app, "handover.pin_wrong")) == 5 + 1 + 2 + 2 + 1
    assert len(audit_rows(app, "verification.co_pin_wrong")) == 2
    admin = signed_in(app, "admin@demo.example")
    home = admin.get("/admin/").get_data(as_text=True)
    assert "1 PIN is locked after 10 wrong tries in a row." in home and VICTIM in home
    users = admin.get("/admin/users").get_data(as_text=True)
    assert "PIN locked" in users and f"/admin/users/{victim}/unlock-pin" in users

    # The password still works, and signing in with it unlocks the PIN.
    assert sign_in_as(tablet, VICTIM).headers["Location"] == "/visits/"
    assert pin_state(app) == (0, False)
    assert handovers(app)[2].end_reason == "sign_in"
    assert "PIN locked" not in admin.get("/admin/users").get_data(as_text=True)
    hand_over(tablet, visit_3)
    back = give_back(tablet, "1234")
    assert back.status_code == 302 and back.headers["Location"] == f"/visits/{visit_3}"
    assert sign(colleague, visit_4, co_pin="1234").status_code == 302


def test_the_count_survives_the_rollback_of_a_refused_request(app: Flask) -> None:
    """The wrong-PIN page answers 401 and its request rolls back; the counts stay."""
    add_users(app)
    tablet = signed_in(app)
    visit_id = new_visit(tablet, app)
    hand_over(tablet, visit_id)
    assert give_back(tablet, "0000").status_code == 401
    assert pin_state(app) == (1, False) and handovers(app)[0].failed_pins == 1
    # The service on its own: the session's work is rolled back, the count is not.
    with app.app_context():
        user = db.session.scalars(select(User).where(User.email == VICTIM)).one()
        check = check_pin_counted(db.session, user, "0000", Actor())
        assert (check.ok, check.wrong, check.failures) == (False, True, 2)
        db.session.add(AuditEvent(action="test.rolled_back", detail={}))
        db.session.flush()
        db.session.rollback()
        if db.engine.dialect.name == "sqlite":
            # After the request wrote, a second connection would wait for SQLite's write lock:
            # the helper says so at once instead.
            db.session.add(AuditEvent(action="test.rolled_back", detail={}))
            db.session.flush()
            with pytest.raises(RuntimeError, match="before the request"):
                check_pin_counted(db.session, user, "0000", Actor())
            db.session.rollback()
    assert pin_state(app) == (2, False)
    assert audit_rows(app, "test.rolled_back") == []


def test_a_right_pin_clears_the_count_so_only_ten_in_a_row_lock(app: Flask) -> None:
    add_users(app)
    with app.app_context():
        user = db.session.scalars(select(User).where(User.email == VICTIM)).one()
        for _ in range(PIN_LOCK_AFTER - 1):
            assert not check_pin_counted(db.session, user, "0000", Actor()).ok
        assert check_pin_counted(db.session, user, "1234", Actor()).ok
        assert user.pin_failures == 0
        for _ in range(PIN_LOCK_AFTER - 1):
            assert not check_pin_counted(db.session, user, "0000", Actor()).locked
        last = check_pin_counted(db.session, user, "0000", Actor())
        assert (last.wrong, last.locked, last.just_locked) == (True, True, True)
        again = check_pin_counted(db.session, user, "1234", Actor())  # right, but locked
        assert (again.ok, again.wrong, again.locked) == (False, False, True)
        db.session.commit()
    assert pin_state(app) == (10, True)


def test_the_admin_unlocks_and_another_organisations_admin_cannot(app: Flask) -> None:
    add_users(app)
    victim = user_id(app)
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
    lock_by_service(app)

    stranger = signed_in(app, "admin@other.example")
    assert VICTIM not in stranger.get("/admin/").get_data(as_text=True)
    refused = post(stranger, f"/admin/users/{victim}/unlock-pin", "/admin/users")
    assert refused.status_code == 404
    assert pin_state(app) == (10, True)

    admin = signed_in(app, "admin@demo.example")
    done = post(admin, f"/admin/users/{victim}/unlock-pin", "/admin/users")
    assert done.status_code == 302 and pin_state(app) == (0, False)
    unlocked = audit_rows(app, "user.pin_unlocked")
    assert len(unlocked) == 1 and unlocked[0].object_id == str(victim)

    # Setting a new PIN on the users page opens a locked PIN too.
    lock_by_service(app)
    changed = post(admin, f"/admin/users/{victim}", "/admin/users", role="expert", active="y", pin="5678")
    assert changed.status_code == 302 and pin_state(app) == (0, False)
    assert audit_rows(app, "user.change")[-1].detail["changes"]["pin_locked"] == [True, False]


# -- the migration ---------------------------------------------------------------------------------
@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    yield from empty_database(tmp_path)


def test_the_migration_keeps_every_user_and_starts_them_unlocked(engine: Engine) -> None:
    migrate(engine, "0009_merge_round_two")
    meta = sa.MetaData()
    meta.reflect(engine)
    with engine.begin() as connection:
        org = connection.execute(
            meta.tables["organisation"].insert().values(name="Old Care", slug="old", suppression_threshold=5)
        ).inserted_primary_key[0]
        connection.execute(
            meta.tables["user_account"]
            .insert()
            .values(
                organisation_id=org,
                email="old@old.example",
                name="Old",
                role="expert",
                password_hash="x",  # noqa: S106  (stand-in hashes)
                pin_hash="y",
                active=True,
                failed_sign_ins=2,
                session_generation=3,
                created_at=datetime(2024, 5, 1, 9, 0, tzinfo=UTC),
            )
        )
    migrate(engine, "0011_pin_failures")
    with engine.connect() as connection:
        row = connection.execute(
            sa.text(
                "SELECT email, pin_hash, failed_sign_ins, session_generation, pin_failures, pin_locked_at"
                " FROM user_account"
            )
        ).one()
    assert tuple(row) == ("old@old.example", "y", 2, 3, 0, None)
    migrate(engine, "0009_merge_round_two", down=True)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT email FROM user_account")).scalar() == "old@old.example"
