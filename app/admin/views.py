"""HTTP for the admin area: read the form, call the admin service (``service.py``, which holds
the tenancy rule and audits every change), render. Another organisation's things answer 404."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response as HTTPResponse

from .. import audit
from ..auth.access import actor, current_user, roles_required
from ..auth.accounts import (
    ASSIGNABLE_ROLES,
    AccountError,
    create_user,
    pin_locked_users,
)
from ..db import db
from ..i18n import available_locales
from ..models import Organisation, Role, Service, User
from ..respond import enrolment, offline
from . import service
from .blueprint import bp
from .forms import AuditFilterForm, OrganisationForm, ServiceForm, UserChangeForm, UserForm
from .languages import language_statuses

admin_only = roles_required(Role.ADMIN, Role.OPERATOR)
#: who may set a tablet up for one of their organisation's services
tablet_staff = roles_required(Role.ADMIN, Role.OPERATOR, Role.QUALITY_LEAD, Role.EXPERT)
operator_only = roles_required(Role.OPERATOR)
#: everyone who works at an organisation (the languages page)
all_staff = roles_required(Role.ADMIN, Role.OPERATOR, Role.QUALITY_LEAD, Role.EXPERT, Role.VIEWER)
PAGE = 100


def _me() -> User:
    user = current_user()
    if user is None:  # pragma: no cover - the role decorators sign people in first
        abort(403)
    return user


def _scope() -> service.Scope:
    return service.Scope(_me())


def _chosen_organisation(org_id: int | None) -> Organisation:
    """The organisation a form names: one the admin may manage, else a 400 (bad choice)."""
    org = db.session.get(Organisation, org_id) if org_id else None
    if org is None or not _scope().manages(org.id):
        abort(400)
    return org


def _own_organisation(org_id: int) -> Organisation:
    """An organisation in the URL: another one is a 404, the same as one that does not exist."""
    org = db.session.get(Organisation, org_id)
    if org is None or not _scope().manages(org.id):
        abort(404)
    return org


def _own_service(service_id: int) -> Service:
    found = db.session.get(Service, service_id)
    if found is None or not _scope().manages(found.organisation_id):
        abort(404)
    return found


def _own_user(user_id: int) -> User:
    """A user in the URL: one of the admin's organisation (never an operator), else 404."""
    user = db.session.get(User, user_id)
    if user is None or not _scope().sees_user(user):
        abort(404)
    return user


@bp.get("/")
@admin_only
def index() -> str:
    """Counts and links to each admin page."""
    scope = _scope()
    counts = service.counts(db.session, scope)
    # The alert after 10 wrong PINs in a row: whose PIN is locked (own organisation only).
    pin_locked = pin_locked_users(db.session, None if scope.sees_all else _me().organisation_id)
    return render_template("admin/index.html", counts=counts, sees_all=scope.sees_all, pin_locked=pin_locked)


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
    try:
        org = service.create_organisation(
            db.session, form.name.data, form.slug.data, form.suppression_threshold.data, actor()
        )
    except service.AdminError:
        form.slug.errors.append(gettext("That short name is taken."))
        return _page_organisations(form), 400
    flash(gettext("Added %(name)s.", name=org.name))
    return redirect(url_for("admin.organisations"))


def _page_organisations(form: OrganisationForm) -> str:
    scope = _scope()
    rows = service.organisations(db.session, scope)
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    extra = [code for code in available_locales(current_app) if code != default]
    return render_template(
        "admin/organisations.html", form=form, organisations=rows, sees_all=scope.sees_all, languages=extra
    )


