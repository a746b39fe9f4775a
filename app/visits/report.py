"""A visit's report: how many people took part (small groups hidden), what the experts saw, and
their signed check of the provider's statements. No HTTP here."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from ..models import AnswerKind, Photo, Response, Verification, VerificationVerdict, Visit
from ..questionnaires import Question, Questionnaire
from ..questionnaires.schema import Framework, Section
from ..reports.suppression import SuppressedCounts, suppress_counts
from ..respond import journey
from . import observations, planning, verification

#: the "not an answer" kinds -> (phrase name, symbol)
NOT_ANSWERS = {
    AnswerKind.DONT_KNOW: ("dont_know", "dont_know"),
    AnswerKind.DONT_WANT_TO_SAY: ("dont_want_to_say", "dont_want_to_say"),
    AnswerKind.SKIPPED: ("report_no_answer", "skip"),
}


@dataclass(frozen=True)
class Observed:
    """One checklist question with the expert's answer and note."""

    question: Question
    #: (words, symbol) of each chosen card, or the phrase name of a "not an answer"
    chosen: tuple[tuple[str, str], ...]
    not_answer: tuple[str, str] | None
    text: str | None
    note: str | None
    #: the chosen answers' values (e.g. "sad", "no")
    values: tuple[str, ...] = ()

    @property
    def worrying(self) -> bool:
        """A bad answer: the question's alert answers, else "sad" or "no"."""
        bad = self.question.bad_values
        return any(value in bad for value in self.values)


@dataclass(frozen=True)
class SectionCheck:
    section: Section
    ref: str
    verdict: VerificationVerdict | None


@dataclass(frozen=True)
class VisitReport:
    visit: Visit
    people: SuppressedCounts[str]
    observed: list[Observed]
    photos: list[Photo]
    verification: Verification | None
    sections: list[SectionCheck]

    @property
    def any_hidden(self) -> bool:
        return self.people.total.hidden or any(c.hidden for c in self.people.cells.values())


def build(db: Session, visit: Visit, framework: Framework) -> VisitReport:
    counts = planning.people_counts(db, visit)
    people = suppress_counts(counts, visit.organisation.suppression_threshold)
    response = observations.find_observations(db, visit)
    observed = _observed(db, response) if response is not None else []
    checked = verification.verification_of(db, visit)
    signed = checked if checked is not None and checked.is_signed else None
    verdicts = {v.section_ref: v for v in signed.verdicts} if signed else {}
    sections = [
        SectionCheck(section, ref, verdicts.get(ref))
        for section, ref in zip(framework.sections, verification.section_refs(framework), strict=True)
    ]
    return VisitReport(
        visit=visit,
        people=people,
        observed=observed,
        photos=observations.photos_of(db, visit),
        verification=signed,
        sections=sections,
    )


def _observed(db: Session, response: Response) -> list[Observed]:
    checklist: Questionnaire = journey.questionnaire_of(response)
    answers = journey.answers_by_question(db, response)
    out = []
    for question in checklist.questions:
        answer = answers.get(question.id)
        if answer is None:
            out.append(Observed(question, (), NOT_ANSWERS[AnswerKind.SKIPPED], None, None))
            continue
        chosen = tuple(
            (option.text, option.symbol)
            for value in answer.values
            if (option := question.choice(value)) is not None
        )
        out.append(
            Observed(
                question,
                chosen,
                NOT_ANSWERS.get(answer.kind),
                answer.text if answer.kind == AnswerKind.TEXT else None,
                answer.note,
                tuple(answer.values),
            )
        )
    return out


# -- "What stands out" and the folds (issue 10, item 13) ---------------------------------------


@dataclass(frozen=True)
class Change:
    """A checklist question that was answered well at the last visit and badly now, or the other way."""

    before: Observed
    now: Observed


@dataclass(frozen=True)
class StandsOut:
    not_good: list[Observed]
    not_agreed: list[SectionCheck]
    #: the last visit to the same service before this one (None: this is the first)
    previous: Visit | None
    changes: list[Change]


def previous_visit(db: Session, visit: Visit) -> Visit | None:
    """The same service's newest visit before this one that the experts started."""
    return db.scalars(
        select(Visit)
        .where(
            Visit.service_id == visit.service_id,
            or_(
                Visit.visit_date < visit.visit_date,
                and_(Visit.visit_date == visit.visit_date, Visit.id < visit.id),
            ),
            Visit.status != "planned",
        )
        .order_by(Visit.visit_date.desc(), Visit.id.desc())
        .limit(1)
    ).first()


def stands_out(db: Session, built: VisitReport) -> StandsOut:
    """What a busy reader needs first: the bad answers, the parts not agreed, what changed."""
    previous = previous_visit(db, built.visit)
    changes: list[Change] = []
    if previous is not None:
        response = observations.find_observations(db, previous)
        before = {o.question.id: o for o in _observed(db, response)} if response is not None else {}
        for now in built.observed:
            was = before.get(now.question.id)
            if was is not None and was.values and now.values and was.worrying != now.worrying:
                changes.append(Change(was, now))
    return StandsOut(
        not_good=[o for o in built.observed if o.worrying],
        not_agreed=[
            c for c in built.sections if c.verdict is not None and c.verdict.verdict in ("partly", "disagree")
        ],
        previous=previous,
        changes=changes,
    )


def folds(built: VisitReport) -> tuple[list[tuple[SectionCheck, list[Observed]]], list[Observed]]:
    """The report folded per Code section: each section's check with what the experts saw for it
    (a question goes under its first section), and what belongs to no section."""
    refs = {check.ref for check in built.sections}
    under: dict[str, list[Observed]] = {}
    other: list[Observed] = []
    for item in built.observed:
        ref = next((r for r in item.question.sections if r in refs), None)
        if ref is None:
            other.append(item)
        else:
            under.setdefault(ref, []).append(item)
    return [(check, under.get(check.ref, [])) for check in built.sections], other
