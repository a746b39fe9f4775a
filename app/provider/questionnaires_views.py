"""HTTP for an organisation's own questionnaires: copy a template, download and upload the file,
publish (confirmed first). The rules are in questionnaires/own.py."""

from __future__ import annotations

from pathlib import Path

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response as HTTPResponse

from ..auth.access import actor
from ..db import db
from ..easyread.own_pictures import picture_names
from ..easyread.pictures import load_symbol_index
from ..editor.forms import AUDIENCE_NAMES, StartForm
from ..models import OwnQuestionnaire
from ..questionnaires import Questionnaire
from ..questionnaires import own as own_service
from ..questionnaires.loader import SurveyError, SurveyFileError
from ..questionnaires.xlsform import XLSFormError, definition_yaml, read_xlsform, write_xlsform
from ..respond.spoken import audio_progress, queue_audio
from .blueprint import bp
from .common import can_work, me
from .forms import CopyForm, OwnPublishForm, UploadForm, WorkbookForm


def _registry():  # type: ignore[no-untyped-def]
    return current_app.extensions["easyvoice.surveys"]


def _checks() -> own_service.Checks:
    config = current_app.config
    symbols = set(load_symbol_index(Path(config["ASSETS_DIR"]) / "symbols" / "index.json"))
    pictures = picture_names(db.session, me().organisation_id)
    return own_service.checks_for(_registry(), symbols, int(config["SURVEY_MAX_BYTES"]), pictures)


def draft_checks() -> own_service.Checks:
    """What a draft of the signed-in person's organisation is checked against (the editor's too)."""
    return _checks()


def _own(own_id: int) -> OwnQuestionnaire:
    """The user's organisation's own questionnaire; another organisation's is a 404, like a missing one."""
    found = own_service.own(db.session, me().organisation_id, own_id)
    if found is None:
        abort(404)
    return found


def _list_page(  # type: ignore[no-untyped-def]
    error: SurveyError | None = None,
    failed: OwnQuestionnaire | None = None,
    status: int = 200,
    workbook_error: str | None = None,
):
    organisation_id = me().organisation_id
    owns = own_service.own_list(db.session, organisation_id)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    heard = {
        item.id: audio_progress(db.session, app, Questionnaire.from_dict(item.version.definition))
        for item in owns
        if item.version is not None
    }
    return render_template(
        "provider/questionnaires.html",
        templates=own_service.templates(_registry()),
        owns=owns,
        heard=heard,
        counts=own_service.version_counts(db.session, organisation_id),
        copy_form=CopyForm(),
        upload_form=UploadForm(),
        workbook_form=WorkbookForm(),
        start_form=StartForm(),
        audiences=AUDIENCE_NAMES,
        workbook_error=workbook_error,
        error=error,
        failed=failed,
    ), status


@bp.get("/questionnaires")
@can_work
def questionnaires_page() -> tuple[str, int]:
    """The templates (each with "Make a copy") and the organisation's own questionnaires."""
    return _list_page()


@bp.post("/questionnaires/copy/<template_id>")
@can_work
def copy_questionnaire(template_id: str) -> HTTPResponse:
    """Make the organisation its own copy of a shipped questionnaire (a draft)."""
    if not CopyForm().validate():
        abort(400)
    try:
        copy = own_service.make_copy(
            db.session,
            actor(),
            me().organisation_id,
            _registry(),
            template_id,
            current_app.config["SURVEYS_DIR"],
            _checks(),
        )
    except own_service.OwnError:
        abort(404)
    flash(gettext("Your copy '%(name)s' is ready. Nobody sees it until you publish it.", name=copy.slug))
    return redirect(url_for("provider.questionnaires_page"), code=303)


@bp.get("/questionnaires/<int:own_id>/file.yaml")
@can_work
def download_questionnaire(own_id: int) -> Response:
    """The draft as a file, to change on a computer and upload again."""
    item = _own(own_id)
    return Response(
        item.source,
        mimetype="application/x-yaml",
        headers={"Content-Disposition": f'attachment; filename="{item.slug}.yaml"'},
    )


