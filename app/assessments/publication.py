"""Publishing a self-assessment: the checks first, then the frozen snapshot; and what the public sees.

Before publishing, every text the provider wrote that would be public is checked against the
concern words: each section's statement, the reason a section is not written yet, and each action
point (what, who, how it went). Any hit refuses the publishing and names each text to change.
(Answers to challenges are checked the same way when they are written: ``workflow.answer_challenge``.)
A section without a statement needs a written reason, shown in public.

Picked quotes that fail the quote rules now (an alert came after they were picked, a concern word
was added, or nobody reviewed them) are held back: kept, never deleted, but left out of the
snapshot, and the quality lead is told. Published pages and public downloads are drawn from
:func:`public_snapshot`: the frozen snapshot with every quote checked again, so a quote published
before its alert came is taken down at once, without changing what was frozen.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from .. import audit
from ..audit import Actor
from ..i18n import N_
from ..models import Answer, PickedQuote, SelfAssessment, User, utcnow
from ..questionnaires import Questionnaire
from ..reports.figures import participation, question_figures
from ..safeguarding import concern_words, matches
from . import quotes as quote_rules
from .workflow import AssessmentError, action_snapshot, ensure_editable, figure_snapshot, you_said_we_did

MAX_REASON = 1000

#: the names of the texts a refusal points at, as staff read them ("Section 2, statement: ...")
PARTS = {
    "statement": N_("what you say about this section"),
    "reason": N_("why it is not written yet"),
    "reason_missing": N_("say why it is not written yet"),
    "reason_too_long": N_("why it is not written yet (too long: 1000 characters at most)"),
    "action_what": N_("action point, what you will do"),
    "action_who": N_("action point, who will do it"),
    "action_outcome": N_("action point, what happened"),
}


@dataclass(frozen=True)
class TextProblem:
    """A text that must change before publishing: where it is, the words found (may be none)."""

    section_ref: str
    part: str
    text: str
    words: tuple[str, ...] = ()


@dataclass(frozen=True)
class HeldQuote:
    section_ref: str
    text: str
    reason: str


@dataclass(frozen=True)
class SectionSummary:
    """One line of the "Are you sure?" page."""

    section_ref: str
    written: bool
    figures: int
    quotes: int
    held_back: int
    actions: int
    verdicts: int


class CannotPublish(AssessmentError):
    """Publishing refused: ``problems`` names each text to change."""

    def __init__(self, problems: list[TextProblem]) -> None:
        super().__init__(f"{len(problems)} texts to change")
        self.problems = problems


class NotConfirmed(AssessmentError):
    """Publishing needs the explicit "Yes, publish it" of the confirmation page."""


def text_problems(
    db: Session, assessment: SelfAssessment, reasons: Mapping[str, str], words: list[str] | None = None
) -> list[TextProblem]:
    """Every text that would be public and must change first, in section order."""
    words = words if words is not None else concern_words(db, assessment.organisation_id)
    problems: list[TextProblem] = []

    def check(ref: str, part: str, text: str) -> None:
        found = matches(text or "", words)
        if found:
            problems.append(TextProblem(ref, part, text, tuple(found)))

    for entry in assessment.entries:
        ref = entry.section_ref
        check(ref, "statement", entry.statement)
        if not entry.statement.strip():
            reason = (reasons.get(ref) or "").strip()
            if not reason:
                problems.append(TextProblem(ref, "reason_missing", ""))
            elif len(reason) > MAX_REASON:
                problems.append(TextProblem(ref, "reason_too_long", reason[:200]))
            else:
                check(ref, "reason", reason)
        for action in entry.actions:
            check(ref, "action_what", action.what)
            check(ref, "action_who", action.who)
            check(ref, "action_outcome", action.outcome)
    return problems


def held_quotes(db: Session, assessment: SelfAssessment) -> list[HeldQuote]:
    """The quotes held back from the public, and why: for a draft, those that would be left out;
    for a published one, those in its snapshot that fail the rules now."""
    org = assessment.organisation_id
    words = concern_words(db, org)
    if not assessment.frozen:
        reasons = quote_rules.held_back(db, assessment.entries, org, words)
        return [
            HeldQuote(e.section_ref, q.text, reasons[q.id])
            for e in assessment.entries
            for q in e.quotes
            if q.id in reasons
        ]
    out = []
    for ref, _quote, text, reason in _snapshot_quotes(db, assessment, words):
        if reason is not None:
            out.append(HeldQuote(ref, text, reason))
    return out


def summary(
    db: Session, assessment: SelfAssessment, verdicts: Mapping[str, list[dict[str, Any]]]
) -> list[SectionSummary]:
    held = quote_rules.held_back(db, assessment.entries, assessment.organisation_id)
    return [
        SectionSummary(
            section_ref=e.section_ref,
            written=bool(e.statement.strip()),
            figures=len(e.evidence_questions),
            quotes=sum(1 for q in e.quotes if q.id not in held),
            held_back=sum(1 for q in e.quotes if q.id in held),
            actions=len(e.actions),
            verdicts=len(verdicts.get(e.section_ref, [])),
        )
        for e in assessment.entries
    ]


def publish(
    db: Session,
    assessment: SelfAssessment,
    by: User,
    actor: Actor,
    threshold: int,
    questionnaires: Mapping[str, Questionnaire],
    verdicts: Mapping[str, list[dict[str, Any]]],
    *,
    reasons: Mapping[str, str] | None = None,
    confirmed: bool = False,
) -> None:
    """Check, then freeze: figures, vetted quotes, verdicts and action points go into the snapshot.

    Raises CannotPublish (naming each text to change) before anything changes.
    """
    ensure_editable(assessment)
    if assessment.status != "reviewed":
        raise AssessmentError("review it first")
    if not confirmed:
        raise NotConfirmed("confirm first")
    reasons = reasons or {}
    org = assessment.organisation_id
    words = concern_words(db, org)
    problems = text_problems(db, assessment, reasons, words)
    if problems:
        raise CannotPublish(problems)
    held = quote_rules.held_back(db, assessment.entries, org, words)
    figures = {f.key: f for f in question_figures(db, org, threshold, assessment.period, questionnaires)}
    sections = {}
    for entry in assessment.entries:
        written = bool(entry.statement.strip())
        entry.unwritten_reason = None if written else (reasons.get(entry.section_ref) or "").strip()
        sections[entry.section_ref] = {
            "statement": entry.statement,
            "unwritten_reason": entry.unwritten_reason,
            "figures": [figure_snapshot(figures[k]) for k in entry.evidence_questions if k in figures],
            "quotes": [{"id": q.id, "text": q.text} for q in entry.quotes if q.id not in held],
            "verdicts": [_vetted_verdict(v, words) for v in verdicts.get(entry.section_ref, [])],
            "actions": [action_snapshot(a) for a in entry.actions],
        }
    people = [slug for slug, q in questionnaires.items() if q.audience == "person_supported"]
    took_part = None
    if people:
        grid, _names = participation(db, org, threshold, assessment.period, people)
        took_part = {"value": grid.total.value, "label": grid.total.label}
    assessment.snapshot = {
        "period": assessment.period,
        "sections": sections,
        "took_part": took_part,
        "you_said_we_did": you_said_we_did(assessment),
    }
    assessment.status, assessment.published_at, assessment.published_by_id = "published", utcnow(), by.id
    audit.record(
        db,
        actor,
        "self_assessment.publish",
        organisation_id=org,
        object_type="self_assessment",
        object_id=assessment.id,
        quotes_held_back=len(held),
    )
    db.flush()


def _vetted_verdict(verdict: Mapping[str, Any], words: list[str]) -> dict[str, Any]:
    """An expert's verdict; its written reasons are left out of public view if they may tell of harm."""
    out = dict(verdict)
    for key in ("why", "provider_should", "statement_text"):
        if out.get(key) and matches(str(out[key]), words):
            out[key] = ""
            out["held_back"] = True
    return out


