"""What every provider view needs: who may do what, and whose data they are looking at."""

from __future__ import annotations

from collections.abc import Mapping

from flask import abort, current_app, request
from sqlalchemy import select

from ..auth.access import current_user, roles_required
from ..db import db
from ..models import Organisation, Role, SelfAssessment, User, utcnow
from ..questionnaires import Framework, Questionnaire

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
    """The user's own organisation; an admin may pick another with ?org=<short name>.

    Anyone else asking for another organisation's data is refused (403).
    """
    user = me()
    slug = request.args.get("org")
    if not slug or slug == user.organisation.slug:
        return user.organisation
    if user.role != Role.ADMIN:
        abort(403)
    org = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
    return org or abort(404)


def own_assessment(assessment_id: int) -> SelfAssessment:
    assessment = db.session.get(SelfAssessment, assessment_id) or abort(404)
    user = me()
    if assessment.organisation_id != user.organisation_id and user.role != Role.ADMIN:
        abort(403)
    return assessment


def editable_assessment(assessment_id: int) -> SelfAssessment:
    """The organisation's self-assessment, if it can still change: a published one is frozen."""
    assessment = own_assessment(assessment_id)
    if assessment.frozen:
        abort(403)
    return assessment


def questionnaires() -> Mapping[str, Questionnaire]:
    """The questionnaires a provider reports on (an expert's own checklists are left out)."""
    found = current_app.extensions["easyvoice.surveys"].questionnaires
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
