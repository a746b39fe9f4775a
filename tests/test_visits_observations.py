"""The expert's observations (the same engine and cards as respondents', each answer with a note)
and photos of places and things: checked by Pillow, stripped of EXIF/GPS, kept private."""

from __future__ import annotations

import io
import os
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers.app import add_users, make_app, submission_id
from helpers.visit_steps import (
    add_expert,
    assert_easy_read_error,
    finish_visit,
    observe,
    open_visit,
    plan_visit,
    signed_in,
    token_in,
)
from PIL import Image
from sqlalchemy import select

from app.db import db
from app.models import Answer, AnswerKind, Photo, Response


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    """Photos go to the test's own folder (by default they live in the instance folder)."""
    return make_app(tmp_path, PHOTO_DIR=str(tmp_path / "photos"))


def open_visit_for(app: Flask) -> tuple[FlaskClient, int]:
    add_users(app)
    client = signed_in(app)
    visit_id = plan_visit(client, app)
    open_visit(client, visit_id)
    return client, visit_id


def photo_bytes(
    size: tuple[int, int] = (64, 48),
    fmt: str = "JPEG",
    *,
    gps: bool = False,
    noise: bool = False,
    mode: str = "RGB",
) -> bytes:
    image = (
        Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
        if noise
        else Image.new(mode, size, 1 if mode == "1" else (200, 120, 40))
    )
    out = io.BytesIO()
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "CameraMaker"  # Make
        exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}  # GPS
        image.save(out, format=fmt, exif=exif, quality=95)
    else:
        image.save(out, format=fmt, quality=95) if fmt == "JPEG" else image.save(out, format=fmt)
    return out.getvalue()


def upload(
    client: FlaskClient,
    visit_id: int,
    data: bytes,
    *,
    name: str = "photo.jpg",
    no_people: bool = True,
    caption: str = "The kitchen",
    with_token: bool = True,
) -> object:
    page = client.get(f"/visits/{visit_id}/photos").get_data(as_text=True)
    form: dict[str, object] = {"photo": (io.BytesIO(data), name), "caption": caption}
    if no_people:
        form["no_people"] = "y"
    if with_token:
        form["csrf_token"] = token_in(page)
    return client.post(f"/visits/{visit_id}/photos", data=form, content_type="multipart/form-data")


