"""EasyVoice: easy-read, read-aloud questionnaires for people with learning disabilities."""

from __future__ import annotations

import os
from pathlib import Path

from babel import Locale
from flask import Flask, session
from flask_babel import Babel, get_locale
from flask_wtf.csrf import CSRFProtect
from werkzeug.routing import IntegerConverter

from .config import load_config
from .db import db
from .easyread.audio import AudioStore
from .easyread.phrases import Phrases
from .questionnaires import load_all

babel = Babel()
csrf = CSRFProtect()


class DatabaseIdConverter(IntegerConverter):
    """<int:...> in URLs, bounded to what a database integer holds: a bigger number is a 404."""

    def __init__(self, url_map: object, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)  # type: ignore[arg-type]


def create_app(config: dict | None = None) -> Flask:
    """Build the app: config, database, translations, CSRF, surveys, blueprints, CLI, error pages."""
    instance = (config or {}).get("INSTANCE_PATH") or os.environ.get("EASYVOICE_INSTANCE_PATH")
    app = Flask(__name__, instance_relative_config=True, instance_path=instance)
    app.url_map.converters["int"] = DatabaseIdConverter
    load_config(app, config)

    db.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    app.extensions["easyvoice.audio"] = AudioStore(app.config["AUDIO_DIR"])
    app.extensions["easyvoice.surveys"] = load_surveys(app)

    from . import cli, errors, security
    from .admin import bp as admin_bp
    from .auth import bp as auth_bp
    from .respond import bp as respond_bp

    app.register_blueprint(respond_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)
    from .visits import bp as visits_bp

    app.register_blueprint(visits_bp)
    from .provider import bp as provider_bp
    from .public import bp as public_bp

    app.register_blueprint(provider_bp)
    app.register_blueprint(public_bp)
    errors.init_app(app)
    security.init_app(app)
    security.trust_proxies(app)
    cli.init_app(app)

    app.jinja_env.globals.update(P=Phrases(), page_lang=page_lang, page_dir=page_dir)
    app.jinja_env.filters["locale_name"] = locale_name
    app.jinja_env.filters["as_options"] = as_options
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    return app


def load_surveys(app: Flask):  # type: ignore[no-untyped-def]
    """Load surveys/ once per process; errors are kept for `flask load-surveys` to report."""
    from .easyread.pictures import load_symbol_index

    symbols = set(load_symbol_index(Path(app.config["ASSETS_DIR"]) / "symbols" / "index.json"))
    return load_all(Path(app.config["SURVEYS_DIR"]), symbols, int(app.config["SURVEY_MAX_BYTES"]))


def available_locales(app: Flask) -> list[str]:
    """The default locale plus every locale with a catalog in translations/ (read once per app)."""
    if "easyvoice.locales" not in app.extensions:
        app.extensions["easyvoice.locales"] = _find_locales(app)
    return app.extensions["easyvoice.locales"]


def _find_locales(app: Flask) -> list[str]:
    found = {app.config["BABEL_DEFAULT_LOCALE"]}
    for directory in str(app.config["BABEL_TRANSLATION_DIRECTORIES"]).split(";"):
        for po in Path(directory).glob("*/LC_MESSAGES/messages.po"):
            found.add(po.parent.parent.name)
    return sorted(found)


def select_locale() -> str:
    from flask import current_app

    chosen = session.get("ev_prefs", {}).get("locale")
    if chosen in available_locales(current_app):
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def page_lang() -> str:
    """The <html lang> value: BCP 47 with a hyphen (en-GB), from the request's locale."""
    return str(get_locale()).replace("_", "-")


def as_options(items: list, value_attr: str, text_attr: str) -> list[tuple[object, object]]:
    """(value, text) pairs for a <select> from a list of objects."""
    return [(getattr(item, value_attr), getattr(item, text_attr)) for item in items]


def locale_name(code: str) -> str:
    """A language's name in that language (people look for their own language's name)."""
    return Locale.parse(code).get_display_name(code) or code


def page_dir() -> str:
    locale = get_locale()
    return "rtl" if locale is not None and locale.character_order == "right-to-left" else "ltr"
