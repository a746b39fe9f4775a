"""Build "What people told us" from the suppressed figures and the action plan (no drawing here)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from flask_babel import format_date, gettext, ngettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Organisation, SelfAssessment
from ..questionnaires import Questionnaire
from .figures import DONT_KNOW, DONT_WANT_TO_SAY, QuestionFigures, participation, question_figures
from .pdf import Bar, Finding, Report, draw_report, to_pdf

#: the groups the easy-read report is for (staff surveys go in the evidence pack instead)
AUDIENCES = ("person_supported", "family")


def people(label: str, value: int | None) -> str:
    if value is None:
        return gettext("%(label)s people", label=label)
    return ngettext("%(num)s person", "%(num)s people", value)


def finding(figure: QuestionFigures) -> Finding | None:
    """A chart finding for a faces or yes / no question; None for other kinds."""
    question = figure.question
    if question.type not in ("faces", "yes_no"):
        return None
    bars = []
    for option in question.choices:
        cell = figure.overall.cells[option.value]
        bars.append(Bar(option.symbol, gettext(option.text), cell.value, people(cell.label, cell.value)))
    total, cells = figure.overall.total, figure.overall.cells
    dont_know, dont_say = cells[DONT_KNOW], cells[DONT_WANT_TO_SAY]
    sentences = [gettext("We asked: %(question)s", question=gettext(question.text)),
                 gettext("%(people)s answered.", people=people(total.label, total.value)),
                 gettext("%(people)s said they did not know.",
                         people=people(dont_know.label, dont_know.value)),
                 gettext("%(people)s did not want to say.", people=people(dont_say.label, dont_say.value))]
    return Finding(question.symbol, sentences, bars)


def build(db: Session, organisation: Organisation, year: int,
          questionnaires: Mapping[str, Questionnaire], audience: str = "person_supported") -> Report:
    """One report per group (people supported, or families), so each stays short."""
    chosen = {slug: q for slug, q in questionnaires.items() if q.audience == audience}
    figures = question_figures(db, organisation.id, organisation.suppression_threshold, year, chosen)
    grid, _names = participation(db, organisation.id, organisation.suppression_threshold, year,
                                 list(chosen))
    took_part = people(grid.total.label, grid.total.value)
    intro = [("listen", gettext("We asked people what they think of their support.")),
             ("people", gettext("%(people)s took part in %(year)s.", people=took_part, year=year)),
             ("private", gettext("We do not show very small numbers. This keeps people private."))]
    findings = [f for f in (finding(fig) for fig in figures) if f is not None]
    return Report(title=gettext("What people told us"), intro=intro, findings=findings,
                  plan_title=gettext("What we will do"), plan=plan(db, organisation.id, year),
                  footer=f"{organisation.name} - {year}")


def plan(db: Session, organisation_id: int, year: int) -> list[tuple[str, str]]:
    """The action points of this year's self-assessment (published first, else the newest draft)."""
    assessment = db.scalar(select(SelfAssessment)
                           .where(SelfAssessment.organisation_id == organisation_id,
                                  SelfAssessment.period == year)
                           .order_by((SelfAssessment.status == "published").desc(),
                                     SelfAssessment.created_at.desc()).limit(1))
    lines = []
    for entry in assessment.entries if assessment else []:
        for action in entry.actions:
            if action.status == "dropped":
                continue
            lines.append(("idea", action.what))
            lines.append(("calendar", gettext("We will do this by %(when)s.",
                                              when=format_date(action.by_when, "MMMM yyyy"))))
    return lines or [("plan", gettext("We will write our plan soon. We will tell you about it."))]


def report_pdf(db: Session, organisation: Organisation, year: int,
               questionnaires: Mapping[str, Questionnaire], assets: Path,
               audience: str = "person_supported") -> bytes:
    return to_pdf(draw_report(build(db, organisation, year, questionnaires, audience), assets))
