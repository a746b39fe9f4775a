"""Blueprint ``auth``: sign in, sign out, roles."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")

from . import pin_views, views  # noqa: E402,F401  (registers the routes)
