"""HTTP for the admin area: read the form, call the accounts service, audit, render.

Who sees what (the tenancy rule):
- an organisation's admin manages that organisation only: its users, services and audit trail.
  Another organisation's users, services and the organisation itself answer 404, as if they did
  not exist. Site operators' accounts are not theirs either.
- the site operator (role "operator", made by `flask create-user` only) adds organisations and
  sees every organisation's admin pages. No page here can make anyone an operator.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import Select, func, select
from werkzeug.wrappers import Response as HTTPResponse

from .. import audit
from ..auth.access import actor, current_user, roles_required
from ..auth.accounts import (
    ASSIGNABLE_ROLES,
    AccountError,
    create_user,
    end_sessions,
    pin_locked_users,
    unlock_pin,
)
from ..db import db
from ..models import AuditEvent, Organisation, Role, Service, User, new_start_code
from ..respond import enrolment
from .blueprint import bp
from .forms import AuditFilterForm, OrganisationForm, ServiceForm, UserChangeForm, UserForm

admin_only = roles_required(Role.ADMIN, Role.OPERATOR)
#: who may set a tablet up for one of their organisation's services
tablet_staff = roles_required(Role.ADMIN, Role.OPERATOR, Role.QUALITY_LEAD, Role.EXPERT)
operator_only = roles_required(Role.OPERATOR)
PAGE = 100


def _me() -> User:
    user = current_user()
    if user is None:  # pragma: no cover - the role decorators sign people in first
        abort(403)
    return user


def _sees_all() -> bool:
    return _me().role == Role.OPERATOR


def _scoped(query: Select[Any], column: Any) -> Select[Any]:
    """``query`` limited to the admin's own organisation (an operator's is not limited)."""
    return query if _sees_all() else query.where(column == _me().organisation_id)


def _visible_users(query: Select[Any]) -> Select[Any]:
    query = _scoped(query, User.organisation_id)
    return query if _sees_all() else query.where(User.role != Role.OPERATOR)


def _chosen_organisation(org_id: int | None) -> Organisation:
    """The organisation a form names: one the admin may manage, else a 400 (bad choice)."""
    org = db.session.get(Organisation, org_id) if org_id else None
    if org is None or not (_sees_all() or org.id == _me().organisation_id):
        abort(400)
    return org


def _own_organisation(org_id: int) -> Organisation:
    """An organisation in the URL: another one is a 404, the same as one that does not exist."""
    org = db.session.get(Organisation, org_id)
    if org is None or not (_sees_all() or org.id == _me().organisation_id):
        abort(404)
    return org


def _own_service(service_id: int) -> Service:
    service = db.session.get(Service, service_id)
    if service is None or not (_sees_all() or service.organisation_id == _me().organisation_id):
        abort(404)
    return service


def _own_user(user_id: int) -> User:
    """A user in the URL: one of the admin's organisation (never an operator), else 404."""
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    if not _sees_all() and (user.organisation_id != _me().organisation_id or user.role == Role.OPERATOR):
        abort(404)
    return user


@bp.get("/")
@admin_only
def index() -> str:
    """Counts and links to each admin page."""
    counts = {
        "organisation": db.session.scalar(
            _scoped(select(func.count()).select_from(Organisation), Organisation.id)
        ),
        "service": db.session.scalar(
            _scoped(select(func.count()).select_from(Service), Service.organisation_id)
        ),
        "user_account": db.session.scalar(_visible_users(select(func.count()).select_from(User))),
        "audit_event": db.session.scalar(
            _scoped(select(func.count()).select_from(AuditEvent), AuditEvent.organisation_id)
        ),
    }
    # The alert after 10 wrong PINs in a row: whose PIN is locked (own organisation only).
    pin_locked = pin_locked_users(db.session, None if _sees_all() else _me().organisation_id)
    return render_template("admin/index.html", counts=counts, sees_all=_sees_all(), pin_locked=pin_locked)


@bp.get("/organisations")
@admin_only
def organisations() -> str:
    """The organisations this admin manages (their own; every one for an operator)."""
    return _page_organisations(OrganisationForm())


