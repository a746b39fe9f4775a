"""Blueprint ``provider``: the dashboard, downloads, the self-assessment, challenges and alerts."""

from flask import Blueprint

bp = Blueprint("provider", __name__, url_prefix="/provider")

from . import alerts, assessments, downloads, views  # noqa: E402,F401  (registers the routes)
