"""Verification: the experts check the provider's statement per section, then sign.

The statement is the one the quality lead writes in the self-assessment for the visit's year
(SectionEntry.statement); each verdict keeps the exact text it judged and points at that entry.
Signing with parts not checked needs a second, explicit step ("Sign anyway").

After signing nothing can change (this module refuses, and a flush-time check in
app/models/visit.py refuses again); only a dated note can be added. Other code reads the signed
verdicts with :func:`verifications_for`. No HTTP here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..models import (
    SectionEntry,
    SelfAssessment,
    Service,
    User,
    Verification,
    VerificationNote,
    VerificationSignature,
    VerificationVerdict,
    Visit,
    utcnow,
)
from ..questionnaires.schema import Framework

#: verdict -> (phrase name, symbol), in the order the cards are shown
VERDICTS = {
    "agree": ("verdict_agree", "thumbs_up"),
    "partly": ("verdict_partly", "partly"),
    "disagree": ("verdict_disagree", "thumbs_down"),
}
#: reasons the experts can pick, with symbols: code -> (phrase name, symbol)
REASONS = {
    "people_said": ("reason_people_said", "talk"),
    "we_saw": ("reason_we_saw", "eye"),
    "not_seen": ("reason_not_seen", "not_seen"),
    "staff_said": ("reason_staff_said", "staff"),
    "we_read": ("reason_we_read", "read"),
}
TEXT_LENGTH = 1000
FRAMEWORK = "duq"


class VerificationError(ValueError):
    """Something that cannot be stored as given."""


class VerificationSigned(VerificationError):
    """The verification is signed: it cannot be changed, only added to with a note."""


class StatementChanged(VerificationError):
    """The provider changed the statement after the experts read it: they must read it again."""


class UncheckedParts(VerificationError):
    """Signing with parts not checked needs the experts to say so first (``missing``: the refs)."""

    def __init__(self, missing: tuple[str, ...]) -> None:
        super().__init__("parts not checked")
        self.missing = missing


@dataclass(frozen=True)
class SignedVerdict:
    """One section's signed verdict, for the self-assessment (engineer B's composer)."""

    section_ref: str
    verdict: str  # agree | partly | disagree
    reasons: tuple[str, ...]  # codes of REASONS
    why: str | None
    provider_should: str | None
    statement_text: str  # the provider's statement as the experts saw it
    section_entry_id: int | None  # the self-assessment section they judged (None: no statement)
    visit_id: int
    service_name: str
    visit_date: date
    signed_at: datetime
    signed_by: tuple[str, ...]  # the experts' names
    notes: tuple[tuple[datetime, str], ...]  # dated notes added after signing


def section_refs(framework: Framework) -> list[str]:
    return [f"{framework.id}:{section.id}" for section in framework.sections]


def statements_for(db: Session, visit: Visit) -> dict[str, SectionEntry]:
    """What the provider says, per section, for the visit's year: the sections of the
    organisation's newest self-assessment for that period (none: the provider has not started one).

    This is the one store of a provider's statement; the quality lead writes it in the
    self-assessment composer (/provider/assessments).
    """
    newest = newest_assessment(db, visit.organisation_id, visit.visit_date.year)
    return {entry.section_ref: entry for entry in newest.entries} if newest else {}


def newest_assessment(db: Session, organisation_id: int, period: int) -> SelfAssessment | None:
    """The organisation's newest self-assessment for a year (published or not), or None."""
    return db.scalar(
        select(SelfAssessment)
        .where(SelfAssessment.organisation_id == organisation_id, SelfAssessment.period == period)
        .order_by(SelfAssessment.created_at.desc(), SelfAssessment.id.desc())
        .limit(1)
    )


def statement_for(db: Session, visit: Visit, section_ref: str) -> SectionEntry | None:
    return statements_for(db, visit).get(section_ref)