def stored_photos(app: Flask) -> tuple[list[Photo], list[Path]]:
    with app.app_context():
        rows = list(db.session.scalars(select(Photo)))
    folder = Path(app.config["PHOTO_DIR"])
    files = [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []
    return rows, files


def test_observations_use_the_same_cards_and_keep_a_note(app: Flask) -> None:
    client, visit_id = open_visit_for(app)
    hub = client.get(f"/visits/{visit_id}/observations").get_data(as_text=True)
    assert "Did the home feel friendly?" in hub and "Not answered yet" in hub
    page = client.get(f"/visits/{visit_id}/observations/1").get_data(as_text=True)
    # The respondent's question macro: heading, Listen, answer cards, "I don't know" ...
    assert 'class="cards cards-3"' in page and "I don&#39;t know" in page and "Question 1 of" in page
    assert 'name="note"' in page and "Write a note if you want." in page
    result = observe(client, visit_id, 1, "friendly", answer="happy", note="Staff smiled at us.")
    assert result.headers["Location"] == f"/visits/{visit_id}/observations/2"
    result = observe(client, visit_id, 9, "worried", answer="yes", note="A fire door was propped open.")
    assert result.status_code == 302
    last = observe(client, visit_id, 10, "anything_else", text="A lovely garden.", action="answer")
    assert last.headers["Location"] == f"/visits/{visit_id}/photos"
    with app.app_context():
        response = db.session.scalars(select(Response)).one()
        assert (response.visit_id, response.respondent_role, response.asked_by_expert) == (
            visit_id,
            "expert",
            False,
        )
        answers = {a.question_key: a for a in db.session.scalars(select(Answer))}
        assert answers["friendly"].values == ["happy"] and answers["friendly"].note == "Staff smiled at us."
        assert answers["worried"].note == "A fire door was propped open."
        assert answers["anything_else"].kind == AnswerKind.TEXT and answers["anything_else"].note is None
    # Back on question 1, the note is shown again and can be changed.
    assert "Staff smiled at us." in client.get(f"/visits/{visit_id}/observations/1").get_data(as_text=True)
    observe(client, visit_id, 1, "friendly", answer="ok", note="")
    with app.app_context():
        answer = db.session.scalars(select(Answer).where(Answer.question_key == "friendly")).one()
        assert (answer.values, answer.note) == (["ok"], None)
    # The checklist is not people taking part.
    assert "Your support: 0" in client.get(f"/visits/{visit_id}").get_data(as_text=True)


class FormFields(HTMLParser):
    """The answer page's form fields in the order of the page: (tag, name, type, value, checked)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str, str, str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in ("input", "textarea", "button") and found.get("name") not in (None, "csrf_token"):
            self.fields.append(
                (
                    tag,
                    found.get("name") or "",
                    found.get("type") or "",
                    found.get("value") or "",
                    "checked" in found,
                )
            )


def fields_of(page: str) -> list[tuple[str, str, str, str, bool]]:
    parser = FormFields()
    parser.feed(page)
    return parser.fields


def test_a_face_and_a_note_are_sent_together_faces_first(app: Flask) -> None:
    """Issue 10, item 11: the faces come first, then the note, then "Save and go on". A face only
    chooses (a radio card): the page is sent by the button, so a note written after a face is kept."""
    client, visit_id = open_visit_for(app)
    url = f"/visits/{visit_id}/observations/1"
    page = client.get(url).get_data(as_text=True)
    fields = fields_of(page)
    names = [f[1] for f in fields]
    faces = [f for f in fields if f[1] == "answer"]
    assert [(f[0], f[2]) for f in faces] == [("input", "radio")] * 3  # choices, not submit buttons
    assert not any(f[4] for f in faces)  # nothing chosen yet
    last_face = max(i for i, n in enumerate(names) if n == "answer")
    note = names.index("note")
    send = fields.index(("button", "action", "submit", "answer", False))
    escapes = [i for i, f in enumerate(fields) if f[1] == "action" and f[3] in ("dont_know", "skip")]
    assert last_face < note < send < min(escapes), fields  # faces, note, send, then the escapes
    assert "Save and go on" in page and "Then tap Save and go on." in page
    # Faces and the note arrive in one post, as "Save and go on" sends them, and both are kept.
    result = client.post(
        url,
        data={
            "csrf_token": token_in(page),
            "submission_id": submission_id(page),
            "question": "friendly",
            "answer": "ok",
            "action": "answer",
            "note": "We waited 10 minutes at the door.",
        },
    )
    assert result.headers["Location"] == f"/visits/{visit_id}/observations/2"
    with app.app_context():
        answer = db.session.scalars(select(Answer).where(Answer.question_key == "friendly")).one()
        assert (answer.kind, answer.values, answer.note) == (
            AnswerKind.OPTION,
            ["ok"],
            "We waited 10 minutes at the door.",
        )
    # Opened again: the stored face is checked (and only it) and the note is filled in.
    again = client.get(url).get_data(as_text=True)
    checked = [f[3] for f in fields_of(again) if f[1] == "answer" and f[4]]
    assert checked == ["ok"]
    assert ">We waited 10 minutes at the door.</textarea>" in again
    # A note with no face keeps the note (the answer is stored as skipped).
    observe(client, visit_id, 2, "kind_staff", action="answer", note="Nobody came to say hello.")
    with app.app_context():
        answer = db.session.scalars(select(Answer).where(Answer.question_key == "kind_staff")).one()
        assert (answer.kind, answer.note) == (AnswerKind.SKIPPED, "Nobody came to say hello.")
    # "I don't know" after a note keeps the note too (it is a button of the same form).
    observe(client, visit_id, 3, "choose", action="dont_know", note="We did not see a meal.")
    with app.app_context():
        answer = db.session.scalars(select(Answer).where(Answer.question_key == "choose")).one()
        assert (answer.kind, answer.note) == (AnswerKind.DONT_KNOW, "We did not see a meal.")


def test_bad_observations_are_refused(app: Flask) -> None:
    client, visit_id = open_visit_for(app)
    assert_easy_read_error(observe(client, visit_id, 1, "friendly", answer="delighted"), 400)
    assert_easy_read_error(observe(client, visit_id, 1, "clean", answer="happy"), 400)
    assert_easy_read_error(observe(client, visit_id, 1, "friendly", answer="happy", note="x" * 501), 400)
    assert_easy_read_error(client.get(f"/visits/{visit_id}/observations/99"), 404)
    with app.app_context():
        assert db.session.scalars(select(Answer)).all() == []
    assert client.get("/begin/observations").status_code == 404  # never a respondent's questionnaire


def test_a_finished_visit_takes_no_more_observations(app: Flask) -> None:
    client, visit_id = open_visit_for(app)
    observe(client, visit_id, 1, "friendly", answer="happy")
    assert finish_visit(client, visit_id).status_code == 302
    assert client.get(f"/visits/{visit_id}/observations/1").headers["Location"].endswith("/observations")
    with app.app_context():
        assert db.session.scalars(select(Response)).one().status == "finished"


def test_a_photo_is_stored_without_its_metadata_and_shown_only_to_its_organisation(app: Flask) -> None:
    client, visit_id = open_visit_for(app)
    original = photo_bytes(gps=True)
    with Image.open(io.BytesIO(original)) as image:
        assert image.getexif().get(0x8825)  # the test photo really has GPS data
    result = upload(client, visit_id, original)
    assert result.headers["Location"] == f"/visits/{visit_id}/photos"
    (photo,), (path,) = stored_photos(app)
    assert (photo.media_type, photo.width, photo.height, photo.no_people) == ("image/jpeg", 64, 48, True)
    assert path.name == photo.file_name and path.parent.parent == Path(app.config["PHOTO_DIR"])
    with Image.open(path) as stored:
        assert dict(stored.getexif()) == {} and "exif" not in stored.info
    page = client.get(f"/visits/{visit_id}/photos").get_data(as_text=True)
    assert f"/visits/photos/{photo.id}" in page and 'alt="The kitchen"' in page
    served = client.get(f"/visits/photos/{photo.id}")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert "no-store" in served.headers["Cache-Control"] and served.data == path.read_bytes()
    assert signed_in(app, "viewer@demo.example").get(f"/visits/photos/{photo.id}").status_code == 200
    assert_easy_read_error(signed_in(app, "lead@other.example").get(f"/visits/photos/{photo.id}"), 404)
    assert app.test_client().get(f"/visits/photos/{photo.id}").headers["Location"].startswith("/auth/sign-in")
    with app.app_context():
        from app.models import AuditEvent

        assert db.session.scalars(select(AuditEvent.action).where(AuditEvent.action == "photo.add")).one()


def test_photos_of_people_and_bad_files_are_refused_and_nothing_is_stored(app: Flask) -> None:
    client, visit_id = open_visit_for(app)
    bomb = photo_bytes((8000, 6000), "PNG", mode="1")  # 48 megapixels in a few kilobytes
    assert len(bomb) < 100_000
    oversized = photo_bytes(noise=True)[:2] + b"\0" * (10 * 1024 * 1024)  # over 10 MB
    cases = [
        (dict(data=photo_bytes(), no_people=False), 400, "Tick the box to say there are no people"),
        (dict(data=b"%PDF-1.4 not a photo at all", name="photo.jpg"), 400, "This file is not a photo."),
        (dict(data=photo_bytes(fmt="GIF"), name="photo.gif"), 400, "This file is not a photo."),
        (dict(data=photo_bytes()[:300]), 400, "We cannot open this photo."),
        (dict(data=b""), 400, "Choose a photo first."),
        (dict(data=oversized), 413, "This photo is too big."),
        (dict(data=bomb, name="bomb.png"), 413, "This photo has too many dots."),
    ]
    for fields, status, message in cases:
        result = upload(client, visit_id, **fields)
        html = result.get_data(as_text=True)
        assert result.status_code == status and message in html and 'role="alert"' in html, message
    assert stored_photos(app) == ([], [])


def test_the_upload_limit_is_raised_for_the_photo_route_only(app: Flask) -> None:
    client, visit_id = open_visit_for(app)
    big = photo_bytes((1600, 1200), noise=True)
    assert 2 * 1024 * 1024 < len(big) < 10 * 1024 * 1024  # over the app's 2 MB default
    assert upload(client, visit_id, big).status_code == 302
    assert len(stored_photos(app)[0]) == 1
    # Any other route keeps the 2 MB default.
    page = client.get(f"/visits/{visit_id}/observations/1").get_data(as_text=True)
    result = client.post(
        f"/visits/{visit_id}/observations/1",
        data={
            "csrf_token": token_in(page),
            "submission_id": submission_id(page),
            "question": "friendly",
            "answer": "happy",
            "note": "x" * (3 * 1024 * 1024),
        },
    )
    assert_easy_read_error(result, 413)
    # A whole request over the photo limit is refused with the photo page's own message.
    huge = upload(client, visit_id, b"\0" * (11 * 1024 * 1024))
    assert huge.status_code == 413 and "This photo is too big." in huge.get_data(as_text=True)
    assert len(stored_photos(app)[0]) == 1


def test_photos_live_in_the_instance_folder_by_default(tmp_path: Path) -> None:
    from app import create_app

    default = create_app(
        {"INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "x", "DATABASE_URL": "sqlite://"}
    )
    assert default.config["PHOTO_DIR"] == str(tmp_path / "instance" / "photos")


def test_a_photo_post_without_a_csrf_token_is_refused(app: Flask) -> None:
    client, visit_id = open_visit_for(app)
    assert_easy_read_error(upload(client, visit_id, photo_bytes(), with_token=False), 400)
    assert stored_photos(app) == ([], [])


def test_only_the_visits_experts_add_photos(app: Flask) -> None:
    client, visit_id = open_visit_for(app)
    add_expert(app, "colleague@demo.example")
    colleague = signed_in(app, "colleague@demo.example")
    assert_easy_read_error(colleague.get(f"/visits/{visit_id}/photos"), 403)
    page = colleague.get("/visits/").get_data(as_text=True)
    result = colleague.post(
        f"/visits/{visit_id}/photos",
        data={"csrf_token": token_in(page), "photo": (io.BytesIO(photo_bytes()), "p.jpg"), "no_people": "y"},
        content_type="multipart/form-data",
    )
    assert_easy_read_error(result, 403)
    assert stored_photos(app) == ([], [])


def test_an_observation_of_concern_raises_a_safeguarding_alert(app: Flask) -> None:
    from app.models import SafeguardingAlert

    client, visit_id = open_visit_for(app)
    observe(client, visit_id, 1, "friendly", answer="happy", note="A staff member shouted at a man.")
    observe(client, visit_id, 9, "worried", answer="yes", note="A fire door was propped open.")
    observe(client, visit_id, 2, "kind_staff", answer="happy", note="Everyone was calm.")
    with app.app_context():  # one alert per visit, each observation of concern a signal in it
        [alert] = db.session.scalars(select(SafeguardingAlert)).all()
        signals = {s.question_key: s for s in alert.signals}
    assert alert.source == "observation" and set(signals) == {"friendly", "worried"}
    assert signals["friendly"].source == "observation" and "shout" in " ".join(signals["friendly"].matched)
    assert signals["worried"].source == "observation" and signals["worried"].values == ["yes"]
    assert signals["worried"].note == "A fire door was propped open."  # the note goes with it


def test_the_finish_page_counts_what_happened_and_open_safety_worries(app: Flask) -> None:
    """ "Are you sure?" says what the visit holds, and that a safety worry from it is still open."""
    from app.models import SafeguardingAlert

    client, visit_id = open_visit_for(app)
    observe(client, visit_id, 1, "friendly", answer="happy", note="A staff member shouted at a man.")
    observe(client, visit_id, 2, "kind_staff", answer="happy")
    page = client.get(f"/visits/{visit_id}/finish").get_data(as_text=True)
    assert "Questions you answered about what you saw: 2." in page
    assert "Safety worries still open: 1." in page
    assert "The person who keeps people safe will still deal with them." in page
    with app.app_context():
        for alert in db.session.scalars(select(SafeguardingAlert)):
            alert.status, alert.acknowledged_at, alert.closed_at = "closed", alert.raised_at, alert.raised_at
            alert.outcome = "Talked with the manager."
        db.session.commit()
    assert "Safety worries still open" not in client.get(f"/visits/{visit_id}/finish").get_data(as_text=True)
