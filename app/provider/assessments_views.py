"""HTTP for the self-assessment composer: start, edit sections, review, publish, evidence packs."""

from __future__ import annotations

from flask import Response, abort, redirect, render_template, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response as HTTPResponse

from .. import audit
from ..assessments import publication, quotes
from ..assessments import workflow as service
from ..auth.access import actor
from ..db import db
from ..models import ActionPoint, Answer, SelfAssessment
from ..reports import exports
from ..reports.figures import evidence_groups, question_figures, version_ids, year_bounds
from ..respond.journey import ANYTHING_ELSE
from .blueprint import bp
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
from .forms import (
    ActionForm,
    ActionUpdateForm,
    ButtonForm,
    PublishForm,
    QuoteForm,
    SectionForm,
    StartForm,
)

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
    """The organisation's self-assessments, one per year, with their status."""
    org = organisation()
    rows = db.session.scalars(
        select(SelfAssessment)
        .where(SelfAssessment.organisation_id == org.id)
        .order_by(SelfAssessment.created_at.desc())
    ).all()
    return render_template(
        "provider/assessments.html", assessments=rows, form=StartForm(), org=org, may_work=may_work(me())
    )


@bp.post("/assessments")
@can_work
def start_assessment() -> HTTPResponse:
    """A quality lead starts this year's self-assessment."""
    form = StartForm()
    if not form.validate():
        abort(400)
    draft = service.start(
        db.session, me().organisation_id, form.period.data, service.section_refs(frameworks()), me(), actor()
    )
    return redirect(url_for("provider.assessment", assessment_id=draft.id))


@bp.get("/assessments/<int:assessment_id>")
@can_look
def assessment(assessment_id: int) -> str:
    """One self-assessment: each section's statement, evidence and actions."""
    item = own_assessment(assessment_id)
    held = publication.held_quotes(db.session, item) if may_work(me()) else []
    return render_template(
        "provider/assessment.html",
        item=item,
        form=ButtonForm(),
        section_title=section_title,
        may_work=may_work(me()),
        you_said=service.you_said_we_did(item),
        held=held,
        quote_reasons=quotes.REASONS,
    )


@bp.post("/assessments/<int:assessment_id>/review")
@can_work
def review(assessment_id: int) -> HTTPResponse:
    """Send a self-assessment for review, or back to draft."""
    item = own_assessment(assessment_id)
    if not ButtonForm().validate():
        abort(400)
    _guard(service.review, db.session, item, me(), actor())
    return redirect(url_for("provider.assessment", assessment_id=item.id))


def _reasons(item: SelfAssessment) -> dict[str, str]:
    """The reasons typed for unwritten sections (one field per section: reason-<section>)."""
    return {
        e.section_ref: request.form.get(f"reason-{e.section_ref}", "")[: publication.MAX_REASON + 1]
        for e in item.entries
    }


def _confirm_page(
    item: SelfAssessment, reasons: dict[str, str], problems: list, status: int = 200
) -> tuple[str, int]:
    verdicts = exports.verdicts_by_section(db.session, item.organisation_id, item.period)
    return render_template(
        "provider/publish_confirm.html",
        item=item,
        form=PublishForm(),
        summary=publication.summary(db.session, item, verdicts),
        held=publication.held_quotes(db.session, item),
        reasons=reasons,
        missing={p.section_ref: p.part for p in problems},
        section_title=section_title,
        quote_reasons=quotes.REASONS,
    ), status


def _refused_page(item: SelfAssessment, problems: list, status: int) -> tuple[str, int]:
    return render_template(
        "provider/publish_refused.html",
        item=item,
        problems=problems,
        parts=publication.PARTS,
        section_title=section_title,
    ), status


def _word_problems(problems: list) -> list:
    return [p for p in problems if p.part not in ("reason_missing", "reason_too_long")]


@bp.get("/assessments/<int:assessment_id>/publish")
@can_work
def publish_confirm(assessment_id: int) -> tuple[str, int]:
    """ "Are you sure?": what will be published, the reasons asked for, quotes held back."""
    item = editable_assessment(assessment_id)
    found = _word_problems(publication.text_problems(db.session, item, {}))
    if found:  # texts to change first: no point asking anything else yet
        return _refused_page(item, found, 200)
    return _confirm_page(item, {}, [])


