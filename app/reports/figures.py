"""The dashboard's figures: counted by the database (GROUP BY), then suppressed.

The answers of the chosen questionnaires for this year and last year are counted grouped by
(year, version, service, who answered, language, question, value): ended months from stored
grouped counts, the open month live (app/reports/stored.py; counts.py is the all-live
reference). Python only adds up those grouped rows, never the answers themselves. Each
question's figures are then suppressed as one set: the whole-organisation line first, then the
breakdowns by service, by who answered and by language, which keep that line as their fixed
totals (so two pages never publish two different totals). Answers pool by question, whatever
language they were given in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from ..i18n import N_
from ..models import Answer, AnswerKind, QuestionnaireVersion, Response, Service
from ..questionnaires import Question, Questionnaire
from .counts import counts_query, year_bounds
from .stored import grouped_counts
from .suppression import SuppressedCounts, SuppressedGrid, suppress_counts, suppress_grid

DONT_KNOW, DONT_WANT_TO_SAY, TEXT = "dont_know", "dont_want_to_say", "text"
#: who gave the answer: the person alone, the person with help, or someone for them (a proxy)
HOW = ("own", "helped", "proxy")
HOW_LABELS = {
    "own": N_("Their own answer"),
    "helped": N_("Answered with help"),
    "proxy": N_("Someone answered for them"),
}
NOT_ANSWERS = {DONT_KNOW: N_("I don't know"), DONT_WANT_TO_SAY: N_("I don't want to say")}
#: "This does not happen to me" (``does_not_apply: true``): counted on its own, apart from the
#: question's answers, and in none of its percentages or its total
DOES_NOT_APPLY = "does_not_apply"
APART_ANSWERS = {DOES_NOT_APPLY: N_("This does not happen to me")}


def start_of_day(now: datetime, timezone: str) -> datetime:
    """Midnight at the start of ``now``'s day in ``timezone``, in UTC.

    The staff dashboard counts answers up to then ("as of the end of yesterday"): read twice in
    one day, its figures and its hidden cells are the same, so nobody can work out one person's
    answer from the difference that answer made.
    """
    local = now.astimezone(ZoneInfo(timezone))
    return datetime.combine(local.date(), time(0), tzinfo=ZoneInfo(timezone)).astimezone(UTC)


@dataclass
class QuestionFigures:
    """Everything the dashboard shows for one question, already suppressed."""

    slug: str
    question: Question
    #: answer values in a fixed order: the options, then "don't know" and "don't want to say"
    columns: list[str]
    overall: SuppressedCounts[str]
    last_year: SuppressedCounts[str]
    by_service: SuppressedGrid[int, str]
    by_how: SuppressedGrid[str, str]
    #: by the language the answers were given in (locale codes), when more than 1 was used
    by_language: SuppressedGrid[str, str] | None = None
    service_names: dict[int, str] = field(default_factory=dict)
    #: "This does not happen to me", this year and last (suppressed on their own); None when the
    #: question does not offer it. Never in ``overall``'s total or any percentage.
    apart: SuppressedCounts[str] | None = None
    apart_last: SuppressedCounts[str] | None = None

    @property
    def key(self) -> str:
        return f"{self.slug}:{self.question.id}"


def columns_for(question: Question) -> list[str]:
    if not question.kind.charted:  # written words
        return [TEXT, DONT_KNOW, DONT_WANT_TO_SAY]
    return [option.value for option in question.report_choices] + [DONT_KNOW, DONT_WANT_TO_SAY]


def written_answers(
    organisation_id: int, keys: Iterable[str], version_ids: Iterable[int], start: datetime, end: datetime
) -> Select[tuple[Answer]]:
    """The query for an organisation's written (free-text) answers to ``keys`` in the period,
    newest first. The dashboard shows them to those who may read them; the self-assessment picks
    quotes from them (adding its own conditions: consent, no safeguarding alert)."""
    return (
        select(Answer)
        .join(Response, Response.id == Answer.response_id)
        .join(Service, Service.id == Response.service_id)
        .where(
            Service.organisation_id == organisation_id,
            # free text, and the "Say what" words of an "other" option (kept with the choice)
            or_(
                Answer.kind == AnswerKind.TEXT,
                and_(Answer.kind == AnswerKind.OPTION, func.coalesce(Answer.text, "") != ""),
            ),
            Answer.question_key.in_(list(keys)),
            Response.version_id.in_(list(version_ids)),
            Response.started_at >= start,
            Response.started_at < end,
        )
        .order_by(Answer.created_at.desc(), Answer.id.desc())
    )


def version_ids(db: Session, slugs: Iterable[str]) -> dict[int, str]:
    rows = db.execute(
        select(QuestionnaireVersion.id, QuestionnaireVersion.slug).where(
            QuestionnaireVersion.slug.in_(list(slugs))
        )
    )
    return {vid: slug for vid, slug in rows}


def question_figures(
    db: Session,
    organisation_id: int,
    threshold: int,
    year: int,
    questionnaires: Mapping[str, Questionnaire],
    section: str | None = None,
    as_of: datetime | None = None,
    *,
    stored: bool = True,
) -> list[QuestionFigures]:
    """Suppressed figures for every question of ``questionnaires`` (only ``section``'s, if given).

    ``as_of``: only responses started before then count (the staff dashboard's daily cut-off).
    ``stored``: ended months from stored figures (app/reports/stored.py); False counts every
    answer live (the reference the stored figures are tested against).
    """
    versions = version_ids(db, questionnaires)
    services = dict(
        db.execute(
            select(Service.id, Service.name)
            .where(Service.organisation_id == organisation_id)
            .order_by(Service.name)
        ).all()
    )
    # (this_year, slug, question) -> (service, how, language, value) -> n
    grouped: dict[tuple[int, str, str], dict[tuple[int, str, str, str], int]] = defaultdict(dict)
    if versions:
        if stored:
            rows = grouped_counts(db, organisation_id, versions, year, as_of)
        else:
            rows = db.execute(counts_query(organisation_id, versions, year, as_of))
        for this, vid, sid, how, language, qkey, value, n in rows:
            cell = grouped[(this, versions[vid], qkey)]
            key = (sid, how, language or "", value)
            cell[key] = cell.get(key, 0) + n
    out = []
    for slug, questionnaire in questionnaires.items():
        for question in questionnaire.questions:
            if section and section not in question.sections:
                continue
            out.append(
                _suppress_question(
                    slug,
                    question,
                    threshold,
                    list(services),
                    grouped.get((1, slug, question.id), {}),
                    grouped.get((0, slug, question.id), {}),
                    services,
                )
            )
    return out


def _suppress_question(
    slug: str,
    question: Question,
    threshold: int,
    service_ids: list[int],
    this: dict[tuple[int, str, str, str], int],
    last: dict[tuple[int, str, str, str], int],
    names: dict[int, str],
) -> QuestionFigures:
    columns = columns_for(question)
    overall_counts = {c: 0 for c in columns}
    by_service: dict[tuple[int, str], int] = defaultdict(int)
    by_how: dict[tuple[str, str], int] = defaultdict(int)
    by_language: dict[tuple[str, str], int] = defaultdict(int)
    for (sid, how, language, value), n in this.items():
        if value not in overall_counts:  # an option of an older version, since removed
            continue
        overall_counts[value] += n
        by_service[(sid, value)] += n
        by_how[(how, value)] += n
        by_language[(language, value)] += n
    languages = sorted({language for language, _value in by_language})
    last_counts = {c: 0 for c in columns}
    for (_sid, _how, _language, value), n in last.items():
        if value in last_counts:
            last_counts[value] += n
    overall = suppress_counts(overall_counts, threshold)
    apart = apart_last = None
    if question.does_not_apply:  # its own count: never in the question's total or percentages
        apart = suppress_counts(
            {DOES_NOT_APPLY: sum(n for (_s, _h, _l, v), n in this.items() if v == DOES_NOT_APPLY)}, threshold
        )
        apart_last = suppress_counts(
            {DOES_NOT_APPLY: sum(n for (_s, _h, _l, v), n in last.items() if v == DOES_NOT_APPLY)}, threshold
        )
    return QuestionFigures(
        slug=slug,
        question=question,
        columns=columns,
        overall=overall,
        last_year=suppress_counts(last_counts, threshold),
        by_service=suppress_grid(by_service, service_ids, columns, threshold, fixed_cols=overall),
        by_how=suppress_grid(by_how, list(HOW), columns, threshold, fixed_cols=overall),
        by_language=(
            suppress_grid(by_language, languages, columns, threshold, fixed_cols=overall)
            if len(languages) > 1
            else None
        ),
        service_names=names,
        apart=apart,
        apart_last=apart_last,
    )


def participation(
    db: Session,
    organisation_id: int,
    threshold: int,
    year: int,
    slugs: list[str],
    as_of: datetime | None = None,
) -> tuple[SuppressedGrid[int, str], dict[int, str]]:
    """How many took part: responses with consent, per service and questionnaire (suppressed)."""
    start, end = year_bounds(year)
    if as_of is not None:
        end = min(end, as_of)
    services = dict(
        db.execute(
            select(Service.id, Service.name)
            .where(Service.organisation_id == organisation_id)
            .order_by(Service.name)
        ).all()
    )
    rows = db.execute(
        select(Response.service_id, QuestionnaireVersion.slug, func.count())
        .join(QuestionnaireVersion, QuestionnaireVersion.id == Response.version_id)
        .where(
            and_(
                Response.service_id.in_(list(services)),
                Response.consent.is_(True),
                Response.started_at >= start,
                Response.started_at < end,
                QuestionnaireVersion.slug.in_(slugs),
            )
        )
        .group_by(Response.service_id, QuestionnaireVersion.slug)
    )
    counts = {(sid, slug): n for sid, slug, n in rows}
    return suppress_grid(counts, list(services), slugs, threshold), services


# -- "What stands out": a short summary from SHOWN figures only (issue 10, item 13) --------------


@dataclass(frozen=True)
class StandsOut:
    """A question whose sad / no answers are a large share of its answers (both figures shown)."""

    figure: QuestionFigures
    count: int
    total: int
    share: int


@dataclass(frozen=True)
class Change:
    """A question whose sad / no share moved since last year (all four figures shown)."""

    figure: QuestionFigures
    share_now: int
    share_before: int

    @property
    def points(self) -> int:
        return self.share_now - self.share_before


def worrying_columns(figure: QuestionFigures) -> list[str]:
    """The answers that are bad news (``Question.bad_values``)."""
    worrying = figure.question.bad_values
    return [column for column in figure.columns if column in worrying]


def _shown_share(figure: QuestionFigures, counts: SuppressedCounts[str]) -> tuple[int, int, int] | None:
    """(count, total, share) of the worrying answers, or None when any figure needed is hidden.

    Never from a hidden figure: a summary that ranked or named a suppressed count would tell what
    the suppression hides.
    """
    columns = worrying_columns(figure)
    if not columns or counts.total.value is None or counts.total.value == 0:
        return None
    cells = [counts.cells[column] for column in columns]
    if any(cell.value is None for cell in cells):
        return None
    count = sum(cell.value or 0 for cell in cells)
    return count, counts.total.value, round(100 * count / counts.total.value)


def stands_out(figures: Iterable[QuestionFigures], limit: int = 3) -> list[StandsOut]:
    """The questions with the largest shown share of sad / no answers, largest first."""
    found = []
    for order, figure in enumerate(figures):
        shown = _shown_share(figure, figure.overall)
        if shown is None or shown[0] == 0:
            continue
        count, total, share = shown
        found.append((-share, -count, order, StandsOut(figure, count, total, share)))
    return [item for *_, item in sorted(found, key=lambda row: row[:3])][:limit]


def changes(figures: Iterable[QuestionFigures], limit: int = 3, at_least: int = 5) -> list[Change]:
    """Questions whose sad / no share moved by ``at_least`` points, where both years are shown."""
    found = []
    for order, figure in enumerate(figures):
        now, before = _shown_share(figure, figure.overall), _shown_share(figure, figure.last_year)
        if now is None or before is None or abs(now[2] - before[2]) < at_least:
            continue
        found.append((-abs(now[2] - before[2]), order, Change(figure, now[2], before[2])))
    return [item for *_, item in sorted(found, key=lambda row: row[:2])][:limit]


def by_duq_section(figures: Iterable[QuestionFigures], framework_id: str = "duq") -> list[tuple[str, list]]:
    """The figures folded by their first section of ``framework_id`` ("" for those with none),
    in the framework's order as the questions first meet it."""
    groups: dict[str, list[QuestionFigures]] = {}
    for figure in figures:
        ref = next((s for s in figure.question.sections if s.startswith(framework_id + ":")), "")
        groups.setdefault(ref, []).append(figure)
    return sorted(groups.items(), key=lambda item: (item[0] == "", item[0]))


def by_questionnaire(figures: Iterable[QuestionFigures]) -> list[tuple[str, list]]:
    """The figures folded by questionnaire, in the order they come."""
    groups: dict[str, list[QuestionFigures]] = {}
    for figure in figures:
        groups.setdefault(figure.slug, []).append(figure)
    return list(groups.items())


def evidence_groups(
    figures: Iterable[QuestionFigures], questionnaires: Mapping[str, Questionnaire]
) -> list[tuple[Questionnaire, list[tuple[int, QuestionFigures]]]]:
    """The evidence picker's choices, grouped by questionnaire, each with its question number
    (1-based, as the respondent met it), so every label can name both without ambiguity."""
    groups: dict[str, list[tuple[int, QuestionFigures]]] = {}
    for figure in figures:
        form = questionnaires[figure.slug]
        number = next(i for i, q in enumerate(form.questions, start=1) if q.id == figure.question.id)
        groups.setdefault(figure.slug, []).append((number, figure))
    return [(questionnaires[slug], items) for slug, items in groups.items()]