def digest(text: str) -> str:
    """A short fingerprint of a statement, so a verdict is stored only for the text it judged."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def verification_of(db: Session, visit: Visit, *, create: bool = False) -> Verification | None:
    found = db.scalar(select(Verification).where(Verification.visit_id == visit.id))
    if found is None and create:
        found = Verification(visit=visit)
        db.add(found)
        db.flush()
    return found


def _open_verdict(
    db: Session, visit: Visit, section_ref: str, known_refs: Iterable[str], *, create: bool
) -> tuple[Verification, VerificationVerdict | None]:
    if visit.status == "planned":
        raise VerificationError("the visit has not started")
    if section_ref not in set(known_refs):
        raise VerificationError("unknown section")
    verification = verification_of(db, visit, create=create)
    if verification is None:
        raise VerificationError("no verdict yet")
    if verification.is_signed:
        raise VerificationSigned("signed")
    verdict = next((v for v in verification.verdicts if v.section_ref == section_ref), None)
    return verification, verdict


def record_verdict(
    db: Session,
    visit: Visit,
    user: User,
    section_ref: str,
    verdict: str,
    known_refs: Iterable[str],
    *,
    seen: str,
) -> VerificationVerdict:
    """We agree / we partly agree / we don't agree, about the self-assessment's statement.

    ``seen`` is the :func:`digest` of the text the experts read; if the statement has changed
    since, :class:`StatementChanged` is raised and nothing is stored. The verdict keeps the
    exact text and points at the section entry it judged.
    """
    if verdict not in VERDICTS:
        raise VerificationError("unknown verdict")
    verification, row = _open_verdict(db, visit, section_ref, known_refs, create=True)
    entry = statement_for(db, visit, section_ref)
    text = entry.statement if entry is not None else ""
    if seen != digest(text):
        raise StatementChanged("the statement changed")
    if row is None:
        row = VerificationVerdict(
            verification=verification, section_ref=section_ref, verdict=verdict, reasons=[]
        )
        db.add(row)
    row.verdict, row.statement_text = verdict, text
    row.section_entry_id = entry.id if entry is not None else None
    row.updated_at, row.updated_by_id = utcnow(), user.id
    db.flush()
    return row


def record_why(
    db: Session,
    visit: Visit,
    user: User,
    section_ref: str,
    reasons: list[str],
    why: str | None,
    known_refs: Iterable[str],
) -> VerificationVerdict:
    if any(code not in REASONS for code in reasons):
        raise VerificationError("unknown reason")
    row = _verdict_to_change(db, visit, section_ref, known_refs)
    row.reasons = [code for code in REASONS if code in reasons]
    row.why = _text(why)
    row.updated_at, row.updated_by_id = utcnow(), user.id
    db.flush()
    return row


def record_provider_should(
    db: Session, visit: Visit, user: User, section_ref: str, text: str | None, known_refs: Iterable[str]
) -> VerificationVerdict:
    row = _verdict_to_change(db, visit, section_ref, known_refs)
    row.provider_should = _text(text)
    row.updated_at, row.updated_by_id = utcnow(), user.id
    db.flush()
    return row


def _verdict_to_change(
    db: Session, visit: Visit, section_ref: str, known_refs: Iterable[str]
) -> VerificationVerdict:
    _verification, row = _open_verdict(db, visit, section_ref, known_refs, create=False)
    if row is None:
        raise VerificationError("no verdict yet")
    return row


def _text(value: str | None) -> str | None:
    cleaned = (value or "").strip()
    if len(cleaned) > TEXT_LENGTH:
        raise VerificationError("text too long")
    return cleaned or None


@dataclass(frozen=True)
class CheckSummary:
    """Which parts the experts have checked (given a verdict), in the framework's order."""

    checked: tuple[str, ...]
    unchecked: tuple[str, ...]

    @property
    def total(self) -> int:
        return len(self.checked) + len(self.unchecked)


def summary(verification: Verification | None, known_refs: Iterable[str]) -> CheckSummary:
    done = {v.section_ref for v in verification.verdicts} if verification else set()
    refs = list(known_refs)
    return CheckSummary(
        checked=tuple(r for r in refs if r in done), unchecked=tuple(r for r in refs if r not in done)
    )


def sign(
    db: Session,
    visit: Visit,
    signers: list[User],
    *,
    device: str | None,
    session_ref: str | None,
    known_refs: Iterable[str],
    unchecked_ok: Iterable[str] = (),
) -> Verification:
    """Sign for every expert in ``signers``: stamped with the time, the device and the session.

    Parts not checked must each be in ``unchecked_ok`` (the experts said "Sign anyway" to them);
    otherwise :class:`UncheckedParts` is raised and nothing is signed.
    """
    verification = verification_of(db, visit)
    if verification is None or not verification.verdicts:
        raise VerificationError("nothing to sign")
    if verification.is_signed:
        raise VerificationSigned("signed")
    missing = tuple(r for r in summary(verification, known_refs).unchecked if r not in set(unchecked_ok))
    if missing:
        raise UncheckedParts(missing)
    now = utcnow()
    for user in dict.fromkeys(signers):
        db.add(
            VerificationSignature(
                verification_id=verification.id,
                user_id=user.id,
                signed_at=now,
                device=(device or "")[:200] or None,
                session_ref=session_ref,
            )
        )
    verification.signed_at = now
    db.flush()
    return verification


def add_note(db: Session, visit: Visit, user: User, text: str) -> VerificationNote:
    """The one change a signed verification takes: a dated note added to it."""
    verification = verification_of(db, visit)
    if verification is None or not verification.is_signed:
        raise VerificationError("notes are for signed verifications")
    cleaned = _text(text)
    if not cleaned:
        raise VerificationError("empty note")
    note = VerificationNote(verification_id=verification.id, text=cleaned, added_by_id=user.id)
    db.add(note)
    db.flush()
    return note


def verifications_for(db: Session, organisation_id: int, since: date, until: date) -> list[SignedVerdict]:
    """Every signed verdict of the organisation's visits from ``since`` to ``until`` (visit dates,
    both days included), by section, then visit date."""
    rows = db.execute(
        select(VerificationVerdict, Verification, Visit, Service)
        .join(Verification, VerificationVerdict.verification_id == Verification.id)
        .join(Visit, Verification.visit_id == Visit.id)
        .join(Service, Visit.service_id == Service.id)
        .where(
            Visit.organisation_id == organisation_id,
            Verification.signed_at.is_not(None),
            Visit.visit_date >= since,
            Visit.visit_date <= until,
        )
        .options(
            selectinload(Verification.signatures).selectinload(VerificationSignature.user),
            selectinload(Verification.notes),
        )
        .order_by(VerificationVerdict.section_ref, Visit.visit_date, Visit.id)
    )
    out = []
    for verdict, verification, visit, service in rows:
        out.append(
            SignedVerdict(
                section_ref=verdict.section_ref,
                verdict=verdict.verdict,
                reasons=tuple(verdict.reasons or ()),
                why=verdict.why,
                provider_should=verdict.provider_should,
                statement_text=verdict.statement_text,
                section_entry_id=verdict.section_entry_id,
                visit_id=visit.id,
                service_name=service.name,
                visit_date=visit.visit_date,
                signed_at=verification.signed_at,  # type: ignore[arg-type]  (filtered: not None)
                signed_by=tuple(s.user.name for s in verification.signatures),
                notes=tuple((note.added_at, note.text) for note in verification.notes),
            )
        )
    return out
