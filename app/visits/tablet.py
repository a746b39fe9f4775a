"""The tablet's side of a handover: what its session holds while a respondent has it.

While the tablet is handed over, the expert's sign-in is out of the session (to the app, the
respondent is nobody), and every page outside the respondent journey shows "Give the tablet
back" instead. The expert's pin number, or a full sign-in, ends the handover.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import g, redirect, request, session, url_for
from werkzeug.wrappers import Response as HTTPResponse

from .. import audit
from ..audit import Actor
from ..auth.access import USER_KEYS, actor, current_user, home_for, sign_in, sign_out
from ..db import db
from ..models import Handover, Role, User, Visit
from . import handover as handovers

F = TypeVar("F", bound=Callable[..., Any])

HANDOVER_KEY = "ev_handover"
#: read by app/respond/views.py: which visit a response belongs to, and "ask together"
VISIT_KEY = "ev_visit"
RESPONDENT_KEYS = ("ev_response", "ev_questionnaire", "ev_prefs")

#: pages a respondent may open while the tablet is handed over (the journey after its start)
RESPONDENT_PAGES = frozenset(
    {
        "respond.settings",
        "respond.setting",
        "respond.consent",
        "respond.no_thanks",
        "respond.question",
        "respond.closing",
        "respond.stop",
        "respond.told_us",
        "respond.talk_now",
        "respond.symbol",
        "respond.audio",
        # a tablet ready for no wifi: the journey runs from its store, its outbox sends
        "respond.offline_journey",
        "respond.offline_send",
        "respond.service_worker",
    }
)
ALWAYS_OPEN = frozenset({"static", "visits.give_back", "auth.sign_in"})


def sid_ref(sid: str) -> str:
    """The same hash of a session id that the audit trail keeps (see auth.access.actor)."""
    return hashlib.sha256(sid.encode()).hexdigest()[:16]


def handed_over() -> bool:
    return bool(session.get(HANDOVER_KEY))


def hand_over(handover: Handover, visit: Visit) -> None:
    """Suspend the expert's sign-in and point the tablet at the visit's service."""
    for key in (*USER_KEYS, *RESPONDENT_KEYS):
        session.pop(key, None)
    g.current_user = None
    session[HANDOVER_KEY] = handover.token
    session[VISIT_KEY] = {"id": visit.id, "together": handover.together, "slug": handover.questionnaire}
    session["ev_service"] = visit.service_id


def give_back_to(expert: User) -> None:
    """The expert is back: a fresh signed-in session (nothing of the respondent's is kept)."""
    sign_in(expert, secrets.token_urlsafe(24))


def forget_handover() -> None:
    for key in (HANDOVER_KEY, VISIT_KEY, "ev_service", *RESPONDENT_KEYS):
        session.pop(key, None)


def handover_actor(handover: Handover) -> Actor:
    """Who acts during a handover: nobody signed in, on this tablet, for the visit's provider."""
    return Actor(
        organisation_id=handover.visit.organisation_id,
        session_ref=sid_ref(handover.token),
        device=request.headers.get("User-Agent", "")[:200],
    )


def guard() -> HTTPResponse | None:
    """Before every request: keep a handed-over tablet inside the respondent journey."""
    token = session.get(HANDOVER_KEY)
    if token:
        g.handover_token = token
        endpoint = request.endpoint or ""
        if endpoint in ALWAYS_OPEN or endpoint in RESPONDENT_PAGES:
            return None
        slug = (session.get(VISIT_KEY) or {}).get("slug")
        if endpoint == "respond.begin" and (request.view_args or {}).get("slug") == slug:
            return None
        thanks = 1 if endpoint == "respond.thank_you" else None
        return redirect(url_for("visits.give_back", thanks=thanks))
    sid = session.get("sid")
    if sid and "uid" in session and handovers.was_suspended(db.session, sid_ref(sid)):
        # A cookie from before a handover, sent again: that sign-in ended at the handover.
        sign_out()
        return redirect(url_for("auth.sign_in"))
    return None


def end_after_sign_in(response: HTTPResponse) -> HTTPResponse:
    """After every request: a full sign-in on a handed-over tablet ends (and unlocks) it."""
    token = g.get("handover_token")
    if token and request.endpoint == "auth.sign_in" and "uid" in session and not handed_over():
        handover = handovers.open_handover(db.session, token)
        if handover is not None:
            handovers.end(handover, "sign_in")
            audit.record(
                db.session,
                actor(),
                "handover.end",
                organisation_id=handover.visit.organisation_id,
                object_type="handover",
                object_id=handover.id,
                how="sign_in",
                was_locked=handover.locked_at is not None,
            )
    return response


def handover_page(view: F) -> F:
    """For the "give the tablet back" page: open to a handed-over tablet (nobody is signed in
    then); anyone else is sent to sign in, or to their own pages (there is nothing to give back).
    """

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if handed_over():
            return view(*args, **kwargs)
        user = current_user()
        if user is None:
            return redirect(url_for("auth.sign_in"))
        return redirect(home_for(user))

    wrapped.roles = tuple(Role)  # type: ignore[attr-defined]  (read by the URL-map test)
    return wrapped  # type: ignore[return-value]
