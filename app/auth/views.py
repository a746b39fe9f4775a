"""HTTP for signing in and out."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlsplit

from flask import abort, current_app, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response as HTTPResponse

from .. import audit, throttle
from ..db import db
from ..questionnaires.schema import N_
from . import bp
from .access import actor, current_user, expire_idle_session, home_for, sign_in, sign_out
from .accounts import check_sign_in
from .forms import SignInForm

bp.before_app_request(expire_idle_session)

#: The staff areas in the top bar: (endpoint, label, roles that may open it).
STAFF_AREAS = [
    ("visits.index", N_("Visits"), ("expert", "admin")),
    ("visits.reports", N_("Visit reports"), ("quality_lead", "viewer")),
    ("visits.statements", N_("Statements for checking"), ("quality_lead",)),
    ("provider.index", N_("Evidence"), ("quality_lead", "viewer", "admin")),
    ("admin.index", N_("Admin"), ("admin",)),
]


@bp.app_context_processor
def inject_user() -> dict[str, Any]:
    return {"current_user": current_user, "staff_areas": STAFF_AREAS,
            "view_functions": current_app.view_functions}


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: never send someone elsewhere after signing in."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/sign-in", methods=["GET", "POST"], endpoint="sign_in")
def sign_in_view() -> str | HTTPResponse | tuple[str, int]:
    """The easy-read sign-in page."""
    form = SignInForm()
    idle = session.pop("signed_out_idle", False)
    if request.method == "POST":
        if not form.validate():
            return render_template("auth/sign_in.html", form=form, problem="missing"), 400
        ip_key = f"sign-in:ip:{request.remote_addr}"
        if not throttle.allow(db.session, ip_key, current_app.config["SIGN_IN_LIMIT"], 900):
            db.session.commit()
            abort(429)
        result = check_sign_in(db.session, form.email.data, form.password.data,
                               slow_down=not current_app.config.get("TESTING"))
        if result.user is None:
            audit.record(db.session, actor(), "auth.sign_in_failed", locked=result.locked)
            db.session.commit()  # the failure must count even though the answer is an error
            if result.locked:
                abort(429)
            return render_template("auth/sign_in.html", form=form, problem="wrong"), 401
        sign_in(result.user, secrets.token_urlsafe(24))
        audit.record(db.session, actor(), "auth.sign_in", object_type="user", object_id=result.user.id)
        return redirect(safe_next(request.args.get("next")) or home_for(result.user))
    return render_template("auth/sign_in.html", form=form, problem="idle" if idle else None)



@bp.post("/sign-out", endpoint="sign_out")
def sign_out_view() -> HTTPResponse:
    user = current_user()
    if user is not None:
        audit.record(db.session, actor(), "auth.sign_out", object_type="user", object_id=user.id)
    sign_out()
    return redirect(url_for("auth.sign_in"))


@bp.get("/home")
def home() -> str | HTTPResponse:
    """A landing page for roles whose own area is not built yet."""
    user = current_user()
    if user is None:
        return redirect(url_for("auth.sign_in"))
    return render_template("auth/home.html", user=user)
