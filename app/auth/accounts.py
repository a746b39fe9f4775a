"""Accounts: creating users and checking a sign-in, with slowing and locking after failures."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from ..models import Organisation, Role, User, utcnow

LOCK_AFTER = 5  # failed sign-ins in a row
LOCK_FOR = timedelta(minutes=15)
MIN_PASSWORD = 10
#: checked against when the email is unknown, so a wrong email takes as long as a wrong password
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class AccountError(ValueError):
    pass


@dataclass(frozen=True)
class SignInResult:
    user: User | None
    locked: bool = False


def create_user(db: Session, *, organisation: Organisation, email: str, name: str, role: Role | str,
                password: str, pin: str | None = None) -> User:
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise AccountError("That does not look like an email address.")
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"A password needs at least {MIN_PASSWORD} characters.")
    if db.scalar(select(User).where(User.email == email)) is not None:
        raise AccountError("Someone already uses that email address.")
    user = User(organisation=organisation, email=email, name=name.strip()[:120], role=Role(role))
    user.set_password(password)
    if pin:
        user.set_pin(pin)
    db.add(user)
    db.flush()
    return user


def check_sign_in(db: Session, email: str, password: str, *, slow_down: bool = True) -> SignInResult:
    """The user if the password is right and the account is open; count and slow failures."""
    user = db.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or not user.active:
        User(password_hash=_DUMMY_HASH).check_password(password)
        return SignInResult(None)
    now = utcnow()
    if user.locked_until is not None and user.locked_until > now:
        return SignInResult(None, locked=True)
    if user.check_password(password):
        user.failed_sign_ins, user.locked_until = 0, None
        return SignInResult(user)
    user.failed_sign_ins += 1
    if user.failed_sign_ins >= LOCK_AFTER:
        user.locked_until = now + LOCK_FOR
        user.failed_sign_ins = 0
    if slow_down:  # each failure in a row costs a little more time (at most 2 s)
        time.sleep(min(2.0, 0.25 * user.failed_sign_ins))
    return SignInResult(None, locked=user.locked_until is not None and user.locked_until > now)