@bp.post("/assessments/<int:assessment_id>/publish")
@can_work
def publish(assessment_id: int) -> HTTPResponse | tuple[str, int]:
    """Publish a self-assessment after its checks pass (a frozen snapshot; confirmed first)."""
    item = editable_assessment(assessment_id)
    form = PublishForm()
    if not form.validate():
        abort(400)
    if item.status != "reviewed":
        abort(400)
    if form.confirm.data != "yes":  # the one-tap path: ask first, publish nothing
        return redirect(url_for("provider.publish_confirm", assessment_id=item.id), code=303)
    reasons = _reasons(item)
    verdicts = exports.verdicts_by_section(db.session, item.organisation_id, item.period)
    try:
        publication.publish(
            db.session,
            item,
            me(),
            actor(),
            item.organisation.suppression_threshold,
            questionnaires(),
            verdicts,
            reasons=reasons,
            confirmed=True,
        )
    except publication.CannotPublish as refused:
        found = _word_problems(refused.problems)
        if found:
            return _refused_page(item, found, 409)
        return _confirm_page(item, reasons, refused.problems, 400)
    except service.AssessmentError:
        abort(400)
    return redirect(url_for("provider.assessment", assessment_id=item.id))


@bp.post("/assessments/<int:assessment_id>/section/<ref>")
@can_work
def save_section(assessment_id: int, ref: str) -> HTTPResponse:
    """Save a section's statement while the self-assessment is still a draft."""
    item = own_assessment(assessment_id)
    if item.entry(ref) is None:
        abort(404)
    if item.frozen:
        abort(403)
    form = SectionForm()
    if not form.validate():
        abort(400)
    _guard(
        service.edit_section,
        db.session,
        item,
        ref,
        form.statement.data or "",
        request.form.getlist("evidence"),
        actor(),
    )
    return redirect(url_for("provider.section_entry", assessment_id=item.id, ref=ref))


@bp.get("/assessments/<int:assessment_id>/section/<ref>")
@can_look
def section_entry(assessment_id: int, ref: str) -> str:
    """One section of a self-assessment: the statement, the figures and quotes to use."""
    item = own_assessment(assessment_id)
    entry = item.entry(ref) or abort(404)
    form = SectionForm()
    form.statement.data = entry.statement
    org = item.organisation
    forms = questionnaires()
    figures = question_figures(db.session, org.id, org.suppression_threshold, item.period, forms, section=ref)
    working = may_work(me())
    held = quotes.held_back(db.session, [entry], org.id) if working else {}
    return render_template(
        "provider/section_entry.html",
        item=item,
        entry=entry,
        form=form,
        figures=figures,
        evidence=evidence_groups(figures, forms),
        title=section_title(ref),
        may_work=working,
        action_form=ActionForm(),
        update_form=ActionUpdateForm(),
        held=held,
        quote_reasons=quotes.REASONS,
        offered=_quotable(item, ref) if working and not item.frozen else [],
    )


def _quotable(item: SelfAssessment, ref: str) -> list[Answer]:
    """Written answers of the year that speak to this section and may be quoted (never one that
    may be a disclosure: app/assessments/quotes.py), for the quality lead to pick from."""
    keys = {
        q.id
        for form in questionnaires().values()
        for q in form.questions
        if q.takes_words and ref in q.sections
    } | {ANYTHING_ELSE}
    start, end = year_bounds(item.period)
    picked = {q.answer_id for q in item.entry(ref).quotes}  # type: ignore[union-attr]
    return quotes.candidates(
        db.session,
        item.organisation_id,
        keys,
        version_ids(db.session, questionnaires()),
        start,
        end,
        exclude=picked,
        limit=QUOTES_OFFERED,
    )


@bp.post("/assessments/<int:assessment_id>/section/<ref>/actions")
@can_work
def add_action(assessment_id: int, ref: str) -> HTTPResponse:
    """Add an action point to a section (what we will do, by when)."""
    item = editable_assessment(assessment_id)
    form = ActionForm()
    if not form.validate():
        abort(400)
    _guard(
        service.add_action, db.session, item, ref, form.what.data, form.who.data, form.by_when.data, actor()
    )
    return redirect(url_for("provider.section_entry", assessment_id=item.id, ref=ref))


@bp.post("/assessments/<int:assessment_id>/actions/<int:action_id>")
@can_work
def update_action(assessment_id: int, action_id: int) -> HTTPResponse:
    """Say how an action point is going (planned, started, done, dropped), and what and who."""
    item = editable_assessment(assessment_id)
    action = db.session.get(ActionPoint, action_id)
    if action is None or action.entry.self_assessment_id != item.id:
        abort(404)
    form = ActionUpdateForm()
    if not form.validate():
        abort(400)
    _guard(
        service.update_action,
        db.session,
        item,
        action,
        form.status.data,
        form.outcome.data or "",
        actor(),
        what=form.what.data or None,
        who=form.who.data or None,
    )
    return redirect(url_for("provider.section_entry", assessment_id=item.id, ref=action.entry.section_ref))


