"""Accounts: creating users, checking a sign-in (with a short back-off after failures), and
ending every session of a user.

A sign-in answers the same, in the same time, whether or not the account exists: exactly one
password hash is checked on every path (a dummy one for an unknown email), and a locked account
gives the same answer as a wrong password. The lock after failures is short and grows (1, 2, 4,
8, then at most 15 minutes), so nobody can keep the real user out for long; the PIN on a
handed-over tablet does not look at it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from ..models import Organisation, Role, User, utcnow

LOCK_AFTER = 5  # failed sign-ins in a row before the first lock
LOCK_FIRST = timedelta(minutes=1)  # the first lock; each further failure doubles it ...
LOCK_MAX = timedelta(minutes=15)  # ... up to this
#: failures older than this (counted from the end of the last lock) are forgotten
FORGET_AFTER = timedelta(hours=24)
MIN_PASSWORD = 10
#: checked against when the email is unknown, so a wrong email takes as long as a wrong password
_DUMMY_HASH = generate_password_hash("not-a-real-password")
#: the roles the admin pages may give; an operator is made with `flask create-user` only
ASSIGNABLE_ROLES = tuple(role for role in Role if role != Role.OPERATOR)


class AccountError(ValueError):
    pass


@dataclass(frozen=True)
class SignInResult:
    #: the user, when the sign-in worked
    user: User | None
    #: the account the email names, also when the sign-in failed (for the audit trail only:
    #: nothing the person trying sees may depend on it)
    account: User | None = None
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


def lock_time(failures: int) -> timedelta:
    """How long the account waits after ``failures`` wrong passwords in a row (0 before the 5th)."""
    if failures < LOCK_AFTER:
        return timedelta(0)
    return min(LOCK_MAX, LOCK_FIRST * 2 ** min(failures - LOCK_AFTER, 10))


def check_sign_in(db: Session, email: str, password: str, *, now: datetime | None = None) -> SignInResult:
    """The user if the password is right and the account is open and not waiting; else None.

    Always checks exactly one password hash. Only failures count; a good sign-in clears them.
    """
    now = now or utcnow()
    user = db.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or not user.active:
        check_password_hash(_DUMMY_HASH, password)
        return SignInResult(None, account=user)
    right = user.check_password(password)
    if user.locked_until is not None and user.locked_until > now:
        # Waiting: the answer is "not right" even for the right password, and nothing is counted
        # (trying again during the wait does not make it longer).
        return SignInResult(None, account=user, locked=True)
    if user.locked_until is not None and now - user.locked_until > FORGET_AFTER:
        user.failed_sign_ins, user.locked_until = 0, None
    if right:
        user.failed_sign_ins, user.locked_until = 0, None
        return SignInResult(user, account=user)
    user.failed_sign_ins += 1
    wait = lock_time(user.failed_sign_ins)
    if wait:
        user.locked_until = now + wait
    db.flush()
    return SignInResult(None, account=user, locked=bool(wait))


def end_sessions(user: User) -> None:
    """End every session of ``user`` at once: each signed-in request checks this number."""
    user.session_generation = (user.session_generation or 0) + 1
