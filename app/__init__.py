"""EasyVoice: easy-read, read-aloud questionnaires for people with learning disabilities."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask, Response
from werkzeug.routing import IntegerConverter
from werkzeug.security import safe_join

from . import i18n, security
from .config import load_config
from .cookie_session import KeptCookieSessions
from .db import db
from .easyread.audio import AudioStore
from .easyread.phrases import Phrases
from .questionnaires.loader import load_configured
from .respond.page_cache import PageCache
from .static_files import MINIFIERS, send_minified


class DatabaseIdConverter(IntegerConverter):
    """<int:...> in URLs, bounded to what a database integer holds: a bigger number is a 404."""

    def __init__(self, url_map: object, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)  # type: ignore[arg-type]


#: how long a tablet keeps a font (app/static/fonts: 120 KB a weight) before asking again
FONT_MAX_AGE = 7 * 24 * 3600


class EasyVoice(Flask):
    """Flask, with the fonts cached by the browser (fetched once a week at most, not each page)
    and style sheets and scripts sent minified (app/static_files.py)."""

    #: ensure_sync's answer per function: Flask asks ``inspect`` whether each hook and the view
    #: is a coroutine on every request (nine times for a question page), and the answer for a
    #: function never changes
    _SYNC_MAX = 4096

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sync: dict[Callable, Callable] = {}

    def ensure_sync(self, func: Callable) -> Callable:
        try:
            found = self._sync.get(func)
        except TypeError:  # a callable that cannot be a key
            return super().ensure_sync(func)
        if found is None:
            found = super().ensure_sync(func)
            if len(self._sync) < self._SYNC_MAX:
                self._sync[func] = found
        return found

    def get_send_file_max_age(self, filename: str | None) -> int | None:
        if filename and filename.replace("\\", "/").startswith("fonts/"):
            return FONT_MAX_AGE
        return super().get_send_file_max_age(filename)

    def send_static_file(self, filename: str) -> Response:
        path = safe_join(str(self.static_folder or ""), filename)
        if path is not None and Path(path).suffix in MINIFIERS and Path(path).is_file():
            return send_minified(Path(path), self.get_send_file_max_age(filename))
        return super().send_static_file(filename)


def create_app(config: dict | None = None) -> Flask:
    """Build the app: config, database, translations, CSRF, surveys, blueprints, CLI, error pages."""
    instance = (config or {}).get("INSTANCE_PATH") or os.environ.get("EASYVOICE_INSTANCE_PATH")
    app = EasyVoice(__name__, instance_relative_config=True, instance_path=instance)
    app.url_map.converters["int"] = DatabaseIdConverter
    app.session_interface = KeptCookieSessions()
    load_config(app, config)

    db.init_app(app)
    security.csrf.init_app(app)
    i18n.init_app(app)
    app.extensions["easyvoice.audio"] = AudioStore(app.config["AUDIO_DIR"])
    app.extensions["easyvoice.surveys"] = load_configured(app.config)
    app.extensions["easyvoice.pages"] = PageCache(int(app.config["PAGE_CACHE_BYTES"]))

    from . import cli, errors

    register_views(app)
    errors.init_app(app)
    security.init_app(app)
    security.trust_proxies(app)
    cli.init_app(app)

    app.jinja_env.globals.update(P=Phrases())
    app.jinja_env.filters["as_options"] = as_options
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    return app


def register_views(app: Flask) -> None:
    """The HTTP layer: every feature's views and blueprint, and the app-wide request hooks.

    Blueprints install nothing app-wide themselves: the hooks that run on every request (whose
    sign-in is still good, a handed-over tablet kept inside the journey) and the values every
    template sees are set here, in this order, so they are all in one place.
    """
    from .admin import views as admin_views
    from .auth import pin_views
    from .auth import views as auth_views
    from .auth.access import check_session
    from .editor import pictures_views, preview_views
    from .editor import views as editor_views
    from .provider import alerts_views, assessments_views, downloads_views, questionnaires_views
    from .provider import views as provider_views
    from .public import views as public_views
    from .respond import offline_views
    from .respond import views as respond_views
    from .safeguarding import sending
    from .visits import (
        handover_views,
        observe_views,
        ready_views,
        report_views,
        tablet,
        verify_views,
    )
    from .visits import (
        views as visits_views,
    )

    del (
        pin_views,
        preview_views,
        pictures_views,
        assessments_views,
        downloads_views,
        questionnaires_views,
        observe_views,
        ready_views,
        report_views,
        verify_views,
    )
    app.context_processor(respond_views.inject_prefs)
    app.add_template_global(offline_views.wipe_tablet)
    app.register_blueprint(respond_views.bp)
    app.before_request(check_session)
    app.context_processor(auth_views.inject_user)
    app.register_blueprint(auth_views.bp)
    app.register_blueprint(admin_views.bp)
    # A handed-over tablet stays inside the respondent journey (every request, every blueprint).
    app.before_request(tablet.guard)
    app.after_request(tablet.end_after_sign_in)
    app.add_template_global(handover_views.urgent_talks)
    app.register_blueprint(visits_views.bp)
    # The open-alert count on every staff page, and the mail outbox flushed after each commit.
    app.context_processor(alerts_views.staff_alert_count)
    sending.init_app(app)
    app.register_blueprint(provider_views.bp)
    app.register_blueprint(public_views.bp)
    app.register_blueprint(editor_views.bp)


def as_options(items: list, value_attr: str, text_attr: str) -> list[tuple[object, object]]:
    """(value, text) pairs for a <select> from a list of objects."""
    return [(getattr(item, value_attr), getattr(item, text_attr)) for item in items]
