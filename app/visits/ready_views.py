"""HTTP for "Get ready for no wifi" (issue 14): the expert's page, the pin number check, and the
visit's package the tablet stores (drawn by respond/offline_views.py)."""

from __future__ import annotations

import json

from flask import current_app, jsonify, render_template, request
from werkzeug.wrappers import Response as HTTPResponse

from .. import audit
from ..auth import expert_sign_in
from ..auth.access import actor
from ..db import db
from ..respond.offline_views import visit_package
from .blueprint import bp
from .common import me, run_visits, surveys, visit_to_run
from .forms import HandoverForm


@bp.get("/<int:visit_id>/ready")
@run_visits
def ready(visit_id: int) -> str:
    """ "Get ready for no wifi": the tablet stores this visit's questionnaires (offline.js), then
    the tablet is handed over from here, the journey running from that store."""
    visit = visit_to_run(visit_id)
    return render_template(
        "visits/ready.html",
        visit=visit,
        form=HandoverForm(),
        titles={slug: q.title for slug, q in surveys().items()},
        has_pin=bool(me().pin_hash),
    )


@bp.post("/<int:visit_id>/ready/pin")
@run_visits
def ready_pin(visit_id: int) -> tuple[HTTPResponse, int]:
    """Before getting ready: the expert's pin number, checked (and counted) as every pin is. The
    tablet keeps only a hash it makes of it, so that the tablet is given back without wifi too."""
    visit_to_run(visit_id)
    user = me()
    body = request.get_json(silent=True)
    pin = body.get("pin") if isinstance(body, dict) else None
    if not isinstance(pin, str) or not pin.isdigit() or len(pin) > 12:
        return jsonify(result="pin_missing"), 400
    if not user.pin_hash:
        return jsonify(result="no_pin"), 409
    check = expert_sign_in.check_pin(db.session, user, pin, actor(), how="offline_ready")
    if check.ok:
        return jsonify(result="ok"), 200
    return jsonify(result="pin_account_locked" if check.locked else "pin_wrong"), 403 if check.locked else 401


@bp.get("/<int:visit_id>/ready/package")
@run_visits
def ready_package(visit_id: int) -> HTTPResponse:
    """The visit's package for the tablet's store: every page, picture and sound, and its key."""
    visit = visit_to_run(visit_id)
    package = visit_package(visit)
    audit.record(db.session, actor(), "visit.offline_ready", object_type="visit", object_id=visit.id)
    # In this order (jsonify would sort the keys: the settings steps and languages have an order).
    response = current_app.response_class(json.dumps(package), mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response
