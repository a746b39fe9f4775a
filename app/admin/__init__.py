"""Blueprint ``admin``: users, organisations, services and the audit trail (admins only)."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from . import views  # noqa: E402,F401  (registers the routes)