@bp.post("/questionnaires/<int:own_id>/upload")
@can_work
def upload_questionnaire(own_id: int) -> HTTPResponse | tuple[str, int]:
    """Keep a changed file as the draft if it is right; else say the line and what to do."""
    item = _own(own_id)
    form = UploadForm()
    if not form.validate():
        return _list_page(_nothing_sent(item), item, 400)
    raw = form.file.data.read(int(current_app.config["SURVEY_MAX_BYTES"]) + 1)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        line = raw[: raw.find(b"\x80")].count(b"\n") + 1 if b"\x80" in raw else 1
        return _list_page(
            SurveyError(f"{item.slug}.yaml", line, "The file is not UTF-8 text.", "Save it as UTF-8."),
            item,
            400,
        )
    error = own_service.save_draft(db.session, actor(), item, text, _checks())
    if error is not None:
        return _list_page(error, item, 400)
    flash(gettext("Your changed file is kept. Publish it when it is ready."))
    return redirect(url_for("provider.questionnaires_page"), code=303)


def _nothing_sent(item: OwnQuestionnaire) -> SurveyError:
    return SurveyError(f"{item.slug}.yaml", 1, "No file was sent.", "Choose the file, then press Upload.")


@bp.get("/questionnaires/<int:own_id>/publish")
@can_work
def publish_questionnaire_confirm(own_id: int) -> str:
    """ "Are you sure?": publishing cannot be taken back."""
    item = _own(own_id)
    return render_template("provider/questionnaire_publish.html", item=item, form=OwnPublishForm())


@bp.post("/questionnaires/<int:own_id>/publish")
@can_work
def publish_questionnaire(own_id: int) -> HTTPResponse | tuple[str, int]:
    """Publish the draft as a new version (confirmed first); the same content makes no new one."""
    item = _own(own_id)
    form = OwnPublishForm()
    if not form.validate():
        abort(400)
    if form.confirm.data != "yes":
        return redirect(url_for("provider.publish_questionnaire_confirm", own_id=item.id), code=303)
    try:
        version, created = own_service.publish(db.session, actor(), item, _checks())
    except own_service.OwnError:
        return _list_page(None, item, 409)
    # the audio worker builds its new texts; until then Listen uses the tablet's own voice
    queue_audio(db.session, current_app._get_current_object(), Questionnaire.from_dict(version.definition))  # type: ignore[attr-defined]
    if created:
        flash(gettext("'%(name)s' is published. People can answer it now.", name=item.slug))
    else:
        flash(gettext("'%(name)s' was published already. Nothing changed.", name=item.slug))
    return redirect(url_for("provider.questionnaires_page"), code=303)


@bp.post("/questionnaires/xlsform")
@can_work
def bring_in_workbook() -> HTTPResponse | tuple[str, int]:
    """An XLSForm workbook (ODK, KoboToolbox) kept as a draft; if anything in it is refused, the
    sheet, row and column and what to do, and nothing is kept."""
    form = WorkbookForm()
    if not form.validate():
        return _list_page(
            status=400, workbook_error=gettext("No file was sent. Choose the file, then press Bring in.")
        )
    upload = form.workbook.data
    label = Path(upload.filename or "workbook.xlsx").name
    data = upload.read(int(current_app.config["SURVEY_MAX_BYTES"]) * 4 + 1)
    checks = _checks()  # the symbol index is read once, for the workbook and the draft
    try:
        definition = read_xlsform(
            data,
            section_refs=checks.section_refs,
            symbols=checks.symbols,
            label=label,
            pictures=checks.pictures,
        )
        text = f"# Made from the XLSForm {label}.\n" + definition_yaml(definition)
        draft = own_service.bring_in(
            db.session, actor(), me().organisation_id, _registry(), text, checks, label
        )
    except (XLSFormError, own_service.OwnError) as exc:
        return _list_page(status=400, workbook_error=str(exc))
    flash(gettext("'%(name)s' is kept as a draft. Nobody sees it until you publish it.", name=draft.slug))
    return redirect(url_for("provider.questionnaires_page"), code=303)


@bp.get("/questionnaires/<int:own_id>/form.xlsx")
@can_work
def download_workbook(own_id: int) -> Response | tuple[str, int]:
    """The draft as an XLSForm workbook, for ODK and KoboToolbox."""
    item = _own(own_id)
    try:
        data = write_xlsform(own_service.check_draft(item, item.source, _checks()))
    except SurveyFileError as exc:
        return _list_page(exc.error, item, 409)
    except ValueError as exc:
        return _list_page(status=409, workbook_error=str(exc))
    return Response(
        data,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{item.slug}.xlsx"'},
    )
