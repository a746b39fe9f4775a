"""Accounts: creating users, checking a sign-in (with a short back-off after failures), and
ending every session of a user.

A sign-in answers the same, in the same time, whether or not the account exists: exactly one
password hash is checked on every path (a dummy one for an unknown email), and a locked account
gives the same answer as a wrong password. The lock after failures is short and grows (1, 2, 4,
8, then at most 15 minutes), so nobody can keep the real user out for long; the PIN on a
handed-over tablet does not look at it.

PINs (4 digits: a tablet handover, a co-checker's signature) are checked in one place,
``check_pin_counted``. It counts wrong PINs per account, over every visit and handover, on a
connection of its own (the count sticks although the page answers with an error). The 10th wrong
PIN in a row locks the PIN, not the password, and is audited for the admin; a locked PIN is
refused even when right. Signing in with the password, or an admin, unlocks it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from .. import audit, throttle
from ..audit import Actor
from ..i18n import N_
from ..models import Organisation, Role, User, utcnow
from ..models.user import hash_method

LOCK_AFTER = 5  # failed sign-ins in a row before the first lock
LOCK_FIRST = timedelta(minutes=1)  # the first lock; each further failure doubles it ...
LOCK_MAX = timedelta(minutes=15)  # ... up to this
#: failures older than this (counted from the end of the last lock) are forgotten
FORGET_AFTER = timedelta(hours=24)
MIN_PASSWORD = 10
#: the roles the admin pages may give; an operator is made with `flask create-user` only
ASSIGNABLE_ROLES = tuple(role for role in Role if role != Role.OPERATOR)
PIN_LOCK_AFTER = 10  # wrong PINs in a row, over all visits and handovers, before the PIN locks


@functools.cache
def _dummy_hash(method: str) -> str:
    """Checked against when the email is unknown, so a wrong email takes as long as a wrong password."""
    return generate_password_hash("not-a-real-password", method=method)


class AccountError(ValueError):
    """Why an account cannot be made or changed: a message marked for translation, and its values.

    ``str()`` gives it in English (the CLI); pages show ``translated()``.
    """

    def __init__(self, message: str, **values: object) -> None:
        super().__init__(message)
        self.message, self.values = message, values

    def __str__(self) -> str:
        return self.message % self.values if self.values else self.message

    def translated(self) -> str:
        """The message in the reader's language (inside a request)."""
        return gettext(self.message, **self.values)


@dataclass(frozen=True)
class SignInResult:
    #: the user, when the sign-in worked
    user: User | None
    #: the account the email names, also when the sign-in failed (for the audit trail only:
    #: nothing the person trying sees may depend on it)
    account: User | None = None
    locked: bool = False
    #: the sign-in also unlocked the user's PIN (locked after 10 wrong ones)
    pin_unlocked: bool = False


def create_user(
    db: Session,
    *,
    organisation: Organisation,
    email: str,
    name: str,
    role: Role | str,
    password: str,
    pin: str | None = None,
) -> User:
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise AccountError(N_("That does not look like an email address."))
    if len(password) < MIN_PASSWORD:
        raise AccountError(N_("A password needs at least %(number)s characters."), number=MIN_PASSWORD)
    if db.scalar(select(User).where(User.email == email)) is not None:
        raise AccountError(N_("Someone already uses that email address."))
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


def try_sign_in(
    db: Session, email: str, password: str, who: Actor, counter_key: str, window_seconds: int
) -> SignInResult:
    """``check_sign_in``, with a failure counted against ``counter_key`` (the address) and audited.

    All of it is written at once on a connection of its own (``throttle.kept``), so a failure
    stands although the page answers with an error. On success, the returned user belongs to that
    finished session: load it again in the request's session before using it.
    """

    def attempt(own: Session) -> SignInResult:
        result = check_sign_in(own, email, password)
        if result.user is None:
            throttle.hit(own, counter_key, window_seconds)
            account = result.account
            audit.record(
                own,
                who,
                "auth.sign_in_failed",
                locked=result.locked,
                organisation_id=account.organisation_id if account else None,
                object_type="user" if account else None,
                object_id=account.id if account else None,
            )
        return result

    return throttle.kept(db, attempt)


def check_sign_in(db: Session, email: str, password: str, *, now: datetime | None = None) -> SignInResult:
    """The user if the password is right and the account is open and not waiting; else None.

    Always checks exactly one password hash. Only failures count; a good sign-in clears them.
    """
    now = now or utcnow()
    user = db.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or not user.active:
        check_password_hash(_dummy_hash(hash_method()), password)
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
        pin_unlocked = unlock_pin(user)  # the owner is here: a locked PIN opens again
        return SignInResult(user, account=user, pin_unlocked=pin_unlocked)
    user.failed_sign_ins += 1
    wait = lock_time(user.failed_sign_ins)
    if wait:
        user.locked_until = now + wait
    db.flush()
    return SignInResult(None, account=user, locked=bool(wait))