@bp.post("/organisations/<int:org_id>")
@admin_only
def organisation_edit(org_id: int) -> HTTPResponse:
    """Rename an organisation, change its small-number threshold or the languages it offers."""
    org = _own_organisation(org_id)
    form = OrganisationForm()
    form.slug.data = org.slug
    if not form.validate():
        abort(400)
    extra = [
        code for code in available_locales(current_app) if code != current_app.config["BABEL_DEFAULT_LOCALE"]
    ]
    if any(code not in extra for code in form.languages.data):
        abort(400)
    languages = " ".join(code for code in extra if code in form.languages.data)
    service.change_organisation(
        db.session, org, form.name.data, form.suppression_threshold.data, actor(), languages=languages
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
        added = service.create_service(db.session, org, form.name.data, actor())
        flash(gettext("Added %(name)s.", name=added.name))
        return redirect(url_for("admin.services"))
    return _page_services(form)


def _page_services(form: ServiceForm) -> str:
    scope = _scope()
    rows, orgs = service.services(db.session, scope), service.organisations(db.session, scope)
    return render_template("admin/services.html", form=form, services=rows, organisations=orgs)


@bp.post("/services/<int:service_id>")
@admin_only
def service_edit(service_id: int) -> HTTPResponse:
    """Rename a service, or give it a new start code (the old link stops working)."""
    found = _own_service(service_id)
    try:
        service.change_service(
            db.session, found, request.form.get("name") or "", bool(request.form.get("new_code")), actor()
        )
    except service.AdminError:
        abort(400)
    flash(gettext("Saved %(name)s.", name=found.name))
    return redirect(url_for("admin.services"))


# -- tablets enrolled to a service (they keep it in a long-lived signed cookie) ----------------
def _this_tablet() -> Any:
    """This tablet's live enrolment, if it is one of a service this user manages."""
    found = enrolment.enrolled(db.session, current_app.secret_key, request.cookies.get(enrolment.COOKIE))
    if found is None or not _scope().manages(found.service.organisation_id):
        return None
    return found


@bp.get("/tablet")
@tablet_staff
def tablet() -> str:
    """Set this tablet up for one of the organisation's services, or stop using it there."""
    rows = service.services(db.session, _scope())
    current = _this_tablet()
    return render_template(
        "admin/tablet.html", services=rows, current=current.service if current is not None else None
    )


@bp.post("/tablet/<int:service_id>")
@tablet_staff
def tablet_enrol(service_id: int) -> HTTPResponse:
    """ "Use this tablet for <service>": the tablet starts there until staff stop it (audited)."""
    chosen = _own_service(service_id)
    previous = _this_tablet()
    if previous is not None:
        enrolment.stop(previous)
    tablet = enrolment.enrol(db.session, chosen, _me())
    audit.record(
        db.session,
        actor(),
        "tablet.enrol",
        organisation_id=chosen.organisation_id,
        object_type="service",
        object_id=chosen.id,
        tablet_id=tablet.id,
        replaced=previous.id if previous is not None else None,
    )
    flash(
        gettext(
            "This tablet is now used for %(name)s. Sign out before you give it to someone.", name=chosen.name
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
    session[offline.WIPE_KEY] = True  # its store for no wifi goes too
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
        service.user_created(db.session, user, actor())
        flash(gettext("Added %(name)s.", name=user.email))
        return redirect(url_for("admin.users"))
    return _page_users(form)


def _page_users(form: UserForm) -> str:
    scope = _scope()
    rows, orgs = service.users(db.session, scope), service.organisations(db.session, scope)
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
    if not form.validate():
        abort(400)
    try:
        service.change_user(
            db.session, user, form.role.data, form.active.data, form.password.data, form.pin.data, actor()
        )
    except service.AdminError:
        abort(400)
    flash(gettext("Saved %(name)s.", name=user.email))
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/unlock-pin", endpoint="user_unlock_pin")
@admin_only
def user_unlock_pin(user_id: int) -> HTTPResponse:
    """Open a PIN locked after 10 wrong ones (the person's password never locked)."""
    user = _own_user(user_id)
    if service.open_pin(db.session, user, actor()):
        flash(gettext("Unlocked the PIN of %(email)s.", email=user.email))
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/sign-out", endpoint="user_sign_out")
@admin_only
def user_sign_out(user_id: int) -> HTTPResponse:
    """Sign a user out everywhere (a lost tablet, a shared password)."""
    user = _own_user(user_id)
    service.sign_out_everywhere(db.session, user, actor())
    flash(gettext("Signed out %(email)s everywhere.", email=user.email))
    return redirect(url_for("admin.users"))


@bp.get("/audit")
@admin_only
def audit_events() -> str:
    """The audit trail, newest first, filtered by action, user, organisation and dates."""
    form = AuditFilterForm(request.args)
    scope = _scope()
    chosen = service.AuditFilter()
    if form.validate():
        chosen = service.AuditFilter(
            action=form.action.data or "",
            user_id=form.user_id.data,
            organisation_id=form.organisation_id.data,
            since=form.since.data or "",
            until=form.until.data or "",
        )
    page = min(max(1, request.args.get("page", 1, type=int)), 100_000)
    try:
        events, more = service.audit_events(db.session, scope, chosen, page)
    except ValueError:  # a day that does not exist (2026-02-30)
        abort(400)
    people, organisations = service.audit_people(db.session, scope)
    return render_template(
        "admin/audit.html",
        form=form,
        events=events,
        page=page,
        more=more,
        users=people,
        organisations=organisations,
    )


@bp.get("/languages")
@all_staff
def languages() -> str:
    """Each language's catalog: strings translated, reviewed by a native speaker, missing."""
    directories = str(current_app.config["BABEL_TRANSLATION_DIRECTORIES"]).split(";")
    statuses = [status for folder in directories for status in language_statuses(folder)]
    return render_template("admin/languages.html", statuses=statuses)
