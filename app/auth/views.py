"""HTTP for signing in and out."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlsplit

from flask import abort, current_app, redirect, render_template, request, session, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect
from werkzeug.wrappers import Response as HTTPResponse

from .. import audit, throttle
from ..db import db
from ..i18n import N_
from ..models import Role, User
from ..respond import enrolment, offline
from . import expert_sign_in
from .access import actor, current_user, home_for, roles_required, sign_in, sign_out
from .accounts import end_sessions, try_sign_in
from .blueprint import bp
from .forms import SignInForm

#: The staff areas in the top bar: (endpoint, label, roles that may open it).
STAFF_AREAS = [
    ("visits.index", N_("Visits"), ("expert", "admin")),
    ("visits.reports", N_("Visit reports"), ("quality_lead", "viewer")),
    ("visits.statements", N_("Statements for checking"), ("quality_lead",)),
    ("provider.index", N_("Evidence"), ("quality_lead", "viewer", "admin")),
    ("admin.index", N_("Admin"), ("admin", "operator")),
    ("auth.account", N_("Your sign-in"), tuple(role.value for role in Role)),
]
#: failed sign-ins from one address are counted in windows of this many seconds
SIGN_IN_WINDOW = 900
MAX_NEXT = 2000


def inject_user() -> dict[str, Any]:
    """For every page (create_app): who is signed in, the staff areas, whether audio is built."""
    return {
        "current_user": current_user,
        "staff_areas": STAFF_AREAS,
        "view_functions": current_app.view_functions,
        "audio_not_built": audio_not_built,
    }


def audio_not_built() -> bool:
    """No audio index yet (as /health decides): the staff layout says read-aloud is not ready.

    Called only by the staff layout, so one file check on staff pages and none elsewhere."""
    return not (current_app.extensions["easyvoice.audio"].directory / "index.json").is_file()


def safe_next(target: str | None) -> str | None:
    """Only a page of this site: a plain local path, never another site, never odd characters.

    Refused (None): anything not starting with one "/", "//host" and "/\\host" (browsers read both
    as another site), spaces, control characters such as CR/LF (they would split the Location
    header), anything outside printable ASCII, and paths no page of this app answers.
    """
    if not target or len(target) > MAX_NEXT:
        return None
    if not target.startswith("/") or target[1:2] in ("/", "\\"):
        return None
    if any(not 33 <= ord(ch) <= 126 or ch == "\\" for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    try:
        current_app.url_map.bind("localhost").match(parts.path, method="GET")
    except RequestRedirect:
        pass  # e.g. a missing trailing slash: still one of our pages
    except HTTPException:
        return None
    return target


def tablet_organisation() -> int | None:
    """The organisation this tablet is enrolled to (by its enrolment cookie), if any."""
    return expert_sign_in.tablet_organisation(
        db.session, current_app.secret_key, request.cookies.get(enrolment.COOKIE)
    )


def client_address() -> str:
    """The address limits count against (the real client's behind TRUSTED_PROXIES proxies)."""
    return request.remote_addr or "unknown"


@bp.route("/sign-in", methods=["GET", "POST"], endpoint="sign_in")
def sign_in_view() -> str | HTTPResponse | tuple[str, int]:
    """The easy-read sign-in page.

    A wrong password, an unknown email and an account waiting after many failures all get the
    same page with the same status; only failures count towards the limit per address.
    """
    form = SignInForm()
    idle = session.pop("signed_out_idle", False)
    everywhere = session.pop("signed_out_everywhere", False)
    if request.method == "POST":
        if not form.validate():
            return render_template("auth/sign_in.html", form=form, problem="missing"), 400
        ip_key = f"sign-in:ip:{client_address()}"
        limit = int(current_app.config["SIGN_IN_LIMIT"])
        if throttle.over(db.session, ip_key, limit, SIGN_IN_WINDOW):
            abort(429)
        result = try_sign_in(db.session, form.email.data, form.password.data, actor(), ip_key, SIGN_IN_WINDOW)
        if result.user is None:
            return render_template("auth/sign_in.html", form=form, problem="wrong"), 401
        user = db.session.get(User, result.user.id)
        sign_in(user, secrets.token_urlsafe(24))
        audit.record(db.session, actor(), "auth.sign_in", object_type="user", object_id=user.id)
        return redirect(safe_next(request.args.get("next")) or home_for(user))
    problem = "idle" if idle else "everywhere" if everywhere else None
    experts = None
    if request.args.get("how") != "password":
        # A tablet enrolled to a service: its organisation's experts sign in with picture and PIN.
        organisation_id = tablet_organisation()
        if organisation_id is not None:
            experts = expert_sign_in.experts_for(db.session, organisation_id) or None
    return render_template(
        "auth/sign_in.html",
        form=form,
        problem=problem,
        experts=experts,
        picture_of=expert_sign_in.picture_of,
        next=safe_next(request.args.get("next")),
    )


@bp.post("/sign-out", endpoint="sign_out")
def sign_out_view() -> HTTPResponse:
    """Sign out. This ends every session of the user (the server keeps one number per user)."""
    user = current_user()
    if user is not None:
        end_sessions(user)
        audit.record(db.session, actor(), "auth.sign_out", object_type="user", object_id=user.id)
    sign_out()
    session[offline.WIPE_KEY] = True  # the tablet's store for no wifi goes too
    return redirect(url_for("auth.sign_in"))


@bp.get("/account", endpoint="account")
@roles_required(*Role)
def account() -> str:
    """Who is signed in, and a button that signs them out on every tablet and computer."""
    user = current_user()
    return render_template(
        "auth/account.html",
        user=user,
        pictures=expert_sign_in.PICTURES if user is not None and user.role == Role.EXPERT else None,
        saved=request.args.get("saved") == "1",
    )


@bp.post("/sign-out-everywhere", endpoint="sign_out_everywhere")
@roles_required(*Role)
def sign_out_everywhere() -> HTTPResponse:
    """Sign this user out on every device (their other sessions end at once)."""
    user = current_user()
    if user is None:  # pragma: no cover - roles_required sends signed-out people to sign in
        abort(403)
    end_sessions(user)
    audit.record(db.session, actor(), "auth.sign_out_everywhere", object_type="user", object_id=user.id)
    sign_out()
    session[offline.WIPE_KEY] = True
    session["signed_out_everywhere"] = True
    return redirect(url_for("auth.sign_in"))


@bp.get("/home")
def home() -> str | HTTPResponse:
    """A landing page for roles whose own area is not built yet."""
    user = current_user()
    if user is None:
        return redirect(url_for("auth.sign_in"))
    return render_template("auth/home.html", user=user)
