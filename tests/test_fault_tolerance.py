"""No lost, no duplicated answers: gunicorn with 4 workers, 20 clients, 2,000 answer posts, one
worker killed with SIGKILL midway. Whatever a client was told was stored is in the database once.

Runs on the suite's database (SQLite, or PostgreSQL when EASYVOICE_TEST_POSTGRES is set).
Traffic goes to 127.0.0.1 only, and every loop is bounded.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import pytest
from flask import Flask
from helpers.app import ROOT, make_app, service_code
from sqlalchemy import func, select

from app.db import db
from app.models import Answer, Response

CLIENTS = 20
RESPONSES_PER_CLIENT = 5
QUESTIONS = 20  # answer posts per response: 20 x 5 x 20 = 2,000
KILL_AFTER = 600  # acknowledged posts before a worker is killed
SECRET = "fault-test-secret"  # noqa: S105


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Tablet:
    """One client: its own cookie, its own responses, raw HTTP with bounded retries."""

    def __init__(self, port: int, code: str, questions: list) -> None:
        self.port, self.code, self.questions = port, code, questions
        self.cookie = ""
        self.told_stored: dict[str, dict[str, str]] = {}  # response token -> question -> value
        self.sent = self.acknowledged = self.retries = 0

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, dict, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            reply = conn.getresponse()
            text = reply.read().decode()
            for name, value in reply.getheaders():
                if name.lower() == "set-cookie" and value.startswith("session="):
                    self.cookie = value.split(";")[0]
            return reply.status, dict(reply.getheaders()), text
        finally:
            conn.close()

    def with_retries(self, method: str, path: str, form: dict | None = None) -> tuple[int, dict, str]:
        """Send until a reply comes (a killed worker gives none); same form, same submission id."""
        for attempt in range(30):
            try:
                status, headers, text = self.request(method, path, form)
            except (OSError, http.client.HTTPException):
                status = 0
            if status and status < 500:
                return status, headers, text
            self.retries += attempt == 0
            time.sleep(0.1 * (attempt + 1))
        raise AssertionError(f"no reply for {method} {path} after 30 tries")

    def start(self) -> tuple[str, str]:
        self.cookie = ""
        self.with_retries("GET", f"/at/{self.code}")
        self.with_retries("GET", "/begin/your-support")
        page = self.with_retries("GET", "/settings")[2]
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        self.with_retries(
            "POST",
            "/settings",
            {
                "csrf_token": token,
                "who": "self",
                "text": "normal",
                "pictures": "on",
                "contrast": "off",
                "read_aloud": "on",
                "autoplay": "off",
                "locale": "en_GB",
            },
        )
        consent = self.with_retries("GET", "/consent")[2]  # the start id is this session's own
        start_id = re.search(r'name="submission_id" value="([^"]+)"', consent).group(1)
        status, headers, _ = self.with_retries(
            "POST", "/consent", {"csrf_token": token, "submission_id": start_id, "action": "yes"}
        )
        assert status == 302 and headers["Location"].endswith("/q/1")
        return token, self.cookie

    def run(self, counter: list[int], seed: int) -> None:
        for _ in range(RESPONSES_PER_CLIENT):
            token, cookie = self.start()
            told = self.told_stored.setdefault(cookie, {})
            for number, question in enumerate(self.questions[:QUESTIONS], start=1):
                choice = (
                    question.choices[(seed + number) % len(question.choices)].value
                    if question.choices
                    else None
                )
                form = {"csrf_token": token, "submission_id": uuid.uuid4().hex, "question": question.id}
                if choice is None:
                    form.update(action="answer", text=f"note {seed}-{number}")
                else:
                    form.update(answer=choice, action="answer")
                self.sent += 1
                status, _, _ = self.with_retries("POST", f"/q/{number}", form)
                assert status == 302, status
                self.acknowledged += 1
                counter[0] += 1
                told[question.id] = choice or form["text"]


def response_token(app: Flask, cookie: str) -> str:
    data = app.session_interface.get_signing_serializer(app).loads(cookie.split("=", 1)[1])
    return data["ev_response"]


@pytest.fixture
def served(tmp_path: Path):
    app = make_app(tmp_path, SECRET_KEY=SECRET)
    port = free_port()
    env = {
        **os.environ,
        "EASYVOICE_DATABASE_URL": app.config["DATABASE_URL"],
        "EASYVOICE_SECRET_KEY": SECRET,
        "EASYVOICE_INSTANCE_PATH": str(tmp_path / "instance"),
        "EASYVOICE_AUDIO_DIR": str(tmp_path / "audio"),
        "EASYVOICE_BIND": f"127.0.0.1:{port}",
        "EASYVOICE_WORKERS": "4",
        "PYTHONPATH": str(ROOT),
    }
    log = open(tmp_path / "gunicorn.log", "w")  # noqa: SIM115  (closed below)
    master = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(ROOT / "gunicorn.conf.py"),
            "--access-logfile",
            "/dev/null",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.2)
    else:
        master.kill()
        raise AssertionError((tmp_path / "gunicorn.log").read_text())
    yield app, port, master
    master.send_signal(signal.SIGTERM)
    master.wait(timeout=30)
    log.close()


def workers_of(master: subprocess.Popen) -> list[int]:
    out = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(master.pid)], capture_output=True, text=True, check=False
    ).stdout
    return [int(pid) for pid in out.split()]


def test_killed_worker_loses_and_duplicates_nothing(served, capsys) -> None:
    app, port, master = served
    questions = list(app.extensions["easyvoice.surveys"].questionnaires["your-support"].questions)
    tablets = [Tablet(port, service_code(app), questions) for _ in range(CLIENTS)]
    counter = [0]
    errors: list[BaseException] = []

    def run(tablet: Tablet, seed: int) -> None:
        try:
            tablet.run(counter, seed)
        except BaseException as exc:  # reported below, with the thread's traceback
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(t, i), daemon=True) for i, t in enumerate(tablets)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 120
    while counter[0] < KILL_AFTER and time.monotonic() < deadline:
        time.sleep(0.05)
    victims = workers_of(master)
    assert len(victims) == 4
    os.kill(victims[0], signal.SIGKILL)
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors
    assert not any(thread.is_alive() for thread in threads)

    told = {}
    for tablet in tablets:
        for cookie, answers in tablet.told_stored.items():
            told[response_token(app, cookie)] = answers
    with app.app_context():
        stored: dict[str, dict[str, str]] = {}
        for response in db.session.scalars(select(Response)):
            stored[response.token] = {
                a.question_key: (a.values[0] if a.values else a.text) for a in response.answers
            }
        duplicates = db.session.scalar(
            select(func.count()).select_from(
                select(Answer.response_id)
                .group_by(Answer.response_id, Answer.question_key)
                .having(func.count() > 1)
                .subquery()
            )
        )
    sent = sum(t.sent for t in tablets)
    acknowledged = sum(t.acknowledged for t in tablets)
    stored_count = sum(len(answers) for answers in stored.values())
    lost = sum(
        1 for token, answers in told.items() for q, v in answers.items() if stored.get(token, {}).get(q) != v
    )
    with capsys.disabled():
        print(
            f"\nfault test on {app.config['DATABASE_URL'].split(':')[0]}: sent {sent}, "
            f"acknowledged {acknowledged}, stored {stored_count}, lost {lost}, "
            f"duplicates {duplicates}, retried {sum(t.retries for t in tablets)}, "
            f"worker {victims[0]} killed"
        )
    assert sent == acknowledged == CLIENTS * RESPONSES_PER_CLIENT * QUESTIONS
    assert lost == 0 and duplicates == 0
    assert stored_count == sum(len(answers) for answers in told.values())
    assert set(workers_of(master)) - set(victims)  # gunicorn replaced the killed worker
