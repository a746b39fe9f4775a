"""The self-assessment: drafted -> reviewed -> published. Published is frozen; the next starts as a copy.

This module holds the steps of the workflow and the challenges. Which answers may be quoted is in
``quotes``; the checks before publishing and the frozen snapshot are in ``publication``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit
from ..audit import Actor
from ..models import (
    ACTION_STATUSES,
    ActionPoint,
    SectionEntry,
    SelfAssessment,
    User,
    utcnow,
)
from ..questionnaires import Framework
from ..reports.figures import APART_ANSWERS, DOES_NOT_APPLY, NOT_ANSWERS, QuestionFigures
from ..reports.suppression import percent

ANSWER_WITHIN = timedelta(weeks=4)
MAX_STATEMENT = 5000


class AssessmentError(ValueError):
    """A change that is not allowed (e.g. to a published self-assessment)."""


class Frozen(AssessmentError):
    """The self-assessment is published: it can never change."""


class NeedsChange(AssessmentError):
    """A text that would be published holds a word that may be about harm: it must change first."""

    def __init__(self, words: list[str]) -> None:
        super().__init__("needs change: " + ", ".join(words))
        self.words = words


def section_refs(frameworks: Mapping[str, Framework], framework_id: str = "duq") -> list[str]:
    framework = frameworks.get(framework_id)
    return [f"{framework_id}:{s.id}" for s in framework.sections] if framework else []


def start(
    db: Session, organisation_id: int, period: int, refs: list[str], by: User, actor: Actor
) -> SelfAssessment:
    """A new draft; after a published one it starts as a copy (statements, open action points)."""
    previous = db.scalar(
        select(SelfAssessment)
        .where(SelfAssessment.organisation_id == organisation_id, SelfAssessment.status == "published")
        .order_by(SelfAssessment.published_at.desc())
        .limit(1)
    )
    draft = SelfAssessment(
        organisation_id=organisation_id,
        period=period,
        status="draft",
        previous_id=previous.id if previous else None,
    )
    db.add(draft)
    for ref in refs:
        old = previous.entry(ref) if previous else None
        entry = SectionEntry(
            section_ref=ref,
            statement=old.statement if old else "",
            evidence_questions=list(old.evidence_questions) if old else [],
        )
        draft.entries.append(entry)
        for action in old.actions if old else []:
            if action.status in ("planned", "started"):
                entry.actions.append(
                    ActionPoint(
                        what=action.what,
                        who=action.who,
                        by_when=action.by_when,
                        status=action.status,
                        copied_from_id=action.id,
                    )
                )
    db.flush()
    audit.record(
        db,
        actor,
        "self_assessment.start",
        organisation_id=organisation_id,
        object_type="self_assessment",
        object_id=draft.id,
        period=period,
        copied_from=previous.id if previous else None,
    )
    return draft


def ensure_editable(assessment: SelfAssessment) -> None:
    if assessment.frozen:
        raise Frozen("published")


def edit_section(
    db: Session, assessment: SelfAssessment, ref: str, statement: str, evidence: list[str], actor: Actor
) -> SectionEntry:
    ensure_editable(assessment)
    entry = assessment.entry(ref)
    if entry is None:
        raise AssessmentError("no such section")
    if len(statement) > MAX_STATEMENT:
        raise AssessmentError("statement too long")
    entry.statement, entry.evidence_questions = statement.strip(), sorted(set(evidence))
    if assessment.status == "reviewed":  # a change after review needs another review
        assessment.status = "draft"
    audit.record(
        db,
        actor,
        "self_assessment.edit",
        organisation_id=assessment.organisation_id,
        object_type="section_entry",
        object_id=entry.id,
        section=ref,
    )
    db.flush()
    return entry


def add_action(
    db: Session, assessment: SelfAssessment, ref: str, what: str, who: str, by_when: date, actor: Actor
) -> ActionPoint:
    ensure_editable(assessment)
    entry = assessment.entry(ref)
    if entry is None or not what.strip() or not who.strip():
        raise AssessmentError("say what, who and by when")
    action = ActionPoint(what=what.strip()[:500], who=who.strip()[:200], by_when=by_when)
    entry.actions.append(action)
    db.flush()
    audit.record(
        db,
        actor,
        "action_point.add",
        organisation_id=assessment.organisation_id,
        object_type="action_point",
        object_id=action.id,
    )
    return action


def update_action(
    db: Session,
    assessment: SelfAssessment,
    action: ActionPoint,
    status: str,
    outcome: str,
    actor: Actor,
    what: str | None = None,
    who: str | None = None,
) -> None:
    """How it is going; ``what`` and ``who`` change only when given (and then not empty)."""
    ensure_editable(assessment)
    if status not in ACTION_STATUSES:
        raise AssessmentError("unknown status")
    if (what is not None and not what.strip()) or (who is not None and not who.strip()):
        raise AssessmentError("say what and who")
    action.status, action.outcome = status, outcome.strip()[:2000]
    if what is not None:
        action.what = what.strip()[:500]
    if who is not None:
        action.who = who.strip()[:200]
    audit.record(
        db,
        actor,
        "action_point.update",
        organisation_id=assessment.organisation_id,
        object_type="action_point",
        object_id=action.id,
        status=status,
    )
    db.flush()


def review(db: Session, assessment: SelfAssessment, by: User, actor: Actor) -> None:
    ensure_editable(assessment)
    assessment.status, assessment.reviewed_at, assessment.reviewed_by_id = "reviewed", utcnow(), by.id
    audit.record(
        db,
        actor,
        "self_assessment.review",
        organisation_id=assessment.organisation_id,
        object_type="self_assessment",
        object_id=assessment.id,
    )
    db.flush()


def figure_snapshot(figure: QuestionFigures) -> dict[str, Any]:
    """A question's suppressed figures as plain data: values are numbers or None (hidden)."""

    def text(column: str) -> str:
        option = figure.question.choice(column)
        return option.text if option else NOT_ANSWERS.get(column, "Written answer")

    return {
        "key": figure.key,
        "question": figure.question.text,
        "symbol": figure.question.symbol,
        "columns": figure.columns,
        "texts": {c: text(c) for c in figure.columns},
        "labels": {c: figure.overall.cells[c].label for c in figure.columns},
        "values": {c: figure.overall.cells[c].value for c in figure.columns},
        "percent": {c: percent(figure.overall.cells[c], figure.overall.total) for c in figure.columns},
        "total": figure.overall.total.value,
        "total_label": figure.overall.total.label,
        # "This does not happen to me": its own count, in no percentage (None: not offered)
        "apart": (
            {
                "text": APART_ANSWERS[DOES_NOT_APPLY],
                "label": figure.apart.cells[DOES_NOT_APPLY].label,
                "value": figure.apart.cells[DOES_NOT_APPLY].value,
            }
            if figure.apart is not None
            else None
        ),
        # by the language of the answer (locale -> answer -> its shown count), suppressed as the
        # dashboard does; None with 1 language, or when no safe pattern was found
        "by_language": (
            {
                code: {c: figure.by_language.cells[(code, c)].label for c in figure.columns}
                for code in figure.by_language.rows
            }
            if figure.by_language is not None and not figure.by_language.withheld
            else None
        ),
    }


def action_snapshot(action: ActionPoint) -> dict[str, Any]:
    return {
        "what": action.what,
        "who": action.who,
        "by_when": action.by_when.isoformat(),
        "status": action.status,
        "outcome": action.outcome,
    }


def you_said_we_did(assessment: SelfAssessment) -> list[dict[str, Any]]:
    """How the previous self-assessment's action points went."""
    previous = assessment.previous
    if previous is None:
        return []
    copies = {a.copied_from_id: a for e in assessment.entries for a in e.actions if a.copied_from_id}
    out = []
    for entry in previous.entries:
        for action in entry.actions:
            now = copies.get(action.id)
            out.append(
                {
                    **action_snapshot(action),
                    "section": entry.section_ref,
                    "status": now.status if now else action.status,
                    "outcome": (now.outcome if now else "") or action.outcome,
                }
            )
    return out