def _snapshot_quotes(
    db: Session, assessment: SelfAssessment, words: list[str]
) -> list[tuple[str, PickedQuote | None, str, str | None]]:
    """Each quote in the frozen snapshot: (section, its picked quote, its words, why held or None).

    Snapshots from before the review step list quotes as plain words; they are matched to their
    picked quote by those words.
    """
    sections = (assessment.snapshot or {}).get("sections", {})
    entries = {e.section_ref: e for e in assessment.entries}
    picked = [q for e in assessment.entries for q in e.quotes]
    answers = {q.answer_id: db.get(Answer, q.answer_id) for q in picked if q.answer_id is not None}
    alerts = quote_rules.alerted(db, [a.response_id for a in answers.values() if a is not None])
    out: list[tuple[str, PickedQuote | None, str, str | None]] = []
    for ref, section in sections.items():
        entry = entries.get(ref)
        by_id = {q.id: q for q in entry.quotes} if entry else {}
        by_text = {q.text: q for q in entry.quotes} if entry else {}
        for item in section.get("quotes", []):
            text = item["text"] if isinstance(item, dict) else str(item)
            quote = by_id.get(item.get("id")) if isinstance(item, dict) else by_text.get(text)
            if quote is None:
                reason = quote_rules.CONCERN if matches(text, words) else None
            else:
                reason = quote_rules.quote_problem(
                    db, quote, assessment.organisation_id, words, reviewed=False, alerts=alerts
                )
            out.append((ref, quote, text, reason))
    return out


def public_snapshot(db: Session, assessment: SelfAssessment) -> dict[str, Any]:
    """What the public may see of a published self-assessment: its snapshot, each quote checked
    again (held back if it fails now), experts' reasons that may tell of harm left out, and each
    section's reason for being unwritten. Quotes come out as plain words."""
    snap = copy.deepcopy(assessment.snapshot or {})
    snap.setdefault("sections", {})
    words = concern_words(db, assessment.organisation_id)
    kept: dict[str, list[str]] = {ref: [] for ref in snap["sections"]}
    for ref, _quote, text, reason in _snapshot_quotes(db, assessment, words):
        if reason is None:
            kept[ref].append(text)
    for ref, section in snap["sections"].items():
        section["quotes"] = kept[ref]
        section["verdicts"] = [_vetted_verdict(v, words) for v in section.get("verdicts", [])]
        section.setdefault("unwritten_reason", None)
    return snap


def withheld_challenges(db: Session, assessment: SelfAssessment) -> set[int]:
    """Challenges whose words may tell of harm: the public sees that they were answered, not them."""
    words = concern_words(db, assessment.organisation_id)
    return {c.id for c in assessment.challenges if matches(c.what or "", words)}
