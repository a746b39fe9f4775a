"""Tablets enrolled to a service, as database operations (no HTTP here).

A signed-in staff member enrols a tablet to one of their organisation's services. The tablet
keeps a long-lived cookie signed with the app's secret key; it holds the service id, the
enrolment's id and its random nonce. The respondent journey reads the service from it when the
session has none, so the tablet keeps its service across sessions and after thank you.
A made-up or edited cookie fails the signature; a copied cookie stops working when
"Stop using this tablet here" ends the enrolment.
"""

from __future__ import annotations

import hmac
import secrets

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from ..models import Service, Tablet, User, utcnow

COOKIE = "ev_tablet"
MAX_AGE = 365 * 24 * 3600  # 1 year; enrolling again makes a fresh one
SALT = "easyvoice-tablet"


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=SALT)


def enrol(db: Session, service: Service, by: User) -> Tablet:
    """A new enrolment of this tablet to ``service`` (the caller checks the user may)."""
    tablet = Tablet(service=service, nonce=secrets.token_urlsafe(24), enrolled_by_id=by.id)
    db.add(tablet)
    db.flush()
    return tablet


def cookie_value(secret: str, tablet: Tablet) -> str:
    return _serializer(secret).dumps({"s": tablet.service_id, "t": tablet.id, "n": tablet.nonce})


def enrolled(db: Session, secret: str, value: str | None) -> Tablet | None:
    """The live enrolment a tablet's cookie names, or None (missing, forged, old or ended)."""
    if not value or len(value) > 400:
        return None
    try:
        data = _serializer(secret).loads(value, max_age=MAX_AGE)
    except BadSignature:  # also SignatureExpired
        return None
    if not isinstance(data, dict) or not all(
        isinstance(data.get(k), t) for k, t in (("s", int), ("t", int), ("n", str))
    ):
        return None
    tablet = db.get(Tablet, data["t"])
    if (
        tablet is None
        or tablet.ended_at is not None
        or tablet.service_id != data["s"]
        or not hmac.compare_digest(tablet.nonce, data["n"])
    ):
        return None
    return tablet


def stop(tablet: Tablet) -> None:
    """This tablet is no longer used at its service: its cookie opens nothing from now on."""
    if tablet.ended_at is None:
        tablet.ended_at = utcnow()
