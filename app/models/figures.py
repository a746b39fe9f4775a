"""Figures kept for closed periods (issue 15, item 3): grouped answer counts per organisation
and calendar month (UTC), and per ended day (UTC) of the open month, so the dashboard does not
count every answer of two years again, nor the whole open month on its last day.

A period is (organisation, span, start): span ``month`` (a calendar month) or ``day`` (a UTC
day). Every ended day of the last three months or so is kept (``days_kept_from``: as far back
as an offline tablet sends answers): the open month is read from its days, and an ended month of
those is summed from its days, so a month a late answer made stale is summed again with only that
day counted. Older days are dropped (``stored.drop_days``). Three small tables:

* ``figure_period``: one row per (organisation, span, start) that has changed since the period
  ended, with a generation that every such change raises (``mark_stale``). No row: generation 0.
* ``figure_snapshot``: "the figures of (organisation, span, start) as of generation g are
  stored". It is used only while g is still the period's generation, so a change made after it
  was computed (an offline tablet's late answer, "who helped" at the closing questions after
  midnight, a purge) is never read from it.
* ``stored_figure``: the grouped counts of one snapshot, with exactly the dimensions the
  dashboard needs (questionnaire version, service, how answered, language, question, value).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from .base import Base, UTCDateTime, utcnow
from .response import Answer, Response

#: A write to a period that ends later than this from now cannot touch stored figures (only
#: ended periods are stored), so it marks nothing: answers given today never contend on a row.
#: The margin covers clocks of different hosts that disagree by a little.
CLOCK_MARGIN = timedelta(hours=1)

#: the spans of a period
MONTH, DAY = "month", "day"

# Responses by when they were started: the dashboard counts the open month live by this range.
Index("ix_response_started_at", Response.started_at)
# A question's answers newest first: the dashboard's latest written answers are read from the
# end of it (6 ms, not 0.7 s, over 10,000,000 answers on PostgreSQL).
Index("ix_answer_question_key", Answer.question_key, Answer.created_at)


class FigurePeriod(Base):
    """The generation of one organisation's month or day: raised by every change to its answers."""

    __tablename__ = "figure_period"
    __table_args__ = (UniqueConstraint("organisation_id", "span", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    #: month | day
    span: Mapped[str] = mapped_column(String(8), server_default=MONTH)
    #: the first moment of the month or day, UTC
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    generation: Mapped[int] = mapped_column(Integer, default=1)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FigureSnapshot(Base):
    """The stored figures of one organisation's month or day, as of one generation."""

    __tablename__ = "figure_snapshot"
    __table_args__ = (UniqueConstraint("organisation_id", "span", "starts_at", "generation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    #: month | day
    span: Mapped[str] = mapped_column(String(8), server_default=MONTH)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    generation: Mapped[int] = mapped_column(Integer)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StoredFigure(Base):
    """One grouped count of a snapshot (never a row per answer)."""

    __tablename__ = "stored_figure"

    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("figure_snapshot.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(Integer)
    service_id: Mapped[int] = mapped_column(Integer)
    #: own | helped | proxy
    how: Mapped[str] = mapped_column(String(8))
    language: Mapped[str | None] = mapped_column(String(16))
    question_key: Mapped[str] = mapped_column(String(80))
    #: the chosen option, or the kind of answer (dont_know, dont_want_to_say, text ...)
    value: Mapped[str] = mapped_column(String(80))
    n: Mapped[int] = mapped_column(Integer)


def month_start(moment: datetime) -> datetime:
    """The first moment (UTC) of ``moment``'s calendar month in UTC."""
    moment = moment.astimezone(UTC)
    return datetime(moment.year, moment.month, 1, tzinfo=UTC)


def next_month(start: datetime) -> datetime:
    return datetime(start.year + (start.month == 12), start.month % 12 + 1, 1, tzinfo=UTC)


def day_start(moment: datetime) -> datetime:
    """The first moment (UTC) of ``moment``'s day in UTC."""
    moment = moment.astimezone(UTC)
    return datetime(moment.year, moment.month, moment.day, tzinfo=UTC)


def next_day(start: datetime) -> datetime:
    return start + timedelta(days=1)


def period_start(span: str, moment: datetime) -> datetime:
    return month_start(moment) if span == MONTH else day_start(moment)


def period_end(span: str, start: datetime) -> datetime:
    return next_month(start) if span == MONTH else next_day(start)


#: How far back ended days are kept as days: an offline tablet sends answers given up to this
#: long ago (``respond.offline.MAX_AGE``, 90 days; a test keeps the two together), so every month
#: a late answer can reach is summed from its days. Older months change only by a purge, and
#: `flask purge` keeps them again itself.
KEEP_DAYS_FOR = timedelta(days=90)


def days_kept_from(now: datetime) -> datetime:
    """The first day whose figures are kept as a day at ``now``: the first of the month
    KEEP_DAYS_FOR back. Every ended day from there is kept, so a month a late answer has made
    stale is summed again from its days, counting only the day that changed
    (``stored.from_days``), not a month of answers."""
    return month_start(now - KEEP_DAYS_FOR)


def may_be_stored(started_at: datetime, now: datetime | None = None) -> bool:
    """Whether the month or the day ``started_at`` falls in may have stored figures (it has
    ended, give or take CLOCK_MARGIN): writes to any other moment (today) need not mark anything."""
    return next_day(day_start(started_at)) <= (now or utcnow()) + CLOCK_MARGIN


def spans_stored(started_at: datetime, now: datetime) -> list[str]:
    """The spans whose period around ``started_at`` may have stored figures at ``now``: its month
    once ended; its day once ended, from ``days_kept_from`` on (by a clock CLOCK_MARGIN behind
    this one, so no reader whose clock is behind keeps a day this writer would not mark)."""
    spans = []
    if next_month(month_start(started_at)) <= now + CLOCK_MARGIN:
        spans.append(MONTH)
    if next_day(day_start(started_at)) <= now + CLOCK_MARGIN and started_at >= days_kept_from(
        now - CLOCK_MARGIN
    ):
        spans.append(DAY)
    return spans


def mark_stale(db: Session, organisation_id: int, started_at: datetime, now: datetime | None = None) -> bool:
    """Raise the generation of the month and of the day ``started_at`` falls in, each when it
    may be stored (``spans_stored``).

    Call it in the same transaction as every change to what the dashboard counts of a response
    started at ``started_at`` (its answers, their choices, who helped, ...). One statement per
    period (an upsert), so two writers at once both count. Returns whether it marked anything.
    """
    now = now or utcnow()
    spans = spans_stored(started_at, now)
    for span in spans:  # month before day: two writers mark in one order, never in a circle
        _raise(db, organisation_id, span, period_start(span, started_at), now)
    return bool(spans)


def _raise(db: Session, organisation_id: int, span: str, start: datetime, now: datetime) -> None:
    insert = postgresql.insert if db.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(FigurePeriod).values(
        organisation_id=organisation_id, span=span, starts_at=start, generation=1, changed_at=now
    )
    statement = statement.on_conflict_do_update(
        index_elements=[FigurePeriod.organisation_id, FigurePeriod.span, FigurePeriod.starts_at],
        set_={"generation": FigurePeriod.generation + 1, "changed_at": now},
    )
    db.execute(statement)


def latest_mark(db: Session) -> tuple:
    """What has been marked, in one small read: (periods, the sum of their generations, the
    latest change). Every ``mark_stale`` moves it (a raise adds one to a generation), so a
    process that kept the figures can tell, cheaply, that a kept period has gone stale since."""
    generations = func.coalesce(func.sum(FigurePeriod.generation), 0)
    return tuple(db.execute(select(func.count(), generations, func.max(FigurePeriod.changed_at))).one())


def mark_months_stale(db: Session, organisation_id: int, first: datetime, last: datetime) -> int:
    """``mark_stale`` for every month from ``first``'s to ``last``'s, and every day of them that
    may be stored (bulk writes: the demo, a purge). Returns how many periods were marked."""
    marked, now = 0, utcnow()
    start = month_start(first)
    while start <= last:
        if MONTH in spans_stored(start, now):
            _raise(db, organisation_id, MONTH, start, now)
            marked += 1
        start = next_month(start)
    # Days: only those from days_kept_from can be stored.
    start = max(day_start(first), days_kept_from(now - CLOCK_MARGIN))
    while start <= last:
        if DAY in spans_stored(start, now):
            _raise(db, organisation_id, DAY, start, now)
            marked += 1
        start = next_day(start)
    return marked
