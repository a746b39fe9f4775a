"""Configuration: defaults in code, then the instance folder's config.py, then EASYVOICE_* variables.

A secret key is generated once into the instance folder when none is given, so no secret is ever
kept in the repository.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent

DEFAULTS: dict[str, object] = {
    "DATABASE_URL": None,  # None: SQLite in the instance folder
    #: always scrypt, except when TESTING (a single cheap round unless set)
    "PASSWORD_HASH_METHOD": None,
    "SURVEYS_DIR": str(ROOT / "surveys"),
    # A survey file bigger than this is refused (file:line) before it is read; the others load.
    "SURVEY_MAX_BYTES": 256 * 1024,
    "ASSETS_DIR": str(ROOT / "easyread_assets"),
    "AUDIO_DIR": None,  # None: <instance>/audio; a shared directory for several hosts
    "PHOTO_DIR": None,  # None: <instance>/photos (visit photos; never under static/)
    "SPEECH_RATE": 140,  # words per minute: a little slower than espeak-ng's 175 default
    # Which espeak-ng voice reads each locale's texts.
    "VOICES": {
        "en_GB": "gmw/en",
        "cy": "cel/cy",
        "pl": "zlw/pl",
        "ur": "inc/ur",
        "pa": "inc/pa",
        "bn": "inc/bn",
        "ar": "sem/ar",
    },
    "BABEL_DEFAULT_LOCALE": "en_GB",
    "BABEL_DEFAULT_TIMEZONE": "Europe/London",
    "BABEL_TRANSLATION_DIRECTORIES": str(ROOT / "translations"),
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    "MAX_FREE_TEXT": 1000,
    "SESSION_COOKIE_HTTPONLY": True,
    # Browsers keep Secure cookies on https and on http://127.0.0.1 / localhost. On a trusted
    # network without TLS set EASYVOICE_SESSION_COOKIE_SECURE=false (better: put TLS in front).
    "SESSION_COOKIE_SECURE": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "WTF_I18N_ENABLED": False,  # our pages show their own easy-read messages, not WTForms' ones
    "WTF_CSRF_TIME_LIMIT": None,  # no time limits for respondents: a slow answer is still an answer
    "RETENTION_DAYS": 3 * 365,  # answers are kept this long, then `flask purge` deletes them
    # A closed safeguarding alert keeps the person's words this long, then only its facts.
    "ALERT_RETENTION_DAYS": 6 * 365,
    "IDLE_MINUTES": 20,  # a signed-in tablet left alone this long signs itself out
    # A respondent's tablet left alone this long asks "Are you still there?" at the next touch
    # (VISIT_QUIET_MINUTES while an Expert by Experience has handed it over on a visit); nobody
    # answers within QUIET_ANSWER_MINUTES: the response is closed as stopped (answers kept).
    "QUIET_MINUTES": 10,
    "VISIT_QUIET_MINUTES": 30,
    "QUIET_ANSWER_MINUTES": 2,
    # Rendered question pages kept per worker process (respond/page_cache.py); 0: none kept.
    "PAGE_CACHE_BYTES": 32 * 1024 * 1024,
    # The audio worker counts and keeps the dashboard's figures of ended months at most this often
    # (seconds, when no text is waiting; app/cli.py keep_figures); 0: only `flask refresh-figures`.
    "FIGURES_REFRESH_SECONDS": 900,
    # One text taking longer than this (seconds) in the audio worker means its builder is stuck:
    # it says where and stops, and the worker starts a fresh one (app/cli.py audio-worker).
    "AUDIO_JOB_TIMEOUT_SECONDS": 60,
    "SIGN_IN_LIMIT": 20,  # failed sign-ins per address per 15 minutes (good ones do not count)
    # How many reverse proxies (nginx, a load balancer) stand in front of the app: their
    # X-Forwarded-For gives the client's address for limits. 0: the headers are ignored.
    "TRUSTED_PROXIES": 0,
    # Safeguarding alerts and their mail (sent from the outbox after commit; see app/safeguarding).
    "TIMEZONE": "Europe/London",  # staff pages show times in this zone (Babel), never raw UTC
    "EXTERNAL_URL": "http://127.0.0.1:5000",  # links in emails start with this, never the Host header
    "ALERT_OVERDUE_HOURS": 24,  # not acknowledged by then: marked overdue and emailed again
    "MAIL_SERVER": None,  # None: no mail is sent (alerts still show on the pages)
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_FROM": "easyvoice@localhost",
    "MAIL_TIMEOUT": 10,  # seconds to wait for the mail server
    "MAIL_SWEEP_SECONDS": 60,  # a request retries unsent mail and sends reminders at most this often
    "MAIL_RETRY_SECONDS": 300,  # a request waits this long before trying one failed mail again
}

ENV_PREFIX = "EASYVOICE_"


def _coerce(raw: str) -> object:
    """Read JSON where it parses (numbers, booleans, dicts), else keep the string."""
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def load_config(app: Flask, overrides: dict | None) -> None:
    """Fill ``app.config`` from defaults, instance file, environment and ``overrides`` (in order)."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    for key, raw in os.environ.items():
        if key.startswith(ENV_PREFIX):
            app.config[key[len(ENV_PREFIX) :]] = _coerce(raw)
    if overrides:
        app.config.from_mapping(overrides)

    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = f"sqlite:///{instance / 'easyvoice.sqlite'}"
    if not app.config.get("AUDIO_DIR"):
        app.config["AUDIO_DIR"] = str(instance / "audio")
    if not app.config.get("PHOTO_DIR"):
        app.config["PHOTO_DIR"] = str(instance / "photos")
    # TIMEZONE is the one setting for local time; Flask-Babel reads its own key
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config.get("TIMEZONE") or "Europe/London"
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(instance / "secret_key")
    # scrypt for real people, whatever a setting says; one cheap round for the test suite's
    # throwaway accounts (hashing was most of each test's set-up)
    if not app.config["TESTING"]:
        app.config["PASSWORD_HASH_METHOD"] = "scrypt"  # noqa: S105  (a method's name)
    elif not app.config.get("PASSWORD_HASH_METHOD"):
        app.config["PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:1"  # noqa: S105  (a method's name)


def _instance_secret(path: Path) -> str:
    """Return the key kept in ``path``, making it (readable by the owner only) on first use."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker made it first, or an earlier run did
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32))
    return path.read_text().strip()
