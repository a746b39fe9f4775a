"""Real processes beside a test's app: `flask audio-worker` and a `flask run` server, each on the
test's own database and audio store (passed as EASYVOICE_* variables, as a deployment would)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from flask import Flask

from .app import ROOT


def flask_env(app: Flask) -> dict[str, str]:
    """The environment a `flask --app wsgi` process needs to work on ``app``'s database and store."""
    return {
        **os.environ,
        "EASYVOICE_DATABASE_URL": str(app.config["DATABASE_URL"]),
        "EASYVOICE_AUDIO_DIR": str(app.config["AUDIO_DIR"]),
        "EASYVOICE_INSTANCE_PATH": str(app.instance_path),
        "EASYVOICE_SECRET_KEY": str(app.config["SECRET_KEY"]),
        "PYTHONPATH": str(ROOT),
    }


def flask_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "wsgi", *args]


def run_worker(app: Flask, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run `flask audio-worker --once` (plus ``args``) to its end."""
    return subprocess.run(
        flask_command("audio-worker", "--once", *args),
        cwd=ROOT,
        env=flask_env(app),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def start_worker(app: Flask, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """`flask audio-worker` (plus ``args``, and ``env`` added to its environment), not waited for."""
    return subprocess.Popen(
        flask_command("audio-worker", *args),
        cwd=ROOT,
        env={**flask_env(app), **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(app: Flask, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """`flask run` on a free port (no reloader, no debugger); returns the process and its URL once
    it answers."""
    port = free_port()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            flask_command("run", "--host", "127.0.0.1", "--port", str(port), "--no-reload"),
            cwd=ROOT,
            env=flask_env(app),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/", timeout=5):  # noqa: S310  (our own loopback server)
                return proc, url
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.2)
    proc.kill()
    raise AssertionError(f"the server did not start: {log.read_text(errors='replace')}")


def stop(proc: subprocess.Popen) -> int:
    """SIGTERM, then wait (SIGKILL after 20 s); the exit code."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


def gone(pid: int, timeout: float = 20) -> bool:
    """Whether process ``pid`` has ended within ``timeout`` seconds (a zombie, ended but not yet
    collected by its parent, counts as ended)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        stat = Path(f"/proc/{pid}/stat")
        try:
            if stat.read_text().rsplit(")", 1)[1].split()[0] == "Z":
                return True
        except (FileNotFoundError, IndexError):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
