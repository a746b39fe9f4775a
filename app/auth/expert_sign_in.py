"""The picture-and-PIN sign-in for Experts by Experience, as rules (no HTTP here).

On a tablet enrolled to a service (app/respond/enrolment.py), the sign-in page lists the active
Experts by Experience of that service's organisation who have a PIN, each with the picture they
chose. Tapping one asks for their PIN on a big keypad. The PIN goes through the one counted check,
``accounts.check_pin_counted`` (wrong PINs counted per account; the 10th locks the PIN), exactly
as a handover's. A tablet that is not enrolled has only the full email and password sign-in.

During an open visit, an idle expert is not signed out: the session is suspended, and the same
expert's PIN (or a full sign-in) goes on where they were (``auth.access.check_session``).
"""

from __future__ import annotations

import re

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from .. import audit
from ..audit import Actor
from ..models import Role, Tablet, User, Visit
from ..respond import enrolment
from .accounts import PinCheck, check_pin_counted

#: The pictures an expert can choose (symbol name -> phrase name in app/easyread/phrases.py).
#: Things and animals only, each meaning one clear picture; none is a control's symbol.
PICTURES: dict[str, str] = {
    "animal": "picture_dog",
    "star": "picture_star",
    "music": "picture_music",
    "bus": "picture_bus",
    "car": "picture_car",
    "sport": "picture_football",
    "drink": "picture_tea",
    "camera": "picture_camera",
    "art": "picture_paint",
    "park": "picture_tree",
}
#: shown for an expert who has not chosen a picture yet
NO_PICTURE = "person"
PIN_LENGTH = 4
_DIGITS = re.compile(r"^[0-9]{0,3}$")  # fewer than PIN_LENGTH digits


def tablet_organisation(db: Session, secret: str, cookie: str | None) -> int | None:
    """The organisation of the service this tablet is enrolled to (None: not enrolled)."""
    tablet: Tablet | None = enrolment.enrolled(db, secret, cookie)
    if tablet is None:
        return None
    return tablet.service.organisation_id


def _experts(organisation_id: int):  # type: ignore[no-untyped-def]
    return select(User).where(
        User.organisation_id == organisation_id,
        User.role == Role.EXPERT,
        User.active.is_(True),
        User.pin_hash.is_not(None),
    )


def experts_for(db: Session, organisation_id: int) -> list[User]:
    """The experts who may sign in with a picture on this organisation's tablets, by name."""
    return list(db.scalars(_experts(organisation_id).order_by(User.name, User.id)))


def expert_on_tablet(db: Session, organisation_id: int | None, user_id: int) -> User | None:
    """The expert ``user_id`` if listed on this organisation's tablets, else None (never another's)."""
    if organisation_id is None:
        return None
    return db.scalar(_experts(organisation_id).where(User.id == user_id))


def picture_of(user: User) -> str:
    return user.picture if user.picture in PICTURES else NO_PICTURE


def set_picture(user: User, name: str) -> None:
    if name not in PICTURES:
        raise ValueError("not one of the pictures")
    user.picture = name


def has_open_visit(db: Session, user: User) -> bool:
    """Is this user running (or co-checking) a visit that is open now?"""
    if user.role != Role.EXPERT:
        return False
    found = db.scalar(
        select(Visit.id)
        .where(Visit.status == "open", or_(Visit.expert_id == user.id, Visit.co_checker_id == user.id))
        .limit(1)
    )
    return found is not None


def press(entered: str, key: str) -> str | None:
    """The digits after one key of the keypad ("0"-"9", "back", "clear"); None for bad input.

    ``entered`` holds fewer than 4 digits: the 4th digit makes the PIN, which is checked at once.
    """
    if not _DIGITS.match(entered or ""):
        return None
    entered = entered or ""
    if key == "back":
        return entered[:-1]
    if key == "clear":
        return ""
    if len(key) == 1 and key.isdigit():
        return entered + key
    return None


def check_pin(db: Session, user: User, pin: str, actor: Actor, *, how: str) -> PinCheck:
    """The one counted PIN check (as a handover's), with the refused try audited for the account.

    Call before the request writes anything (see ``throttle.kept``).
    """

    def refused(own: Session, check: PinCheck) -> None:
        audit.record(
            own,
            actor,
            "auth.pin_sign_in_failed",
            organisation_id=user.organisation_id,
            object_type="user",
            object_id=user.id,
            how=how,
            failures=check.failures,
            locked=check.locked,
        )

    return check_pin_counted(db, user, pin, actor, on_refused=refused, how=how)
