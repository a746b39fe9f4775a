"""Security headers on every response, trusted proxies, and the health check that load balancers call."""

from __future__ import annotations

import threading
from pathlib import Path

from flask import Flask, Response, current_app, g, jsonify, request, session
from flask_wtf.csrf import CSRFProtect, generate_csrf
from sqlalchemy import text
from werkzeug.datastructures import Headers
from werkzeug.middleware.proxy_fix import ProxyFix

from .db import db


class CSRFOnSends(CSRFProtect):
    """Flask-WTF's CSRF protection, its check skipped at once for a request it never checks.

    Flask-WTF's hook looks up the view's exemptions before it looks at the method, on every
    request: for a GET that is over a tenth of a kept question page's own hooks (issue 15,
    timed inside the request). Here its hook runs only for a method it checks
    (WTF_CSRF_METHODS: POST, PUT, PATCH, DELETE), so it decides exactly as before: for any other
    method it would have found nothing to check either.
    """

    def init_app(self, app: Flask) -> None:
        super().init_app(app)
        hooks = app.before_request_funcs.setdefault(None, [])
        flask_wtf_hook = hooks[-1] if hooks else None
        if getattr(flask_wtf_hook, "__qualname__", "") != "CSRFProtect.init_app.<locals>.csrf_protect":
            return  # not the hook this was written for: leave Flask-WTF's own in place

        def csrf_protect() -> None:
            if request.method in app.config["WTF_CSRF_METHODS"]:
                flask_wtf_hook()

        hooks[-1] = csrf_protect


#: CSRF on every form of the app (Flask-WTF); a view that must take a bigger body exempts nothing
csrf = CSRFOnSends()

#: signed CSRF tokens kept per process: (secret key, the session's raw token) -> signed token
_SIGNED: dict[tuple[str, str], str] = {}
_SIGNED_MAX = 8192
_signed_lock = threading.Lock()


def csrf_token() -> str:
    """The signed CSRF token for this request's session, as ``generate_csrf`` makes it, signed
    once per session and process rather than on every page (issue 15: a tenth of a kept question
    page's time). Only while tokens never expire (WTF_CSRF_TIME_LIMIT is None, the app's
    setting): a signature is then valid for as long as the session's raw token, which is what it
    signs, so the same signed token serves each of its pages. Otherwise, and for a session with
    no token yet, ``generate_csrf`` as it is."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]  (one lookup, not five)
    config = app.config
    field = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    raw = session.get(field)
    if config.get("WTF_CSRF_TIME_LIMIT") is not None or not isinstance(raw, str):
        return generate_csrf()
    key = (str(config.get("WTF_CSRF_SECRET_KEY") or app.secret_key), raw)
    signed = _SIGNED.get(key)
    if signed is None:
        signed = generate_csrf()
        with _signed_lock:
            if len(_SIGNED) >= _SIGNED_MAX:
                _SIGNED.clear()  # a few hundred tablets at once fit many times over
            _SIGNED[key] = signed
    setattr(g, field, signed)  # where generate_csrf keeps it for the rest of the request
    return signed


#: Scripts and styles only from our own files: no inline script can run, whatever gets injected.
CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "media-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "geolocation=(), microphone=(), payment=(), usb=()",
}


#: Every kind of file a download of answers can be: never cached anywhere.
DOWNLOAD_TYPES = frozenset(
    {
        "text/csv",
        "application/pdf",
        "application/zip",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
)


def trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies (a number; default 0), read the client's address
    and scheme from the X-Forwarded-For / -Proto headers those proxies add (werkzeug's ProxyFix),
    so limits count the real client, not the proxy. With 0 those headers are ignored: anybody
    can send them. The Host header is never trusted (links in mail come from EXTERNAL_URL).
    """
    raw = app.config.get("TRUSTED_PROXIES") or 0
    try:
        proxies = int(raw)
    except (TypeError, ValueError):
        proxies = -1
    if proxies < 0:
        raise ValueError(f"TRUSTED_PROXIES must be a number of proxies (0 or more), not {raw!r}.")
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]


NO_STORE = ("Cache-Control", "no-store")


def _append_checked(headers: Headers, pairs: list[tuple[str, str]]) -> None:
    """Add headers that were checked once already (the app's own constants, see init_app).

    ``Headers.extend`` checks every value for line breaks on every response: a tenth of the
    fixed hooks' time on a kept question page (issue 15). Constants checked when the app is built
    need no second look, so they go straight onto werkzeug's list of pairs where it has one."""
    pairs_list = getattr(headers, "_list", None)
    if type(headers) is Headers and isinstance(pairs_list, list):
        pairs_list.extend(pairs)
    else:
        headers.extend(pairs)


def init_app(app: Flask) -> None:
    always = list(HEADERS.items())
    if app.config["SESSION_COOKIE_SECURE"]:
        always.append(("Strict-Transport-Security", "max-age=31536000"))
    always = list(Headers(always).items())  # checked here, once (werkzeug refuses line breaks)

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        # Every response: one pass over the headers it has (each lookup in werkzeug's Headers is
        # a scan of its list), then the missing ones added at once (issue 15: hooks' fixed cost).
        headers = response.headers
        present = {name.lower(): value for name, value in headers.items()}
        missing = [pair for pair in always if pair[0].lower() not in present]
        _append_checked(headers, missing)
        # Pages and downloads can hold a person's answers: never in a shared cache or history.
        download = "attachment" in present.get("content-disposition", "")
        mimetype = response.mimetype  # parsed from Content-Type on each reading: read once
        if download or mimetype in DOWNLOAD_TYPES:
            headers["Cache-Control"] = "no-store"  # even over send_file's own max-age
        elif "cache-control" not in present and mimetype == "text/html":
            _append_checked(headers, [NO_STORE])  # not there: nothing to replace
        return response

    @app.get("/health")
    def health() -> tuple[Response, int]:
        """Is the database reachable, and is the audio store there? 200 if both, else 503."""
        checks = {"database": "ok", "audio": "ok"}
        try:
            db.session.execute(text("SELECT 1"))
        except Exception:  # any driver error means "not healthy"; the detail goes to the log
            app.logger.exception("Health check: database")
            checks["database"] = "unreachable"
        audio = Path(app.config["AUDIO_DIR"])
        if not (audio / "index.json").is_file():
            checks["audio"] = "not built"
        healthy = all(value == "ok" for value in checks.values())
        return jsonify(status="ok" if healthy else "unhealthy", **checks), 200 if healthy else 503
