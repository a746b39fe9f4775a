"""Migration tests: an empty database of the engine the suite runs on, moved to any revision."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from sqlalchemy import Engine, create_engine, make_url

from app.db import alembic_config


def empty_database(tmp_path: Path) -> Iterator[Engine]:
    """An engine on a new, empty database (SQLite, or PostgreSQL when the suite asks), dropped after.

    Use as a fixture body: ``engine = pytest.fixture(...)`` or ``yield from empty_database(tmp_path)``.
    """
    from helpers.app import POSTGRES_SERVER, fresh_database_url

    url = fresh_database_url(tmp_path)
    engine = create_engine(url)
    yield engine
    engine.dispose()
    if make_url(url).get_backend_name() == "postgresql":
        admin = create_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
        admin.dispose()


def migrate(engine: Engine, revision: str, *, down: bool = False) -> None:
    """Upgrade (or with ``down``, downgrade) the database to ``revision``."""
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)
