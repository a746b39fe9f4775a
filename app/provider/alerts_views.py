"""HTTP for safeguarding alerts (and their settings) and for answering public challenges."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response as HTTPResponse

from .. import audit, safeguarding
from ..assessments import challenges
from ..assessments import workflow as assessment_service
from ..auth.access import actor, current_user
from ..db import db
from ..i18n import local_date, local_time
from ..models import Challenge, Role, SafeguardingAlert, utcnow
from ..safeguarding import settings
from ..safeguarding import words as plain
from .blueprint import bp
from .common import can_work, me, organisation
from .forms import AnswerChallengeForm, ButtonForm, CloseAlertForm, ConcernWordForm, LeadForm


def alert_name(alert: SafeguardingAlert) -> str:
    """Alerts are named by service and time, not by number."""
    return gettext("%(service)s, %(time)s", service=alert.service.name, time=local_time(alert.raised_at))


def _open_alert_count() -> int | None:
    """Open alerts of the signed-in quality lead's or admin's organisation (None: not theirs to see).

    Called only by the staff layout, so a respondent's page never queries for it."""
    if "open_alert_count" not in g:
        user = current_user()
        g.open_alert_count = (
            safeguarding.open_count(db.session, user.organisation_id)
            if user is not None and user.role in (Role.QUALITY_LEAD, Role.ADMIN)
            else None
        )
    return g.open_alert_count


def staff_alert_count() -> dict[str, Any]:
    """Template helpers for staff pages (registered for the whole app; evaluated only when used)."""
    return {
        "open_alert_count": _open_alert_count,
        "alert_name": alert_name,
        "local_time": local_time,
        "local_date": local_date,
        "alert_overdue": lambda alert: safeguarding.is_overdue(alert, current_app.config),
    }


def _own_alert(alert_id: int) -> SafeguardingAlert:
    alert = db.session.get(SafeguardingAlert, alert_id) or abort(404)
    if alert.organisation_id != me().organisation_id:
        abort(404)  # another organisation's alert is as unknown here as a missing one
    return alert


@bp.get("/alerts")
@can_work
def alerts() -> str:
    """Safeguarding alerts for staff: open ones first, the lead and the concern words."""
    org = organisation()
    rows = safeguarding.alerts_in_order(db.session, org.id)
    people = settings.lead_candidates(db.session, org.id)
    words = settings.organisation_words(db.session, org.id)
    return render_template(
        "provider/alerts.html",
        alerts=rows,
        people=people,
        words=words,
        built_in=safeguarding.CONCERN_WORDS,
        lead=safeguarding.lead_for(db.session, org.id),
        lead_form=LeadForm(),
        word_form=ConcernWordForm(),
        org=org,
    )


@bp.post("/alerts/lead")
@can_work
def set_lead() -> HTTPResponse:
    """An admin or quality lead names the organisation's safeguarding lead."""
    org, form = me().organisation, LeadForm()
    if not form.validate():
        abort(400)
    try:
        user = settings.set_lead(db.session, org.id, form.user_id.data, actor())
    except ValueError:
        abort(400)
    flash(gettext("%(name)s now receives safeguarding alerts.", name=user.name))
    return redirect(url_for("provider.alerts"))


@bp.post("/alerts/words")
@can_work
def add_word() -> HTTPResponse:
    """Add a concern word: free text containing it raises an alert."""
    org, form = me().organisation, ConcernWordForm()
    if not form.validate():
        abort(400)
    settings.add_word(db.session, org.id, form.word.data, me(), actor())
    return redirect(url_for("provider.alerts"))


@bp.get("/alerts/<int:alert_id>")
@can_work
def alert(alert_id: int) -> str:
    """One alert: what was said (to staff only), who acted and when, and what to do next."""
    item = _own_alert(alert_id)
    audit.record(
        db.session,
        actor(),
        "safeguarding.view",
        organisation_id=item.organisation_id,
        object_type="safeguarding_alert",
        object_id=item.id,
    )
    return render_template(
        "provider/alert.html",
        alert=item,
        form=ButtonForm(),
        close_form=CloseAlertForm(),
        plain=plain,
        overdue=safeguarding.is_overdue(item, current_app.config),
        hours=current_app.config.get("ALERT_OVERDUE_HOURS") or 24,
    )


@bp.post("/alerts/<int:alert_id>/acknowledge")
@can_work
def acknowledge(alert_id: int) -> HTTPResponse:
    """Staff say they have seen the alert (audited; the alert is never deleted)."""
    item = _own_alert(alert_id)
    if not ButtonForm().validate():
        abort(400)
    try:
        safeguarding.acknowledge(db.session, item, me(), actor())
    except safeguarding.AlertError:
        abort(400)
    return redirect(url_for("provider.alert", alert_id=item.id))


@bp.post("/alerts/<int:alert_id>/close")
@can_work
def close_alert(alert_id: int) -> HTTPResponse:
    """Staff close an alert with what was done (audited)."""
    item = _own_alert(alert_id)
    form = CloseAlertForm()
    if not form.validate():
        abort(400)
    try:
        safeguarding.close(db.session, item, me(), form.outcome.data, actor())
    except safeguarding.AlertError:
        abort(400)
    return redirect(url_for("provider.alert", alert_id=item.id))


@bp.route("/challenges/<int:challenge_id>", methods=["GET", "POST"])
@can_work
def challenge(challenge_id: int) -> str | HTTPResponse:
    """A challenge to a published self-assessment, and the provider's answer to it."""
    item = db.session.get(Challenge, challenge_id) or abort(404)
    if item.assessment.organisation_id != me().organisation_id:
        abort(404)
    form = AnswerChallengeForm()
    if request.method == "POST":
        if not form.validate():
            abort(400)
        try:
            challenges.answer_challenge(db.session, item, form.answer.data, me(), actor())
        except assessment_service.AssessmentError:
            abort(400)
        return redirect(url_for("provider.challenge", challenge_id=item.id))
    return render_template("provider/challenge.html", challenge=item, form=form, now=utcnow())
