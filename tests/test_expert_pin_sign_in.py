"""The picture-and-PIN sign-in for Experts by Experience (issue 10, item 12).

On a tablet enrolled to a service, the sign-in page lists the experts (with a PIN) of that
service's organisation, each with their picture; the PIN goes through the same counted check as a
handover's (10 wrong lock it, even the right one is refused then), and the sign-in is audited. An
unenrolled tablet has only email and password. Idle during an open visit suspends to "Put in your
pin number to go on" for the same expert, which goes on to the page asked for; idle outside a
visit signs out as before.

Failed on the old code: /auth/pin/<id> and /auth/go-on did not exist (404), the sign-in page had
no picture cards, and an idle expert in an open visit was signed out (302 to /auth/sign-in).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from helpers.app import PASSWORD, add_users, make_app, sign_in_as
from helpers.expert_tablet import COOKIE, add_organisation, add_person, enrol_tablet, open_visit, user_row
from sqlalchemy import select

from app.audit import Actor
from app.auth.accounts import PIN_LOCK_AFTER, check_pin_counted
from app.db import db
from app.models import AuditEvent, User

PIN = "2468"


def token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def names_listed(html: str) -> list[str]:
    card = r'class="card expert-card"[^>]*>\s*(?:<img[^>]*>)?\s*<span class="card-text">([^<]+)'
    return re.findall(card, html)


def tablet(app: Flask, service: str = "Oak House") -> FlaskClient:
    client = app.test_client()
    client.set_cookie(COOKIE, enrol_tablet(app, service))
    return client


def type_pin(client: FlaskClient, url: str, pin: str) -> object:
    """Tap the keypad's keys one by one, as the page's submit buttons do (no JavaScript)."""
    page = client.get(url).get_data(as_text=True)
    entered = ""
    result = None
    for key in pin:
        result = client.post(url, data={"csrf_token": token(page), "entered": entered, "key": key})
        page = result.get_data(as_text=True)
        entered += key
        if len(entered) < 4:
            assert result.status_code == 200
            assert f'name="entered" value="{entered}"' in page
    return result


def signed_in_uid(client: FlaskClient) -> object:
    with client.session_transaction() as session:
        return session.get("uid")


def make_idle(client: FlaskClient) -> None:
    with client.session_transaction() as session:
        session["seen"] = int(time.time()) - 21 * 60


def audit_rows(app: Flask, action: str) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def people(app: Flask) -> dict[str, int]:
    add_users(app)  # "Expert" (demo, PIN 1234), "Quality_Lead", "Admin", "Viewer" ...; "Other lead"
    add_organisation(app, "faraway", "Far House")
    return {
        "ann": add_person(app, "ann@demo.example", name="Ann", picture="animal"),
        "bob": add_person(app, "bob@demo.example", name="Bob", pin=None),
        "cat": add_person(app, "cat@demo.example", name="Cat", active=False),
        "lead": add_person(app, "dee@demo.example", name="Dee", role="quality_lead"),
        "eve": add_person(app, "eve@far.example", name="Eve", org_slug="faraway", picture="star"),
    }


def test_a_tablet_lists_only_its_own_organisations_experts_with_a_pin(app: Flask) -> None:
    ids = people(app)
    page = tablet(app).get("/auth/sign-in").get_data(as_text=True)
    assert names_listed(page) == ["Ann", "Expert"]  # not Bob (no PIN), Cat (off), Dee (lead), Eve
    assert "/symbols/svg/animal.svg" in page and "/symbols/svg/person.svg" in page  # no picture yet
    assert f"/auth/pin/{ids['ann']}" in page and f"/auth/pin/{ids['eve']}" not in page
    assert 'name="password"' not in page and "/auth/sign-in?how=password" in page
    far = tablet(app, "Far House")
    far_page = far.get("/auth/sign-in").get_data(as_text=True)
    assert names_listed(far_page) == ["Eve"]
    # another organisation's expert cannot be reached by typing the address either
    assert far.get(f"/auth/pin/{ids['ann']}").status_code == 404
    assert tablet(app).get(f"/auth/pin/{ids['eve']}").status_code == 404
    # the full password sign-in is one tap away on the same tablet
    password_page = tablet(app).get("/auth/sign-in?how=password").get_data(as_text=True)
    assert 'name="password"' in password_page and not names_listed(password_page)


def test_an_unenrolled_or_stopped_tablet_has_only_the_password_sign_in(app: Flask) -> None:
    ids = people(app)
    plain = app.test_client()
    page = plain.get("/auth/sign-in").get_data(as_text=True)
    assert 'name="password"' in page and not names_listed(page) and "/auth/pin/" not in page
    assert plain.get(f"/auth/pin/{ids['ann']}").status_code == 404
    forged = app.test_client()
    forged.set_cookie(COOKIE, "made-up")
    assert not names_listed(forged.get("/auth/sign-in").get_data(as_text=True))


def test_the_right_pin_signs_the_expert_in_and_is_audited(app: Flask) -> None:
    ids = people(app)
    client = tablet(app)
    url = f"/auth/pin/{ids['ann']}"
    page = client.get(url).get_data(as_text=True)
    assert "Ann" in page and "/symbols/svg/animal.svg" in page
    assert len(re.findall(r'class="keypad-key[^"]*"', page)) == 12  # 0-9, Delete, Start again
    result = type_pin(client, url, PIN)
    assert result.status_code == 302 and result.headers["Location"] == "/visits/"
    assert signed_in_uid(client) == ids["ann"]
    assert "Ann" in client.get("/auth/account").get_data(as_text=True)
    rows = [row for row in audit_rows(app, "auth.sign_in") if row.object_id == str(ids["ann"])]
    assert len(rows) == 1 and rows[0].user_id == ids["ann"] and rows[0].detail["how"] == "pin_tablet"


def test_delete_and_start_again_keys(app: Flask) -> None:
    ids = people(app)
    client = tablet(app)
    url = f"/auth/pin/{ids['ann']}"
    tok = token(client.get(url).get_data(as_text=True))
    page = client.post(url, data={"csrf_token": tok, "entered": "24", "key": "back"}).get_data(as_text=True)
    assert 'name="entered" value="2"' in page and "You typed 1 number." in page
    page = client.post(url, data={"csrf_token": tok, "entered": "246", "key": "clear"}).get_data(as_text=True)
    assert 'name="entered" value=""' in page and "You typed no numbers yet." in page
    bad_keys = ({"entered": "12345", "key": "1"}, {"entered": "1", "key": "x"}, {"entered": "ab", "key": "1"})
    for bad in bad_keys:
        assert client.post(url, data={"csrf_token": tok, **bad}).status_code == 400
    assert user_row(app, ids["ann"]).pin_failures == 0


def test_wrong_pins_are_counted_with_handovers_and_the_10th_locks_even_the_right_one(app: Flask) -> None:
    ids = people(app)
    client = tablet(app)
    url = f"/auth/pin/{ids['ann']}"
    for number in range(1, 6):
        result = type_pin(client, url, "1111")
        assert result.status_code == 401
        assert "That pin number is not right" in result.get_data(as_text=True)
        assert user_row(app, ids["ann"]).pin_failures == number
    assert signed_in_uid(client) is None
    # the same count as a handover's PIN: 5 more wrong ones there make 10
    with app.app_context():
        ann = db.session.get(User, ids["ann"])
        for _ in range(PIN_LOCK_AFTER - 5):
            check_pin_counted(db.session, ann, "0000", Actor())
            db.session.rollback()
    ann = user_row(app, ids["ann"])
    assert ann.pin_failures == PIN_LOCK_AFTER and ann.pin_locked_at is not None
    page = client.get(url).get_data(as_text=True)
    assert "keypad-key" not in page and "how=password" in page  # no keypad: the password opens it
    tok = token(client.get("/auth/sign-in?how=password").get_data(as_text=True))
    result = client.post(url, data={"csrf_token": tok, "entered": PIN[:3], "key": PIN[3]})  # right, refused
    assert result.status_code == 403
    assert "Your pin number is locked" in result.get_data(as_text=True)
    assert signed_in_uid(client) is None
    assert len(audit_rows(app, "auth.pin_sign_in_failed")) == 6  # 5 wrong, 1 refused while locked
    # the password opens the PIN again
    assert sign_in_as(app.test_client(), "ann@demo.example").status_code == 302
    assert user_row(app, ids["ann"]).pin_locked_at is None


def test_the_10th_wrong_pin_on_the_sign_in_locks_it_and_is_audited(app: Flask) -> None:
    ids = people(app)
    client = tablet(app)
    url = f"/auth/pin/{ids['ann']}"
    for _ in range(PIN_LOCK_AFTER):
        type_pin(client, url, "9999")
    assert user_row(app, ids["ann"]).pin_locked_at is not None
    locked = audit_rows(app, "user.pin_locked")
    assert len(locked) == 1 and locked[0].object_id == str(ids["ann"])


def test_someone_who_is_not_an_expert_cannot_be_chosen(app: Flask) -> None:
    ids = people(app)
    client = tablet(app)
    for who in ("lead", "bob", "cat"):
        assert client.get(f"/auth/pin/{ids[who]}").status_code == 404
    tok = token(client.get(f"/auth/pin/{ids['ann']}").get_data(as_text=True))
    result = client.post(f"/auth/pin/{ids['lead']}", data={"csrf_token": tok, "entered": "246", "key": "8"})
    assert result.status_code == 404
    assert user_row(app, ids["lead"]).pin_failures == 0 and signed_in_uid(client) is None


def test_idle_during_an_open_visit_suspends_and_the_pin_goes_on_where_they_were(app: Flask) -> None:
    ids = people(app)
    visit_id = open_visit(app, ids["ann"])
    client = app.test_client()  # the full sign-in works on any tablet
    assert sign_in_as(client, "ann@demo.example").status_code == 302
    assert client.get(f"/visits/{visit_id}").status_code == 200
    make_idle(client)
    result = client.get(f"/visits/{visit_id}")
    assert result.status_code == 302 and result.headers["Location"] == "/auth/go-on"
    assert signed_in_uid(client) is None  # suspended: nothing signed-in can be opened meanwhile
    assert client.get("/auth/account").headers["Location"] == "/auth/go-on"
    page = client.get("/auth/go-on").get_data(as_text=True)
    assert "Put in your pin number to go on" in page and "Ann" in page and "keypad-key" in page
    wrong = type_pin(client, "/auth/go-on", "1357")
    assert wrong.status_code == 401 and user_row(app, ids["ann"]).pin_failures == 1  # counted
    result = type_pin(client, "/auth/go-on", PIN)
    assert result.status_code == 302 and result.headers["Location"] == f"/visits/{visit_id}"
    assert signed_in_uid(client) == ids["ann"]
    assert client.get(f"/visits/{visit_id}").status_code == 200
    sign_ins = [row for row in audit_rows(app, "auth.sign_in") if row.object_id == str(ids["ann"])]
    rows = [row.detail.get("how") for row in sign_ins]
    assert rows == [None, "pin_resume"]  # the password sign-in, then the PIN that went on


def test_the_password_also_goes_on_from_a_suspended_session(app: Flask) -> None:
    ids = people(app)
    visit_id = open_visit(app, ids["ann"])
    client = app.test_client()
    sign_in_as(client, "ann@demo.example")
    client.get(f"/visits/{visit_id}")
    make_idle(client)
    client.get(f"/visits/{visit_id}")
    page = client.get("/auth/go-on").get_data(as_text=True)
    password_url = re.search(r'href="(/auth/sign-in\?how=password[^"]*)"', page)
    assert password_url, page
    url = password_url.group(1).replace("&amp;", "&")
    form = client.get(url).get_data(as_text=True)
    assert 'name="password"' in form
    data = {"csrf_token": token(form), "email": "ann@demo.example", "password": PASSWORD}
    result = client.post(url, data=data)
    assert result.headers["Location"] == f"/visits/{visit_id}"
    assert signed_in_uid(client) == ids["ann"]


def test_idle_outside_a_visit_still_signs_out(app: Flask) -> None:
    ids = people(app)
    open_visit(app, ids["eve"], "Far House")  # someone else's open visit changes nothing for Ann
    client = app.test_client()
    sign_in_as(client, "ann@demo.example")
    assert client.get("/visits/").status_code == 200
    make_idle(client)
    result = client.get("/visits/")
    assert result.status_code == 302 and result.headers["Location"].startswith("/auth/sign-in")
    assert "You were signed out" in client.get(result.headers["Location"]).get_data(as_text=True)
    assert client.get("/auth/go-on").headers["Location"] == "/auth/sign-in"
    assert client.get("/visits/").headers["Location"].startswith("/auth/sign-in")


def test_an_expert_chooses_their_picture_on_their_account_page(app: Flask) -> None:
    ids = people(app)
    client = app.test_client()
    sign_in_as(client, "ann@demo.example")
    page = client.get("/auth/account").get_data(as_text=True)
    assert 'name="picture" value="star"' in page and 'aria-pressed="true"' in page  # the dog, chosen
    result = client.post("/auth/account/picture", data={"csrf_token": token(page), "picture": "star"})
    assert result.status_code == 302
    assert user_row(app, ids["ann"]).picture == "star"
    assert "We saved your picture." in client.get(result.headers["Location"]).get_data(as_text=True)
    bad = client.post("/auth/account/picture", data={"csrf_token": token(page), "picture": "stop"})
    assert bad.status_code == 400
    assert user_row(app, ids["ann"]).picture == "star"
    lead = app.test_client()
    sign_in_as(lead, "dee@demo.example")
    lead_page = lead.get("/auth/account").get_data(as_text=True)
    assert 'name="picture"' not in lead_page
    refused = lead.post("/auth/account/picture", data={"csrf_token": token(lead_page), "picture": "star"})
    assert refused.status_code == 403


def test_wrong_pins_from_one_address_share_the_sign_in_limit(tmp_path: Path) -> None:
    """A tablet in the wrong hands cannot try PIN after PIN across the experts it lists: wrong PINs
    count towards the address's sign-in limit, and past it the PIN is not even checked (429)."""
    app = make_app(tmp_path, SIGN_IN_LIMIT=3)
    ids = people(app)
    fay = add_person(app, "fay@demo.example", name="Fay")
    client = tablet(app)
    for who in (ids["ann"], ids["ann"], fay):
        assert type_pin(client, f"/auth/pin/{who}", "1111").status_code == 401
    refused = type_pin(client, f"/auth/pin/{fay}", PIN)  # the right PIN, but over the limit
    assert refused.status_code == 429
    assert signed_in_uid(client) is None
    assert user_row(app, fay).pin_failures == 1  # the 4th try was not checked at all
    assert user_row(app, ids["ann"]).pin_failures == 2
