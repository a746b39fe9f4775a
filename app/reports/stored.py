"""Figures that don't grow with history (issue 15, item 3): ended periods from stored counts.

The dashboard's counts (``counts.counts_query``) grouped every answer of two years on every read.
Now each calendar month (UTC, so months fit the years) that has ended is grouped once, kept in
``stored_figure`` (see app/models/figures.py), and read back as a few hundred grouped rows; so is
each ended day (UTC) of the open month, so that on a month's last day the read does not group a
whole month live. Only today, up to the cut-off, is grouped live. Suppression still runs on the
summed grouped counts, exactly as before: kept months + kept days + live today is the live
count's result, row for row (tests/test_stored_figures.py).

A period is (organisation, span, start), span ``month`` or ``day``. Every ended day of the last
three months or so is kept (``figures.days_kept_from``: as far back as an offline tablet sends
answers), and a month of those is made from its days (``from_days``): the current kept days are
read back and only the others are counted (and kept). So the first read of a new month counts
only its last day, and a month a late answer has made stale is summed again counting only the
day that answer changed, not a month of answers. Days are read directly only of the month open at
the reader's clock; a cut-off in an earlier month counts that month's part live. Older months are
counted from their answers, and their days are dropped (``drop_days``).

Never stale: every write to what is counted (an answer, its choices, who helped, a purge, the
demo's bulk insert) raises the generation of its month and of its day in the same transaction
(``models.mark_stale``, by when the response was started), each only once that period may be
stored: writes to today (and to a month not ended) mark nothing, so they never contend on a row.
A snapshot is read only while its generation is the period's. A snapshot is labelled with the
generation read *before* its answers were counted, so a change committed while it was being
counted leaves it one generation behind, never wrong and current.

Computing happens in the command that wrote the answers (``flask demo``, ``flask purge``), in
``flask refresh-figures``, in the audio worker between texts (``cli.FigureKeeper``: periods just
ended, and at once a period a late answer made stale), or in the request that first needs a
period (its one commit keeps it), so a reader rarely waits for it. Two requests computing one
period at once: the snapshot's unique key lets one store it (``ON CONFLICT DO NOTHING``); the
other uses what it counted and stores nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, delete, func, insert, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..models import FigurePeriod, FigureSnapshot, Response, StoredFigure, utcnow
from ..models.figures import (
    CLOCK_MARGIN,
    DAY,
    MONTH,
    days_kept_from,
    month_start,
    next_day,
    next_month,
    period_end,
)
from .counts import counts_query, grouped_answers, year_bounds

#: a snapshot one generation behind is deleted once its period last changed this long ago: no
#: request that read it as current can still be reading its rows. Days before ``days_kept_from``
#: as of this long ago (and CLOCK_MARGIN: no reader's clock is that far behind) go too.
KEEP_SUPERSEDED = timedelta(hours=1)

#: (this_year, version, service, how, language, question, value, n): one grouped row
Row = tuple[int, int, int, str, str | None, str, str, int]
#: (version, service, how, language, question, value, n): one stored row of a period
FigureRow = tuple[int, int, str, str | None, str, str, int]
#: what a stored row is counted by (a FigureRow without its n)
FIGURE_KEY = (
    StoredFigure.version_id,
    StoredFigure.service_id,
    StoredFigure.how,
    StoredFigure.language,
    StoredFigure.question_key,
    StoredFigure.value,
)


@dataclass
class Done:
    """What one read did: months (and days of the open month) read from stored figures, counted
    and stored; where the live count began."""

    stored: int = 0
    computed: int = 0
    days_stored: int = 0
    days_computed: int = 0
    #: of the months computed, those summed from their kept days (``from_days``)
    rolled_up: int = 0
    #: days of those months counted from their answers (and kept), the others read back
    month_days_counted: int = 0
    live_from: datetime | None = None


def closed_periods(span: str, start: datetime, cut: datetime) -> list[datetime]:
    """The months (or days) from ``start`` that ended by ``cut`` (their first moments, UTC)."""
    periods, period = [], start
    while period_end(span, period) <= cut:
        periods.append(period)
        period = period_end(span, period)
    return periods


def grouped_counts(
    db: Session,
    organisation_id: int,
    version_ids: Iterable[int],
    year: int,
    as_of: datetime | None = None,
    *,
    now: datetime | None = None,
    done: Done | None = None,
    live: bool = True,
) -> list[Row]:
    """The rows of ``counts.counts_query`` (summed the same way they add up to the same counts):
    ended months and the ended days of the open month from stored figures, the rest live."""
    versions = list(version_ids)
    now = now or utcnow()
    done = done if done is not None else Done()
    start_last, _ = year_bounds(year - 1)
    start_this, end_this = year_bounds(year)
    end = min(end_this, as_of) if as_of is not None else end_this
    cut = min(end, now)
    months = closed_periods(MONTH, start_last, cut)
    rows: list[Row] = []
    if months:
        rows.extend(_closed(db, organisation_id, MONTH, months, versions, start_this, now, done))
    live_from = next_month(months[-1]) if months else start_last
    # Days are kept only of the month open now (writers mark only those: figures.spans_stored);
    # a cut-off in an earlier month counts that month's part live, as before.
    if live_from == month_start(now):
        days = closed_periods(DAY, live_from, cut)
        if days:
            rows.extend(_closed(db, organisation_id, DAY, days, versions, start_this, now, done))
            live_from = next_day(days[-1])
    if live and live_from < end:
        done.live_from = live_from
        live_query = counts_query(organisation_id, versions, year, as_of, since=live_from)
        rows.extend(db.execute(live_query))
    return rows


def _closed(
    db: Session,
    organisation_id: int,
    span: str,
    starts: list[datetime],
    versions: list[int],
    start_this: datetime,
    now: datetime,
    done: Done,
) -> Iterator[Row]:
    # 1. The periods' generations, read before anything is counted (see the module's docstring).
    periods = _generations(db, organisation_id, span, starts)
    # 2. The snapshots that are current (their generation is still the period's).
    current = _current(db, organisation_id, span, starts)
    missing = [start for start in starts if start not in current]
    if span == MONTH:
        done.stored += len(starts) - len(missing)
        done.computed += len(missing)
    else:
        done.days_stored += len(starts) - len(missing)
        done.days_computed += len(missing)
    if current and versions:
        this_year = case((FigureSnapshot.starts_at >= start_this, 1), else_=0)
        yield from db.execute(
            select(this_year, *FIGURE_KEY, func.sum(StoredFigure.n))
            .join(FigureSnapshot, FigureSnapshot.id == StoredFigure.snapshot_id)
            .where(
                StoredFigure.snapshot_id.in_(list(current.values())),
                StoredFigure.version_id.in_(versions),
            )
            .group_by(this_year, *FIGURE_KEY)
        )
    if missing:
        counted = compute(
            db,
            organisation_id,
            missing,
            {m: periods.get(m, (0, None)) for m in missing},
            now,
            span=span,
            done=done,
        )
        for start, period_rows in counted.items():
            this = int(start >= start_this)
            for version, service, how, language, question, value, n in period_rows:
                if version in versions:
                    yield this, version, service, how, language, question, value, n


def _generations(
    db: Session, organisation_id: int, span: str, starts: list[datetime]
) -> dict[datetime, tuple[int, datetime]]:
    """The generation and last change of the periods from ``starts[0]`` to ``starts[-1]`` that
    have changed since they ended (the others are at generation 0)."""
    return {
        start: (generation, changed)
        for start, generation, changed in db.execute(
            select(FigurePeriod.starts_at, FigurePeriod.generation, FigurePeriod.changed_at).where(
                FigurePeriod.organisation_id == organisation_id,
                FigurePeriod.span == span,
                FigurePeriod.starts_at >= starts[0],
                FigurePeriod.starts_at <= starts[-1],
            )
        )
    }


def _current(db: Session, organisation_id: int, span: str, starts: list[datetime]) -> dict[datetime, int]:
    """The snapshots of the periods from ``starts[0]`` to ``starts[-1]`` that are current (their
    generation is still the period's): period start -> snapshot id."""
    return dict(
        db.execute(
            select(FigureSnapshot.starts_at, FigureSnapshot.id)
            .outerjoin(
                FigurePeriod,
                and_(
                    FigurePeriod.organisation_id == FigureSnapshot.organisation_id,
                    FigurePeriod.span == FigureSnapshot.span,
                    FigurePeriod.starts_at == FigureSnapshot.starts_at,
                ),
            )
            .where(
                FigureSnapshot.organisation_id == organisation_id,
                FigureSnapshot.span == span,
                FigureSnapshot.starts_at >= starts[0],
                FigureSnapshot.starts_at <= starts[-1],
                FigureSnapshot.generation == func.coalesce(FigurePeriod.generation, 0),
            )
        ).all()
    )


def compute(
    db: Session,
    organisation_id: int,
    starts: list[datetime],
    periods: dict[datetime, tuple[int, datetime | None]],
    now: datetime,
    *,
    span: str = MONTH,
    done: Done | None = None,
) -> dict[datetime, list[FigureRow]]:
    """Count the periods (months or days) beginning at ``starts`` and store each as a snapshot
    of the generation given in ``periods`` (read before this count). Returns the counts.

    A month from ``days_kept_from`` on is summed from its days instead (:func:`from_days`): its
    current kept days are read back and only the others are counted, so neither the first read
    of a new month nor the read after a late answer counts a whole month of answers again."""
    by_days = [m for m in starts if span == MONTH and m >= days_kept_from(now)]
    older = [m for m in starts if m not in by_days]
    counted = count_months(db, organisation_id, older, span=span) if older else {}
    for month in by_days:
        counted[month] = from_days(db, organisation_id, month, now, done)
    if done is not None:
        done.rolled_up += len(by_days)
    store_months(db, organisation_id, periods, counted, now, span=span)
    drop_days(db, organisation_id, days_kept_from(now - max(KEEP_SUPERSEDED, CLOCK_MARGIN)))
    return counted


def count_months(
    db: Session, organisation_id: int, starts: list[datetime], *, span: str = MONTH
) -> dict[datetime, list[FigureRow]]:
    """The grouped counts of the months (or days) beginning at ``starts`` (every questionnaire
    version), in one GROUP BY."""
    which = case(*((Response.started_at < period_end(span, m), i) for i, m in enumerate(starts)), else_=-1)
    query = grouped_answers(organisation_id, which.label("period")).where(
        or_(*(and_(Response.started_at >= a, Response.started_at < b) for a, b in _spans(span, starts)))
    )
    counted: dict[datetime, list[FigureRow]] = {m: [] for m in starts}
    for index, *rest in db.execute(query):
        counted[starts[index]].append(tuple(rest))  # type: ignore[arg-type]
    return counted


def from_days(
    db: Session, organisation_id: int, month: datetime, now: datetime, done: Done | None = None
) -> list[FigureRow]:
    """The grouped counts of an ended month, as the sum of its days: the current snapshot of
    each kept day, and one GROUP BY of the answers of the days without one (the month's last day,
    which ended with it; a day a late answer changed; every day, the first time), which are kept
    as days. Writers mark an ended day from ``days_kept_from`` on, so a current day is exact; the
    caller has read the month's generation before this (see the module's docstring)."""
    days = closed_periods(DAY, month, next_month(month))
    generations = _generations(db, organisation_id, DAY, days)  # before anything is counted
    current = _current(db, organisation_id, DAY, days)
    totals: dict[tuple, int] = {}
    if current:
        kept = select(*FIGURE_KEY, func.sum(StoredFigure.n)).where(
            StoredFigure.snapshot_id.in_(list(current.values()))
        )
        for *key, n in db.execute(kept.group_by(*FIGURE_KEY)):
            totals[tuple(key)] = int(n)
    missing = [day for day in days if day not in current]
    if missing:
        counted = count_months(db, organisation_id, missing, span=DAY)
        kept = {day: generations.get(day, (0, None)) for day in missing}
        store_months(db, organisation_id, kept, counted, now, span=DAY)
        for rows in counted.values():
            for *key, n in rows:
                totals[tuple(key)] = totals.get(tuple(key), 0) + n
        if done is not None:
            done.month_days_counted += len(missing)
    return [(*key, n) for key, n in totals.items()]  # type: ignore[misc]


def store_months(
    db: Session,
    organisation_id: int,
    periods: dict[datetime, tuple[int, datetime | None]],
    counted: dict[datetime, list[FigureRow]],
    now: datetime,
    *,
    span: str = MONTH,
) -> None:
    """Keep each counted month (or day) as a snapshot of the generation in ``periods`` (read
    before it was counted), in order, so two requests storing several never wait in a circle."""
    for m in sorted(counted):
        generation, changed = periods[m]
        _store(db, organisation_id, span, m, generation, counted[m], now)
        if changed is not None and changed < now - KEEP_SUPERSEDED:
            _drop_superseded(db, organisation_id, span, m, generation)


def _spans(span: str, starts: list[datetime]) -> list[tuple[datetime, datetime]]:
    """Runs of consecutive periods as [start, end) ranges."""
    spans: list[tuple[datetime, datetime]] = []
    for m in starts:
        if spans and spans[-1][1] == m:
            spans[-1] = (spans[-1][0], period_end(span, m))
        else:
            spans.append((m, period_end(span, m)))
    return spans


def _store(
    db: Session,
    organisation_id: int,
    span: str,
    start: datetime,
    generation: int,
    rows: list[FigureRow],
    now: datetime,
) -> bool:
    """Keep one period's counts as a snapshot of ``generation``; False when another request
    stored that snapshot first (its counts are the same: the generation has not moved)."""
    dialect_insert = postgresql.insert if db.get_bind().dialect.name == "postgresql" else sqlite.insert
    claim = (
        dialect_insert(FigureSnapshot)
        .values(
            organisation_id=organisation_id,
            span=span,
            starts_at=start,
            generation=generation,
            computed_at=now,
        )
        .on_conflict_do_nothing(
            index_elements=[
                FigureSnapshot.organisation_id,
                FigureSnapshot.span,
                FigureSnapshot.starts_at,
                FigureSnapshot.generation,
            ]
        )
        .returning(FigureSnapshot.id)
    )
    snapshot_id = db.execute(claim).scalar()
    if snapshot_id is None:
        return False
    if rows:
        _insert_figures(db, snapshot_id, rows)
    return True


def _insert_figures(db: Session, snapshot_id: int, rows: list[FigureRow]) -> None:
    """One snapshot's rows into ``stored_figure``: through COPY on PostgreSQL with psycopg 3
    (executemany took about 90 µs a row there, four times what counting the rows took: most of a
    cold dashboard read); on SQLite through sqlite3's own executemany of plain tuples (through
    SQLAlchemy's bulk insert of dicts, 13 µs a row: half of keeping the days of a year)."""
    keys = (*(column.key for column in FIGURE_KEY), "n")
    columns = ", ".join(("snapshot_id", *keys))
    dialect = db.get_bind().dialect.name
    if dialect in ("postgresql", "sqlite"):
        cursor = db.connection().connection.cursor()  # the session's own transaction
        try:
            if dialect == "sqlite":
                marks = ", ".join("?" * (len(keys) + 1))
                statement = f"INSERT INTO stored_figure ({columns}) VALUES ({marks})"  # noqa: S608 - fixed names
                cursor.executemany(statement, [(snapshot_id, *row) for row in rows])
                return
            if hasattr(cursor, "copy"):  # psycopg 3
                with cursor.copy(f"COPY stored_figure ({columns}) FROM STDIN") as into:
                    for row in rows:
                        into.write_row((snapshot_id, *row))
                return
        finally:
            cursor.close()
    db.execute(
        insert(StoredFigure), [dict(zip(keys, row, strict=True), snapshot_id=snapshot_id) for row in rows]
    )


def _drop_superseded(db: Session, organisation_id: int, span: str, start: datetime, generation: int) -> None:
    old = select(FigureSnapshot.id).where(
        FigureSnapshot.organisation_id == organisation_id,
        FigureSnapshot.span == span,
        FigureSnapshot.starts_at == start,
        FigureSnapshot.generation < generation,
    )
    db.execute(delete(StoredFigure).where(StoredFigure.snapshot_id.in_(old)))
    db.execute(delete(FigureSnapshot).where(FigureSnapshot.id.in_(old)))


def drop_days(db: Session, organisation_id: int, before: datetime) -> None:
    """Delete the kept days (snapshots, figures, generations) before ``before``: older than
    ``days_kept_from``, so no month is summed from them and no writer marks them."""
    old = select(FigureSnapshot.id).where(
        FigureSnapshot.organisation_id == organisation_id,
        FigureSnapshot.span == DAY,
        FigureSnapshot.starts_at < before,
    )
    db.execute(delete(StoredFigure).where(StoredFigure.snapshot_id.in_(old)))
    db.execute(delete(FigureSnapshot).where(FigureSnapshot.id.in_(old)))
    db.execute(
        delete(FigurePeriod).where(
            FigurePeriod.organisation_id == organisation_id,
            FigurePeriod.span == DAY,
            FigurePeriod.starts_at < before,
        )
    )


def refresh(db: Session, organisation_id: int, year: int, now: datetime | None = None) -> Done:
    """Count and store every ended month of ``year`` and the year before, and every ended day of
    the open month, that is not stored (``flask refresh-figures``: run after a month or a day
    ends, so no reader waits for it)."""
    done = Done()
    grouped_counts(db, organisation_id, [], year, now=now, done=done, live=False)
    return done