def end_sessions(user: User) -> None:
    """End every session of ``user`` at once: each signed-in request checks this number."""
    user.session_generation = (user.session_generation or 0) + 1


# -- PINs --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PinCheck:
    """What one PIN try did."""

    #: the PIN was right and the PIN is not locked
    ok: bool
    #: the PIN was checked and was wrong (counted)
    wrong: bool = False
    #: the PIN is locked now (by this try, or before it: then it was not even checked)
    locked: bool = False
    #: this try was the one that locked it
    just_locked: bool = False
    #: wrong PINs in a row now
    failures: int = 0


def check_pin_counted(
    db: Session,
    user: User,
    pin: str,
    actor: Actor,
    *,
    on_refused: Callable[[Session, PinCheck], None] | None = None,
    **where: Any,
) -> PinCheck:
    """Check ``user``'s PIN, counting wrong ones for the account over every visit and handover.

    Every place a PIN is checked goes through here. The try is counted before the hash is checked
    (so tries at the same moment cannot get past the limit) and a right PIN clears the count;
    both are written on a connection of their own and stick although the request rolls back.
    The 10th wrong PIN in a row locks the PIN (never the password) and writes "user.pin_locked"
    to the audit trail for the admin. A locked PIN is refused unchecked, even when right.
    ``on_refused(own, check)`` runs in the same kept transaction when the try is refused (the
    caller's own count and audit of it); ``where`` goes into the audit detail (visit, handover).
    Call this before the request's session writes anything (see ``throttle.kept``).
    """
    user_id = user.id

    def count_try(own: Session) -> int | None:
        """One more try, unless the PIN is locked (None) or this try is past the limit (locks)."""
        done = own.execute(
            update(User)
            .where(User.id == user_id, User.pin_locked_at.is_(None))
            .values(pin_failures=User.pin_failures + 1)
        )
        if done.rowcount == 0:
            return None
        return int(own.scalar(select(User.pin_failures).where(User.id == user_id)) or 0)

    tries = throttle.kept(db, count_try)
    if tries is not None and tries <= PIN_LOCK_AFTER and user.active and user.check_pin(pin):
        throttle.kept(
            db, lambda own: own.execute(update(User).where(User.id == user_id).values(pin_failures=0))
        )
        check = PinCheck(ok=True)
    else:
        wrong = tries is not None and tries <= PIN_LOCK_AFTER

        def refuse(own: Session) -> PinCheck:
            failures = int(own.scalar(select(User.pin_failures).where(User.id == user_id)) or 0)
            just_locked = False
            if tries is not None and failures >= PIN_LOCK_AFTER:
                just_locked = (
                    own.execute(
                        update(User)
                        .where(User.id == user_id, User.pin_locked_at.is_(None))
                        .values(pin_locked_at=utcnow())
                    ).rowcount
                    == 1
                )
            if just_locked:
                audit.record(
                    own,
                    actor,
                    "user.pin_locked",
                    organisation_id=user.organisation_id,
                    object_type="user",
                    object_id=user_id,
                    failures=failures,
                    **where,
                )
            refused = PinCheck(
                ok=False,
                wrong=wrong,
                locked=tries is None or just_locked or failures >= PIN_LOCK_AFTER,
                just_locked=just_locked,
                failures=failures,
            )
            if on_refused is not None:
                on_refused(own, refused)
            return refused

        check = throttle.kept(db, refuse)
    db.refresh(user, attribute_names=["pin_failures", "pin_locked_at"])
    return check


def unlock_pin(user: User) -> bool:
    """Open a locked PIN again and clear its count (a password sign-in, an admin, a new PIN).

    Returns whether it was locked. A count below the lock stays: only a right PIN clears it.
    """
    if user.pin_locked_at is None:
        return False
    user.pin_failures, user.pin_locked_at = 0, None
    return True


def pin_locked_users(db: Session, organisation_id: int | None) -> list[User]:
    """Accounts whose PIN is locked (in one organisation; every one for ``None``)."""
    query = select(User).where(User.pin_locked_at.is_not(None))
    if organisation_id is not None:
        query = query.where(User.organisation_id == organisation_id)
    return list(db.scalars(query.order_by(User.pin_locked_at)))
