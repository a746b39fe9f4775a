"""HTTP for planning and running a visit: read the form, call planning.py, audit, render."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import abort, current_app, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as HTTPResponse

from .. import audit
from ..auth.access import actor
from ..db import db
from ..models import Visit
from . import handover, observations, planning, verification
from .blueprint import bp
from .common import framework, me, run_visits, surveys, the_visit, visit_to_run
from .forms import ActionForm, FinishForm, PlanForm


def today() -> date:
    """Today where the provider is (a visit's date is a local date)."""
    return datetime.now(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


@bp.get("/")
@run_visits
def index() -> str:
    """The expert's visits: open ones first, then planned, then finished."""
    return render_template("visits/index.html", visits=planning.visits_of(db.session, me()))


def _plan_from(form: PlanForm) -> planning.VisitPlan:
    return planning.VisitPlan(
        service_id=form.service.data,
        visit_date=form.visit_date.data,
        questionnaires=tuple(form.questionnaires.data or ()),
        co_checker_id=form.co_checker.data or None,
        supporter_name=form.supporter_name.data or "",
    )


def _plan_page(form: PlanForm, visit: Visit | None, problem: str | None = None) -> str:
    user = me()
    return render_template(
        "visits/plan.html",
        form=form,
        visit=visit,
        problem=problem,
        services=planning.services_of(db.session, user),
        experts=planning.experts_of(db.session, user),
        questionnaires=planning.askable(surveys().values()),
    )


@bp.route("/plan", methods=["GET", "POST"])
@run_visits
def plan() -> str | HTTPResponse | tuple[str, int]:
    """Plan a visit: where, when, who comes, which questions."""
    form = PlanForm()
    if request.method == "POST":
        if not form.validate():
            return _plan_page(form, None, _first_problem(form)), 400
        try:
            visit = planning.create_visit(db.session, me(), _plan_from(form), surveys())
        except planning.VisitError as error:
            return _plan_page(form, None, error.field), 400
        audit.record(
            db.session,
            actor(),
            "visit.create",
            object_type="visit",
            object_id=visit.id,
            service_id=visit.service_id,
            visit_date=visit.visit_date.isoformat(),
            questionnaires=visit.questionnaires,
            co_checker_id=visit.co_checker_id,
        )
        return redirect(url_for("visits.show", visit_id=visit.id))
    if not form.visit_date.data:
        form.visit_date.data = today()
    return _plan_page(form, None)


def _first_problem(form: PlanForm) -> str:
    return next(iter(form.errors), "service")


@bp.route("/<int:visit_id>/change", methods=["GET", "POST"])
@run_visits
def change(visit_id: int) -> str | HTTPResponse | tuple[str, int]:
    """Change a visit before it starts."""
    visit = visit_to_run(visit_id)
    if visit.status != "planned":
        return redirect(url_for("visits.show", visit_id=visit.id))
    form = PlanForm()
    if request.method == "POST":
        if not form.validate():
            return _plan_page(form, visit, _first_problem(form)), 400
        try:
            changes = planning.change_visit(db.session, me(), visit, _plan_from(form), surveys())
        except planning.VisitError as error:
            return _plan_page(form, visit, error.field), 400
        audit.record(
            db.session, actor(), "visit.change", object_type="visit", object_id=visit.id, changes=changes
        )
        return redirect(url_for("visits.show", visit_id=visit.id))
    form.service.data, form.visit_date.data = visit.service_id, visit.visit_date
    form.questionnaires.data, form.co_checker.data = list(visit.questionnaires), visit.co_checker_id
    form.supporter_name.data = visit.supporter_name or ""
    return _plan_page(form, visit)


@bp.get("/<int:visit_id>")
@run_visits
def show(visit_id: int) -> str:
    """The visit on the day: hand the tablet over, observations, verification, report."""
    visit = the_visit(visit_id)
    user = me()
    counts = planning.people_counts(db.session, visit)
    checklist = surveys().get(observations.CHECKLIST)
    response = observations.find_observations(db.session, visit)
    checked = verification.verification_of(db.session, visit)
    return render_template(
        "visits/visit.html",
        visit=visit,
        counts=counts,
        total=sum(counts.values()),
        titles={slug: q.title for slug, q in surveys().items()},
        alerts=handover.lock_alerts(db.session, visit),
        can_run=planning.can_run(user, visit),
        has_pin=bool(user.pin_hash),
        checklist=checklist,
        observed=len(response.answers) if response else 0,
        photos=len(observations.photos_of(db.session, visit)),
        verification=checked,
        sections=len(framework().sections),
        form=ActionForm(),
    )


def _change_status(visit_id: int, action: str) -> HTTPResponse:
    visit = visit_to_run(visit_id)
    if not ActionForm().validate():
        abort(400)
    try:
        if action == "open":
            planning.open_visit(visit)
        else:
            planning.close_visit(visit)
            observations.finish_observations(db.session, visit)
    except planning.VisitError:
        abort(409)
    audit.record(db.session, actor(), f"visit.{action}", object_type="visit", object_id=visit.id)
    return redirect(url_for("visits.show", visit_id=visit.id))


@bp.post("/<int:visit_id>/open")
@run_visits
def open_visit(visit_id: int) -> HTTPResponse:
    """Start the visit on the day (the tablet can then be handed over)."""
    return _change_status(visit_id, "open")


@bp.get("/<int:visit_id>/finish")
@run_visits
def finish(visit_id: int) -> str | HTTPResponse:
    """ "Are you sure?", on its own page: what happened on the visit, then Yes / No."""
    visit = visit_to_run(visit_id)
    if visit.status != "open":
        return redirect(url_for("visits.show", visit_id=visit.id))
    checklist = surveys().get(observations.CHECKLIST)
    response = observations.find_observations(db.session, visit)
    checked = verification.verification_of(db.session, visit)
    return render_template(
        "visits/finish.html",
        visit=visit,
        form=FinishForm(),
        people=sum(planning.people_counts(db.session, visit).values()),
        checklist=checklist,
        observed=len(response.answers) if response else 0,
        photos=len(observations.photos_of(db.session, visit)),
        verification=checked,
        summary=verification.summary(checked, verification.section_refs(framework())),
        open_alerts=planning.open_alerts(db.session, visit),
    )


@bp.post("/<int:visit_id>/close")
@run_visits
def close_visit(visit_id: int) -> HTTPResponse:
    """Finish the visit: no more people, no more observations. Only with "Yes" from the
    "Are you sure?" page; a post without it goes to that page and nothing closes."""
    visit = visit_to_run(visit_id)
    form = FinishForm()
    if not form.validate():
        abort(400)
    if form.confirm.data != "yes":
        return redirect(url_for("visits.finish", visit_id=visit.id), 303)
    return _change_status(visit_id, "close")


@bp.post("/<int:visit_id>/alerts-seen")
@run_visits
def alerts_seen(visit_id: int) -> HTTPResponse:
    """The expert has seen that the tablet was locked after wrong pin numbers."""
    visit = the_visit(visit_id)
    if not ActionForm().validate():
        abort(400)
    seen = handover.mark_alerts_seen(db.session, visit)
    audit.record(
        db.session, actor(), "handover.alert_seen", object_type="visit", object_id=visit.id, handovers=seen
    )
    return redirect(url_for("visits.show", visit_id=visit.id))
