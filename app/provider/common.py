"""What every provider view needs: who may do what, and whose data they are looking at."""

from __future__ import annotations

from collections.abc import Mapping

from flask import abort, current_app, request

from ..auth.access import current_user, roles_required
from ..db import db
from ..models import Organisation, Role, SelfAssessment, User, utcnow
from ..questionnaires import Framework, Questionnaire
from ..questionnaires.own import catalogue

#: look (viewers may read the figures), work (change things, see free text and alerts)
can_look = roles_required(Role.QUALITY_LEAD, Role.ADMIN, Role.VIEWER)
can_work = roles_required(Role.QUALITY_LEAD, Role.ADMIN)


def me() -> User:
    user = current_user()
    if user is None:  # pragma: no cover - the role decorators sign people in first
        abort(403)
    return user


def may_work(user: User) -> bool:
    return user.role in (Role.QUALITY_LEAD, Role.ADMIN)


def organisation() -> Organisation:
    """The user's own organisation (``?org=<its short name>`` may name it too).

    Any other organisation answers 404, for admins as for everyone: an organisation's admin
    manages that organisation only, and the site operator does not read answers at all.
    """
    user = me()
    slug = request.args.get("org")
    if slug and slug != user.organisation.slug:
        abort(404)
    return user.organisation


def own_assessment(assessment_id: int) -> SelfAssessment:
    """The user's organisation's self-assessment; another organisation's is a 404, like a missing one."""
    assessment = db.session.get(SelfAssessment, assessment_id)
    if assessment is None or assessment.organisation_id != me().organisation_id:
        abort(404)
    return assessment


def editable_assessment(assessment_id: int) -> SelfAssessment:
    """The organisation's self-assessment, if it can still change: a published one is frozen."""
    assessment = own_assessment(assessment_id)
    if assessment.frozen:
        abort(403)
    return assessment


def questionnaires() -> Mapping[str, Questionnaire]:
    """The questionnaires a provider reports on (an expert's own checklists are left out)."""
    found = catalogue(db.session, current_app.extensions["easyvoice.surveys"], me().organisation_id)
    return {slug: q for slug, q in found.items() if q.audience != "expert"}


def frameworks() -> Mapping[str, Framework]:
    return current_app.extensions["easyvoice.surveys"].frameworks


def section_title(ref: str) -> str:
    framework_id, _, section_id = ref.partition(":")
    framework = frameworks().get(framework_id)
    section = next((s for s in framework.sections if s.id == section_id), None) if framework else None
    return section.title if section else ref


def chosen_year() -> int:
    """?year=2025, else this year; anything odd is a 400."""
    raw = request.args.get("year")
    if raw is None:
        return utcnow().year
    if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
        abort(400)
    return int(raw)
