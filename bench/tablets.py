"""Many tablets at once (issue 15, item 2): N tablets, each walking the short "Your support" as a
person does, against gunicorn (4 workers, loopback) on SQLite and on PostgreSQL.

    python bench/tablets.py [--seconds 15] [--think 2.0] [--steps 5,10,20,40,80,120,160]
                            [--budget 240] [--posts 400] [--database sqlite|postgresql]

Each tablet is a thread with its own keep-alive connection and session cookie. It opens the start
link, begins, says no to the settings, says yes to consent, then for each question gets the page,
waits its think time (``--think`` seconds, +-50 %), and posts the first answer (or some words) with
the page's CSRF token and submission id; after the last question a new person starts. Every
request's latency is kept. Each step runs N tablets for ``--seconds``; it reports requests a second,
p50 / p95 / p99 and errors, and the largest N with p95 under 150 ms and no error: the steps in
order until one fails; while all hold, on past the last (1.5 times more each time) until one fails;
then two halvings of the gap, so the N reported is what the machine holds (no new step starts after
``--budget`` seconds per database).

Then the answer post on its own: 8 clients post answers (each with a new submission id) as fast as
they can, through gunicorn, against a bare Flask app in the same gunicorn setup that does the same
work a post must do at least: read the session, check the CSRF token, INSERT one row (SQLite).
Printed as a ratio of posts a second. PostgreSQL runs when 127.0.0.1:5432 answers (tools/postgres.sh).
"""

from __future__ import annotations

import argparse
import http.client
import random
import re
import signal
import socket
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

from _common import ROOT, drop_database, header, make_app, median, postgres_database, service_code, verdict
from serving import gunicorn
from sqlalchemy import func, select

from app.db import db
from app.models import Answer

TARGET_P95_MS = 150.0
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432"

BARE_APP = """
import sqlite3, threading
from flask import Flask, session
from flask_wtf.csrf import CSRFProtect, generate_csrf
app = Flask("bench_bare_post")
app.config.update(SECRET_KEY="bench-bare", SESSION_COOKIE_SECURE=False)
CSRFProtect(app)
DB = {db!r}
with sqlite3.connect(DB) as c:
    c.execute("CREATE TABLE IF NOT EXISTS answer (id INTEGER PRIMARY KEY, person TEXT, question TEXT,"
              " value TEXT, submission_id TEXT UNIQUE)")
    c.execute("PRAGMA journal_mode=WAL")

@app.get("/token")
def token():
    session["person"] = "p"
    return generate_csrf()

@app.post("/answer")
def answer():
    from flask import request
    with sqlite3.connect(DB, timeout=30) as c:
        c.execute("INSERT INTO answer (person, question, value, submission_id) VALUES (?, ?, ?, ?)",
                  (session.get("person"), request.form["question"], request.form["answer"],
                   request.form["submission_id"]))
    return "", 302, {{"Location": "/next"}}
"""


