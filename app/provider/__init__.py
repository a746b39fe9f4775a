"""Blueprint ``provider``: the dashboard, downloads, the self-assessment, challenges and alerts."""

from flask import Blueprint

bp = Blueprint("provider", __name__, url_prefix="/provider")


@bp.record_once
def _safeguarding_setup(state) -> None:  # type: ignore[no-untyped-def]
    """The open-alert count on every staff page, and the mail outbox flushed after each commit."""
    from ..safeguarding import outbox
    from .alerts import staff_alert_count

    state.app.context_processor(staff_alert_count)
    outbox.init_app(state.app)


from . import alerts, assessments, downloads, views  # noqa: E402,F401  (registers the routes)
