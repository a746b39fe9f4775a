"""Blueprint ``respond``: the respondent journey (no login)."""

from flask import Blueprint

bp = Blueprint("respond", __name__)

from . import views  # noqa: E402,F401  (registers the routes)