class Tablet:
    """One tablet: a keep-alive connection, its session cookie, and the latencies it saw."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = ""
        self.times: list[float] = []
        self.errors: list[str] = []
        self.answers = 0  # answer posts the server took (302 onwards)

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, str, str]:
        body = urlencode(form) if form is not None else None
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.errors.append(f"{method} {path}: {exc}")
            return 0, "", ""
        self.times.append(time.perf_counter() - started)
        found = re.search(r"session=([^;]+)", response.getheader("Set-Cookie") or "")
        if found:
            self.cookie = f"session={found.group(1)}"
        location = response.getheader("Location") or ""
        return response.status, text, location.replace(f"http://127.0.0.1:{self.port}", "")

    def expect(
        self, status: int, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[str, str]:
        got, text, location = self.request(method, path, form)
        if got != status:
            if got:
                self.errors.append(f"{method} {path}: HTTP {got}, expected {status}")
            raise _Broken
        return text, location


class _Broken(Exception):
    """The walk went wrong (recorded in ``errors``): this person stops, a new one starts."""


def _field(page: str, name: str) -> str:
    found = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', page
    )
    return found.group(1) if found else ""


def walk(tablet: Tablet, code: str, until: float, think: float) -> None:
    """People after people on one tablet until ``until``: each the short questionnaire."""
    rng = random.Random()
    while time.monotonic() < until:
        try:
            tablet.cookie = ""
            tablet.expect(302, "GET", f"/at/{code}")
            tablet.expect(200, "GET", "/")
            tablet.expect(302, "GET", "/begin/your-support?length=short")
            page, _ = tablet.expect(200, "GET", "/settings")
            tablet.expect(
                302, "POST", "/settings", {"csrf_token": _field(page, "csrf_token"), "action": "no"}
            )
            page, _ = tablet.expect(200, "GET", "/consent")
            form = {"csrf_token": _field(page, "csrf_token"), "submission_id": _field(page, "submission_id")}
            _, nxt = tablet.expect(302, "POST", "/consent", {**form, "action": "yes"})
            while nxt.startswith("/q/") and time.monotonic() < until:
                page, _ = tablet.expect(200, "GET", nxt)
                time.sleep(think * rng.uniform(0.5, 1.5))
                form = {
                    "csrf_token": _field(page, "csrf_token"),
                    "submission_id": _field(page, "submission_id"),
                    "question": _field(page, "question"),
                }
                button = re.search(r'name="answer"[^>]*value="([^"]+)"', page)
                if 'name="text"' in page and button is None:
                    form.update(text="More trips out, please.", action="answer")
                elif button is not None:
                    form["answer"] = button.group(1)
                else:
                    form["action"] = "skip"
                _, nxt = tablet.expect(302, "POST", nxt, form)
                tablet.answers += 1
        except _Broken:
            time.sleep(0.5)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def step(port: int, code: str, tablets: int, seconds: float, think: float) -> dict[str, float]:
    """N tablets for ``seconds``: requests a second, latency percentiles (ms) and errors."""
    people = [Tablet(port) for _ in range(tablets)]
    until = time.monotonic() + seconds
    threads = [threading.Thread(target=walk, args=(t, code, until, think), daemon=True) for t in people]
    started = time.monotonic()
    for thread in threads:
        thread.start()
        time.sleep(think / max(tablets, 1))  # tablets start spread over one think time
    for thread in threads:
        thread.join(timeout=seconds + 60)
    took = time.monotonic() - started
    times = [t for tablet in people for t in tablet.times]
    errors = [e for tablet in people for e in tablet.errors]
    if errors:
        print(f"   first error: {errors[0]}")
    return {
        "n": tablets,
        "rps": len(times) / took,
        "p50": percentile(times, 0.50) * 1000,
        "p95": percentile(times, 0.95) * 1000,
        "p99": percentile(times, 0.99) * 1000,
        "errors": len(errors),
        "requests": len(times),
        "answers": sum(tablet.answers for tablet in people),
    }


def postgres_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


def _server_env(app, tmpdir: Path, secret: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The real app under gunicorn on the bench app's database (cookies without Secure: the
    tablets here are scripts on plain http)."""
    return {
        "EASYVOICE_DATABASE_URL": app.config["DATABASE_URL"],
        "EASYVOICE_SECRET_KEY": secret,
        "EASYVOICE_INSTANCE_PATH": str(tmpdir / "instance"),
        "EASYVOICE_AUDIO_DIR": str(tmpdir / "audio"),
        "EASYVOICE_SESSION_COOKIE_SECURE": "false",
    }


class Held:
    """What the steps found: the largest N that held (p95 under the target, no error) and the
    smallest that did not (None: none failed)."""

    def __init__(self) -> None:
        self.best = 0
        self.failed: int | None = None

    def saw(self, n: int, ok: bool) -> None:
        if ok:
            self.best = max(self.best, n)
        elif self.failed is None or n < self.failed:
            self.failed = n


