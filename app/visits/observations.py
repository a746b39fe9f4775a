"""An expert's observations on a visit, and photos of places and things.

The checklist (surveys/observations.yaml) runs through the same journey service as a
respondent's answers: one response per visit, one answer per question, each with a short note.
Photos are checked and stripped of their metadata (EXIF, GPS) by app/easyread/pictures.py before
anything is stored. No HTTP here.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import safeguarding
from ..easyread.pictures import BadImage, check_image, strip_metadata
from ..models import Answer, AnswerKind, Photo, Response, User, Visit
from ..questionnaires import Question, Questionnaire
from ..respond import journey

CHECKLIST = "observations"
PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_MAX_PIXELS = 40_000_000
#: the whole upload request may be a little bigger than the photo (the other form fields)
PHOTO_REQUEST_LIMIT = PHOTO_MAX_BYTES + 256 * 1024
MEDIA_TYPES = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}


class PhotoRefused(ValueError):
    """A photo that is not stored. ``reason`` names why, for the easy-read message."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def observation_response(db: Session, visit: Visit, checklist: Questionnaire, language: str) -> Response:
    """The visit's one observation response (started the first time it is needed)."""
    return journey.start_response(
        db,
        questionnaire=checklist,
        service=visit.service,
        client_id=f"visit-{visit.id}-observations",
        answered_by="self",
        language=language,
        visit_id=visit.id,
        asked_by_expert=False,
    )


def find_observations(db: Session, visit: Visit) -> Response | None:
    return db.scalar(select(Response).where(Response.client_id == f"visit-{visit.id}-observations"))


def record_observation(
    db: Session,
    visit: Visit,
    response: Response,
    question: Question,
    *,
    action: str | None,
    values: list[str],
    text: str | None,
    note: str | None,
    submission_id: str,
) -> Answer:
    """Store the expert's answer to one checklist question, with its note."""
    if visit.status != "open":
        raise journey.JourneyError("the visit is not open")
    given = journey.parse_given(question, action, values, text)
    cleaned = (note or "").strip() or None
    return journey.record_answer(db, response, question.id, given, submission_id, note=cleaned)


def raise_concerns(db: Session, visit_response: Response, question: Question, answer: Answer) -> None:
    """An observation of concern raises a safeguarding alert: a worrying answer, or concern words
    in the answer's text or in its note."""
    if safeguarding.check_stored(db, visit_response, question, answer):
        return
    if answer.note:
        note = journey.Given(AnswerKind.TEXT, text=answer.note)
        safeguarding.check_answer(
            db, visit_response, question, answer.question_key, note, question_text=question.text
        )


def finish_observations(db: Session, visit: Visit) -> None:
    """When the visit closes, the checklist closes too: nothing can be changed afterwards."""
    response = find_observations(db, visit)
    if response is not None:
        journey.finish(response)


def add_photo(
    db: Session, visit: Visit, user: User, data: bytes, *, no_people: bool, caption: str, folder: Path
) -> Photo:
    """Check the photo, strip its metadata, store the file and its row; or store nothing."""
    if visit.status != "open":
        raise PhotoRefused("closed")
    if not data:
        raise PhotoRefused("empty")
    if not no_people:
        raise PhotoRefused("people")
    try:
        checked = check_image(data, max_bytes=PHOTO_MAX_BYTES, max_pixels=PHOTO_MAX_PIXELS)
        clean = strip_metadata(data)
        checked = check_image(clean)  # the stored copy's own size (big photos are made smaller)
    except BadImage as exc:
        raise PhotoRefused(exc.reason_code) from exc
    media_type, extension = MEDIA_TYPES[checked.format]
    photo = Photo(
        visit=visit,
        file_name=f"{secrets.token_hex(16)}.{extension}",
        media_type=media_type,
        width=checked.width,
        height=checked.height,
        size_bytes=len(clean),
        caption=caption.strip()[:200] or None,
        no_people=True,
        uploaded_by_id=user.id,
    )
    target = photo_path(folder, visit, photo)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    partial.write_bytes(clean)
    os.replace(partial, target)  # never a half-written photo under its real name
    try:
        db.add(photo)
        db.flush()
    except Exception:
        target.unlink(missing_ok=True)
        raise
    return photo


def photo_path(folder: Path, visit: Visit, photo: Photo) -> Path:
    """Photos live in the instance folder, one folder per organisation (never under static/)."""
    return folder / str(visit.organisation_id) / photo.file_name


def photos_of(db: Session, visit: Visit) -> list[Photo]:
    return list(db.scalars(select(Photo).where(Photo.visit_id == visit.id).order_by(Photo.id)))
