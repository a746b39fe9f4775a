"""Blueprint ``public``: published self-assessments and the "Challenge this" form (no sign-in)."""

from flask import Blueprint

bp = Blueprint("public", __name__, url_prefix="/published")

from . import views  # noqa: E402,F401  (registers the routes)
