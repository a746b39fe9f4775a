"""Through gunicorn (4 workers, loopback only): question pages per second against a bare Flask app
in the same gunicorn setup serving a static template, and each worker's memory over 10,000 requests.

    python bench/serving.py [--seconds 5] [--rounds 3] [--memory-requests 10000]

Load comes from wrk (Debian package `wrk`) with 8 connections. Subject and baseline alternate, and
the ratio is the median of the rounds' ratios. Targets: the question page reaches at least 0.5 of
the bare app's rate; each worker stays under 120 MB RSS and does not grow over the second half.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import BENCH, ROOT, header, make_app, median, start_response, verdict

TARGET_RATE = 0.5
TARGET_RSS_MB = 120
GROWTH_TOLERANCE_MB = 2.0  # allocator noise; a leak of 1 KB a request would be ~5 MB here

BARE_APP = """
from flask import Flask, render_template
app = Flask("bench_bare", template_folder={templates!r})

@app.get("/q/3")
def page():
    return render_template("question_static.html")
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn(app_spec: str, env: dict[str, str], cwd: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(ROOT / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "4",
            "--access-logfile",
            "/dev/null",
            app_spec,
        ],
        cwd=cwd,
        env={**os.environ, **env, "PYTHONPATH": f"{cwd}:{ROOT}"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc, port
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"bench: gunicorn for {app_spec} did not start")


def wrk(port: int, seconds: float, cookie: str, requests: int | None = None) -> float:
    """Requests per second for GET /q/3 (all answered 200, or the run is refused)."""
    args = ["wrk", "-t2", "-c8", f"-d{seconds}s", "-H", f"Cookie: {cookie}", f"http://127.0.0.1:{port}/q/3"]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in out:
        raise SystemExit(f"bench: some answers were not 200:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def worker_rss_mb(master: subprocess.Popen) -> list[float]:
    pids = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(master.pid)], capture_output=True, text=True, check=False
    ).stdout.split()
    sizes = []
    for pid in pids:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
    return sorted(sizes)


def session_cookie(app, client) -> str:  # type: ignore[no-untyped-def]
    start_response(app, client)
    cookie = client.get_cookie("session")
    return f"session={cookie.value}"


def main(argv: list[str] | None = None) -> bool:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--memory-requests", type=int, default=10_000)
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("bench: wrk is not installed (sudo apt-get install wrk)")

    header("serving: question pages per second through gunicorn (4 workers) vs a bare Flask app")
    with tempfile.TemporaryDirectory(prefix="ev-bench-") as tmp:
        tmpdir = Path(tmp)
        secret = "bench-secret"  # noqa: S105  (a throwaway database)
        app = make_app(tmpdir, SECRET_KEY=secret, SESSION_COOKIE_SECURE=False)
        cookie = session_cookie(app, app.test_client())
        env = {
            "EASYVOICE_DATABASE_URL": app.config["DATABASE_URL"],
            "EASYVOICE_SECRET_KEY": secret,
            "EASYVOICE_INSTANCE_PATH": str(tmpdir / "instance"),
            "EASYVOICE_AUDIO_DIR": str(tmpdir / "audio"),
        }
        (tmpdir / "bare_app.py").write_text(BARE_APP.format(templates=str(BENCH / "templates")))
        subject, subject_port = gunicorn("wsgi:app", env, ROOT)
        bare, bare_port = gunicorn("bare_app:app", {}, tmpdir)
        try:
            wrk(subject_port, 1, cookie)
            wrk(bare_port, 1, cookie)  # warm both
            ratios, subject_rates, bare_rates = [], [], []
            for _ in range(args.rounds):
                bare_rate = wrk(bare_port, args.seconds, cookie)
                subject_rate = wrk(subject_port, args.seconds, cookie)
                ratios.append(subject_rate / bare_rate)
                subject_rates.append(subject_rate)
                bare_rates.append(bare_rate)
            print(f"baseline (bare Flask, static template): median {median(bare_rates):8.0f} req/s")
            print(f"subject  (GET /q/3, real app):          median {median(subject_rates):8.0f} req/s")
            ratio = median(ratios)
            print(f"ratio subject/baseline: {ratio:.2f} (rounds: {', '.join(f'{r:.2f}' for r in ratios)})")
            print(f"target: >= {TARGET_RATE} of the bare app's rate  -> {verdict(ratio >= TARGET_RATE)}")
            rate_ok = ratio >= TARGET_RATE

            print()
            header(f"memory: worker RSS over {args.memory_requests:,} requests of GET /q/3")
            rss_start = worker_rss_mb(subject)
            half = args.memory_requests // 2
            sent = 0
            rss_half: list[float] = []
            while sent < args.memory_requests:
                rate = wrk(subject_port, 2, cookie)
                sent += int(rate * 2)
                if not rss_half and sent >= half:
                    rss_half = worker_rss_mb(subject)
            rss_end = worker_rss_mb(subject)
            growth = max(end - mid for end, mid in zip(rss_end, rss_half, strict=False))
            print(f"worker RSS MB at start: {', '.join(f'{v:.1f}' for v in rss_start)}")
            print(f"worker RSS MB at ~{half:,}: {', '.join(f'{v:.1f}' for v in rss_half)}")
            print(f"worker RSS MB at ~{sent:,}: {', '.join(f'{v:.1f}' for v in rss_end)}")
            print(
                f"largest worker {max(rss_end):.1f} MB; largest growth over the second half {growth:+.1f} MB"
            )
            memory_ok = max(rss_end) < TARGET_RSS_MB
            print(f"target: < {TARGET_RSS_MB} MB per worker  -> {verdict(memory_ok)}")
            flat = growth <= GROWTH_TOLERANCE_MB
            print(f"target: no growth over the second half (<= {GROWTH_TOLERANCE_MB} MB)  -> {verdict(flat)}")
        finally:
            for proc in (subject, bare):
                proc.send_signal(signal.SIGTERM)
                proc.wait(timeout=30)
    return rate_ok and memory_ok and flat


if __name__ == "__main__":
    main()  # the verdicts are printed; a missed target is not a failure to run