@bp.post("/organisations", endpoint="organisation_create")
@operator_only
def organisation_create() -> str | HTTPResponse | tuple[str, int]:
    """Add an organisation (site operators only)."""
    form = OrganisationForm()
    if not form.validate():
        return _page_organisations(form), 400
    if db.session.scalar(select(Organisation).where(Organisation.slug == form.slug.data)):
        form.slug.errors.append("That short name is taken.")
        return _page_organisations(form), 400
    org = Organisation(
        name=form.name.data.strip(),
        slug=form.slug.data,
        suppression_threshold=form.suppression_threshold.data,
    )
    db.session.add(org)
    db.session.flush()
    audit.record(
        db.session,
        actor(),
        "organisation.create",
        organisation_id=org.id,
        object_type="organisation",
        object_id=org.id,
    )
    flash(gettext("Added %(name)s.", name=org.name))
    return redirect(url_for("admin.organisations"))


def _page_organisations(form: OrganisationForm) -> str:
    rows = db.session.scalars(
        _scoped(select(Organisation), Organisation.id).order_by(Organisation.name)
    ).all()
    return render_template("admin/organisations.html", form=form, organisations=rows, sees_all=_sees_all())


@bp.post("/organisations/<int:org_id>")
@admin_only
def organisation_edit(org_id: int) -> HTTPResponse:
    """Rename an organisation or change its small-number threshold."""
    org = _own_organisation(org_id)
    form = OrganisationForm()
    form.slug.data = org.slug
    if not form.validate():
        abort(400)
    before = {"name": org.name, "threshold": org.suppression_threshold}
    org.name, org.suppression_threshold = form.name.data.strip(), form.suppression_threshold.data
    audit.record(
        db.session,
        actor(),
        "organisation.change",
        organisation_id=org.id,
        object_type="organisation",
        object_id=org.id,
        before=before,
        after={"name": org.name, "threshold": org.suppression_threshold},
    )
    flash(gettext("Saved %(name)s.", name=org.name))
    return redirect(url_for("admin.organisations"))


@bp.route("/services", methods=["GET", "POST"])
@admin_only
def services() -> str | HTTPResponse | tuple[str, int]:
    """List services with their tablet start links, and add one."""
    form = ServiceForm()
    if request.method == "POST":
        if not form.validate():
            return _page_services(form), 400
        org = _chosen_organisation(form.organisation_id.data)
        service = Service(organisation=org, name=form.name.data.strip(), code=new_start_code())
        db.session.add(service)
        db.session.flush()
        audit.record(
            db.session,
            actor(),
            "service.create",
            organisation_id=org.id,
            object_type="service",
            object_id=service.id,
        )
        flash(gettext("Added %(name)s.", name=service.name))
        return redirect(url_for("admin.services"))
    return _page_services(form)


def _page_services(form: ServiceForm) -> str:
    rows = db.session.scalars(
        _scoped(select(Service).join(Organisation), Service.organisation_id).order_by(
            Organisation.name, Service.name
        )
    ).all()
    orgs = db.session.scalars(
        _scoped(select(Organisation), Organisation.id).order_by(Organisation.name)
    ).all()
    return render_template("admin/services.html", form=form, services=rows, organisations=orgs)


@bp.post("/services/<int:service_id>")
@admin_only
def service_edit(service_id: int) -> HTTPResponse:
    """Rename a service, or give it a new start code (the old link stops working)."""
    service = _own_service(service_id)
    name = (request.form.get("name") or "").strip()
    if not 1 <= len(name) <= 200:
        abort(400)
    before = service.name
    service.name = name
    if request.form.get("new_code"):  # the old start link answers 404 from now on
        service.code = new_start_code()
    audit.record(
        db.session,
        actor(),
        "service.change",
        organisation_id=service.organisation_id,
        object_type="service",
        object_id=service.id,
        before=before,
        after=name,
        new_code=bool(request.form.get("new_code")),
    )
    flash(gettext("Saved %(name)s.", name=service.name))
    return redirect(url_for("admin.services"))


