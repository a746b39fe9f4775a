"""The database: one SQLAlchemy engine and scoped session per app, one commit per request.

Views and services work in ``db.session`` and only flush; the request boundary commits when the
response is a success and rolls back otherwise, so a half-done request never leaves half its rows.
Alembic migrations (``upgrade``) are a deploy step (``flask init-db``), never run inside create_app.
"""

from __future__ import annotations

import contextlib
import os
import threading
import weakref
from collections import deque
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


class KeptReaders:
    """A SQLite file database's connections for reads that need no transaction, kept out of the
    pool (issue 15): a question page's one read (``respond/journey.open_response_seen``) paid
    more for the pool's lending and taking back than for the read itself. A read takes an idle
    one (or has the pool make one, so it has the app's PRAGMAs, and detaches it, so the pool's
    own count is as before) and gives it back; at most ``most`` are kept idle, the rest closed,
    so threads that come and go (a development server's, one a request) leave nothing open.
    SQLite only: a connection to a file costs nothing on a server, and in its default mode the
    driver opens no transaction for a SELECT, so each read sees what was committed last. Closed
    with the engine (``engine.dispose()``, which ``Database.dispose`` calls); a process forked
    with some idle leaves them alone and makes its own."""

    def __init__(self, engine: Engine, most: int = 8) -> None:
        self._engine = engine
        self._most = most
        self._idle: deque[Any] = deque()  # append and pop are atomic: no lock needed
        self._pid = os.getpid()
        self._generation = 0  # raised by close_all: one taken before is closed when given back
        self._parents: list[Any] = []  # a parent process's, held so that none is closed here

    def take(self) -> tuple[int, Any]:
        """(generation, driver connection) for one read; give it back with :meth:`give`, or
        close it if it failed."""
        if self._pid != os.getpid():  # forked: the parent's stay the parent's, never even closed
            self._parents.extend(self._idle)
            self._idle, self._pid = deque(), os.getpid()
        try:
            return self._generation, self._idle.pop()
        except IndexError:
            pass
        lent = self._engine.raw_connection()
        connection = lent.driver_connection
        lent.detach()  # out of the pool: closing it closes it, and its place in the pool is free
        return self._generation, connection

    def give(self, taken: tuple[int, Any]) -> None:
        generation, connection = taken
        if generation == self._generation and len(self._idle) < self._most:
            self._idle.append(connection)
        else:
            _close(connection)

    def discard(self, taken: tuple[int, Any]) -> None:
        """A taken connection that failed: closed, never given back."""
        _close(taken[1])

    def idle(self) -> list[Any]:
        """The connections kept idle now (for tests)."""
        return list(self._idle)

    def close_all(self) -> None:
        self._generation += 1
        while True:
            try:
                connection = self._idle.pop()
            except IndexError:
                return
            if self._pid == os.getpid():
                _close(connection)


def _close(connection: Any) -> None:
    with contextlib.suppress(Exception):  # already broken: nothing more to close
        connection.close()


_READERS: weakref.WeakKeyDictionary[Engine, KeptReaders | None] = weakref.WeakKeyDictionary()
_readers_lock = threading.Lock()


def kept_readers(engine: Engine) -> KeptReaders | None:
    """The engine's :class:`KeptReaders`; None where it has none (not a SQLite file)."""
    try:
        return _READERS[engine]
    except KeyError:
        pass
    with _readers_lock:
        if engine not in _READERS:
            found = _READERS[engine] = KeptReaders(engine) if _is_sqlite_file(engine) else None
            if found is not None:
                event.listen(engine, "engine_disposed", lambda _engine: found.close_all())
        return _READERS[engine]


def _is_sqlite_file(engine: Engine) -> bool:
    url = engine.url
    database = url.database or ""
    return (
        engine.dialect.name == "sqlite"
        and database not in ("", ":memory:")
        and not database.startswith("file::memory:")
        and url.query.get("mode") != "memory"
    )


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
