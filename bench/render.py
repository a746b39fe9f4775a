"""How long a question page takes to render, against a bare Flask app serving a static page.

Subject: GET /q/3 of your-support through the Flask test client, after starting a response (the
real session, CSRF token, database read, translations, templates and the kept-page cache of
app/respond/page_cache.py, warm after the first request, as on a server). Baseline: a separate
minimal Flask app whose one route renders bench/templates/question_static.html, a frozen copy of
that page with no variables. Both run in the same process, in alternating blocks (ABBA order), and
each block's mean time per request is kept; the figures are medians over the rounds, and the ratio
is the median of each round's subject/baseline ratio. Target: the question page is within 2x of
the static page.

    python bench/render.py [--rounds 9] [--requests 100]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from _common import BENCH, header, make_app, median, start_response, verdict
from flask import Flask, render_template

TARGET_RATIO = 2.0
URL = "/q/3"


def baseline_app() -> Flask:
    app = Flask("bench_static", template_folder=str(BENCH / "templates"))
    app.config.update(TESTING=True)

    @app.get("/q/3")
    def page() -> str:
        return render_template("question_static.html")

    return app


def timer(client, url: str) -> Callable[[int], float]:  # type: ignore[no-untyped-def]
    """A function running n GETs of url; returns mean microseconds per request."""

    def run(n: int) -> float:
        get = client.get
        started = time.perf_counter_ns()
        for _ in range(n):
            response = get(url)
            if response.status_code != 200:
                raise SystemExit(f"bench: GET {url} gave HTTP {response.status_code}")
        return (time.perf_counter_ns() - started) / n / 1000

    return run


def main(argv: list[str] | None = None) -> bool:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--requests", type=int, default=100, help="requests per block")
    args = parser.parse_args(argv)

    header("render: GET /q/3 (your-support) vs a static template in a bare Flask app")
    with tempfile.TemporaryDirectory(prefix="ev-bench-") as tmp:
        app = make_app(Path(tmp))  # as served: CSRF on, so each page gets its token
        client = app.test_client()
        start_response(app, client, "your-support")
        subject_bytes = len(client.get(URL).data)
        base = baseline_app()
        base_client = base.test_client()
        base_bytes = len(base_client.get(URL).data)

        run_subject, run_base = timer(client, URL), timer(base_client, URL)
        run_subject(max(20, args.requests // 2))  # warm up: template compile, caches, pools
        run_base(max(20, args.requests // 2))

        subject_us: list[float] = []
        base_us: list[float] = []
        for round_ in range(args.rounds):
            order = ((run_base, base_us), (run_subject, subject_us))
            for run, out in order if round_ % 2 == 0 else order[::-1]:
                out.append(run(args.requests))
        from app.db import db

        db.dispose(app)

    ratios = [s / b for s, b in zip(subject_us, base_us, strict=True)]
    ratio = median(ratios)
    ok = ratio <= TARGET_RATIO
    print(f"page sizes: question page {subject_bytes} B, static page {base_bytes} B")
    print(f"{args.rounds} rounds x {args.requests} requests each, interleaved")
    print(
        f"baseline (static template, bare Flask): median {median(base_us):8.1f} us/request "
        f"(rounds: {min(base_us):.1f}..{max(base_us):.1f})"
    )
    print(
        f"subject  (GET /q/3, real app):          median {median(subject_us):8.1f} us/request "
        f"(rounds: {min(subject_us):.1f}..{max(subject_us):.1f})"
    )
    print(f"ratio subject/baseline: {ratio:.2f}x (per-round {min(ratios):.2f}..{max(ratios):.2f})")
    print(f"target: <= {TARGET_RATIO:.1f}x  -> {verdict(ok)}")
    return ok


if __name__ == "__main__":
    main()
