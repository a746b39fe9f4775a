"""The database: one SQLAlchemy engine and scoped session per app, one commit per request.

Views and services work in ``db.session`` and only flush; the request boundary commits when the
response is a success and rolls back otherwise, so a half-done request never leaves half its rows.
Alembic migrations (``upgrade``) are a deploy step (``flask init-db``), never run inside create_app.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask, Response
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, scoped_session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class Database:
    """The Flask extension: ``db.init_app(app)``, then ``db.session`` inside an app context."""

    def __init__(self) -> None:
        self._sessions: dict[int, scoped_session[Session]] = {}
        self._engines: dict[int, Engine] = {}
        self._after_commit: dict[int, list[Callable[[Session], None]]] = {}

    def init_app(self, app: Flask) -> None:
        engine = make_engine(app.config["DATABASE_URL"])
        factory = sessionmaker(bind=engine, expire_on_commit=False)
        self._engines[id(app)] = engine
        self._sessions[id(app)] = scoped_session(factory)
        app.extensions["easyvoice.db"] = self

        @app.after_request
        def commit_on_success(response: Response) -> Response:
            session = self._sessions[id(app)]
            if not session.registry.has():  # the request never used the database: nothing to do
                return response
            if response.status_code < 400:
                session.commit()
                self._run_after_commit(app, session)
            else:
                session.rollback()
            return response

        @app.teardown_appcontext
        def remove_session(exc: BaseException | None) -> None:
            session = self._sessions[id(app)]
            if not session.registry.has():  # never made (a question page shown): nothing to close
                return
            if exc is not None:
                session.rollback()
            session.remove()

    def after_commit(self, app: Flask, callback: Callable[[Session], None]) -> None:
        """Run ``callback(session)`` after each request's commit (e.g. send the mail outbox).

        No transaction is open when it runs. What it raises is logged and never turns the
        response into an error: the request's work is already committed.
        """
        self._after_commit.setdefault(id(app), []).append(callback)

    def _run_after_commit(self, app: Flask, session: Session) -> None:
        for callback in self._after_commit.get(id(app), ()):
            try:
                callback(session)
            except Exception:
                app.logger.exception("After-commit step %r failed", callback)
                session.rollback()

    @property
    def session(self) -> Session:
        from flask import current_app

        return self._sessions[id(current_app._get_current_object())]()  # type: ignore[attr-defined]

    @property
    def engine(self) -> Engine:
        from flask import current_app

        return self._engines[id(current_app._get_current_object())]  # type: ignore[attr-defined]

    def dispose(self, app: Flask) -> None:
        """Close every pooled connection (tests, and before a server forks workers)."""
        self._sessions[id(app)].remove()
        self._engines[id(app)].dispose()


def make_engine(url: str) -> Engine:
    """An engine with SQLite set up for safe concurrent use (WAL, foreign keys, a busy wait)."""
    kwargs: dict[str, Any] = {}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": 30}
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            # Deleted rows (purged answers) are overwritten, not left readable in free pages.
            cursor.execute("PRAGMA secure_delete=ON")
            cursor.close()

    return engine


db = Database()


def alembic_config(engine: Engine) -> Config:
    """Alembic's settings for ``engine``: the migrations in app/migrations/."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def upgrade(engine: Engine) -> None:
    """Bring the database to the newest migration (creates every table on an empty one)."""
    from alembic import command

    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "heads")


def revision(engine: Engine, message: str) -> None:
    """Write a new migration from the difference between the models and the database."""
    from alembic import command

    command.revision(alembic_config(engine), message=message, autogenerate=True)
