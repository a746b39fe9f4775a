"""Downloads: raw answers (CSV), the suppressed summary (CSV), and an evidence pack per section (zip).

Raw CSV: one row per answer, no names. The response id is pseudonymous (an HMAC of the real id
with the app's secret), so rows of one response stay together but cannot be joined to anything else.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import zipfile
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from typing import Any

from flask import render_template
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..assessments.workflow import action_snapshot, figure_snapshot
from ..i18n import language_label, page_dir
from ..models import Answer, AnswerChoice, QuestionnaireVersion, Response, SelfAssessment, Service
from ..questionnaires import Questionnaire
from ..visits.verification import newest_assessment, verifications_for
from .figures import (
    APART_ANSWERS,
    DOES_NOT_APPLY,
    HOW_LABELS,
    NOT_ANSWERS,
    TEXT,
    QuestionFigures,
    year_bounds,
)
from .pdf import Bar, bar_svg, language, most_of
from .suppression import percent
from .told_us import count_words

RAW_HEADER = [
    "response",
    "questionnaire",
    "version",
    "service",
    "respondent_group",
    "answered_by",
    "helped_by",
    "asked_together",
    "started",
    "question",
    "question_text",
    "answer_kind",
    "answer_values",
    "answer_labels",
    "text",
]


def pseudonym(secret: str, response_id: int) -> str:
    return hmac.new(secret.encode(), f"response:{response_id}".encode(), hashlib.sha256).hexdigest()[:12]


def _csv_line(row: list[Any]) -> str:
    out = io.StringIO()
    csv.writer(out).writerow(["" if v is None else _safe_cell(str(v)) for v in row])
    return out.getvalue()


def _safe_cell(value: str) -> str:
    """Stop a spreadsheet reading a cell as a formula (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def raw_rows(
    db: Session, organisation_id: int, year: int, secret: str, translate: Callable[[str], str]
) -> Iterator[str]:
    """The raw CSV, line by line (streamed: a big year never sits in memory)."""
    yield _csv_line(RAW_HEADER)
    start, end = year_bounds(year)
    definitions: dict[int, Questionnaire] = {}
    stmt = (
        select(
            Answer.id,
            Answer.question_key,
            Answer.kind,
            Answer.text,
            Answer.supported,
            AnswerChoice.value,
            Response.id,
            Response.version_id,
            Response.respondent_role,
            Response.answered_by,
            Response.helped_by,
            Response.started_at,
            Service.name,
        )
        .join(Response, Response.id == Answer.response_id)
        .join(Service, Service.id == Response.service_id)
        .outerjoin(AnswerChoice, AnswerChoice.answer_id == Answer.id)
        .where(
            Service.organisation_id == organisation_id,
            Response.consent.is_(True),
            Response.started_at >= start,
            Response.started_at < end,
        )
        .order_by(Response.id, Answer.id, AnswerChoice.id)
    )
    current: list[Any] | None = None
    for row in db.execute(stmt.execution_options(yield_per=2000)):
        if current is not None and current[0] != row[0]:
            yield _raw_line(db, current, definitions, secret, translate)
            current = None
        if current is None:
            current = [*row[:5], [], *row[6:]]
        if row[5] is not None:
            current[5].append(row[5])
    if current is not None:
        yield _raw_line(db, current, definitions, secret, translate)


def _raw_line(
    db: Session,
    row: list[Any],
    definitions: dict[int, Questionnaire],
    secret: str,
    translate: Callable[[str], str],
) -> str:
    (
        _aid,
        key,
        kind,
        text,
        supported,
        values,
        response_id,
        version_id,
        role,
        answered_by,
        helped_by,
        started,
        service,
    ) = row
    if version_id not in definitions:
        version = db.get(QuestionnaireVersion, version_id)
        definitions[version_id] = Questionnaire.from_dict(version.definition)  # type: ignore[union-attr]
    questionnaire = definitions[version_id]
    question = questionnaire.question(key)
    labels = []
    for value in values:
        option = question.choice(value) if question else None
        labels.append(translate(option.text) if option else value)
    if not values and str(kind) in NOT_ANSWERS:
        labels.append(translate(NOT_ANSWERS[str(kind)]))
    elif not values and str(kind) in APART_ANSWERS:
        labels.append(translate(APART_ANSWERS[str(kind)]))
    return _csv_line(
        [
            pseudonym(secret, response_id),
            questionnaire.id,
            questionnaire.content_hash,
            service,
            role,
            answered_by,
            helped_by,
            "yes" if supported else "no",
            started.date().isoformat(),
            key,
            translate(question.text) if question else key,
            str(kind.value if hasattr(kind, "value") else kind),
            ";".join(values),
            ";".join(labels),
            text,
        ]
    )


def summary_rows(figures: list[QuestionFigures], translate: Callable[[str], str]) -> Iterator[str]:
    """The summary CSV: every published figure, with hidden ones as their label, never a number."""
    yield _csv_line(
        [
            "questionnaire",
            "question",
            "question_text",
            "breakdown",
            "group",
            "answer",
            "answer_label",
            "count",
            "percent_of_group",
        ]
    )
    for figure in figures:
        text = translate(figure.question.text)
        groups: list[tuple[str, str, Any, Any]] = [
            ("all", gettext("Everyone"), figure.overall.cells, figure.overall.total)
        ]
        for sid in figure.by_service.rows:
            groups.append(
                (
                    "service",
                    figure.service_names.get(sid, str(sid)),
                    {c: figure.by_service.cells[(sid, c)] for c in figure.columns},
                    figure.by_service.row_totals[sid],
                )
            )
        for how in figure.by_how.rows:
            groups.append(
                (
                    "answered",
                    translate(HOW_LABELS[how]),
                    {c: figure.by_how.cells[(how, c)] for c in figure.columns},
                    figure.by_how.row_totals[how],
                )
            )
        for code in figure.by_language.rows if figure.by_language else ():
            groups.append(
                (
                    "language",
                    language_label(code),
                    {c: figure.by_language.cells[(code, c)] for c in figure.columns},
                    figure.by_language.row_totals[code],
                )
            )
        for breakdown, group, cells, total in groups:
            for column in figure.columns:
                cell = cells[column]
                yield _csv_line(
                    [
                        figure.slug,
                        figure.question.id,
                        text,
                        breakdown,
                        group,
                        column,
                        answer_label(figure, column, translate),
                        cell.label,
                        percent(cell, total) if percent(cell, total) is not None else "",
                    ]
                )
            yield _csv_line(
                [
                    figure.slug,
                    figure.question.id,
                    text,
                    breakdown,
                    group,
                    "total",
                    gettext("All answers"),
                    total.label,
                    "",
                ]
            )
        if figure.apart is not None:  # its own count, after the total it is not part of
            yield _csv_line(
                [
                    figure.slug,
                    figure.question.id,
                    text,
                    "all",
                    gettext("Everyone"),
                    DOES_NOT_APPLY,
                    translate(APART_ANSWERS[DOES_NOT_APPLY]),
                    figure.apart.cells[DOES_NOT_APPLY].label,
                    "",
                ]
            )


def answer_label(figure: QuestionFigures, column: str, translate: Callable[[str], str]) -> str:
    option = figure.question.choice(column)
    if option:
        return translate(option.text)
    if column == TEXT:
        return gettext("Written answer")
    return translate(NOT_ANSWERS.get(column, column))


def verdicts_by_section(
    db: Session, organisation_id: int, year: int, assessment: SelfAssessment | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Experts by Experience's signed verdicts for the year, by section (no expert's name).

    Each verdict carries the exact text the experts judged (``statement_text``), the section entry
    it was about (``section_entry_id``), and ``same_statement``: whether that text is, word for
    word, the statement of ``assessment`` (by default the organisation's newest self-assessment
    for the year, the one the experts were shown and that gets published).
    """
    if assessment is None:
        assessment = newest_assessment(db, organisation_id, year)
    statements = {e.section_ref: e.statement for e in assessment.entries} if assessment else {}
    out: dict[str, list[dict[str, Any]]] = {}
    for v in verifications_for(db, organisation_id, date(year, 1, 1), date(year, 12, 31)):
        out.setdefault(v.section_ref, []).append(
            {
                "verdict": v.verdict,
                "why": v.why,
                "provider_should": v.provider_should,
                "service": v.service_name,
                "visit_date": v.visit_date.isoformat(),
                "statement_text": v.statement_text,
                "section_entry_id": v.section_entry_id,
                "same_statement": v.statement_text == statements.get(v.section_ref),
            }
        )
    return out


def evidence_pack(
    assessment: SelfAssessment,
    ref: str,
    section_title: str,
    figures: Mapping[str, QuestionFigures],
    verdicts: list[dict[str, Any]],
    quotes: list[str],
    published: Mapping[str, Any] | None = None,
) -> bytes:
    """A zip for CQC and commissioners: a page, the figures as CSV, picked quotes only.

    ``quotes``: a draft's picked quotes that pass the quote rules now (held-back ones left out);
    ``published``: for a published self-assessment, its vetted public snapshot (exactly what was
    published, less any quote held back since).
    """
    entry = assessment.entry(ref)
    if entry is None:
        raise KeyError(ref)
    if published is not None:  # published: exactly what was published
        frozen = published["sections"].get(ref, {})
        data = {k: frozen.get(k, []) for k in ("figures", "quotes", "verdicts", "actions")}
        statement = frozen.get("statement", "")
    else:
        data = {
            "figures": [figure_snapshot(figures[k]) for k in entry.evidence_questions if k in figures],
            "quotes": list(quotes),
            "verdicts": verdicts,
            "actions": [action_snapshot(a) for a in entry.actions],
        }
        statement = entry.statement
    table = io.StringIO()
    writer = csv.writer(table)
    writer.writerow(["question", "question_text", "answer", "count", "percent"])
    for fig in data["figures"]:
        for column in fig["columns"]:
            writer.writerow(
                [
                    fig["key"],
                    _safe_cell(fig["question"]),
                    column,
                    fig["labels"][column],
                    fig["percent"][column] if fig["percent"][column] is not None else "",
                ]
            )
        if fig.get("apart"):  # "This does not happen to me": its own count, no percentage
            writer.writerow(
                [fig["key"], _safe_cell(fig["question"]), DOES_NOT_APPLY, fig["apart"]["label"], ""]
            )
    by_language = io.StringIO()
    writer = csv.writer(by_language)
    writer.writerow(["question", "question_text", "language", "answer", "count"])
    for fig in data["figures"]:
        for code, labels in (fig.get("by_language") or {}).items():  # (older snapshots have none)
            for column in fig["columns"]:
                writer.writerow(
                    [fig["key"], _safe_cell(fig["question"]), language_label(code), column, labels[column]]
                )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as pack:
        pack.writestr("figures.csv", table.getvalue())
        if any(fig.get("by_language") for fig in data["figures"]):
            pack.writestr("figures-by-language.csv", by_language.getvalue())
        pack.writestr("index.html", _pack_html(assessment, ref, section_title, statement, data))
    return buffer.getvalue()


def _pack_html(
    assessment: SelfAssessment, ref: str, title: str, statement: str, data: dict[str, list[Any]]
) -> str:
    """The pack's page, from the report templates the easy-read PDF uses (templates/reports)."""
    figures = [
        {
            "question": fig["question"],
            "bars": [
                Bar(
                    "",
                    gettext(fig["texts"].get(column, column)),
                    fig["values"].get(column),
                    count_words(fig["labels"][column], fig["values"].get(column)),
                )
                for column in fig["columns"]
            ]
            + (
                [
                    Bar(
                        "",
                        gettext(fig["apart"]["text"]),
                        fig["apart"]["value"],
                        count_words(fig["apart"]["label"], fig["apart"]["value"]),
                    )
                ]
                if fig.get("apart")
                else []
            ),
        }
        for fig in data["figures"]
    ]
    return render_template(
        "reports/evidence_pack.html",
        lang=language(),
        dir=page_dir(),
        title=title,
        ref=ref,
        period=assessment.period,
        status=assessment.status,
        statement=statement,
        figures=figures,
        quotes=data["quotes"],
        verdicts=data["verdicts"],
        actions=data["actions"],
        bar_svg=bar_svg,
        most_of=most_of,
    )
