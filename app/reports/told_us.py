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
from datetime import date
from pathlib import Path
from typing import Any

from flask_babel import format_date, get_locale, gettext, ngettext
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
    for option in question.report_choices:
        cell = figure.overall.cells[option.value]
        if cell.value == 0 and not question.offers(option.value):  # no legacy "Not sure" answers
            continue
        bars.append(Bar(option.symbol, gettext(option.text), cell.value, people(cell.label, cell.value)))
    total, cells = figure.overall.total, figure.overall.cells
    dont_know, dont_say = cells[DONT_KNOW], cells[DONT_WANT_TO_SAY]
    sentences = [
        gettext("We asked: %(question)s", question=gettext(question.text)),
        gettext("%(people)s answered.", people=people(total.label, total.value)),
        gettext("%(people)s said they did not know.", people=people(dont_know.label, dont_know.value)),
        gettext("%(people)s did not want to say.", people=people(dont_say.label, dont_say.value)),
    ]
    return Finding(question.symbol, sentences, bars)


def build(
    db: Session,
    organisation: Organisation,
    year: int,
    questionnaires: Mapping[str, Questionnaire],
    audience: str = "person_supported",
) -> Report:
    """One report per group (people supported, or families), so each stays short."""
    chosen = {slug: q for slug, q in questionnaires.items() if q.audience == audience}
    figures = question_figures(db, organisation.id, organisation.suppression_threshold, year, chosen)
    grid, _names = participation(db, organisation.id, organisation.suppression_threshold, year, list(chosen))
    took_part = people(grid.total.label, grid.total.value)
    intro = [
        ("listen", gettext("We asked people what they think of their support.")),
        ("people", gettext("%(people)s took part in %(year)s.", people=took_part, year=year)),
        ("private", gettext("We do not show very small numbers. This keeps people private.")),
    ]
    findings = [f for f in (finding(fig) for fig in figures) if f is not None]
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
) -> bytes:
    return to_pdf(draw_report(build(db, organisation, year, questionnaires, audience), assets))


def _snapshot_finding(
    figure: Mapping[str, Any], questionnaires: Mapping[str, Questionnaire]
) -> Finding | None:
    """A chart finding from a published figure (a faces or yes / no question of these groups)."""
    slug, _, question_id = str(figure.get("key", "")).partition(":")
    form = questionnaires.get(slug)
    question = form.question(question_id) if form is not None and form.audience in AUDIENCES else None
    if question is None or question.type not in ("faces", "yes_no"):
        return None
    columns, labels, values = figure["columns"], figure["labels"], figure["values"]
    bars = [
        Bar(
            o.symbol,
            gettext(figure["texts"].get(o.value, o.text)),
            values.get(o.value),
            people(labels[o.value], values.get(o.value)),
        )
        for o in question.report_choices
        if o.value in columns
    ]
    sentences = [
        gettext("We asked: %(question)s", question=gettext(figure["question"])),
        gettext("%(people)s answered.", people=people(figure["total_label"], figure["total"])),
    ]
    if DONT_KNOW in columns:
        sentences.append(
            gettext(
                "%(people)s said they did not know.", people=people(labels[DONT_KNOW], values.get(DONT_KNOW))
            )
        )
    if DONT_WANT_TO_SAY in columns:
        sentences.append(
            gettext(
                "%(people)s did not want to say.",
                people=people(labels[DONT_WANT_TO_SAY], values.get(DONT_WANT_TO_SAY)),
            )
        )
    return Finding(figure.get("symbol") or question.symbol, sentences, bars)


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
        intro.append(
            (
                "people",
                gettext(
                    "%(people)s took part in %(year)s.",
                    people=people(took_part["label"], took_part["value"]),
                    year=year,
                ),
            )
        )
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
        found = to_pdf(draw_report(from_snapshot(organisation, year, snapshot, questionnaires), assets))
        _PUBLISHED_PDFS[key] = found
        while len(_PUBLISHED_PDFS) > PUBLISHED_PDFS_KEPT:
            _PUBLISHED_PDFS.popitem(last=False)
    _PUBLISHED_PDFS.move_to_end(key)
    return found
