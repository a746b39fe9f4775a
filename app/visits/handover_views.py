"""HTTP for handing the tablet over to a respondent and getting it back."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response as HTTPResponse

from .. import audit
from ..auth.access import actor
from ..db import db
from . import handover, tablet
from .blueprint import bp
from .common import me, run_visits, visit_to_run
from .forms import HandoverForm, PinForm


@bp.post("/<int:visit_id>/hand-over")
@run_visits
def hand_over(visit_id: int) -> HTTPResponse:
    """Start with a new person (alone, or "ask together"): the respondent journey takes over."""
    visit = visit_to_run(visit_id)
    form = HandoverForm()
    if not form.validate():
        abort(400)
    sid = session.get("sid")
    try:
        started = handover.start_handover(
            db.session,
            visit,
            me(),
            form.questionnaire.data,
            together=form.mode.data == "together",
            suspended_sid_ref=tablet.sid_ref(sid) if sid else None,
        )
    except handover.HandoverError:
        abort(400)
    audit.record(
        db.session,
        actor(),
        "handover.start",
        object_type="handover",
        object_id=started.id,
        visit_id=visit.id,
        questionnaire=started.questionnaire,
        together=started.together,
    )
    tablet.hand_over(started, visit)
    if form.offline.data == "1":
        together = 1 if started.together else None
        return redirect(
            url_for(
                "respond.offline_journey",
                visit=visit.id,
                together=together,
                h=started.id,
                _anchor=started.questionnaire,
            )
        )
    return redirect(url_for("respond.begin", slug=started.questionnaire))


@bp.route("/give-back", methods=["GET", "POST"])
@tablet.handover_page
def give_back() -> str | HTTPResponse | tuple[str, int]:
    """Give the tablet back: the expert's pin number (or a full sign-in) ends the handover."""
    current = handover.open_handover(db.session, session.get(tablet.HANDOVER_KEY))
    if current is None:  # ended elsewhere, or an unknown token: nothing to give back
        tablet.forget_handover()
        return redirect(url_for("auth.sign_in"))
    form = PinForm()
    thanks = request.args.get("thanks") == "1"
    if request.method == "GET":
        return _page(form, current, thanks=thanks)
    if not form.validate():
        abort(400)
    pin = (form.pin.data or "").strip()
    if not pin and current.locked_at is None:
        return _page(form, current, problem="pin_missing"), 400
    # The wrong tries are counted and audited on their own connection (they stick on an error).
    result = handover.try_pin(db.session, current, pin, tablet.handover_actor(current))
    if result.expert is not None:
        audit.record(
            db.session,
            tablet.handover_actor(current),
            "handover.end",
            object_type="handover",
            object_id=current.id,
            how="pin",
            user=result.expert.id,
        )
        tablet.give_back_to(result.expert)
        return redirect(url_for("visits.show", visit_id=current.visit_id))
    if result.locked:
        return _page(form, current, problem="locked"), 429
    if result.pin_locked:
        return _page(form, current, problem="pin_account_locked"), 403
    return _page(form, current, problem="pin_wrong", tries_left=result.tries_left), 401


def _page(
    form: PinForm,
    current: handover.Handover,
    *,
    thanks: bool = False,
    problem: str | None = None,
    tries_left: int | None = None,
) -> str:
    # After thank you: did something the person said worry us? (set by respond's _thank_you)
    told = session.pop("ev_thanks_told", None) if thanks else None
    return render_template(
        "visits/give_back.html",
        form=form,
        thanks=thanks,
        locked=current.locked_at is not None,
        problem=problem,
        tries_left=tries_left,
        has_pin=bool(current.expert.pin_hash),
        pin_locked=current.expert.pin_locked_at is not None,
        sign_in_next=url_for("visits.show", visit_id=current.visit_id),
        told=told,
        urgent=handover.urgent_talks(db.session, current.visit_id),
    )


def urgent_talks(visit_id: int) -> int:
    """For the visit page: people on this visit who asked to talk to someone now."""
    return handover.urgent_talks(db.session, visit_id)
