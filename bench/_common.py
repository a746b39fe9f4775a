"""Shared by the bench scripts: import paths, a started respondent journey, medians and verdicts.

Each script is run on its own (``python bench/<name>.py``), so ``bench/`` is ``sys.path[0]`` and
this module is imported as ``_common``. It puts the repository root and ``tests/`` on the path so
the app and ``tests/conftest.py``'s ``make_app`` (a fresh, migrated SQLite db with demo data) are
importable.
"""

from __future__ import annotations

import re
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
for _path in (str(ROOT / "tests"), str(ROOT)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

from flask import Flask  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402

from conftest import make_app, service_code  # noqa: E402  (tests/conftest.py)

__all__ = ["ROOT", "BENCH", "make_app", "service_code", "start_response", "median", "verdict", "header"]

SETTINGS = {
    "who": "self",
    "text": "normal",
    "pictures": "on",
    "contrast": "off",
    "read_aloud": "on",
    "autoplay": "off",
}


def start_response(
    app: Flask, client: FlaskClient, slug: str = "your-support", locale: str | None = None, **prefs: str
) -> None:
    """Walk the real journey up to question 1: service link, begin, settings, consent (yes).

    The app must have WTF_CSRF_ENABLED=False (the bench posts forms by hand).
    """

    def expect(response, status: int, what: str):  # type: ignore[no-untyped-def]
        if response.status_code != status:
            raise SystemExit(f"bench: {what} gave HTTP {response.status_code}, expected {status}")
        return response

    expect(client.get(f"/at/{service_code(app)}"), 302, "GET /at/<code>")
    expect(client.get(f"/begin/{slug}"), 302, f"GET /begin/{slug}")
    settings = {**SETTINGS, **prefs, "locale": locale or app.config["BABEL_DEFAULT_LOCALE"]}
    expect(client.post("/settings", data=settings), 302, "POST /settings")
    page = expect(client.get("/consent"), 200, "GET /consent").get_data(as_text=True)
    match = re.search(r'name="submission_id" value="([^"]+)"', page)
    if not match:
        raise SystemExit("bench: no submission id on the consent page")
    done = expect(
        client.post("/consent", data={"submission_id": match.group(1), "action": "yes"}), 302, "POST /consent"
    )
    if not done.location.endswith("/q/1"):
        raise SystemExit(f"bench: consent went to {done.location}, not /q/1")


def median(values: list[float]) -> float:
    return statistics.median(values)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def header(title: str) -> None:
    print(f"== {title} ==")
