"""An organisation's own pictures (issue 12, item 2): uploaded with what they show, checked and
cleaned as visit photos are (no EXIF left), a high-contrast copy made, usable as ``own:<name>``
in that organisation's questionnaires only, and served only to its own staff and tablets."""

from __future__ import annotations

import io
import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from helpers.app import add_users, csrf_token, service_code, sign_in_as, submission_id
from PIL import Image
from sqlalchemy import select

from app.audit import Actor
from app.db import db
from app.easyread import own_pictures
from app.easyread.pictures import load_symbol_index
from app.models import AuditEvent, Organisation, OwnPicture
from app.questionnaires import own


def photo(size: tuple[int, int] = (800, 600), fmt: str = "JPEG", gps: bool = True) -> bytes:
    """A real photo-like picture; a JPEG with EXIF (a camera, a place) unless asked not to."""
    image = Image.new("RGB", size, (200, 120, 40))
    for x in range(0, size[0], 40):
        image.paste((20, 60, 160), (x, 0, x + 20, size[1]))
    out = io.BytesIO()
    if fmt == "JPEG" and gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # camera make
        exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # GPS
        image.save(out, format="JPEG", exif=exif)
    else:
        image.save(out, format=fmt)
    return out.getvalue()


def _lead(app: Flask) -> tuple[FlaskClient, dict[str, str]]:
    emails = add_users(app)
    client = app.test_client()
    sign_in_as(client, emails["quality_lead"])
    return client, emails


def _upload(client: FlaskClient, data: bytes, name: str = "front-door", alt: str = "Our blue front door"):  # type: ignore[no-untyped-def]
    page = client.get("/editor/pictures").get_data(as_text=True)
    return client.post(
        "/editor/pictures",
        data={
            "csrf_token": csrf_token(page),
            "name": name,
            "alt_text": alt,
            "picture": (io.BytesIO(data), "door.jpg"),
        },
        content_type="multipart/form-data",
    )


def _org_id(app: Flask, slug: str = "demo") -> int:
    """(Inside an app context: a nested one would end its session.)"""
    return db.session.scalars(select(Organisation.id).where(Organisation.slug == slug)).one()


def _checks(app: Flask, pictures: frozenset[str] = frozenset()) -> own.Checks:
    symbols = set(load_symbol_index(Path(app.config["ASSETS_DIR"]) / "symbols" / "index.json"))
    return own.checks_for(app.extensions["easyvoice.surveys"], symbols, pictures=pictures)


def test_a_picture_is_kept_clean_with_a_contrast_copy(app: Flask) -> None:
    client, _emails = _lead(app)
    original = photo((3000, 2000))
    assert b"PhoneMaker" in original
    sent = _upload(client, original)
    assert sent.status_code == 303
    page = client.get("/editor/pictures").get_data(as_text=True)
    assert 'id="picture-front-door"' in page and 'alt="Our blue front door"' in page
    with app.app_context():
        picture = db.session.scalars(select(OwnPicture)).one()
        plain = own_pictures.file_of(app.config["PHOTO_DIR"], picture, "plain").read_bytes()
        contrast = own_pictures.file_of(app.config["PHOTO_DIR"], picture, "contrast").read_bytes()
        assert max(picture.width, picture.height) == own_pictures.STORED_SIDE
        assert db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.action == "own_picture.added")
        ).one()
    assert b"PhoneMaker" not in plain and b"Exif" not in plain
    with Image.open(io.BytesIO(plain)) as image:
        assert not image.getexif() and image.size == (600, 400)
    with Image.open(io.BytesIO(contrast)) as image:
        red, green, blue, _alpha = image.convert("RGBA").split()
        assert red.getextrema() == (0, 255)  # stretched to black and white
        assert red.tobytes() == green.tobytes() == blue.tobytes()  # grey


def test_refusals_keep_nothing(app: Flask) -> None:
    client, _emails = _lead(app)
    cases = [
        (b"not a picture at all", "front-door", "A door", "not a picture"),
        (photo(), "Front Door!", "A door", "short name"),
        (photo(), "front-door", "", "Choose the picture"),
    ]
    for data, name, alt, said in cases:
        refused = _upload(client, data, name, alt)
        assert refused.status_code == 400 and said in refused.get_data(as_text=True), said
        assert 'role="alert"' in refused.get_data(as_text=True)
    huge = io.BytesIO()
    Image.new("1", (7000, 7000)).save(huge, format="PNG")
    refused = _upload(client, huge.getvalue())
    assert refused.status_code == 400 and "too many pixels" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(OwnPicture)).all() == []
    assert not (Path(app.config["PHOTO_DIR"]) / "own").exists() or not any(
        (Path(app.config["PHOTO_DIR"]) / "own").rglob("*.png")
    )


