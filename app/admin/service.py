"""The admin area's rules: who sees what (the tenancy rule), and changing organisations, services
and users, each change audited. The views read the form, call these, and render.

Who sees what:
- an organisation's admin manages that organisation only: its users, services and audit trail.
  Another organisation's users, services and the organisation itself are not found, as if they
  did not exist. Site operators' accounts are not theirs either.
- the site operator (role "operator", made by `flask create-user` only) adds organisations and
  sees every organisation's admin pages. Nobody can be made an operator here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from .. import audit
from ..audit import Actor
from ..auth.accounts import end_sessions, unlock_pin
from ..models import AuditEvent, Organisation, Role, Service, User, new_start_code

#: audit events on one page
PAGE = 100


class AdminError(ValueError):
    """A change the admin pages cannot make (the message says why, in English, for the log)."""


@dataclass(frozen=True)
class Scope:
    """What one signed-in admin (or operator) may see and manage."""

    user: User

    @property
    def sees_all(self) -> bool:
        return self.user.role == Role.OPERATOR

    def limit(self, query: Select[Any], column: Any) -> Select[Any]:
        """``query`` limited to the admin's own organisation (an operator's is not limited)."""
        return query if self.sees_all else query.where(column == self.user.organisation_id)

    def users(self, query: Select[Any]) -> Select[Any]:
        """``query`` over users limited to those the admin may see (never an operator)."""
        query = self.limit(query, User.organisation_id)
        return query if self.sees_all else query.where(User.role != Role.OPERATOR)

    def manages(self, organisation_id: int | None) -> bool:
        return self.sees_all or organisation_id == self.user.organisation_id

    def sees_user(self, user: User) -> bool:
        return self.sees_all or (
            user.organisation_id == self.user.organisation_id and user.role != Role.OPERATOR
        )


def counts(db: Session, scope: Scope) -> dict[str, int | None]:
    """How many organisations, services, users and audit events the admin manages."""
    return {
        "organisation": db.scalar(
            scope.limit(select(func.count()).select_from(Organisation), Organisation.id)
        ),
        "service": db.scalar(scope.limit(select(func.count()).select_from(Service), Service.organisation_id)),
        "user_account": db.scalar(scope.users(select(func.count()).select_from(User))),
        "audit_event": db.scalar(
            scope.limit(select(func.count()).select_from(AuditEvent), AuditEvent.organisation_id)
        ),
    }


def organisations(db: Session, scope: Scope) -> Sequence[Organisation]:
    return db.scalars(scope.limit(select(Organisation), Organisation.id).order_by(Organisation.name)).all()


def services(db: Session, scope: Scope) -> Sequence[Service]:
    return db.scalars(
        scope.limit(select(Service).join(Organisation), Service.organisation_id).order_by(
            Organisation.name, Service.name
        )
    ).all()


def users(db: Session, scope: Scope) -> Sequence[User]:
    return db.scalars(scope.users(select(User)).order_by(User.email)).all()


def create_organisation(db: Session, name: str, slug: str, threshold: int, actor: Actor) -> Organisation:
    """A new organisation (site operators only; the views check the role). AdminError: slug taken."""
    if db.scalar(select(Organisation).where(Organisation.slug == slug)):
        raise AdminError("slug taken")
    org = Organisation(name=name.strip(), slug=slug, suppression_threshold=threshold)
    db.add(org)
    db.flush()
    audit.record(
        db, actor, "organisation.create", organisation_id=org.id, object_type="organisation", object_id=org.id
    )
    return org


def change_organisation(
    db: Session, org: Organisation, name: str, threshold: int, actor: Actor, languages: str | None = None
) -> None:
    """A new name, small-number threshold or languages offered (audited with before and after).

    ``languages``: the codes its tablets offer besides the default ("cy ur"); None leaves them."""
    before = {"name": org.name, "threshold": org.suppression_threshold, "languages": org.languages}
    org.name, org.suppression_threshold = name.strip(), threshold
    if languages is not None:
        org.languages = languages
    audit.record(
        db,
        actor,
        "organisation.change",
        organisation_id=org.id,
        object_type="organisation",
        object_id=org.id,
        before=before,
        after={"name": org.name, "threshold": org.suppression_threshold, "languages": org.languages},
    )


def create_service(db: Session, org: Organisation, name: str, actor: Actor) -> Service:
    """A new service with its own secret start code."""
    service = Service(organisation=org, name=name.strip(), code=new_start_code())
    db.add(service)
    db.flush()
    audit.record(
        db, actor, "service.create", organisation_id=org.id, object_type="service", object_id=service.id
    )
    return service


def change_service(db: Session, service: Service, name: str, new_code: bool, actor: Actor) -> None:
    """Rename a service, or give it a new start code (the old link answers 404 from then on)."""
    name = name.strip()
    if not 1 <= len(name) <= 200:
        raise AdminError("a service's name has 1 to 200 characters")
    before = service.name
    service.name = name
    if new_code:
        service.code = new_start_code()
    audit.record(
        db,
        actor,
        "service.change",
        organisation_id=service.organisation_id,
        object_type="service",
        object_id=service.id,
        before=before,
        after=name,
        new_code=new_code,
    )


def user_created(db: Session, user: User, actor: Actor) -> None:
    audit.record(
        db,
        actor,
        "user.create",
        organisation_id=user.organisation_id,
        object_type="user",
        object_id=user.id,
        role=user.role.value,
    )


def change_user(
    db: Session, user: User, role: str, active: bool, password: str | None, pin: str | None, actor: Actor
) -> None:
    """A new role, switched off or on, a new password or PIN. Any change ends every session the
    user has. Nobody becomes an operator here, and an operator stays one (AdminError)."""
    if role not in {r.value for r in Role}:
        raise AdminError("unknown role")
    new_role = Role(role)
    if new_role != user.role and Role.OPERATOR in (new_role, user.role):
        raise AdminError("operators are made and kept by `flask create-user` only")
    changes: dict[str, list[object]] = {}
    if new_role != user.role:
        changes["role"] = [user.role.value, new_role.value]
    if active != user.active:
        changes["active"] = [user.active, active]
    user.role, user.active = new_role, active
    if password:
        user.set_password(password)
        user.failed_sign_ins, user.locked_until = 0, None
        changes["password"] = ["", "new"]
    if pin:
        if user.pin_locked_at is not None:  # a new PIN also opens a locked one
            changes["pin_locked"] = [True, False]
        user.set_pin(pin)
        changes["pin"] = ["", "new"]
    if changes:
        end_sessions(user)
    audit.record(
        db,
        actor,
        "user.change",
        organisation_id=user.organisation_id,
        object_type="user",
        object_id=user.id,
        changes=changes,
        sessions_ended=bool(changes),
    )


def open_pin(db: Session, user: User, actor: Actor) -> bool:
    """Open a PIN locked after 10 wrong ones (audited); False when it was not locked."""
    if not unlock_pin(user):
        return False
    audit.record(
        db,
        actor,
        "user.pin_unlocked",
        organisation_id=user.organisation_id,
        object_type="user",
        object_id=user.id,
        how="admin",
    )
    return True


def sign_out_everywhere(db: Session, user: User, actor: Actor) -> None:
    """End every session the user has (a lost tablet, a shared password); audited."""
    end_sessions(user)
    audit.record(
        db,
        actor,
        "user.sign_out_everywhere",
        organisation_id=user.organisation_id,
        object_type="user",
        object_id=user.id,
    )


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    user_id: int | None = None
    organisation_id: int | None = None
    since: str = ""  # YYYY-MM-DD
    until: str = ""


def day(text: str) -> datetime:
    """A YYYY-MM-DD day as its first moment (UTC). ValueError: not such a day."""
    return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)


def audit_events(db: Session, scope: Scope, chosen: AuditFilter, page: int) -> tuple[list[AuditEvent], bool]:
    """One page of the audit trail the admin may read, newest first; and whether more follow."""
    query = scope.limit(select(AuditEvent), AuditEvent.organisation_id).order_by(
        AuditEvent.at.desc(), AuditEvent.id.desc()
    )
    if chosen.action:
        query = query.where(AuditEvent.action.startswith(chosen.action.strip()))
    if chosen.user_id:
        query = query.where(AuditEvent.user_id == chosen.user_id)
    if chosen.organisation_id:
        query = query.where(AuditEvent.organisation_id == chosen.organisation_id)
    if chosen.since:
        query = query.where(AuditEvent.at >= day(chosen.since))
    if chosen.until:
        query = query.where(AuditEvent.at < day(chosen.until) + timedelta(days=1))
    events = list(db.scalars(query.limit(PAGE + 1).offset((page - 1) * PAGE)))
    return events[:PAGE], len(events) > PAGE


def audit_people(db: Session, scope: Scope) -> tuple[Sequence[User], Sequence[Organisation]]:
    """The users and organisations the audit filter offers."""
    people = db.scalars(scope.limit(select(User), User.organisation_id).order_by(User.email)).all()
    return people, db.scalars(scope.limit(select(Organisation), Organisation.id)).all()
