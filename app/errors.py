"""Friendly, easy-read error pages with the right status: never a traceback, never a bare 500."""

from __future__ import annotations

from flask import Flask, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException, InternalServerError

from .auth.access import current_user, home_for
from .db import db
from .respond import journey

# status -> (phrase shown as the reason, symbol)
REASONS = {
    400: ("error_bad", "question"),
    403: ("error_forbidden", "not_allowed"),
    404: ("error_not_found", "question"),
    405: ("error_bad", "question"),
    409: ("error_conflict", "time"),
    413: ("error_too_big", "warning"),
    429: ("error_busy", "time"),
    500: ("error_server", "warning"),
}


def render_error(status: int, reason: str | None = None, go_on_url: str | None = None) -> tuple[str, int]:
    phrase, picture = REASONS.get(status, REASONS[400 if status < 500 else 500])
    home_url, home_text = _home()
    return render_template(
        "errors/error.html",
        status=status,
        reason=reason or phrase,
        picture=picture,
        home_url=home_url,
        home_text=home_text,
        go_on_url=go_on_url,
    ), status


def _home() -> tuple[str, str]:
    """Where the error page's button leads: signed-in staff to their own home (issue 10, item 9).

    Everybody else (a respondent, a handed-over tablet, nobody) goes to the respondent start.
    """
    try:
        user = current_user()
    except Exception:  # the database itself may be what failed: the start page is always safe
        user = None
    if user is not None:
        return home_for(user), "error_staff_home"
    return url_for("respond.start"), "error_home"


def _where_they_were() -> str | None:
    """A journey page sent without its token: its own page, when the tablet still holds the
    person's open response ("Go on where you were"). Only the question and closing pages."""
    token = session.get("ev_response")
    if not isinstance(token, str) or request.endpoint not in ("respond.question", "respond.closing"):
        return None
    try:
        found = journey.open_response(db.session, token)
    except Exception:
        return None
    if found is None:
        return None
    return url_for(request.endpoint, **(request.view_args or {}))


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError) -> tuple[str, int]:
        # Mostly a page left open too long (its token expired), or a session cookie gone.
        return render_error(400, "error_open_too_long", go_on_url=_where_they_were())

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> tuple[str, int]:
        return render_error(exc.code or 500)

    @app.errorhandler(DataError)
    def data_error(exc: DataError) -> tuple[str, int]:
        # A value the database cannot hold (e.g. an id past 2**31 on PostgreSQL) is bad input.
        app.logger.info("Refused a value the database cannot hold: %s", exc.orig)
        return render_error(400)

    @app.errorhandler(OverflowError)
    def overflow_error(exc: OverflowError) -> tuple[str, int]:
        # A number past 64 bits, or a date past 9999-12-31 after arithmetic, is bad input too.
        app.logger.info("Refused a value out of range: %s", exc)
        return render_error(400)

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception) -> tuple[str, int]:
        app.logger.exception("Unhandled error", exc_info=exc)
        return render_error(InternalServerError.code)
