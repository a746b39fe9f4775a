"""HTTP for the expert's observations: the checklist (one question per page, the same cards as
a respondent's), each answer with a note, and photos of places and things."""

from __future__ import annotations

from pathlib import Path

from flask import abort, current_app, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response as HTTPResponse

from .. import audit
from ..auth.access import actor
from ..db import db
from ..models import Photo, Response
from ..questionnaires import Questionnaire
from ..respond import journey
from ..respond.forms import new_submission_id
from ..security import csrf
from . import observations
from .blueprint import bp
from .common import me, read_visits, run_visits, surveys, visit_to_run
from .forms import ObservationForm, PhotoForm

#: photo refusals -> (phrase name, status)
PHOTO_PROBLEMS = {
    "people": ("photo_people", 400),
    "empty": ("photo_empty", 400),
    "not_image": ("photo_not_image", 400),
    "format": ("photo_not_image", 400),
    "corrupt": ("photo_corrupt", 400),
    "too_big": ("photo_too_big", 413),
    "too_many_pixels": ("photo_too_many_pixels", 413),
    "closed": ("visit_closed", 409),
}


def photo_folder() -> Path:
    return Path(current_app.config["PHOTO_DIR"])


def _checklist(visit_id: int) -> tuple[object, Response | None, Questionnaire]:
    visit = visit_to_run(visit_id)
    response = observations.find_observations(db.session, visit)
    checklist = (
        journey.questionnaire_of(response) if response is not None else surveys().get(observations.CHECKLIST)
    )
    if checklist is None:
        abort(404)
    return visit, response, checklist


@bp.get("/<int:visit_id>/observations")
@run_visits
def observations_start(visit_id: int) -> str:
    """What you saw: the checklist's questions, which are answered, and photos."""
    visit, response, checklist = _checklist(visit_id)
    answers = journey.answers_by_question(db.session, response) if response else {}
    return render_template("visits/observations.html", visit=visit, checklist=checklist, answers=answers)


@bp.route("/<int:visit_id>/observations/<int:number>", methods=["GET", "POST"])
@run_visits
def observe(visit_id: int, number: int) -> str | HTTPResponse:
    """One checklist question, drawn by the same macro as a respondent's, with a note."""
    visit, response, checklist = _checklist(visit_id)
    questions = checklist.questions
    if not 1 <= number <= len(questions):
        abort(404)
    if visit.status != "open":
        return redirect(url_for("visits.observations_start", visit_id=visit.id))
    item = questions[number - 1]
    form = ObservationForm()
    if request.method == "POST":
        if not form.validate() or request.form.get("question") != item.id:
            abort(400)
        if response is None:
            response = observations.observation_response(db.session, visit, checklist, str(get_locale()))
        try:
            answer = observations.record_observation(
                db.session,
                visit,
                response,
                item,
                action=form.action.data or None,
                values=form.answer.data or [],
                text=form.text.data,
                note=form.note.data,
                submission_id=form.submission_id.data,
            )
        except journey.JourneyError:
            abort(400)
        audit.record(
            db.session,
            actor(),
            "observation.answer",
            object_type="answer",
            object_id=answer.id,
            visit_id=visit.id,
            question=item.id,
        )
        # What an expert saw that worried them reaches the safeguarding lead, as answers do.
        observations.raise_concerns(db.session, response, item, answer)
        if number < len(questions):
            return redirect(url_for("visits.observe", visit_id=visit.id, number=number + 1))
        return redirect(url_for("visits.photos", visit_id=visit.id))
    answer = journey.answers_by_question(db.session, response).get(item.id) if response else None
    form.submission_id.data = new_submission_id()
    form.note.data = answer.note if answer else ""
    if answer is not None and answer.kind.value == "text":
        form.text.data = answer.text
    back = (
        url_for("visits.observe", visit_id=visit.id, number=number - 1)
        if number > 1
        else url_for("visits.observations_start", visit_id=visit.id)
    )
    return render_template(
        "visits/observe.html",
        visit=visit,
        form=form,
        question=item,
        number=number,
        total=len(questions),
        answer=answer,
        back_url=back,
    )


@bp.get("/<int:visit_id>/photos")
@run_visits
def photos(visit_id: int) -> str:
    """The photos taken on a visit, for its experts (never shown to others)."""
    visit = visit_to_run(visit_id)
    return _photos_page(visit, PhotoForm())


def _photos_page(visit: object, form: PhotoForm, problem: str | None = None) -> str:
    return render_template(
        "visits/photos.html",
        visit=visit,
        form=form,
        problem=problem,
        photos=observations.photos_of(db.session, visit),  # type: ignore[arg-type]
        limit_mb=observations.PHOTO_MAX_BYTES // (1024 * 1024),
    )


@bp.post("/<int:visit_id>/photos")
@csrf.exempt  # checked below, once the upload limit is raised (the CSRF check reads the body)
@run_visits
def photo_upload(visit_id: int) -> HTTPResponse | tuple[str, int]:
    """Add a photo of places and things: checked, stripped of EXIF/GPS, then stored."""
    visit = visit_to_run(visit_id)
    request.max_content_length = observations.PHOTO_REQUEST_LIMIT  # this route only
    try:  # the body is read (and its size checked) by the first look at the form
        if current_app.config.get("WTF_CSRF_ENABLED", True):
            csrf.protect()
        form = PhotoForm()
        upload = request.files.get("photo")
        data = upload.read(observations.PHOTO_MAX_BYTES + 1) if upload else b""
    except RequestEntityTooLarge:
        return _photos_page(visit, PhotoForm(formdata=None), "photo_too_big"), 413
    if not form.validate():
        abort(400)
    try:
        photo = observations.add_photo(
            db.session,
            visit,
            me(),
            data,
            no_people=bool(form.no_people.data),
            caption=form.caption.data or "",
            folder=photo_folder(),
        )
    except observations.PhotoRefused as refused:
        phrase, status = PHOTO_PROBLEMS.get(refused.reason, ("photo_corrupt", 400))
        return _photos_page(visit, form, phrase), status
    audit.record(
        db.session,
        actor(),
        "photo.add",
        object_type="photo",
        object_id=photo.id,
        visit_id=visit.id,
        bytes=photo.size_bytes,
        width=photo.width,
        height=photo.height,
    )
    return redirect(url_for("visits.photos", visit_id=visit.id))


@bp.get("/photos/<int:photo_id>")
@read_visits
def photo(photo_id: int) -> HTTPResponse:
    """A visit's photo, for signed-in people of its organisation only (never public)."""
    found = db.session.get(Photo, photo_id)
    if found is None or found.visit.organisation_id != me().organisation_id:
        abort(404)
    path = observations.photo_path(photo_folder(), found.visit, found)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=found.media_type, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response
