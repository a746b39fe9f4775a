"""Who is signed in, what their role lets them open, and when a session ends.

A session ends when it is idle for IDLE_MINUTES, and everywhere at once when the user's session
generation moves on (sign-out, a new password or PIN, switched off, a new role, "sign out
everywhere"): the cookie keeps the number it was signed in with, and every request compares it.
Flask's session is a signed cookie kept by the browser, so this number is what makes a copied
cookie useless after sign-out.

An Expert by Experience who is idle during an open visit is not signed out but suspended: the
sign-in leaves the session, which keeps only who it was and the page asked for; that expert's
PIN (the counted check) or a full sign-in goes on there (issue 10, item 12).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, current_app, g, redirect, request, session, url_for

from ..audit import Actor
from ..db import db
from ..models import Role, User
from .expert_sign_in import has_open_visit

F = TypeVar("F", bound=Callable[..., Any])
USER_KEYS = ("uid", "sid", "seen", "gen")
#: a suspended sign-in (idle during an open visit): {"uid", "gen", "next"}
SUSPENDED_KEY = "ev_suspended"
#: pages an idle, suspended session may still open: the PIN to go on, and the full sign-in
SUSPENDED_OPEN = ("auth.resume", "auth.sign_in", "static")


def current_user() -> User | None:
    if "current_user" not in g:
        g.current_user = _session_user()
    return g.current_user


def _session_user() -> User | None:
    """The user this session was signed in as, if that sign-in has not been ended since."""
    uid = session.get("uid")
    if not isinstance(uid, int):
        return None
    user = db.session.get(User, uid)
    if user is None or not user.active or session.get("gen") != user.session_generation:
        return None
    return user


def sign_in(user: User, sid: str) -> None:
    """Start a fresh signed-in session (a new session, so an old cookie cannot be reused)."""
    session.clear()  # also ends a suspended sign-in (SUSPENDED_KEY)
    session.update(uid=user.id, sid=sid, seen=int(time.time()), gen=user.session_generation)
    g.current_user = user


def sign_out() -> None:
    """Take the sign-in out of this session (ending it elsewhere too is accounts.end_sessions)."""
    for key in USER_KEYS:
        session.pop(key, None)
    g.current_user = None


def suspend(user: User) -> None:
    """Idle during an open visit: take the sign-in out, and remember who and where for the PIN."""
    wanted = request.full_path.rstrip("?") if request.method == "GET" else None
    sign_out()
    session[SUSPENDED_KEY] = {"uid": user.id, "gen": user.session_generation, "next": wanted}


def suspended_user() -> User | None:
    """The expert whose sign-in this session suspended, unless that sign-in was ended since."""
    held = session.get(SUSPENDED_KEY)
    if not isinstance(held, dict) or not isinstance(held.get("uid"), int):
        return None
    user = db.session.get(User, held["uid"])
    if user is None or not user.active or held.get("gen") != user.session_generation:
        return None
    return user


def suspended_next() -> str | None:
    held = session.get(SUSPENDED_KEY)
    wanted = held.get("next") if isinstance(held, dict) else None
    return wanted if isinstance(wanted, str) else None


def actor() -> Actor:
    """Who is acting, for the audit trail: the user, a hash of the session, the device."""
    user = current_user()
    sid = session.get("sid") or session.get("ev_response") or ""
    return Actor(
        user_id=user.id if user else None,
        organisation_id=user.organisation_id if user else None,
        session_ref=hashlib.sha256(sid.encode()).hexdigest()[:16] if sid else None,
        device=request.headers.get("User-Agent", "")[:200],
    )


def roles_required(*roles: Role) -> Callable[[F], F]:
    """Signed-out people go to sign in; signed-in people without one of ``roles`` get a 403 page."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                if suspended_user() is not None:  # idle during a visit: the PIN goes on
                    return redirect(url_for("auth.resume"))
                return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
            if user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.roles = roles  # type: ignore[attr-defined]  (read by the URL-map test)
        return wrapped  # type: ignore[return-value]

    return decorate


def check_session() -> Any:
    """Before each request: a sign-in that was ended elsewhere, or is idle, is taken out."""
    # A tablet's outbox sending answers given without wifi (issue 14) is not the signed-in
    # person's doing: it neither keeps a sign-in awake nor is sent to sign in when it is idle.
    if "uid" not in session or request.endpoint in ("static", "respond.offline_send"):
        return None
    if current_user() is None:  # signed out, new password, switched off ... since this cookie
        sign_out()
        return None  # the page's own role check sends the person to sign in
    now = int(time.time())
    if now - int(session.get("seen", 0)) > int(current_app.config["IDLE_MINUTES"]) * 60:
        user = current_user()
        if user is not None and user.pin_hash and has_open_visit(db.session, user):
            suspend(user)
            if request.endpoint not in SUSPENDED_OPEN:
                return redirect(url_for("auth.resume"))
            return None
        sign_out()
        session["signed_out_idle"] = True
        if request.endpoint not in ("auth.sign_in", "static"):
            return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
        return None
    session["seen"] = now
    return None


def home_for(user: User) -> str:
    """Where a user lands after signing in."""
    endpoint = {
        Role.ADMIN: "admin.index",
        Role.OPERATOR: "admin.index",
        Role.EXPERT: "visits.index",
        Role.QUALITY_LEAD: "provider.index",
        Role.VIEWER: "provider.index",
    }[user.role]
    if endpoint in current_app.view_functions:
        return url_for(endpoint)
    return url_for("auth.home")
