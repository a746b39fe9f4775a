"""HTTP for visit reports: an easy-read page and a printable page (printing is audited)."""

from __future__ import annotations

from flask import render_template

from .. import audit
from ..auth.access import actor
from ..db import db
from ..models import Role
from . import planning, report, verification
from .blueprint import bp
from .common import framework, me, read_visits, surveys, the_visit

ALERT_COUNT_ROLES = (Role.QUALITY_LEAD, Role.ADMIN, Role.EXPERT)


@bp.get("/reports")
@read_visits
def reports() -> str:
    """Every visit of the organisation, with a link to its report."""
    return render_template("visits/reports.html", visits=planning.visits_of(db.session, me()))


def _render(visit_id: int, printable: bool) -> str:
    visit = the_visit(visit_id)
    built = report.build(db.session, visit, framework())
    role = me().role
    sections, other = report.folds(built)
    return render_template(
        "visits/report.html",
        report=built,
        stands_out=report.stands_out(db.session, built),
        sections=sections,
        other_things=other,
        # open safeguarding alerts from this visit: a count for its experts and the organisation's
        # leads, a link to the alerts for the leads only (viewers see neither)
        open_alerts=planning.open_alerts(db.session, visit) if role in ALERT_COUNT_ROLES else None,
        alerts_link=role in (Role.QUALITY_LEAD, Role.ADMIN),
        visit=visit,
        offline_changes=planning.offline_changes(db.session, visit),
        printable=printable,
        titles={slug: q.title for slug, q in surveys().items()},
        verdicts=verification.VERDICTS,
        reasons=verification.REASONS,
    )


@bp.get("/<int:visit_id>/report")
@read_visits
def report_page(visit_id: int) -> str:
    """The visit report in easy read: counts (small groups hidden), observations, the check."""
    return _render(visit_id, printable=False)


@bp.get("/<int:visit_id>/report/print")
@read_visits
def report_print(visit_id: int) -> str:
    """The same report laid out for paper. Printing is an export, so it is audited."""
    page = _render(visit_id, printable=True)
    audit.record(db.session, actor(), "visit_report.print", object_type="visit", object_id=visit_id)
    return page
