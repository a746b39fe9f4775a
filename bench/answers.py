"""Answer posts per second on SQLite and on PostgreSQL, against a bare INSERT loop through the same
driver (one commit per row, as the app commits once per answer).

    python bench/answers.py [--posts 500] [--rounds 3] [--postgres postgresql+psycopg://...]

Subject: POST /q/<n> through the Flask test client (CSRF off), each with a new submission id, so
every post really writes (an upsert of the answer and its choice). Baseline: sqlite3 / psycopg
inserting one row and committing, in a loop. PostgreSQL is skipped with a note when no server
answers on 127.0.0.1:5432. There is no target; both ratios are reported.
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
import uuid
from pathlib import Path

from _common import drop_database, header, make_app, median, postgres_database, start_response
from sqlalchemy import make_url


def app_posts_per_second(app, posts: int) -> float:  # type: ignore[no-untyped-def]
    client = app.test_client()
    start_response(app, client)
    questions = app.extensions["easyvoice.surveys"].questionnaires["your-support"].questions
    faces = [(n, q) for n, q in enumerate(questions, start=1) if q.type == "faces"]
    started = time.perf_counter()
    for i in range(posts):
        number, question = faces[i % len(faces)]
        result = client.post(
            f"/q/{number}",
            data={
                "submission_id": uuid.uuid4().hex,
                "question": question.id,
                "answer": ("happy", "ok", "sad")[i % 3],
            },
        )
        if result.status_code != 302:
            raise SystemExit(f"bench: an answer post gave HTTP {result.status_code}")
    return posts / (time.perf_counter() - started)


def bare_sqlite(path: Path, rows: int) -> float:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("CREATE TABLE IF NOT EXISTS bare (id INTEGER PRIMARY KEY, k TEXT, v TEXT)")
    started = time.perf_counter()
    for i in range(rows):
        conn.execute("INSERT INTO bare (k, v) VALUES (?, ?)", (uuid.uuid4().hex, str(i)))
        conn.commit()
    took = time.perf_counter() - started
    conn.close()
    return rows / took


def bare_postgres(url: str, rows: int) -> float:
    import psycopg

    parsed = make_url(url)
    with psycopg.connect(
        host=parsed.host, port=parsed.port, user=parsed.username, dbname=parsed.database
    ) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bare (id SERIAL PRIMARY KEY, k TEXT, v TEXT)")
        conn.commit()
        started = time.perf_counter()
        for i in range(rows):
            conn.execute("INSERT INTO bare (k, v) VALUES (%s, %s)", (uuid.uuid4().hex, str(i)))
            conn.commit()
        return rows / (time.perf_counter() - started)


def postgres_up(server: str) -> bool:
    import psycopg

    parsed = make_url(f"{server}/postgres")
    try:
        psycopg.connect(
            host=parsed.host, port=parsed.port, user=parsed.username, dbname="postgres", connect_timeout=3
        ).close()
        return True
    except psycopg.OperationalError:
        return False


def measure(name: str, app, bare, posts: int, rounds: int) -> None:  # type: ignore[no-untyped-def]
    subject_rates, bare_rates, ratios = [], [], []
    for _ in range(rounds):
        bare_rate = bare(posts)
        subject_rate = app_posts_per_second(app, posts)
        bare_rates.append(bare_rate)
        subject_rates.append(subject_rate)
        ratios.append(subject_rate / bare_rate)
    print(f"{name}: baseline bare INSERT + commit: median {median(bare_rates):8.0f} rows/s")
    print(f"{name}: subject answer posts:          median {median(subject_rates):8.0f} posts/s")
    print(
        f"{name}: ratio subject/baseline {median(ratios):.3f} "
        f"(rounds: {', '.join(f'{r:.3f}' for r in ratios)})"
    )


def main(argv: list[str] | None = None) -> bool:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    args = parser.parse_args(argv)
    header("answers: answer posts per second vs a bare INSERT loop (same driver)")
    with tempfile.TemporaryDirectory(prefix="ev-bench-") as tmp:
        app = make_app(Path(tmp), WTF_CSRF_ENABLED=False)
        measure("SQLite", app, lambda n: bare_sqlite(Path(tmp) / "bare.sqlite", n), args.posts, args.rounds)
        drop_database(app)
        if postgres_up(args.postgres):
            url = postgres_database(args.postgres)
            pg_app = make_app(Path(tmp), WTF_CSRF_ENABLED=False, DATABASE_URL=url)
            try:
                measure(
                    "PostgreSQL",
                    pg_app,
                    lambda n: bare_postgres(pg_app.config["DATABASE_URL"], n),
                    args.posts,
                    args.rounds,
                )
            finally:
                drop_database(pg_app)
        else:
            print(f"PostgreSQL: no server at {args.postgres}; skipped")
    print("target: none (reported)  -> PASS")
    return True


if __name__ == "__main__":
    main()  # the verdicts are printed; a missed target is not a failure to run
