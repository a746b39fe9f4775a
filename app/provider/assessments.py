"""HTTP for the self-assessment composer: start, edit sections, review, publish, evidence packs."""

from __future__ import annotations

from flask import Response, abort, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response as HTTPResponse

from .. import audit
from ..auth.access import actor
from ..db import db
from ..models import ActionPoint, Answer, AnswerKind, SelfAssessment, Service
from ..models import Response as Reply
from ..reports import assessments as service
from ..reports import exports
from ..reports.figures import question_figures, version_ids, year_bounds
from ..respond.journey import ANYTHING_ELSE
from . import bp
from .common import (
    can_look,
    can_work,
    editable_assessment,
    frameworks,
    may_work,
    me,
    organisation,
    own_assessment,
    questionnaires,
    section_title,
)
from .forms import ActionForm, ActionUpdateForm, ButtonForm, QuoteForm, SectionForm, StartForm

QUOTES_OFFERED = 40


def _guard(call, *args, **kwargs):  # type: ignore[no-untyped-def]
    """Run a service step; a published self-assessment refuses with 403, other problems 400."""
    try:
        return call(*args, **kwargs)
    except service.Frozen:
        abort(403)
    except service.AssessmentError:
        abort(400)


@bp.get("/assessments")
@can_look
def assessments() -> str:
    org = organisation()
    rows = db.session.scalars(select(SelfAssessment).where(SelfAssessment.organisation_id == org.id)
                              .order_by(SelfAssessment.created_at.desc())).all()
    return render_template("provider/assessments.html", assessments=rows, form=StartForm(), org=org,
                           may_work=may_work(me()))


@bp.post("/assessments")
@can_work
def start_assessment() -> HTTPResponse:
    form = StartForm()
    if not form.validate():
        abort(400)
    draft = service.start(db.session, me().organisation_id, form.period.data,
                          service.section_refs(frameworks()), me(), actor())
    return redirect(url_for("provider.assessment", assessment_id=draft.id))


@bp.get("/assessments/<int:assessment_id>")
@can_look
def assessment(assessment_id: int) -> str:
    item = own_assessment(assessment_id)
    return render_template("provider/assessment.html", item=item, form=ButtonForm(),
                           section_title=section_title, may_work=may_work(me()),
                           you_said=service.you_said_we_did(item))


@bp.post("/assessments/<int:assessment_id>/review")
@can_work
def review(assessment_id: int) -> HTTPResponse:
    item = own_assessment(assessment_id)
    if not ButtonForm().validate():
        abort(400)
    _guard(service.review, db.session, item, me(), actor())
    return redirect(url_for("provider.assessment", assessment_id=item.id))


@bp.post("/assessments/<int:assessment_id>/publish")
@can_work
def publish(assessment_id: int) -> HTTPResponse:
    item = own_assessment(assessment_id)
    if not ButtonForm().validate():
        abort(400)
    verdicts = exports.verdicts_by_section(db.session, item.organisation_id, item.period)
    _guard(service.publish, db.session, item, me(), actor(), item.organisation.suppression_threshold,
           questionnaires(), verdicts)
    return redirect(url_for("provider.assessment", assessment_id=item.id))


@bp.post("/assessments/<int:assessment_id>/section/<ref>")
@can_work
def save_section(assessment_id: int, ref: str) -> HTTPResponse:
    item = own_assessment(assessment_id)
    if item.entry(ref) is None:
        abort(404)
    if item.frozen:
        abort(403)
    form = SectionForm()
    if not form.validate():
        abort(400)
    _guard(service.edit_section, db.session, item, ref, form.statement.data or "",
           request.form.getlist("evidence"), actor())
    return redirect(url_for("provider.section_entry", assessment_id=item.id, ref=ref))


