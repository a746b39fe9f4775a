"""Figures that don't grow with history (issue 15, item 3): closed months from stored counts.

The dashboard's counts (``counts.counts_query``) grouped every answer of two years on every read.
Now each calendar month (UTC, so months fit the years) that has ended is grouped once, kept in
``stored_figure`` (see app/models/figures.py), and read back as a few hundred grouped rows; only
the open month, up to the cut-off, is grouped live. Suppression still runs on the summed grouped
counts, exactly as before: the result is the live count's, row for row (tests/test_stored_figures.py).

Never stale: every write to what is counted (an answer, its choices, who helped, a purge, the
demo's bulk insert) raises its month's generation in the same transaction
(``models.mark_stale``), and a snapshot is read only while its generation is the month's.
A snapshot is labelled with the generation read *before* its answers were counted, so a change
committed while it was being counted leaves it one generation behind, never wrong and current.

Computing happens in the request that first needs a month (its one commit keeps it) or in
``flask refresh-figures``. Two requests computing one month at once: the snapshot's unique key
lets one store it (``ON CONFLICT DO NOTHING``); the other uses what it counted and stores nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, delete, func, insert, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..models import FigurePeriod, FigureSnapshot, Response, StoredFigure, utcnow
from ..models.figures import next_month
from .counts import counts_query, grouped_answers, year_bounds

#: a snapshot one generation behind is deleted once its month last changed this long ago: no
#: request that read it as current can still be reading its rows
KEEP_SUPERSEDED = timedelta(hours=1)

#: (this_year, version, service, how, language, question, value, n): one grouped row
Row = tuple[int, int, int, str, str | None, str, str, int]
#: (version, service, how, language, question, value, n): one stored row of a month
FigureRow = tuple[int, int, str, str | None, str, str, int]


@dataclass
class Done:
    """What one read did: months read from stored figures, counted and stored, counted live."""

    stored: int = 0
    computed: int = 0
    live_from: datetime | None = None


def closed_months(start: datetime, cut: datetime) -> list[datetime]:
    """The months from ``start`` that ended by ``cut`` (their first moments, UTC)."""
    months, month = [], start
    while next_month(month) <= cut:
        months.append(month)
        month = next_month(month)
    return months


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
    """The rows of ``counts.counts_query`` (summed the same way they add up to the same counts),
    closed months from stored figures and the open month live."""
    versions = list(version_ids)
    now = now or utcnow()
    done = done if done is not None else Done()
    start_last, _ = year_bounds(year - 1)
    start_this, end_this = year_bounds(year)
    end = min(end_this, as_of) if as_of is not None else end_this
    months = closed_months(start_last, min(end, now))
    rows: list[Row] = []
    if months:
        rows.extend(_closed(db, organisation_id, months, versions, start_this, now, done))
    live_from = next_month(months[-1]) if months else start_last
    if live and live_from < end:
        done.live_from = live_from
        live_query = counts_query(organisation_id, versions, year, as_of, since=live_from)
        rows.extend(db.execute(live_query))
    return rows


def _closed(
    db: Session,
    organisation_id: int,
    months: list[datetime],
    versions: list[int],
    start_this: datetime,
    now: datetime,
    done: Done,
) -> Iterator[Row]:
    # 1. The months' generations, read before anything is counted (see the module's docstring).
    periods = {
        starts: (generation, changed)
        for starts, generation, changed in db.execute(
            select(FigurePeriod.starts_at, FigurePeriod.generation, FigurePeriod.changed_at).where(
                FigurePeriod.organisation_id == organisation_id,
                FigurePeriod.starts_at >= months[0],
                FigurePeriod.starts_at <= months[-1],
            )
        )
    }
    # 2. The snapshots that are current (their generation is still the month's).
    current = dict(
        db.execute(
            select(FigureSnapshot.starts_at, FigureSnapshot.id)
            .outerjoin(
                FigurePeriod,
                and_(
                    FigurePeriod.organisation_id == FigureSnapshot.organisation_id,
                    FigurePeriod.starts_at == FigureSnapshot.starts_at,
                ),
            )
            .where(
                FigureSnapshot.organisation_id == organisation_id,
                FigureSnapshot.starts_at >= months[0],
                FigureSnapshot.starts_at <= months[-1],
                FigureSnapshot.generation == func.coalesce(FigurePeriod.generation, 0),
            )
        ).all()
    )
    missing = [month for month in months if month not in current]
    done.stored += len(months) - len(missing)
    if current and versions:
        this_year = case((FigureSnapshot.starts_at >= start_this, 1), else_=0)
        columns = (
            StoredFigure.version_id,
            StoredFigure.service_id,
            StoredFigure.how,
            StoredFigure.language,
            StoredFigure.question_key,
            StoredFigure.value,
        )
        yield from db.execute(
            select(this_year, *columns, func.sum(StoredFigure.n))
            .join(FigureSnapshot, FigureSnapshot.id == StoredFigure.snapshot_id)
            .where(
                StoredFigure.snapshot_id.in_(list(current.values())),
                StoredFigure.version_id.in_(versions),
            )
            .group_by(this_year, *columns)
        )
    if missing:
        done.computed += len(missing)
        counted = compute(db, organisation_id, missing, {m: periods.get(m, (0, None)) for m in missing}, now)
        for month, month_rows in counted.items():
            this = int(month >= start_this)
            for version, service, how, language, question, value, n in month_rows:
                if version in versions:
                    yield this, version, service, how, language, question, value, n


def compute(
    db: Session,
    organisation_id: int,
    months: list[datetime],
    periods: dict[datetime, tuple[int, datetime | None]],
    now: datetime,
) -> dict[datetime, list[FigureRow]]:
    """Count ``months`` and store each as a snapshot of the generation given in ``periods``
    (read before this count). Returns the counts."""
    counted = count_months(db, organisation_id, months)
    store_months(db, organisation_id, periods, counted, now)
    return counted


def count_months(
    db: Session, organisation_id: int, months: list[datetime]
) -> dict[datetime, list[FigureRow]]:
    """The grouped counts of ``months`` (every questionnaire version), in one GROUP BY."""
    month = case(*((Response.started_at < next_month(m), i) for i, m in enumerate(months)), else_=-1)
    query = grouped_answers(organisation_id, month.label("month")).where(
        or_(*(and_(Response.started_at >= a, Response.started_at < b) for a, b in _spans(months)))
    )
    counted: dict[datetime, list[FigureRow]] = {m: [] for m in months}
    for index, *rest in db.execute(query):
        counted[months[index]].append(tuple(rest))  # type: ignore[arg-type]
    return counted


def store_months(
    db: Session,
    organisation_id: int,
    periods: dict[datetime, tuple[int, datetime | None]],
    counted: dict[datetime, list[FigureRow]],
    now: datetime,
) -> None:
    """Keep each counted month as a snapshot of the generation in ``periods`` (read before it
    was counted), in month order, so two requests storing several months never wait in a circle."""
    for m in sorted(counted):
        generation, changed = periods[m]
        _store(db, organisation_id, m, generation, counted[m], now)
        if changed is not None and changed < now - KEEP_SUPERSEDED:
            _drop_superseded(db, organisation_id, m, generation)


def _spans(months: list[datetime]) -> list[tuple[datetime, datetime]]:
    """Runs of consecutive months as [start, end) ranges."""
    spans: list[tuple[datetime, datetime]] = []
    for m in months:
        if spans and spans[-1][1] == m:
            spans[-1] = (spans[-1][0], next_month(m))
        else:
            spans.append((m, next_month(m)))
    return spans


def _store(
    db: Session,
    organisation_id: int,
    month: datetime,
    generation: int,
    rows: list[FigureRow],
    now: datetime,
) -> bool:
    """Keep one month's counts as a snapshot of ``generation``; False when another request
    stored that snapshot first (its counts are the same: the generation has not moved)."""
    dialect_insert = postgresql.insert if db.get_bind().dialect.name == "postgresql" else sqlite.insert
    claim = (
        dialect_insert(FigureSnapshot)
        .values(organisation_id=organisation_id, starts_at=month, generation=generation, computed_at=now)
        .on_conflict_do_nothing(
            index_elements=[
                FigureSnapshot.organisation_id,
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
        keys = ("version_id", "service_id", "how", "language", "question_key", "value", "n")
        db.execute(
            insert(StoredFigure), [dict(zip(keys, row, strict=True), snapshot_id=snapshot_id) for row in rows]
        )
    return True


def _drop_superseded(db: Session, organisation_id: int, month: datetime, generation: int) -> None:
    old = select(FigureSnapshot.id).where(
        FigureSnapshot.organisation_id == organisation_id,
        FigureSnapshot.starts_at == month,
        FigureSnapshot.generation < generation,
    )
    db.execute(delete(StoredFigure).where(StoredFigure.snapshot_id.in_(old)))
    db.execute(delete(FigureSnapshot).where(FigureSnapshot.id.in_(old)))


def refresh(db: Session, organisation_id: int, year: int, now: datetime | None = None) -> Done:
    """Count and store every ended month of ``year`` and the year before that is not stored
    (``flask refresh-figures``: run after a month ends, so no reader waits for it)."""
    done = Done()
    grouped_counts(db, organisation_id, [], year, now=now, done=done, live=False)
    return done
