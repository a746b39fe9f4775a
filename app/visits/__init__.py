"""Blueprint ``visits``: Experts by Experience plan visits, hand the tablet over, note what they
see and check what the provider claims (login)."""

from flask import Blueprint

bp = Blueprint("visits", __name__, url_prefix="/visits")

from . import handover_views, observe_views, report_views, tablet, verify_views, views  # noqa: E402,F401

# A handed-over tablet stays inside the respondent journey (every request, every blueprint).
bp.before_app_request(tablet.guard)
bp.after_app_request(tablet.end_after_sign_in)