@bp.get("/assessments/<int:assessment_id>/section/<ref>")
@can_look
def section_entry(assessment_id: int, ref: str) -> str:
    item = own_assessment(assessment_id)
    entry = item.entry(ref) or abort(404)
    form = SectionForm()
    form.statement.data = entry.statement
    org = item.organisation
    figures = question_figures(db.session, org.id, org.suppression_threshold, item.period,
                               questionnaires(), section=ref)
    return render_template("provider/section_entry.html", item=item, entry=entry, form=form,
                           figures=figures, title=section_title(ref), may_work=may_work(me()),
                           action_form=ActionForm(), update_form=ActionUpdateForm(),
                           quote_form=QuoteForm(), offered=_quotable(item, ref) if may_work(me()) else [])


def _quotable(item: SelfAssessment, ref: str) -> list[Answer]:
    """Free-text answers of the year that speak to this section, for the quality lead to pick from."""
    keys = {q.id for form in questionnaires().values() for q in form.questions
            if q.type == "free_text" and ref in q.sections} | {ANYTHING_ELSE}
    start, end = year_bounds(item.period)
    versions = list(version_ids(db.session, questionnaires()))
    picked = {q.answer_id for q in item.entry(ref).quotes}  # type: ignore[union-attr]
    rows = db.session.scalars(
        select(Answer).join(Reply, Reply.id == Answer.response_id)
        .join(Service, Service.id == Reply.service_id)
        .where(Service.organisation_id == item.organisation_id, Answer.kind == AnswerKind.TEXT,
               Answer.question_key.in_(keys), Reply.version_id.in_(versions),
               Reply.started_at >= start, Reply.started_at < end)
        .order_by(Answer.created_at.desc()).limit(QUOTES_OFFERED))
    return [a for a in rows if a.id not in picked]


@bp.post("/assessments/<int:assessment_id>/section/<ref>/actions")
@can_work
def add_action(assessment_id: int, ref: str) -> HTTPResponse:
    item = editable_assessment(assessment_id)
    form = ActionForm()
    if not form.validate():
        abort(400)
    _guard(service.add_action, db.session, item, ref, form.what.data, form.who.data, form.by_when.data,
           actor())
    return redirect(url_for("provider.section_entry", assessment_id=item.id, ref=ref))


@bp.post("/assessments/<int:assessment_id>/actions/<int:action_id>")
@can_work
def update_action(assessment_id: int, action_id: int) -> HTTPResponse:
    item = editable_assessment(assessment_id)
    action = db.session.get(ActionPoint, action_id)
    if action is None or action.entry.self_assessment_id != item.id:
        abort(404)
    form = ActionUpdateForm()
    if not form.validate():
        abort(400)
    _guard(service.update_action, db.session, item, action, form.status.data, form.outcome.data or "",
           actor())
    return redirect(url_for("provider.section_entry", assessment_id=item.id, ref=action.entry.section_ref))


@bp.post("/assessments/<int:assessment_id>/section/<ref>/quotes")
@can_work
def pick_quote(assessment_id: int, ref: str) -> HTTPResponse:
    item = editable_assessment(assessment_id)
    form = QuoteForm()
    if not form.validate():
        abort(400)
    _guard(service.pick_quote, db.session, item, ref, form.answer_id.data, form.text.data or "", me(),
           actor())
    return redirect(url_for("provider.section_entry", assessment_id=item.id, ref=ref))


@bp.get("/assessments/<int:assessment_id>/pack/<ref>.zip")
@can_look
def evidence_pack(assessment_id: int, ref: str) -> Response:
    """The figures, picked quotes, verdicts and action points of one section, as a zip."""
    item = own_assessment(assessment_id)
    if item.entry(ref) is None:
        abort(404)
    org = item.organisation
    figures = {f.key: f for f in question_figures(db.session, org.id, org.suppression_threshold,
                                                  item.period, questionnaires(), section=ref)}
    verdicts = exports.verdicts_by_section(db.session, org.id, item.period).get(ref, [])
    data = exports.evidence_pack(item, ref, section_title(ref), figures, verdicts)
    audit.record(db.session, actor(), "export.evidence_pack", organisation_id=org.id,
                 object_type="self_assessment", object_id=item.id, section=ref)
    name = f"{org.slug}-{item.period}-{ref.replace(':', '-')}.zip"
    return Response(data, mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
