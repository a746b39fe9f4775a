"""A visit's report: how many people took part (small groups hidden), what the experts saw, and
their signed check of the provider's statements. No HTTP here."""

from __future__ import annotations

from dataclasses import dataclass

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
            )
        )
    return out
