"""The live count behind the dashboard: one GROUP BY over answers (the reference the stored
figures of app/reports/stored.py must always equal)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import String, case, cast, func, or_, select

from ..models import Answer, AnswerChoice, AnswerKind, Response, Service


def year_bounds(year: int) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)


def how_answered():  # type: ignore[no-untyped-def]
    """SQL: 'proxy' when someone answered for the person, 'helped' when someone helped."""
    return case(
        (Response.answered_by != "self", "proxy"),
        (or_(Answer.supported.is_(True), func.coalesce(Response.helped_by, "") != ""), "helped"),
        else_="own",
    )


def answer_language():  # type: ignore[no-untyped-def]
    """SQL: the language an answer was given in (before answers kept one: its response's)."""
    return func.coalesce(Answer.language, Response.language)


def answer_value():  # type: ignore[no-untyped-def]
    """SQL: the chosen option, or the kind of answer (dont_know, dont_want_to_say, text)."""
    return func.coalesce(AnswerChoice.value, cast(Answer.kind, String(20)))


def counted_answers(organisation_id: int, *columns):  # type: ignore[no-untyped-def]
    """SELECT ``columns`` over the organisation's counted answers: consent given, and neither
    skipped nor "not asked" (show_if unmet): those are in no question's figures or denominator."""
    services = select(Service.id).where(Service.organisation_id == organisation_id)
    return (
        select(*columns)
        .select_from(Answer)
        .join(Response, Response.id == Answer.response_id)
        .outerjoin(AnswerChoice, AnswerChoice.answer_id == Answer.id)
        .where(
            Response.service_id.in_(services),
            Response.consent.is_(True),
            Answer.kind.not_in((AnswerKind.SKIPPED, AnswerKind.NOT_ASKED)),
        )
    )


def grouped_answers(organisation_id: int, lead):  # type: ignore[no-untyped-def]
    """SELECT ``lead``, version, service, how, language, question, value, count over the
    organisation's counted answers, GROUP BY ``lead`` and the six keys: the one grouping of the
    live count (``lead``: this year or last) and of the stored figures (``lead``: which period)."""
    keys = (
        Response.version_id,
        Response.service_id,
        how_answered().label("how"),
        answer_language().label("language"),
        Answer.question_key,
        answer_value().label("value"),
    )
    return counted_answers(organisation_id, lead, *keys, func.count().label("n")).group_by(lead, *keys)


def counts_query(
    organisation_id: int,
    version_ids: Iterable[int],
    year: int,  # type: ignore[no-untyped-def]
    as_of: datetime | None = None,
    since: datetime | None = None,
):
    """The one GROUP BY behind the dashboard: answers of this year and last, skips left out.

    ``as_of``: count only responses started before then (see figures.start_of_day).
    ``since``: count only responses started from then on (the live part, today: the months and
    days before it come from stored figures).
    """
    start_last, _ = year_bounds(year - 1)
    start_this, end_this = year_bounds(year)
    if as_of is not None:
        end_this = min(end_this, as_of)
    if since is not None:
        start_last = max(start_last, since)
    this_year = case((Response.started_at >= start_this, 1), else_=0).label("this_year")
    return grouped_answers(organisation_id, this_year).where(
        Response.version_id.in_(list(version_ids)),
        Response.started_at >= start_last,
        Response.started_at < end_this,
    )
