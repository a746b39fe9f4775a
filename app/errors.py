"""Friendly, easy-read error pages with the right status: never a traceback, never a bare 500."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException, InternalServerError

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


def render_error(status: int, reason: str | None = None) -> tuple[str, int]:
    phrase, picture = REASONS.get(status, REASONS[400 if status < 500 else 500])
    return render_template(
        "errors/error.html", status=status, reason=reason or phrase, picture=picture
    ), status


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError) -> tuple[str, int]:
        return render_error(400, "error_expired")

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