# -- tablets enrolled to a service (they keep it in a long-lived signed cookie) ----------------
def _this_tablet() -> Any:
    """This tablet's live enrolment, if it is one of a service this user manages."""
    found = enrolment.enrolled(db.session, current_app.secret_key, request.cookies.get(enrolment.COOKIE))
    if found is None or not (_sees_all() or found.service.organisation_id == _me().organisation_id):
        return None
    return found


@bp.get("/tablet")
@tablet_staff
def tablet() -> str:
    """Set this tablet up for one of the organisation's services, or stop using it there."""
    rows = db.session.scalars(
        _scoped(select(Service).join(Organisation), Service.organisation_id).order_by(
            Organisation.name, Service.name
        )
    ).all()
    current = _this_tablet()
    return render_template(
        "admin/tablet.html", services=rows, current=current.service if current is not None else None
    )


@bp.post("/tablet/<int:service_id>")
@tablet_staff
def tablet_enrol(service_id: int) -> HTTPResponse:
    """ "Use this tablet for <service>": the tablet starts there until staff stop it (audited)."""
    service = _own_service(service_id)
    previous = _this_tablet()
    if previous is not None:
        enrolment.stop(previous)
    tablet = enrolment.enrol(db.session, service, _me())
    audit.record(
        db.session,
        actor(),
        "tablet.enrol",
        organisation_id=service.organisation_id,
        object_type="service",
        object_id=service.id,
        tablet_id=tablet.id,
        replaced=previous.id if previous is not None else None,
    )
    flash(
        gettext(
            "This tablet is now used for %(name)s. Sign out before you give it to someone.", name=service.name
        )
    )
    page = redirect(url_for("admin.tablet"))
    config = current_app.config
    page.set_cookie(
        enrolment.COOKIE,
        enrolment.cookie_value(current_app.secret_key, tablet),
        max_age=enrolment.MAX_AGE,
        path="/",
        httponly=True,
        secure=bool(config["SESSION_COOKIE_SECURE"]),
        samesite=config["SESSION_COOKIE_SAMESITE"] or "Lax",
    )
    return page


@bp.post("/tablet/stop")
@tablet_staff
def tablet_stop() -> HTTPResponse:
    """ "Stop using this tablet here": its cookie is cleared and its enrolment ends (audited)."""
    current = _this_tablet()
    if current is not None:
        enrolment.stop(current)
        audit.record(
            db.session,
            actor(),
            "tablet.stop",
            organisation_id=current.service.organisation_id,
            object_type="service",
            object_id=current.service_id,
            tablet_id=current.id,
        )
    flash(gettext("This tablet is not used for any service now."))
    page = redirect(url_for("admin.tablet"))
    page.delete_cookie(
        enrolment.COOKIE,
        path="/",
        httponly=True,
        secure=bool(current_app.config["SESSION_COOKIE_SECURE"]),
        samesite=current_app.config["SESSION_COOKIE_SAMESITE"] or "Lax",
    )
    return page


@bp.route("/users", methods=["GET", "POST"])
@admin_only
def users() -> str | HTTPResponse | tuple[str, int]:
    """List users and add one (never an operator: `flask create-user` makes those)."""
    form = UserForm()
    if request.method == "POST":
        if not form.validate() or form.role.data not in {r.value for r in ASSIGNABLE_ROLES}:
            return _page_users(form), 400
        org = _chosen_organisation(form.organisation_id.data)
        try:
            user = create_user(
                db.session,
                organisation=org,
                email=form.email.data,
                name=form.name.data,
                role=form.role.data,
                password=form.password.data,
                pin=form.pin.data or None,
            )
        except AccountError as exc:
            form.email.errors.append(exc.translated())
            return _page_users(form), 400
        audit.record(
            db.session,
            actor(),
            "user.create",
            organisation_id=org.id,
            object_type="user",
            object_id=user.id,
            role=user.role.value,
        )
        flash(gettext("Added %(name)s.", name=user.email))
        return redirect(url_for("admin.users"))
    return _page_users(form)


