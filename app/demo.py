"""Demo data: a provider with 2 services, for trying EasyVoice and for tests."""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Organisation, Service
from .questionnaires import Questionnaire
from .respond.journey import version_for

DEMO_SERVICES = ("Oak House", "Riverside Day Service")


def create_demo(db: Session, questionnaires: Iterable[Questionnaire]) -> Organisation:
    """Add (once) the demo provider and its services, and store every questionnaire's version."""
    org = db.scalar(select(Organisation).where(Organisation.slug == "demo"))
    if org is None:
        org = Organisation(name="Demo Care", slug="demo")
        db.add(org)
    for name in DEMO_SERVICES:
        if db.scalar(select(Service).where(Service.organisation == org, Service.name == name)) is None:
            db.add(Service(organisation=org, name=name, code=secrets.token_hex(4)))
    db.flush()
    for questionnaire in questionnaires:
        version_for(db, questionnaire)
    db.flush()
    return org
