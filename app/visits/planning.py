"""Visits as operations on the database: plan, change, open, close, and who may see or run one.

No HTTP here. Every function takes the signed-in user, so a visit of another organisation is
never found (the views turn that into a 404, which does not say the visit exists).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ..models import (
    AuditEvent,
    QuestionnaireVersion,
    Response,
    Role,
    SafeguardingAlert,
    Service,
    User,
    Visit,
    utcnow,
)
from ..questionnaires import Questionnaire
from ..respond.offline import CHANGES

MAX_QUESTIONNAIRES = 6


class VisitError(ValueError):
    """A plan that cannot be stored as given. ``field`` names the part to fix (for the page)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class VisitPlan:
    """What an expert chose on the plan page (ids and slugs, checked by :func:`check_plan`)."""

    service_id: int | None
    visit_date: date | None
    questionnaires: tuple[str, ...]
    co_checker_id: int | None = None
    supporter_name: str = ""


def askable(questionnaires: Iterable[Questionnaire]) -> list[Questionnaire]:
    """Questionnaires a visit can ask people (not the experts' own checklists)."""
    return [q for q in questionnaires if q.audience != "expert"]


def services_of(db: Session, user: User) -> list[Service]:
    return list(
        db.scalars(
            select(Service).where(Service.organisation_id == user.organisation_id).order_by(Service.name)
        )
    )


def experts_of(db: Session, user: User) -> list[User]:
    """The other active Experts by Experience of the user's organisation (possible co-checkers)."""
    return list(
        db.scalars(
            select(User)
            .where(
                User.organisation_id == user.organisation_id,
                User.role == Role.EXPERT,
                User.active.is_(True),
                User.id != user.id,
            )
            .order_by(User.name)
        )
    )


def visit_for(db: Session, user: User, visit_id: int) -> Visit | None:
    """The visit if it belongs to the user's organisation, else None (as if it did not exist)."""
    visit = db.get(Visit, visit_id)
    if visit is None or visit.organisation_id != user.organisation_id:
        return None
    return visit


def can_run(user: User, visit: Visit) -> bool:
    """Only the visit's experts (and admins) open it, hand the tablet over, observe and sign."""
    return user.role == Role.ADMIN or user.id in (visit.expert_id, visit.co_checker_id)


def visits_of(db: Session, user: User) -> list[Visit]:
    """The organisation's visits: open ones first, then by date (the newest first)."""
    order = case((Visit.status == "open", 0), (Visit.status == "planned", 1), else_=2)
    return list(
        db.scalars(
            select(Visit)
            .where(Visit.organisation_id == user.organisation_id)
            .order_by(order, Visit.visit_date.desc(), Visit.id.desc())
        )
    )


def check_plan(db: Session, user: User, plan: VisitPlan, known: dict[str, Questionnaire]) -> None:
    """Refuse a plan naming another organisation's service or expert, or unknown questionnaires."""
    service = db.get(Service, plan.service_id) if plan.service_id else None
    if service is None or service.organisation_id != user.organisation_id:
        raise VisitError("service", "Choose where you are going.")
    if plan.visit_date is None:
        raise VisitError("visit_date", "Choose the day of the visit.")
    slugs = plan.questionnaires
    if not slugs or len(slugs) > MAX_QUESTIONNAIRES or len(set(slugs)) != len(slugs):
        raise VisitError("questionnaires", "Choose the questions to ask.")
    if any(slug not in known or known[slug].audience == "expert" for slug in slugs):
        raise VisitError("questionnaires", "Choose the questions to ask.")
    if plan.co_checker_id is not None:
        if plan.co_checker_id not in {expert.id for expert in experts_of(db, user)}:
            raise VisitError("co_checker", "Choose who checks with you.")
    if len(plan.supporter_name) > 120:
        raise VisitError("supporter_name", "The supporter's name is too long.")


def create_visit(db: Session, user: User, plan: VisitPlan, known: dict[str, Questionnaire]) -> Visit:
    check_plan(db, user, plan, known)
    visit = Visit(
        organisation_id=user.organisation_id,
        service_id=plan.service_id,
        visit_date=plan.visit_date,
        expert_id=user.id,
        co_checker_id=plan.co_checker_id,
        supporter_name=plan.supporter_name.strip() or None,
        questionnaires=list(plan.questionnaires),
    )
    db.add(visit)
    db.flush()
    return visit


def change_visit(
    db: Session, user: User, visit: Visit, plan: VisitPlan, known: dict[str, Questionnaire]
) -> dict[str, list[object]]:
    """Change a planned visit; returns {field: [before, after]} for the audit trail."""
    if visit.status != "planned":
        raise VisitError("status", "You can only change a visit before it starts.")
    check_plan(db, user, plan, known)
    if plan.co_checker_id == visit.expert_id:
        raise VisitError("co_checker", "Choose who checks with you.")
    after = {
        "service_id": plan.service_id,
        "visit_date": plan.visit_date,
        "co_checker_id": plan.co_checker_id,
        "supporter_name": plan.supporter_name.strip() or None,
        "questionnaires": list(plan.questionnaires),
    }
    changes: dict[str, list[object]] = {}
    for name, value in after.items():
        before = getattr(visit, name)
        if before != value:
            changes[name] = [_plain(before), _plain(value)]
            setattr(visit, name, value)
    db.flush()
    return changes


def open_visit(visit: Visit) -> None:
    if visit.status != "planned":
        raise VisitError("status", "This visit has started already.")
    visit.status, visit.opened_at = "open", utcnow()


def close_visit(visit: Visit) -> None:
    if visit.status != "open":
        raise VisitError("status", "This visit is not open.")
    visit.status, visit.closed_at = "closed", utcnow()


def people_counts(db: Session, visit: Visit) -> dict[str, int]:
    """How many people took part, per questionnaire slug (counts only, never what they said)."""
    rows = db.execute(
        select(QuestionnaireVersion.slug, func.count(Response.id))
        .join(Response.version)
        .where(Response.visit_id == visit.id, Response.asked_by_expert.is_(True))
        .group_by(QuestionnaireVersion.slug)
    )
    found = {slug: count for slug, count in rows}
    return {slug: found.get(slug, 0) for slug in [*visit.questionnaires, *found]}


def open_alerts(db: Session, visit: Visit) -> int:
    """How many safeguarding alerts from this visit (its people's answers and the experts'
    observations) are not closed yet. A count only: the alerts are the safeguarding lead's."""
    return (
        db.scalar(
            select(func.count(SafeguardingAlert.id))
            .join(Response, Response.id == SafeguardingAlert.response_id)
            .where(Response.visit_id == visit.id, SafeguardingAlert.status != "closed")
        )
        or 0
    )


def offline_changes(db: Session, visit: Visit) -> dict[str, int]:
    """People whose answers came from a tablet without wifi after the visit changed (finished,
    moved to another service, a questionnaire taken off): what happened -> how many (the answers
    are kept: respond/offline.py)."""
    rows = db.execute(
        select(AuditEvent.action, func.count())
        .where(
            AuditEvent.action.in_(list(CHANGES.values())),
            AuditEvent.object_type == "visit",
            AuditEvent.object_id == str(visit.id),
            AuditEvent.organisation_id == visit.organisation_id,
        )
        .group_by(AuditEvent.action)
    )
    return {action: number for action, number in rows}


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value
