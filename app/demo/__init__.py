"""The demo: the provider "Demo Care" with its services and users (here), and random responses
(``responses``), for trying EasyVoice and for tests."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Organisation, Service, new_start_code
from ..questionnaires import Questionnaire
from ..respond.journey import version_for

DEMO_SERVICES = ("Oak House", "Riverside Day Service")


def create_demo(db: Session, questionnaires: Iterable[Questionnaire]) -> Organisation:
    """Add (once) the demo provider and its services, and store every questionnaire's version."""
    org = db.scalar(select(Organisation).where(Organisation.slug == "demo"))
    if org is None:
        org = Organisation(name="Demo Care", slug="demo")
        db.add(org)
    for name in DEMO_SERVICES:
        if db.scalar(select(Service).where(Service.organisation == org, Service.name == name)) is None:
            db.add(Service(organisation=org, name=name, code=new_start_code()))
    db.flush()
    for questionnaire in questionnaires:
        version_for(db, questionnaire)
    db.flush()
    return org


DEMO_ROLES = ("admin", "quality_lead", "expert", "viewer")


def create_demo_users(db: Session, org: Organisation, logins_file: Path) -> list[str]:
    """One user per role in the demo organisation, with generated passwords (never in the repo).

    The sign-ins are kept in ``logins_file`` (readable by its owner only) and returned as lines to
    show. A second run finds the users and the file and changes nothing; a user missing from the
    database (a new database beside an old file) is made again with a new password, and its line
    in the file is replaced, so the file never shows a sign-in that does not work.
    """
    from ..auth.accounts import create_user
    from ..models import User

    kept = logins_file.read_text().splitlines() if logins_file.exists() else []
    by_role = {line.split(":", 1)[0]: line for line in kept if ":" in line}
    lines, changed = [], False
    for role in DEMO_ROLES:
        email = f"{role.replace('_', '-')}@demo.easyvoice.example"
        if db.scalar(select(User).where(User.email == email)) is not None:
            if role in by_role:  # (a user made elsewhere: its password is not ours to show)
                lines.append(by_role[role])
            continue
        password = secrets.token_urlsafe(12)
        pin = f"{secrets.randbelow(10_000):04d}" if role == "expert" else None
        create_user(
            db,
            organisation=org,
            email=email,
            name=f"Demo {role.replace('_', ' ')}",
            role=role,
            password=password,
            pin=pin,
        )
        lines.append(f"{role}: {email}  password {password}" + (f"  PIN {pin}" if pin else ""))
        changed = True
    if changed or not logins_file.exists():
        fd = os.open(logins_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write("\n".join(lines) + "\n")
    return lines
