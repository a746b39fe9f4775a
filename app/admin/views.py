"""HTTP for the admin area: read the form, call the accounts service, audit, render."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select
from werkzeug.wrappers import Response as HTTPResponse

from .. import audit
from ..auth.access import actor, roles_required
from ..auth.accounts import AccountError, create_user
from ..db import db
from ..models import AuditEvent, Organisation, Role, Service, User
from . import bp
from .forms import AuditFilterForm, OrganisationForm, ServiceForm, UserChangeForm, UserForm

admin_only = roles_required(Role.ADMIN)
PAGE = 100


def _organisation(org_id: int | None) -> Organisation:
    org = db.session.get(Organisation, org_id) if org_id else None
    if org is None:
        abort(400)
    return org


@bp.get("/")
@admin_only
def index() -> str:
    """Counts and links to each admin page."""
    counts = {model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
              for model in (Organisation, Service, User, AuditEvent)}
    return render_template("admin/index.html", counts=counts)


@bp.route("/organisations", methods=["GET", "POST"])
@admin_only
def organisations() -> str | HTTPResponse | tuple[str, int]:
    """List organisations and add one."""
    form = OrganisationForm()
    if request.method == "POST":
        if not form.validate():
            return _page_organisations(form), 400
        if db.session.scalar(select(Organisation).where(Organisation.slug == form.slug.data)):
            form.slug.errors.append("That short name is taken.")
            return _page_organisations(form), 400
        org = Organisation(name=form.name.data.strip(), slug=form.slug.data,
                           suppression_threshold=form.suppression_threshold.data)
        db.session.add(org)
        db.session.flush()
        audit.record(db.session, actor(), "organisation.create", organisation_id=org.id,
                     object_type="organisation", object_id=org.id)
        flash(f"Added {org.name}.")
        return redirect(url_for("admin.organisations"))
    return _page_organisations(form)


def _page_organisations(form: OrganisationForm) -> str:
    rows = db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
    return render_template("admin/organisations.html", form=form, organisations=rows)


@bp.post("/organisations/<int:org_id>")
@admin_only
def organisation_edit(org_id: int) -> HTTPResponse:
    """Rename an organisation or change its small-number threshold."""
    org = db.session.get(Organisation, org_id) or abort(404)
    form = OrganisationForm()
    form.slug.data = org.slug
    if not form.validate():
        abort(400)
    before = {"name": org.name, "threshold": org.suppression_threshold}
    org.name, org.suppression_threshold = form.name.data.strip(), form.suppression_threshold.data
    audit.record(db.session, actor(), "organisation.change", organisation_id=org.id,
                 object_type="organisation", object_id=org.id, before=before,
                 after={"name": org.name, "threshold": org.suppression_threshold})
    flash(f"Saved {org.name}.")
    return redirect(url_for("admin.organisations"))


@bp.route("/services", methods=["GET", "POST"])
@admin_only
def services() -> str | HTTPResponse | tuple[str, int]:
    """List services with their tablet start links, and add one."""
    form = ServiceForm()
    if request.method == "POST":
        if not form.validate():
            return _page_services(form), 400
        org = _organisation(form.organisation_id.data)
        service = Service(organisation=org, name=form.name.data.strip(), code=secrets.token_hex(4))
        db.session.add(service)
        db.session.flush()
        audit.record(db.session, actor(), "service.create", organisation_id=org.id,
                     object_type="service", object_id=service.id)
        flash(f"Added {service.name}.")
        return redirect(url_for("admin.services"))
    return _page_services(form)


def _page_services(form: ServiceForm) -> str:
    rows = db.session.scalars(select(Service).join(Organisation)
                              .order_by(Organisation.name, Service.name)).all()
    orgs = db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
    return render_template("admin/services.html", form=form, services=rows, organisations=orgs)


@bp.post("/services/<int:service_id>")
@admin_only
def service_edit(service_id: int) -> HTTPResponse:
    """Rename a service, or give it a new start code (the old link stops working)."""
    service = db.session.get(Service, service_id) or abort(404)
    name = (request.form.get("name") or "").strip()
    if not 1 <= len(name) <= 200:
        abort(400)
    before = service.name
    service.name = name
    if request.form.get("new_code"):
        service.code = secrets.token_hex(4)
    audit.record(db.session, actor(), "service.change", organisation_id=service.organisation_id,
                 object_type="service", object_id=service.id, before=before, after=name,
                 new_code=bool(request.form.get("new_code")))
    flash(f"Saved {service.name}.")
    return redirect(url_for("admin.services"))


@bp.route("/users", methods=["GET", "POST"])
@admin_only
def users() -> str | HTTPResponse | tuple[str, int]:
    """List users and add one."""
    form = UserForm()
    if request.method == "POST":
        if not form.validate() or form.role.data not in {r.value for r in Role}:
            return _page_users(form), 400
        org = _organisation(form.organisation_id.data)
        try:
            user = create_user(db.session, organisation=org, email=form.email.data,
                               name=form.name.data, role=form.role.data, password=form.password.data,
                               pin=form.pin.data or None)
        except AccountError as exc:
            form.email.errors.append(str(exc))
            return _page_users(form), 400
        audit.record(db.session, actor(), "user.create", organisation_id=org.id, object_type="user",
                     object_id=user.id, role=user.role.value)
        flash(f"Added {user.email}.")
        return redirect(url_for("admin.users"))
    return _page_users(form)


def _page_users(form: UserForm) -> str:
    rows = db.session.scalars(select(User).order_by(User.email)).all()
    orgs = db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
    return render_template("admin/users.html", form=form, users=rows, organisations=orgs,
                           roles=list(Role), change_form=UserChangeForm())


@bp.post("/users/<int:user_id>")
@admin_only
def user_edit(user_id: int) -> HTTPResponse:
    """Change a user's role, switch them off or on, or set a new password or PIN."""
    user = db.session.get(User, user_id) or abort(404)
    form = UserChangeForm()
    if not form.validate() or form.role.data not in {r.value for r in Role}:
        abort(400)
    changes = {"role": [user.role.value, form.role.data], "active": [user.active, form.active.data]}
    user.role, user.active = Role(form.role.data), form.active.data
    if form.password.data:
        user.set_password(form.password.data)
        changes["password"] = ["", "new"]
    if form.pin.data:
        user.set_pin(form.pin.data)
        changes["pin"] = ["", "new"]
    audit.record(db.session, actor(), "user.change", organisation_id=user.organisation_id,
                 object_type="user", object_id=user.id, changes=changes)
    flash(f"Saved {user.email}.")
    return redirect(url_for("admin.users"))


@bp.get("/audit")
@admin_only
def audit_events() -> str:
    """The audit trail, newest first, filtered by action, user, organisation and dates."""
    form = AuditFilterForm(request.args)
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if form.validate():
        if form.action.data:
            query = query.where(AuditEvent.action.startswith(form.action.data.strip()))
        if form.user_id.data:
            query = query.where(AuditEvent.user_id == form.user_id.data)
        if form.organisation_id.data:
            query = query.where(AuditEvent.organisation_id == form.organisation_id.data)
        if form.since.data:
            query = query.where(AuditEvent.at >= _day(form.since.data))
        if form.until.data:
            query = query.where(AuditEvent.at < _day(form.until.data) + timedelta(days=1))
    page = max(1, request.args.get("page", 1, type=int))
    events = db.session.scalars(query.limit(PAGE + 1).offset((page - 1) * PAGE)).all()
    return render_template("admin/audit.html", form=form, events=events[:PAGE], page=page,
                           more=len(events) > PAGE,
                           users=db.session.scalars(select(User).order_by(User.email)).all(),
                           organisations=db.session.scalars(select(Organisation)).all())


def _day(text: str) -> datetime:
    try:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        abort(400)
