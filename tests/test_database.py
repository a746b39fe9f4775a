"""The database: the migrations and the models agree, on whichever engine the suite runs on."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from helpers.app import POSTGRES_SERVER

from app.db import db
from app.models import Base


def test_suite_runs_on_the_engine_it_was_asked_for(app: Flask) -> None:
    with app.app_context():
        assert db.engine.dialect.name == ("postgresql" if POSTGRES_SERVER else "sqlite")


def test_models_and_latest_migration_agree(app: Flask) -> None:
    """No pending autogenerate diff: every model change comes with its migration."""
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "target_metadata": Base.metadata}
        )
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_sqlite_runs_in_wal_mode_with_foreign_keys(app: Flask) -> None:
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            return
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