def _page_users(form: UserForm) -> str:
    rows = db.session.scalars(_visible_users(select(User)).order_by(User.email)).all()
    orgs = db.session.scalars(
        _scoped(select(Organisation), Organisation.id).order_by(Organisation.name)
    ).all()
    return render_template(
        "admin/users.html",
        form=form,
        users=rows,
        organisations=orgs,
        roles=list(ASSIGNABLE_ROLES),
        change_form=UserChangeForm(),
    )


@bp.post("/users/<int:user_id>")
@admin_only
def user_edit(user_id: int) -> HTTPResponse:
    """Change a user's role, switch them off or on, or set a new password or PIN.

    Any of these ends every session the user has (they sign in again with what is new).
    Nobody becomes an operator here, and an operator stays one.
    """
    user = _own_user(user_id)
    form = UserChangeForm()
    if not form.validate() or form.role.data not in {r.value for r in Role}:
        abort(400)
    new_role = Role(form.role.data)
    if new_role != user.role and Role.OPERATOR in (new_role, user.role):
        abort(400)
    changes: dict[str, list[object]] = {}
    if new_role != user.role:
        changes["role"] = [user.role.value, new_role.value]
    if form.active.data != user.active:
        changes["active"] = [user.active, form.active.data]
    user.role, user.active = new_role, form.active.data
    if form.password.data:
        user.set_password(form.password.data)
        user.failed_sign_ins, user.locked_until = 0, None
        changes["password"] = ["", "new"]
    if form.pin.data:
        if user.pin_locked_at is not None:  # a new PIN also opens a locked one
            changes["pin_locked"] = [True, False]
        user.set_pin(form.pin.data)
        changes["pin"] = ["", "new"]
    if changes:
        end_sessions(user)
    audit.record(
        db.session,
        actor(),
        "user.change",
        organisation_id=user.organisation_id,
        object_type="user",
        object_id=user.id,
        changes=changes,
        sessions_ended=bool(changes),
    )
    flash(gettext("Saved %(name)s.", name=user.email))
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/unlock-pin", endpoint="user_unlock_pin")
@admin_only
def user_unlock_pin(user_id: int) -> HTTPResponse:
    """Open a PIN locked after 10 wrong ones (the person's password never locked)."""
    user = _own_user(user_id)
    if unlock_pin(user):
        audit.record(
            db.session,
            actor(),
            "user.pin_unlocked",
            organisation_id=user.organisation_id,
            object_type="user",
            object_id=user.id,
            how="admin",
        )
        flash(gettext("Unlocked the PIN of %(email)s.", email=user.email))
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/sign-out", endpoint="user_sign_out")
@admin_only
def user_sign_out(user_id: int) -> HTTPResponse:
    """Sign a user out everywhere (a lost tablet, a shared password)."""
    user = _own_user(user_id)
    end_sessions(user)
    audit.record(
        db.session,
        actor(),
        "user.sign_out_everywhere",
        organisation_id=user.organisation_id,
        object_type="user",
        object_id=user.id,
    )
    flash(gettext("Signed out %(email)s everywhere.", email=user.email))
    return redirect(url_for("admin.users"))


@bp.get("/audit")
@admin_only
def audit_events() -> str:
    """The audit trail, newest first, filtered by action, user, organisation and dates."""
    form = AuditFilterForm(request.args)
    query = _scoped(select(AuditEvent), AuditEvent.organisation_id).order_by(
        AuditEvent.at.desc(), AuditEvent.id.desc()
    )
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
    page = min(max(1, request.args.get("page", 1, type=int)), 100_000)
    events = db.session.scalars(query.limit(PAGE + 1).offset((page - 1) * PAGE)).all()
    return render_template(
        "admin/audit.html",
        form=form,
        events=events[:PAGE],
        page=page,
        more=len(events) > PAGE,
        users=db.session.scalars(_scoped(select(User), User.organisation_id).order_by(User.email)).all(),
        organisations=db.session.scalars(_scoped(select(Organisation), Organisation.id)).all(),
    )


def _day(text: str) -> datetime:
    try:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        abort(400)
