"""Question page latency through gunicorn (4 workers) while `flask audio-worker` builds a newly
published questionnaire's texts, against the same page with the worker idle, in the same run.

    python bench/worker_build.py [--rounds 3] [--texts 20] [--idle-requests 200]

Each round: GET /q/3 one after another with the worker idle (baseline), then 20 new texts are
queued and GET /q/3 is asked again and again until the worker has built them all (subject). The
ratio is the median over rounds of (median latency during the build / median latency idle).
Target: at most 1.5 (speech runs in its own process, so a page should hardly notice it).
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from _common import ROOT, header, make_app, median, verdict
from serving import gunicorn, session_cookie
from sqlalchemy import func, select

from app.db import db
from app.easyread.audio_queue import queue_texts
from app.models import AudioJob

TARGET_RATIO = 1.5
THINGS = ("garden", "kitchen", "bus", "music", "dog", "walk", "tea", "park", "shop", "bath") * 10


def get(url: str, cookie: str) -> float:
    request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310  (loopback)
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310  (our own server)
        answer.read()
        if answer.status != 200:
            raise SystemExit(f"bench: {url} answered {answer.status}")
    return time.perf_counter() - started


def waiting(app) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        count = db.session.scalar(
            select(func.count()).select_from(AudioJob).where(AudioJob.status.in_(("queued", "building")))
        )
        db.session.rollback()
        return int(count or 0)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main(argv: list[str] | None = None) -> bool:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--texts", type=int, default=20)
    parser.add_argument("--idle-requests", type=int, default=200)
    args = parser.parse_args(argv)

    header("worker_build: GET /q/3 through gunicorn while the audio worker builds, vs idle")
    with tempfile.TemporaryDirectory(prefix="ev-bench-") as tmp:
        tmpdir = Path(tmp)
        secret = "bench-secret"  # noqa: S105  (a throwaway database)
        app = make_app(tmpdir, SECRET_KEY=secret, WTF_CSRF_ENABLED=False, SESSION_COOKIE_SECURE=False)
        cookie = session_cookie(app, app.test_client())
        env = {
            "EASYVOICE_DATABASE_URL": app.config["DATABASE_URL"],
            "EASYVOICE_SECRET_KEY": secret,
            "EASYVOICE_INSTANCE_PATH": str(tmpdir / "instance"),
            "EASYVOICE_AUDIO_DIR": str(tmpdir / "audio"),
        }
        server, port = gunicorn("wsgi:app", env, ROOT)
        worker = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "audio-worker", "--poll", "0.2"],
            cwd=ROOT,
            env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}/q/3"
        try:
            for _ in range(50):
                get(url, cookie)  # warm every gunicorn worker
            ratios, idle_all, during_all = [], [], []
            for round_number in range(args.rounds):
                idle = [get(url, cookie) for _ in range(args.idle_requests)]
                texts = [
                    f"Round {round_number}: do you like the {thing} {n}?" for n, thing in enumerate(THINGS)
                ]
                with app.app_context():
                    queue_texts(db.session, "en_GB", texts[: args.texts])
                    db.session.commit()
                during: list[float] = []
                started = time.perf_counter()
                while waiting(app):
                    during.extend(get(url, cookie) for _ in range(10))
                    if time.perf_counter() - started > 600:
                        raise SystemExit("bench: the worker did not finish in 10 minutes")
                took = time.perf_counter() - started
                ratios.append(median(during) / median(idle))
                idle_all += idle
                during_all += during
                print(
                    f"round {round_number + 1}: {args.texts} texts built in {took:.1f} s; "
                    f"{len(during)} requests during the build"
                )
            ms = 1000
            print(
                f"baseline (worker idle):     median {median(idle_all) * ms:6.1f} ms, "
                f"p95 {p95(idle_all) * ms:6.1f} ms"
            )
            print(
                f"subject  (worker building): median {median(during_all) * ms:6.1f} ms, "
                f"p95 {p95(during_all) * ms:6.1f} ms, max {max(during_all) * ms:6.1f} ms"
            )
            ratio = median(ratios)
            print(f"ratio subject/baseline: {ratio:.2f} (rounds: {', '.join(f'{r:.2f}' for r in ratios)})")
            print(f"target: <= {TARGET_RATIO}  -> {verdict(ratio <= TARGET_RATIO)}")
        finally:
            for proc in (worker, server):
                proc.send_signal(signal.SIGTERM)
                proc.wait(timeout=30)
    return ratio <= TARGET_RATIO


if __name__ == "__main__":
    main()  # the verdicts are printed; a missed target is not a failure to run
