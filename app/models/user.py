"""People who sign in: admins, quality leads, Experts by Experience, viewers, site operators."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from .base import Base, UTCDateTime, utcnow
from .organisation import Organisation


def hash_method() -> str:
    """How passwords and PINs are hashed: the app's PASSWORD_HASH_METHOD (app/config.py).

    That is werkzeug's scrypt, except in the test suite's apps (TESTING), where hashing would be
    most of each test's set-up. Outside an app, scrypt.
    """
    from flask import current_app, has_app_context

    if has_app_context():
        return str(current_app.config.get("PASSWORD_HASH_METHOD") or "scrypt")
    return "scrypt"


class Role(enum.StrEnum):
    #: manages their own organisation: its users, services and audit trail (never another's)
    ADMIN = "admin"
    QUALITY_LEAD = "quality_lead"
    EXPERT = "expert"
    VIEWER = "viewer"
    #: the site operator: manages organisations, sees every organisation's admin pages, never
    #: reads answers. Made with `flask create-user --role operator` only, never in the admin pages.
    OPERATOR = "operator"


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    #: what they sign in with; kept lower-case
    email: Mapped[str] = mapped_column(String(254), unique=True)
    #: the name shown to colleagues (never stored with a respondent's answers)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])
    )
    #: werkzeug's hash (scrypt; see hash_method)
    password_hash: Mapped[str] = mapped_column(String(255))
    #: an Expert by Experience's 4-digit PIN for getting a tablet back after a handover
    pin_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    #: failed sign-ins since the last good one; too many locks the account for a while
    failed_sign_ins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: kept in the session cookie at sign-in and checked on every request: adding 1 ends every
    #: session of this user at once (sign-out, new password or PIN, switched off, new role)
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    #: wrong PINs in a row for this account, over every visit and handover (a right PIN clears it)
    pin_failures: Mapped[int] = mapped_column(default=0, server_default="0")
    #: set at the 10th wrong PIN in a row: the PIN is refused, even when right, until the user
    #: signs in with their password or an admin unlocks it (the password still works)
    pin_locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the picture an Expert by Experience chose for the picture-and-PIN sign-in on a tablet of
    #: their organisation: a symbol name from app/auth/expert_sign_in.PICTURES (None: not chosen)
    picture: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship()

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=hash_method())

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def set_pin(self, pin: str) -> None:
        if len(pin) != 4 or not pin.isdigit():
            raise ValueError("A PIN is 4 digits.")
        self.pin_hash = generate_password_hash(pin, method=hash_method())
        # a new PIN starts with a clean count, and is not locked
        self.pin_failures, self.pin_locked_at = 0, None

    def check_pin(self, pin: str) -> bool:
        """Only the hash. Every PIN try goes through auth.accounts.check_pin_counted instead."""
        return bool(self.pin_hash) and check_password_hash(self.pin_hash or "", pin)
