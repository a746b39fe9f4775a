"""Alembic environment: the URL comes from the app's config (see app/cli.py, init-db)."""

from alembic import context
from sqlalchemy import engine_from_config, pool

from app.models import Base
from app.models.base import UTCDateTime

config = context.config


def render_item(type_: str, obj: object, autogen_context: object) -> str | bool:
    """Write our UTCDateTime as a plain timezone-aware DateTime: migrations import no app code."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


target_metadata = Base.metadata


def run_migrations() -> None:
    connectable = config.attributes.get("connection")
    if connectable is not None:
        context.configure(
            connection=connectable,
            target_metadata=target_metadata,
            render_as_batch=True,
            render_item=render_item,
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = engine_from_config(
        config.get_section(config.config_ini_section) or {}, prefix="sqlalchemy.", poolclass=pool.NullPool
    )
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            render_item=render_item,
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations()
