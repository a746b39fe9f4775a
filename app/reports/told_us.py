"""Build "What people told us" from the suppressed figures and the action plan (no drawing here).

Two sources: the live figures of a year (``build``, a staff download), and a published
self-assessment's vetted snapshot (``from_snapshot``, the public PDF): the public one holds only
what was published, the figures and action points; no written answer of anyone is ever in it.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from flask_babel import format_date, get_locale, gettext, ngettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Organisation, SelfAssessment
from ..questionnaires import Question, Questionnaire
from .figures import (
    DOES_NOT_APPLY,
    DONT_KNOW,
    DONT_WANT_TO_SAY,
    TEXT,
    QuestionFigures,
    participation,
    question_figures,
)
from .pdf import Bar, Finding, Report, to_pdf

#: the groups the easy-read report is for (staff surveys go in the evidence pack instead)
AUDIENCES = ("person_supported", "family")


def people(label: str, value: int | None) -> str:
    """A count of people inside a sentence: "37 people", "1 person", "fewer than 5 people"."""
    if value is None:
        return gettext("%(label)s people", label=label)
    return ngettext("%(num)s person", "%(num)s people", value)


def not_shown(label: str, value: int | None) -> bool:
    """A count hidden only to protect another hidden count: "not shown", never "fewer than"."""
    return value is None and label in ("not shown", gettext("not shown"))


def capital(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


def count_words(label: str, value: int | None) -> str:
    """A count on its own (a chart's row): "37 people", "Fewer than 5 people", "Not shown"."""
    if not_shown(label, value):
        return gettext("Not shown")
    return capital(people(label, value))


def answered(label: str, value: int | None) -> str:
    if not_shown(label, value):
        return gettext("We do not show how many people answered.")
    return capital(gettext("%(people)s answered.", people=people(label, value)))


def did_not_know(label: str, value: int | None) -> str:
    if not_shown(label, value):
        return gettext("We do not show how many people said they did not know.")
    return capital(gettext("%(people)s said they did not know.", people=people(label, value)))


def did_not_want_to_say(label: str, value: int | None) -> str:
    if not_shown(label, value):
        return gettext("We do not show how many people did not want to say.")
    return capital(gettext("%(people)s did not want to say.", people=people(label, value)))


def does_not_happen(label: str, value: int | None) -> str:
    if not_shown(label, value):
        return gettext("We do not show how many people said this does not happen to them.")
    return capital(gettext("%(people)s said this does not happen to them.", people=people(label, value)))


def wrote(label: str, value: int | None) -> str:
    if not_shown(label, value):
        return gettext("We do not show how many people wrote an answer.")
    return capital(gettext("%(people)s wrote an answer.", people=people(label, value)))


def make_finding(
    question: Question,
    question_text: str,
    symbol: str,
    cells: Mapping[str, tuple[str, int | None]],
    total: tuple[str, int | None],
    texts: Mapping[str, str] | None = None,
    apart: tuple[str, int | None] | None = None,
) -> Finding:
    """One question's finding, for every kind of question.

    ``cells``: answer value -> (published label, value or None when hidden); ``total``: the same
    for all its answers; ``texts``: the answers' words as published (default: the question's).
    """
    sentences = [gettext("We asked: %(question)s", question=question_text)]
    if not question.kind.charted:  # written words: counted, never shown
        if TEXT in cells:
            sentences.append(wrote(*cells[TEXT]))
        sentences.append(gettext("What people wrote is not in this report. It stays private."))
    elif question.multiple:
        sentences.append(gettext("People could choose more than 1 answer."))
    else:
        sentences.append(answered(*total))
    if DONT_KNOW in cells:
        sentences.append(did_not_know(*cells[DONT_KNOW]))
    if DONT_WANT_TO_SAY in cells:
        sentences.append(did_not_want_to_say(*cells[DONT_WANT_TO_SAY]))
    if apart is not None:  # "This does not happen to me": its own count, not in "answered"
        sentences.append(does_not_happen(*apart))
    bars = []
    if question.kind.charted:  # words get sentences only
        for option in question.report_choices:
            if option.value not in cells:
                continue
            if cells[option.value][1] == 0 and not question.offers(option.value):
                continue  # a legacy "Not sure" that nobody gave
            label, value = cells[option.value]
            words = (texts or {}).get(option.value, option.text)
            bars.append(Bar(option.symbol, gettext(words), value, count_words(label, value)))
    return Finding(symbol, sentences, bars)


def finding(figure: QuestionFigures) -> Finding:
    """The finding of one question's live (suppressed) figures."""
    overall = figure.overall
    cells = {c: (overall.cells[c].label, overall.cells[c].value) for c in figure.columns}
    question = figure.question
    return make_finding(
        question,
        gettext(question.text),
        question.symbol,
        cells,
        (overall.total.label, overall.total.value),
        apart=_apart(figure),
    )


def _apart(figure: QuestionFigures) -> tuple[str, int | None] | None:
    """ "This does not happen to me" as (label, value), when the question offers it."""
    if figure.apart is None:
        return None
    cell = figure.apart.cells[DOES_NOT_APPLY]
    return cell.label, cell.value


def took_part_line(label: str, value: int | None, year: int) -> tuple[str, str]:
    if not_shown(label, value):
        return ("people", gettext("We do not show how many people took part in %(year)s.", year=year))
    return (
        "people",
        capital(gettext("%(people)s took part in %(year)s.", people=people(label, value), year=year)),
    )


def build(
    db: Session,
    organisation: Organisation,
    year: int,
    questionnaires: Mapping[str, Questionnaire],
    audience: str = "person_supported",
    as_of: datetime | None = None,
) -> Report:
    """One report per group (people supported, or families), so each stays short.

    Every question of the group's questionnaires is in it. ``as_of``: count only responses
    started before then (the staff pages' daily cut-off, figures.start_of_day).
    """
    chosen = {slug: q for slug, q in questionnaires.items() if q.audience == audience}
    threshold = organisation.suppression_threshold
    figures = question_figures(db, organisation.id, threshold, year, chosen, as_of=as_of)
    grid, _names = participation(db, organisation.id, threshold, year, list(chosen), as_of=as_of)
    intro = [
        ("listen", gettext("We asked people what they think of their support.")),
        took_part_line(grid.total.label, grid.total.value, year),
        ("private", gettext("We do not show very small numbers. This keeps people private.")),
    ]
    findings = [finding(fig) for fig in figures]
    return Report(
        title=gettext("What people told us"),
        intro=intro,
        findings=findings,
        plan_title=gettext("What we will do"),
        plan=plan(db, organisation.id, year),
        footer=f"{organisation.name} - {year}",
    )


def plan(db: Session, organisation_id: int, year: int) -> list[tuple[str, str]]:
    """The action points of this year's self-assessment (published first, else the newest draft)."""
    assessment = db.scalar(
        select(SelfAssessment)
        .where(SelfAssessment.organisation_id == organisation_id, SelfAssessment.period == year)
        .order_by((SelfAssessment.status == "published").desc(), SelfAssessment.created_at.desc())
        .limit(1)
    )
    lines = []
    for entry in assessment.entries if assessment else []:
        for action in entry.actions:
            if action.status == "dropped":
                continue
            lines.append(("idea", action.what))
            lines.append(
                (
                    "calendar",
                    gettext("We will do this by %(when)s.", when=format_date(action.by_when, "MMMM yyyy")),
                )
            )
    return lines or [("plan", gettext("We will write our plan soon. We will tell you about it."))]


def report_pdf(
    db: Session,
    organisation: Organisation,
    year: int,
    questionnaires: Mapping[str, Questionnaire],
    assets: Path,
    audience: str = "person_supported",
    as_of: datetime | None = None,
) -> bytes:
    """The staff download: the live figures up to ``as_of``, as a tagged PDF."""
    return to_pdf(build(db, organisation, year, questionnaires, audience, as_of), assets)


def _snapshot_finding(
    figure: Mapping[str, Any], questionnaires: Mapping[str, Questionnaire]
) -> Finding | None:
    """The finding of a published figure (any question of these groups), from its frozen counts."""
    slug, _, question_id = str(figure.get("key", "")).partition(":")
    form = questionnaires.get(slug)
    question = form.question(question_id) if form is not None and form.audience in AUDIENCES else None
    if question is None:
        return None
    labels, values = figure["labels"], figure["values"]
    cells = {c: (labels[c], values.get(c)) for c in figure["columns"]}
    return make_finding(
        question,
        gettext(figure["question"]),
        figure.get("symbol") or question.symbol,
        cells,
        (figure["total_label"], figure["total"]),
        figure.get("texts"),
        (figure["apart"]["label"], figure["apart"]["value"]) if figure.get("apart") else None,
    )


def from_snapshot(
    organisation: Organisation,
    year: int,
    snapshot: Mapping[str, Any],
    questionnaires: Mapping[str, Questionnaire],
) -> Report:
    """The public report: only the published (vetted) snapshot's figures and action points."""
    findings, seen = [], set()
    for section in snapshot.get("sections", {}).values():
        for figure in section.get("figures", []):
            if figure.get("key") in seen:
                continue
            seen.add(figure.get("key"))
            found = _snapshot_finding(figure, questionnaires)
            if found is not None:
                findings.append(found)
    intro = [("listen", gettext("We asked people what they think of their support."))]
    took_part = snapshot.get("took_part")
    if took_part:
        intro.append(took_part_line(took_part["label"], took_part["value"], year))
    intro.append(("private", gettext("We do not show very small numbers. This keeps people private.")))
    lines = []
    for section in snapshot.get("sections", {}).values():
        for action in section.get("actions", []):
            if action.get("status") == "dropped":
                continue
            lines.append(("idea", action["what"]))
            lines.append(
                (
                    "calendar",
                    gettext(
                        "We will do this by %(when)s.",
                        when=format_date(date.fromisoformat(action["by_when"]), "MMMM yyyy"),
                    ),
                )
            )
    plan = lines or [("plan", gettext("We will write our plan soon. We will tell you about it."))]
    return Report(
        title=gettext("What people told us"),
        intro=intro,
        findings=findings,
        plan_title=gettext("What we will do"),
        plan=plan,
        footer=f"{organisation.name} - {year}",
    )


#: Public PDFs already made, by a hash of everything they are drawn from (bounded: oldest go first).
_PUBLISHED_PDFS: OrderedDict[str, bytes] = OrderedDict()
PUBLISHED_PDFS_KEPT = 16


def published_pdf(
    organisation: Organisation,
    year: int,
    snapshot: Mapping[str, Any],
    questionnaires: Mapping[str, Questionnaire],
    assets: Path,
) -> bytes:
    """The public easy-read PDF of a published self-assessment, made once per content.

    It is drawn only from the (checked) snapshot, so the same snapshot gives the same file: the
    first reader pays for it, every later one gets the kept copy. A quote held back later changes
    the checked snapshot, and so the key.
    """
    key = hashlib.sha256(
        json.dumps(
            [organisation.id, organisation.name, year, snapshot, str(get_locale())],
            sort_keys=True,
            default=str,
        ).encode()
    ).hexdigest()
    found = _PUBLISHED_PDFS.get(key)
    if found is None:
        found = to_pdf(from_snapshot(organisation, year, snapshot, questionnaires), assets)
        _PUBLISHED_PDFS[key] = found
        while len(_PUBLISHED_PDFS) > PUBLISHED_PDFS_KEPT:
            _PUBLISHED_PDFS.popitem(last=False)
    _PUBLISHED_PDFS.move_to_end(key)
    return found
