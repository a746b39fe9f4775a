"""EasyVoice: easy-read, read-aloud questionnaires for people with learning disabilities."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from flask_wtf.csrf import CSRFProtect
from werkzeug.routing import IntegerConverter

from . import i18n
from .config import load_config
from .db import db
from .easyread.audio import AudioStore
from .easyread.phrases import Phrases
from .questionnaires import load_all

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
    i18n.init_app(app)
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

    app.jinja_env.globals.update(P=Phrases())
    app.jinja_env.filters["as_options"] = as_options
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    return app


def load_surveys(app: Flask):  # type: ignore[no-untyped-def]
    """Load surveys/ once per process; errors are kept for `flask load-surveys` to report."""
    from .easyread.pictures import load_symbol_index

    symbols = set(load_symbol_index(Path(app.config["ASSETS_DIR"]) / "symbols" / "index.json"))
    return load_all(Path(app.config["SURVEYS_DIR"]), symbols, int(app.config["SURVEY_MAX_BYTES"]))


def as_options(items: list, value_attr: str, text_attr: str) -> list[tuple[object, object]]:
    """(value, text) pairs for a <select> from a list of objects."""
    return [(getattr(item, value_attr), getattr(item, text_attr)) for item in items]
