"""HTTP for the picture-and-PIN sign-in of Experts by Experience (issue 10, item 12).

The keypad works without JavaScript: each key is a submit button, and the digits typed so far come
back with the page in a hidden field (never in the cookie); the 4th digit sends the PIN to the
one counted check (``expert_sign_in.check_pin`` -> ``accounts.check_pin_counted``).
"""

from __future__ import annotations

import secrets

from flask import abort, current_app, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response as HTTPResponse

from .. import audit, throttle
from ..db import db
from ..models import Role, User
from . import expert_sign_in
from .access import (
    SUSPENDED_KEY,
    actor,
    current_user,
    home_for,
    roles_required,
    sign_in,
    suspended_next,
    suspended_user,
)
from .blueprint import bp
from .forms import KeypadForm, PictureForm
from .views import SIGN_IN_WINDOW, client_address, safe_next, tablet_organisation

Page = str | HTTPResponse | tuple[str, int]


def _keypad(user: User, *, resume: bool, entered: str = "", problem: str | None = None) -> str:
    nxt = suspended_next() if resume else safe_next(request.args.get("next"))
    return render_template(
        "auth/pin.html",
        form=KeypadForm(formdata=None),
        user=user,
        picture=expert_sign_in.picture_of(user),
        resume=resume,
        entered=entered,
        last_key=request.form.get("key") if request.method == "POST" else None,
        problem=problem,
        pin_locked=user.pin_locked_at is not None,
        next=nxt,
        password_url=url_for("auth.sign_in", how="password", next=nxt),
    )


def _keypad_post(user: User, *, resume: bool) -> Page:
    """One key: more digits, or (at the 4th) the counted PIN check and the sign-in."""
    form = KeypadForm()
    if not form.validate():
        abort(400)
    entered = expert_sign_in.press(form.entered.data or "", form.key.data or "")
    if entered is None:
        abort(400)
    if len(entered) < expert_sign_in.PIN_LENGTH:
        return _keypad(user, resume=resume, entered=entered)
    how = "resume" if resume else "tablet"
    # Wrong PINs from one address share the password sign-in's limit: a tablet left in the wrong
    # hands cannot try PIN after PIN to lock every expert listed on it.
    ip_key = f"sign-in:ip:{client_address()}"
    if throttle.over(db.session, ip_key, int(current_app.config["SIGN_IN_LIMIT"]), SIGN_IN_WINDOW):
        abort(429)
    check = expert_sign_in.check_pin(db.session, user, entered, actor(), how=how)
    if not check.ok:
        throttle.kept(db.session, lambda own: throttle.hit(own, ip_key, SIGN_IN_WINDOW))
        if check.locked:
            return _keypad(user, resume=resume, problem="pin_account_locked"), 403
        return _keypad(user, resume=resume, problem="pin_sign_in_wrong"), 401
    wanted = suspended_next() if resume else request.args.get("next")
    sign_in(user, secrets.token_urlsafe(24))
    audit.record(db.session, actor(), "auth.sign_in", object_type="user", object_id=user.id, how=f"pin_{how}")
    return redirect(safe_next(wanted) or home_for(user))


@bp.route("/pin/<int:user_id>", methods=["GET", "POST"], endpoint="pin_sign_in")
def pin_sign_in(user_id: int) -> Page:
    """An expert of this tablet's organisation, chosen by their picture, types their PIN."""
    user = expert_sign_in.expert_on_tablet(db.session, tablet_organisation(), user_id)
    if user is None:  # not enrolled, another organisation's, not an expert, no PIN: not here
        abort(404)
    if request.method == "GET":
        return _keypad(user, resume=False)
    return _keypad_post(user, resume=False)


@bp.route("/go-on", methods=["GET", "POST"], endpoint="resume")
def resume() -> Page:
    """Idle during an open visit: "Put in your pin number to go on" for the same expert."""
    user = suspended_user()
    if user is None:
        session.pop(SUSPENDED_KEY, None)
        if current_user() is not None:
            return redirect(home_for(current_user()))
        return redirect(url_for("auth.sign_in"))
    if request.method == "GET":
        return _keypad(user, resume=True)
    return _keypad_post(user, resume=True)


@bp.post("/account/picture", endpoint="account_picture")
@roles_required(Role.EXPERT)
def account_picture() -> HTTPResponse:
    """An expert chooses the picture they tap to sign in on a tablet."""
    user = current_user()
    form = PictureForm()
    if user is None or not form.validate():
        abort(400)
    try:
        expert_sign_in.set_picture(user, form.picture.data or "")
    except ValueError:
        abort(400)
    audit.record(
        db.session, actor(), "user.picture", object_type="user", object_id=user.id, picture=user.picture
    )
    return redirect(url_for("auth.account", saved=1))
