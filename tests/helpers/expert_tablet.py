"""For the picture-and-PIN sign-in tests (issue 10, item 12): experts with pictures, a tablet
enrolled to a service (its signed cookie), and an open visit, made through the app's services."""

from __future__ import annotations

from datetime import date

from flask import Flask
from sqlalchemy import select

from app.auth.accounts import create_user
from app.db import db
from app.models import Organisation, Service, User, Visit, utcnow
from app.respond import enrolment

PASSWORD = "correct horse battery"  # noqa: S105  (test-only accounts in throwaway databases)
COOKIE = enrolment.COOKIE


def add_person(
    app: Flask,
    email: str,
    *,
    name: str,
    org_slug: str = "demo",
    role: str = "expert",
    pin: str | None = "2468",
    picture: str | None = None,
    active: bool = True,
) -> int:
    with app.app_context():
        org = db.session.scalars(select(Organisation).where(Organisation.slug == org_slug)).one()
        user = create_user(
            db.session, organisation=org, email=email, name=name, role=role, password=PASSWORD, pin=pin
        )
        user.picture, user.active = picture, active
        db.session.commit()
        return user.id


def add_organisation(app: Flask, slug: str, service: str) -> None:
    with app.app_context():
        org = Organisation(name=slug.title() + " Care", slug=slug)
        db.session.add(org)
        db.session.add(Service(organisation=org, name=service, code=slug + "svc"))
        db.session.commit()


def enrol_tablet(app: Flask, service: str = "Oak House") -> str:
    """Enrol a tablet to ``service`` (as staff do on /admin/tablet); the cookie value it keeps."""
    with app.app_context():
        place = db.session.scalars(select(Service).where(Service.name == service)).one()
        staff = db.session.scalars(
            select(User).where(User.organisation_id == place.organisation_id).order_by(User.id)
        ).first()
        tablet = enrolment.enrol(db.session, place, staff)
        value = enrolment.cookie_value(app.secret_key, tablet)
        db.session.commit()
        return value


def open_visit(
    app: Flask, expert_id: int, service: str = "Oak House", slugs: tuple[str, ...] = ("your-support",)
) -> int:
    """An open visit led by ``expert_id`` (as planning and opening it on the day make), asking
    the questionnaires ``slugs``."""
    with app.app_context():
        place = db.session.scalars(select(Service).where(Service.name == service)).one()
        visit = Visit(
            organisation_id=place.organisation_id,
            service_id=place.id,
            visit_date=date.today(),
            expert_id=expert_id,
            questionnaires=list(slugs),
            status="open",
            opened_at=utcnow(),
        )
        db.session.add(visit)
        db.session.commit()
        return visit.id


def user_row(app: Flask, user_id: int) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user is not None
        db.session.expunge(user)
        return user