def test_only_the_organisations_own_pictures_load(app: Flask) -> None:
    client, _emails = _lead(app)
    _upload(client, photo())
    registry = app.extensions["easyvoice.surveys"]
    with app.app_context():
        copy = own.make_copy(
            db.session,
            Actor(),
            _org_id(app),
            registry,
            "your-support",
            app.config["SURVEYS_DIR"],
            _checks(app),
        )
        text = copy.source.replace("symbol: listen", "symbol: own:front-door", 1)
        refused = own.save_draft(db.session, Actor(), copy, text, _checks(app))  # another organisation's view
        assert refused is not None and "front-door" in refused.message and "Pictures page" in refused.hint
        mine = own_pictures.picture_names(db.session, _org_id(app))
        assert own.save_draft(db.session, Actor(), copy, text, _checks(app, mine)) is None
        assert own_pictures.picture_names(db.session, _org_id(app, "other")) == frozenset()
        db.session.commit()


def test_served_only_to_its_own_tablets_and_staff(app: Flask) -> None:
    client, emails = _lead(app)
    _upload(client, photo())
    registry = app.extensions["easyvoice.surveys"]
    with app.app_context():
        checks = _checks(app, own_pictures.picture_names(db.session, _org_id(app)))
        copy = own.make_copy(
            db.session, Actor(), _org_id(app), registry, "your-support", app.config["SURVEYS_DIR"], checks
        )
        copy.source = copy.source.replace("symbol: listen", "symbol: own:front-door", 1)
        own.publish(db.session, Actor(), copy, checks)
        db.session.commit()
        slug = copy.slug
    # a person at the organisation's service answers it: the picture and what it shows
    person = app.test_client()
    person.get(f"/at/{service_code(app)}")
    person.get(f"/begin/{slug}")
    person.post(
        "/settings",
        data={"csrf_token": csrf_token(person.get("/settings").get_data(as_text=True)), "action": "no"},
    )
    consent = person.get("/consent").get_data(as_text=True)
    person.post(
        "/consent",
        data={"csrf_token": csrf_token(consent), "submission_id": submission_id(consent), "action": "yes"},
    )
    page = person.get("/q/1").get_data(as_text=True)
    found = re.search(
        r'<img class="symbol symbol-lg own-picture" src="([^"]+)" alt="Our blue front door"', page
    )
    assert found, page[:3000]
    url = found.group(1)
    assert person.get(url).status_code == 200 and person.get(url).mimetype == "image/png"
    assert client.get(url).status_code == 200  # its staff
    assert "private" in client.get(url).headers["Cache-Control"]
    # anyone else: not found
    other_staff = app.test_client()
    sign_in_as(other_staff, emails["other_lead"])
    other_tablet = app.test_client()
    other_tablet.get(f"/at/{service_code(app, 'Elm Court')}")
    for outsider in (other_staff, other_tablet, app.test_client()):
        assert outsider.get(url).status_code == 404
    assert client.get(re.sub(r"/[0-9a-f]{16}\.png$", "/0000000000000000.png", url)).status_code == 404


def test_remove_is_asked_and_refused_while_used(app: Flask) -> None:
    client, _emails = _lead(app)
    _upload(client, photo())
    _upload(client, photo(fmt="PNG", gps=False), name="garden", alt="The garden with a bench")
    with app.app_context():
        checks = _checks(app, own_pictures.picture_names(db.session, _org_id(app)))
        copy = own.make_copy(
            db.session,
            Actor(),
            _org_id(app),
            app.extensions["easyvoice.surveys"],
            "your-support",
            app.config["SURVEYS_DIR"],
            checks,
        )
        assert (
            own.save_draft(
                db.session,
                Actor(),
                copy,
                copy.source.replace("symbol: listen", "symbol: own:front-door", 1),
                checks,
            )
            is None
        )
        db.session.commit()
    confirm = client.get("/editor/pictures/front-door/remove").get_data(as_text=True)
    assert "Remove this picture?" in confirm and "You cannot undo this." in confirm
    refused = client.post(
        "/editor/pictures/front-door/remove", data={"csrf_token": csrf_token(confirm), "confirm": "yes"}
    )
    assert refused.status_code == 409 and "uses this picture" in refused.get_data(as_text=True)
    gone = client.post(
        "/editor/pictures/garden/remove", data={"csrf_token": csrf_token(confirm), "confirm": "yes"}
    )
    assert gone.status_code == 303
    with app.app_context():
        assert [p.name for p in db.session.scalars(select(OwnPicture))] == ["front-door"]
    assert client.get("/editor/pictures/garden/remove").status_code == 404
    other = app.test_client()
    sign_in_as(other, "lead@other.example")
    assert other.get("/editor/pictures/front-door/remove").status_code == 404
    assert 'id="picture-front-door"' not in other.get("/editor/pictures").get_data(as_text=True)
