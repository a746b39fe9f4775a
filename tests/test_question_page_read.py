"""Issue 15, item 1: a question page that only shows reads its response and answers in one
statement on a driver connection of its own (``journey.open_response_seen``), and opens no ORM
session, transaction or commit. Run on SQLite and, with EASYVOICE_TEST_POSTGRES, on PostgreSQL
(whose driver takes its parameters by name, SQLite's by place).

Each page is asked for twice, so the second is the kept page filled in (page_cache.py): both must
show the answer just given, which proves the one read found it."""

from __future__ import annotations

import re
import sqlite3
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers.journey import answer, begin, questions
from sqlalchemy import event

from app.db import db, kept_readers


def answered_first(app: Flask) -> tuple[FlaskClient, str]:
    """A tablet that has begun and answered the first question with its first card."""
    client = app.test_client()
    begin(client, app)
    first = questions(app)[0]
    chosen = first.choices[0].value
    assert answer(client, 1, first.id, answer=chosen).status_code == 302
    return client, chosen


def test_a_question_page_that_only_shows_opens_no_transaction(no_csrf_app: Flask) -> None:
    app = no_csrf_app
    client, chosen = answered_first(app)
    with app.app_context():
        engine = db.engine
    seen = {"begin": 0, "checkout": 0}

    def began(_connection: object) -> None:
        seen["begin"] += 1

    def checked_out(*_args: object) -> None:
        seen["checkout"] += 1

    assert client.get("/q/2").status_code == 200  # another page first: SQLite's kept reader made
    readers = kept_readers(engine)
    read: list[str] = []
    for connection in readers.idle() if readers is not None else ():
        connection.set_trace_callback(read.append)  # SQLite: what the kept connection runs
    event.listen(engine, "begin", began)
    event.listen(engine.pool, "checkout", checked_out)
    try:
        for _ in range(2):  # drawn and kept, then the kept page filled in
            page = client.get("/q/1")
            assert page.status_code == 200
            html = page.get_data(as_text=True)
            pressed = re.findall(r'value="([^"]+)" class="card chosen"\s+aria-pressed="true"', html)
            assert pressed == [chosen], "the page shows the answer given, read in its one statement"
    finally:
        event.remove(engine, "begin", began)
        event.remove(engine.pool, "checkout", checked_out)
        for connection in readers.idle() if readers is not None else ():
            connection.set_trace_callback(None)
    if readers is not None:  # SQLite: a connection kept out of the pool, the pool not asked at all
        assert seen == {"begin": 0, "checkout": 0}, "no transaction, and no connection lent"
        assert len([s for s in read if "FROM response" in s]) == 2, "one read a page, on it"
    else:
        assert seen == {"begin": 0, "checkout": 2}, "one connection a page, and no transaction on it"


def test_a_kept_reader_is_closed_with_the_engine_and_a_broken_one_replaced(no_csrf_app: Flask) -> None:
    """SQLite: the kept connection goes with ``db.dispose`` (nothing left open on the file), one
    that fails is closed and replaced, the page still shown whole, and a read on a thread of its
    own (a development server's, one a request) leaves no more open than are kept idle."""
    app = no_csrf_app
    client, chosen = answered_first(app)
    with app.app_context():
        engine = db.engine
    readers = kept_readers(engine)
    if readers is None:
        pytest.skip("SQLite only")
    assert client.get("/q/1").status_code == 200
    kept = readers.idle()
    assert len(kept) == 1
    kept[0].close()  # broken under it, as a connection can be
    page = client.get("/q/1")
    assert page.status_code == 200 and f'value="{chosen}" class="card chosen"' in page.get_data(as_text=True)
    assert readers.idle() == [], "the broken one closed and forgotten (read through the pool)"
    assert client.get("/q/1").status_code == 200
    again = readers.idle()
    assert len(again) == 1 and again[0] is not kept[0], "and a new one made for the next read"
    cookie = client.get_cookie("session")
    assert cookie is not None

    def shown(_n: int) -> bool:
        tablet = app.test_client()  # the same person's session, asked for from another thread
        tablet.set_cookie("session", cookie.value)
        return f'value="{chosen}" class="card chosen"' in tablet.get("/q/1").get_data(as_text=True)

    with ThreadPoolExecutor(max_workers=12) as pool:  # more at once than are kept idle
        assert all(pool.map(shown, range(48)))
    assert 1 <= len(readers.idle()) <= 8
    db.dispose(app)
    assert readers.idle() == []
    with pytest.raises(sqlite3.ProgrammingError):  # closed: "Cannot operate on a closed database"
        again[0].execute("SELECT 1")


def test_the_first_page_a_new_worker_shows_builds_its_questionnaire(no_csrf_app: Flask) -> None:
    """A new web worker has built no questionnaire yet: the one read then finds its definition
    by the version it names (a short session of its own) and the page is whole."""
    from app.respond import journey

    app = no_csrf_app
    client, chosen = answered_first(app)
    journey._BUILT.clear()  # noqa: SLF001 - as in a worker that has just started
    page = client.get("/q/1")
    assert page.status_code == 200
    assert journey._BUILT, "the questionnaire was built from its stored definition"  # noqa: SLF001
    assert f'value="{chosen}" class="card chosen"' in page.get_data(as_text=True)


def test_on_postgresql_the_read_is_one_round_trip(no_csrf_app: Flask, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """psycopg opens a transaction with a BEGIN of its own before a first statement, and the
    pool ends it with a ROLLBACK: the page's one SELECT runs in autocommit instead, and the
    connection goes back to the pool out of it, as it was lent. libpq's own trace of what was
    sent to the server shows it."""
    app = no_csrf_app
    client, chosen = answered_first(app)
    with app.app_context():
        engine = db.engine
    if engine.dialect.driver != "psycopg":
        pytest.skip("PostgreSQL only (EASYVOICE_TEST_POSTGRES)")
    trace = tmp_path / "libpq.trace"
    returned: list[bool] = []

    def lent(dbapi_connection, *_args: object) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.pgconn.trace(out.fileno())

    def given_back(dbapi_connection, *_args: object) -> None:  # type: ignore[no-untyped-def]
        returned.append(dbapi_connection.autocommit)
        dbapi_connection.pgconn.untrace()

    with trace.open("wb") as out:
        event.listen(engine.pool, "checkout", lent)
        event.listen(engine.pool, "checkin", given_back)
        try:
            page = client.get("/q/1")
        finally:
            event.remove(engine.pool, "checkout", lent)
            event.remove(engine.pool, "checkin", given_back)
    assert page.status_code == 200 and f'value="{chosen}" class="card chosen"' in page.get_data(as_text=True)
    sent = trace.read_bytes()
    assert b"SELECT" in sent, "the trace saw the page's read"
    assert b"BEGIN" not in sent and b"ROLLBACK" not in sent, sent.decode(errors="replace")[-2000:]
    assert returned == [False], "back in the pool as it was lent, not in autocommit"
