"""Migration 0021_days_of_ended_months with data, on the suite's engine (SQLite, or PostgreSQL
when EASYVOICE_TEST_POSTGRES is set): kept days of ended months go (the code before it stopped
marking them an hour after their month ended, so one could be read as current though written to
since); months, the open month's days, their rows and every generation stay."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from helpers.migrations import empty_database, migrate
from sqlalchemy import Engine

from app.models.figures import month_start


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    yield from empty_database(tmp_path)


def test_the_kept_days_of_ended_months_go_and_nothing_else(engine: Engine) -> None:
    migrate(engine, "0020_audio_job_claimed_by")
    this_month = month_start(datetime.now(UTC))
    last_month = month_start(this_month - timedelta(days=1))
    kept = {
        "day of last month": ("day", last_month + timedelta(days=3)),
        "last day of last month": ("day", this_month - timedelta(days=1)),
        "day of this month": ("day", this_month),
        "last month": ("month", last_month),
    }
    meta = sa.MetaData()
    with engine.begin() as connection:
        meta.reflect(connection)
        org = connection.execute(
            meta.tables["organisation"].insert().values(name="Alpha", slug="alpha", suppression_threshold=5)
        ).inserted_primary_key[0]
        ids = {}
        for name, (span, start) in kept.items():
            ids[name] = connection.execute(
                meta.tables["figure_snapshot"]
                .insert()
                .values(organisation_id=org, span=span, starts_at=start, generation=1, computed_at=start)
            ).inserted_primary_key[0]
            connection.execute(
                meta.tables["stored_figure"].insert(),
                [
                    dict(
                        snapshot_id=ids[name],
                        version_id=1,
                        service_id=1,
                        how="own",
                        language="en_GB",
                        question_key="q",
                        value=v,
                        n=3,
                    )
                    for v in ("yes", "no")
                ],
            )
            connection.execute(
                meta.tables["figure_period"]
                .insert()
                .values(organisation_id=org, span=span, starts_at=start, generation=1, changed_at=start)
            )
    migrate(engine, "0021_days_of_ended_months")
    with engine.connect() as connection:
        snapshots = dict(connection.execute(sa.text("SELECT id, span FROM figure_snapshot")).all())
        rows = connection.execute(
            sa.text("SELECT snapshot_id, count(*) FROM stored_figure GROUP BY snapshot_id")
        ).all()
        periods = connection.execute(sa.text("SELECT count(*) FROM figure_period")).scalar()
    assert set(snapshots) == {ids["day of this month"], ids["last month"]}
    assert dict(rows) == {ids["day of this month"]: 2, ids["last month"]: 2}
    assert periods == len(kept)  # generations stay
