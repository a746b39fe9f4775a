"""HTTP for an organisation's own pictures: upload one with what it shows, see them, remove one
(asked first). The rules are in easyread/own_pictures.py."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response as HTTPResponse

from ..auth.access import actor
from ..db import db
from ..easyread import own_pictures
from ..provider.common import can_work, me
from .blueprint import bp
from .forms import ConfirmForm, PictureForm

#: the whole upload request may be a little bigger than the picture (the other fields)
REQUEST_LIMIT = own_pictures.MAX_BYTES + 64 * 1024


def _page(form: PictureForm, problem: str | None = None, status: int = 200) -> tuple[str, int]:
    pictures = own_pictures.pictures_of(db.session, me().organisation_id)
    return render_template("editor/pictures.html", form=form, pictures=pictures, problem=problem), status


@bp.route("/pictures", methods=["GET", "POST"])
@can_work
def pictures() -> tuple[str, int] | HTTPResponse:
    """The organisation's own pictures, and a form to add one (a photo of the front door ...)."""
    if request.method == "GET":
        return _page(PictureForm())
    if (request.content_length or 0) > REQUEST_LIMIT:
        return _page(PictureForm(), gettext("The file is too big. Use a picture under 10 MB."), 413)
    form = PictureForm()
    if not form.validate():
        return _page(form, gettext("Choose the picture, give it a name, and say what it shows."), 400)
    upload = form.picture.data
    data = upload.read(own_pictures.MAX_BYTES + 1) if upload else b""
    try:
        made = own_pictures.save_picture(
            db.session,
            actor(),
            me().organisation_id,
            form.name.data,
            form.alt_text.data,
            data,
            current_app.config["PHOTO_DIR"],
        )
    except own_pictures.PictureRefused as exc:
        return _page(form, str(exc), 400)
    flash(
        gettext(
            "The picture '%(name)s' is kept. Choose it for a question with the name own:%(name)s.",
            name=made.name,
        )
    )
    return redirect(url_for("editor.pictures"), code=303)


@bp.route("/pictures/<name>/remove", methods=["GET", "POST"])
@can_work
def remove_picture(name: str) -> str | tuple[str, int] | HTTPResponse:
    """ "Remove this picture?" first; refused while a questionnaire uses it."""
    picture = own_pictures.find(db.session, me().organisation_id, name)
    if picture is None:
        abort(404)
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate():
            abort(400)
        if form.confirm.data != "yes":
            return redirect(url_for("editor.pictures"), code=303)
        try:
            own_pictures.remove_picture(db.session, actor(), picture, current_app.config["PHOTO_DIR"])
        except own_pictures.PictureRefused as exc:
            return _page(PictureForm(), str(exc), 409)
        flash(gettext("The picture is removed."))
        return redirect(url_for("editor.pictures"), code=303)
    return render_template("editor/picture_remove.html", picture=picture, form=form)