def _quote_refused(item: SelfAssessment, ref: str, reason: str) -> tuple[str, int]:
    return render_template(
        "provider/quote_refused.html",
        item=item,
        ref=ref,
        title=section_title(ref),
        reason=quotes.REASONS[reason],
    ), 409


def _answer_to_review(item: SelfAssessment, ref: str, answer_id: int) -> tuple[Answer | None, str | None]:
    """The answer and why it cannot be quoted (None: it can); another organisation's is a 404."""
    if item.entry(ref) is None:
        abort(404)
    answer = db.session.get(Answer, answer_id)
    reason = quotes.quotable(db.session, answer, item.organisation_id)
    if reason in (quotes.NOT_FOUND, quotes.NOT_OURS):
        abort(404)
    return answer, reason


def _review_page(
    item: SelfAssessment,
    ref: str,
    answer: Answer,
    form: QuoteForm,
    problem: str | None = None,
    status: int = 200,
) -> tuple[str, int]:
    return render_template(
        "provider/quote_review.html",
        item=item,
        ref=ref,
        title=section_title(ref),
        seen=quotes.context(db.session, answer),
        form=form,
        problem=quotes.REASONS[problem] if problem else None,
    ), status


@bp.get("/assessments/<int:assessment_id>/section/<ref>/quotes/<int:answer_id>")
@can_work
def quote_review(assessment_id: int, ref: str, answer_id: int) -> tuple[str, int]:
    """The whole answer in its context, and the two checks, before anything is stored."""
    item = editable_assessment(assessment_id)
    answer, reason = _answer_to_review(item, ref, answer_id)
    if reason is not None or answer is None:
        return _quote_refused(item, ref, reason or quotes.NOT_FOUND)
    form = QuoteForm()
    form.text.data = answer.text
    return _review_page(item, ref, answer, form)


@bp.post("/assessments/<int:assessment_id>/section/<ref>/quotes/<int:answer_id>")
@can_work
def pick_quote(assessment_id: int, ref: str, answer_id: int) -> HTTPResponse | tuple[str, int]:
    """Pick or drop an answer as a quote for a section (never a disclosure of harm)."""
    item = editable_assessment(assessment_id)
    answer, reason = _answer_to_review(item, ref, answer_id)
    if reason is not None or answer is None:  # a forged request: refused, nothing stored
        return _quote_refused(item, ref, reason or quotes.NOT_FOUND)
    form = QuoteForm()
    if not form.validate():
        abort(400)
    try:
        quotes.pick(
            db.session,
            item,
            ref,
            answer.id,
            form.text.data or "",
            names_nobody=bool(form.names_nobody.data),
            tells_no_harm=bool(form.tells_no_harm.data),
            by=me(),
            actor=actor(),
        )
    except quotes.NotQuotable as refused:
        if refused.reason in quotes.DISCLOSURE:
            return _quote_refused(item, ref, refused.reason)
        return _review_page(item, ref, answer, form, refused.reason, 400)
    except service.AssessmentError:
        abort(400)
    return redirect(url_for("provider.section_entry", assessment_id=item.id, ref=ref))


@bp.get("/assessments/<int:assessment_id>/pack/<ref>.zip")
@can_look
def evidence_pack(assessment_id: int, ref: str) -> Response:
    """The figures, picked quotes, verdicts and action points of one section, as a zip."""
    item = own_assessment(assessment_id)
    if item.entry(ref) is None:
        abort(404)
    org = item.organisation
    figures = {
        f.key: f
        for f in question_figures(
            db.session, org.id, org.suppression_threshold, item.period, questionnaires(), section=ref
        )
    }
    verdicts = exports.verdicts_by_section(db.session, org.id, item.period).get(ref, [])
    if item.frozen:
        data = exports.evidence_pack(
            item,
            ref,
            section_title(ref),
            figures,
            verdicts,
            [],
            publication.public_snapshot(db.session, item),
        )
    else:
        entry = item.entry(ref)
        held = quotes.held_back(db.session, [entry], org.id)  # type: ignore[list-item]
        data = exports.evidence_pack(
            item,
            ref,
            section_title(ref),
            figures,
            verdicts,
            [q.text for q in entry.quotes if q.id not in held],
        )  # type: ignore[union-attr]
    audit.record(
        db.session,
        actor(),
        "export.evidence_pack",
        organisation_id=org.id,
        object_type="self_assessment",
        object_id=item.id,
        section=ref,
    )
    name = f"{org.slug}-{item.period}-{ref.replace(':', '-')}.zip"
    return Response(
        data, mimetype="application/zip", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