def search(
    steps: list[int], held: Held, deadline: float, grow: float = 1.5, refine: int = 2
) -> Iterator[int]:
    """The N to try: ``steps`` in order until one fails; while all hold, on past the last step
    (``grow`` times more each time) until one fails or ``deadline`` (monotonic) passes; then
    ``refine`` halvings of the gap between the largest N that held and the smallest that failed,
    so the figure reported is what this machine holds, not the end of a list."""
    for n in steps:
        yield n
        if held.failed is not None:
            break
    n = steps[-1]
    while held.failed is None and time.monotonic() < deadline:
        n = int(n * grow)
        yield n
    for _ in range(refine):
        if held.failed is None or held.best == 0 or time.monotonic() >= deadline:
            return
        middle = (held.best + held.failed) // 2
        if middle in (held.best, held.failed):
            return
        yield middle


def tablets_on(
    database: str, tmpdir: Path, steps: list[int], seconds: float, think: float, budget: float
) -> Held:
    """The steps on one database (see :func:`search`; no new step starts after ``budget``
    seconds): the largest N with p95 under the target and no error, and the first that failed."""
    secret = "bench-secret"  # noqa: S105  (a throwaway database)
    overrides: dict[str, object] = {"SECRET_KEY": secret}
    if database == "postgresql":
        overrides["DATABASE_URL"] = postgres_database(POSTGRES)
    app = make_app(tmpdir, **overrides)
    code = service_code(app)
    env = _server_env(app, tmpdir, secret)
    server, port = gunicorn("wsgi:app", env, ROOT)
    held, posted = Held(), 0
    try:
        posted += step(port, code, 2, 3, 0.2)["answers"]  # warm the workers
        print(f"{'tablets':>8} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
        deadline = time.monotonic() + budget
        for n in search(steps, held, deadline):
            row = step(port, code, n, seconds, think)
            posted += row["answers"]
            print(
                f"{n:>8} {row['rps']:>8.1f} {row['p50']:>8.1f} {row['p95']:>8.1f} {row['p99']:>8.1f}"
                f" {row['errors']:>7}"
            )
            held.saw(n, row["p95"] < TARGET_P95_MS and not row["errors"] and bool(row["requests"]))
        with app.app_context():  # every answer the server took is in the database, once
            stored = db.session.scalar(select(func.count()).select_from(Answer))
        print(f"answers posted and taken: {posted}; answer rows in the database: {stored}")
        if stored != posted:
            raise SystemExit("bench: the database does not hold exactly the answers posted")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        drop_database(app)
    return held


def posts_per_second(port: int, path: str, token_path: str | None, posts: int, clients: int = 8) -> float:
    """``clients`` threads posting answers, each with a new submission id; posts a second."""
    counts = [0] * clients
    errors: list[str] = []

    def client(index: int, form: dict[str, str], cookie: str) -> None:
        tablet = Tablet(port)
        tablet.cookie = cookie
        for _ in range(posts // clients):
            status, _text, _loc = tablet.request("POST", path, {**form, "submission_id": uuid.uuid4().hex})
            if status == 302:
                counts[index] += 1
            else:
                errors.append(f"HTTP {status}")

    forms = []
    for _ in range(clients):
        tablet = Tablet(port)
        if token_path:  # the bare app: a session and its CSRF token
            _status, token, _ = tablet.request("GET", token_path)
            forms.append(({"csrf_token": token, "question": "listened", "answer": "happy"}, tablet.cookie))
        else:
            forms.append(_started_person(tablet))
    threads = [threading.Thread(target=client, args=(i, *forms[i])) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    took = time.perf_counter() - started
    if errors:
        raise SystemExit(f"bench: answer posts failed: {errors[:3]}")
    return sum(counts) / took


CODE: list[str] = []


def _started_person(tablet: Tablet) -> tuple[dict[str, str], str]:
    """A person at question 1 of the real app: the form an answer post sends, and the cookie."""
    tablet.expect(302, "GET", f"/at/{CODE[0]}")
    tablet.expect(302, "GET", "/begin/your-support?length=short")
    page, _ = tablet.expect(200, "GET", "/settings")
    tablet.expect(302, "POST", "/settings", {"csrf_token": _field(page, "csrf_token"), "action": "no"})
    page, _ = tablet.expect(200, "GET", "/consent")
    form = {"csrf_token": _field(page, "csrf_token"), "submission_id": _field(page, "submission_id")}
    tablet.expect(302, "POST", "/consent", {**form, "action": "yes"})
    page, _ = tablet.expect(200, "GET", "/q/1")
    return (
        {"csrf_token": _field(page, "csrf_token"), "question": _field(page, "question"), "answer": "happy"},
        tablet.cookie,
    )


def answer_posts(tmpdir: Path, posts: int, rounds: int = 3) -> float:
    """The answer post through gunicorn against the bare app's; the median ratio of posts/s."""
    secret = "bench-secret"  # noqa: S105
    app = make_app(tmpdir, SECRET_KEY=secret)
    CODE[:] = [service_code(app)]
    env = _server_env(app, tmpdir, secret)
    (tmpdir / "bare_post.py").write_text(BARE_APP.format(db=str(tmpdir / "bare.sqlite")))
    subject, subject_port = gunicorn("wsgi:app", env, ROOT)
    bare, bare_port = gunicorn("bare_post:app", {}, tmpdir)
    try:
        posts_per_second(bare_port, "/answer", "/token", 80)  # warm both
        posts_per_second(subject_port, "/q/1", None, 80)
        ratios, subject_rates, bare_rates = [], [], []
        for _ in range(rounds):
            bare_rate = posts_per_second(bare_port, "/answer", "/token", posts)
            subject_rate = posts_per_second(subject_port, "/q/1", None, posts)
            ratios.append(subject_rate / bare_rate)
            subject_rates.append(subject_rate)
            bare_rates.append(bare_rate)
        print(f"baseline (bare Flask: session, CSRF check, INSERT): median {median(bare_rates):7.0f} posts/s")
        print(
            f"subject  (POST /q/1, real app):                   median {median(subject_rates):7.0f} posts/s"
        )
        ratio = median(ratios)
        print(f"ratio subject/baseline: {ratio:.2f} (rounds: {', '.join(f'{r:.2f}' for r in ratios)})")
    finally:
        for proc in (subject, bare):
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
        drop_database(app)
    return ratio


def main(argv: list[str] | None = None) -> bool:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--think", type=float, default=2.0)
    parser.add_argument("--steps", default="5,10,20,40,80,120,160")
    parser.add_argument("--posts", type=int, default=400)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), help="only this one (default: both)")
    parser.add_argument(
        "--budget", type=float, default=240, help="seconds per database after which no new step starts"
    )
    args = parser.parse_args(argv)
    steps = [int(n) for n in args.steps.split(",")]
    databases = ["sqlite"] + (["postgresql"] if postgres_up() else [])
    if args.database:
        databases = [d for d in databases if d == args.database]
    held = {}
    for database in databases:
        header(
            f"tablets on {database}: each walks the short questionnaire, a page every ~{args.think:g} s"
            f" (gunicorn, 4 workers)"
        )
        with tempfile.TemporaryDirectory(prefix="ev-bench-") as tmp:
            held[database] = found = tablets_on(
                database, Path(tmp), steps, args.seconds, args.think, args.budget
            )
        limit = (
            f"{found.failed} did not"
            if found.failed is not None
            else f"none tried failed: the {args.budget:g} s budget ended the search"
        )
        print(
            f"largest N with p95 < {TARGET_P95_MS:.0f} ms and no error: {found.best} tablets ({limit})"
            f"  -> {verdict(found.best > 0)}"
        )
        print()
    if "postgresql" not in databases and args.database != "sqlite":
        print("PostgreSQL: not reachable on 127.0.0.1:5432 (tools/postgres.sh starts it); not measured")
    header("answer posts a second: POST /q/1 through gunicorn vs a bare Flask app (session, CSRF, INSERT)")
    with tempfile.TemporaryDirectory(prefix="ev-bench-") as tmp:
        answer_posts(Path(tmp), args.posts)
    return all(found.best > 0 for found in held.values())


if __name__ == "__main__":
    main()  # the verdicts are printed; a missed target is not a failure to run
