"""HTTP for safeguarding alerts (and their settings) and for answering public challenges."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response as HTTPResponse

from .. import audit, safeguarding
from ..auth.access import actor
from ..db import db
from ..models import Challenge, ConcernWord, Role, SafeguardingAlert, SafeguardingLead, User, utcnow
from ..reports import assessments as assessment_service
from . import bp
from .common import can_work, me, organisation
from .forms import AnswerChallengeForm, ButtonForm, CloseAlertForm, ConcernWordForm, LeadForm


def _own_alert(alert_id: int) -> SafeguardingAlert:
    alert = db.session.get(SafeguardingAlert, alert_id) or abort(404)
    if alert.organisation_id != me().organisation_id:
        abort(403)
    return alert


@bp.get("/alerts")
@can_work
def alerts() -> str:
    org = organisation()
    rows = db.session.scalars(select(SafeguardingAlert).where(SafeguardingAlert.organisation_id == org.id)
                              .order_by(SafeguardingAlert.raised_at.desc())).all()
    people = db.session.scalars(select(User).where(User.organisation_id == org.id, User.active.is_(True),
                                                   User.role.in_([Role.QUALITY_LEAD, Role.ADMIN]))
                                .order_by(User.name)).all()
    words = db.session.scalars(select(ConcernWord).where(ConcernWord.organisation_id == org.id)
                               .order_by(ConcernWord.word)).all()
    return render_template("provider/alerts.html", alerts=rows, people=people, words=words,
                           built_in=safeguarding.CONCERN_WORDS,
                           lead=safeguarding.lead_for(db.session, org.id),
                           lead_form=LeadForm(), word_form=ConcernWordForm(), org=org)


@bp.post("/alerts/lead")
@can_work
def set_lead() -> HTTPResponse:
    org, form = me().organisation, LeadForm()
    if not form.validate():
        abort(400)
    user = db.session.get(User, form.user_id.data)
    if user is None or user.organisation_id != org.id or user.role not in (Role.QUALITY_LEAD, Role.ADMIN):
        abort(400)
    row = db.session.get(SafeguardingLead, org.id)
    if row is None:
        db.session.add(SafeguardingLead(organisation_id=org.id, user_id=user.id))
    else:
        row.user_id = user.id
    audit.record(db.session, actor(), "safeguarding.set_lead", organisation_id=org.id,
                 object_type="user", object_id=user.id)
    flash(gettext("%(name)s now receives safeguarding alerts.", name=user.name))
    return redirect(url_for("provider.alerts"))


@bp.post("/alerts/words")
@can_work
def add_word() -> HTTPResponse:
    org, form = me().organisation, ConcernWordForm()
    if not form.validate():
        abort(400)
    word = " ".join(form.word.data.lower().split())
    try:
        with db.session.begin_nested():
            db.session.add(ConcernWord(organisation_id=org.id, word=word, added_by_id=me().id))
    except IntegrityError:
        pass  # already on the list
    audit.record(db.session, actor(), "safeguarding.add_word", organisation_id=org.id, word=word)
    return redirect(url_for("provider.alerts"))


@bp.get("/alerts/<int:alert_id>")
@can_work
def alert(alert_id: int) -> str:
    item = _own_alert(alert_id)
    audit.record(db.session, actor(), "safeguarding.view", organisation_id=item.organisation_id,
                 object_type="safeguarding_alert", object_id=item.id)
    return render_template("provider/alert.html", alert=item, form=ButtonForm(), close_form=CloseAlertForm())


@bp.post("/alerts/<int:alert_id>/acknowledge")
@can_work
def acknowledge(alert_id: int) -> HTTPResponse:
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
    item = db.session.get(Challenge, challenge_id) or abort(404)
    if item.assessment.organisation_id != me().organisation_id:
        abort(403)
    form = AnswerChallengeForm()
    if request.method == "POST":
        if not form.validate():
            abort(400)
        try:
            assessment_service.answer_challenge(db.session, item, form.answer.data, me(), actor())
        except assessment_service.AssessmentError:
            abort(400)
        return redirect(url_for("provider.challenge", challenge_id=item.id))
    return render_template("provider/challenge.html", challenge=item, form=form, now=utcnow())
