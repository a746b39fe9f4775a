"""Page bytes in another language (issue 13): an Urdu question page stays under 30 KB of HTML; its
font is a file of its own that the page's style sheet names (never inlined), sent with a cache
lifetime, so a tablet fetches it once. Printed for the README."""

from __future__ import annotations

import re

from flask import Flask
from helpers.app import service_code, submission_id
from helpers.i18n import offer_languages

LIMIT = 30_000


def test_an_urdu_question_page_is_small_and_its_font_is_cached_apart(no_csrf_app: Flask) -> None:
    app = no_csrf_app
    offer_languages(app, "ur")
    client = app.test_client()
    client.get(f"/at/{service_code(app)}?lang=ur")
    assert client.get("/begin/your-support").status_code == 302
    client.post("/settings", data={"action": "no"})
    consent = client.get("/consent").get_data(as_text=True)
    client.post("/consent", data={"submission_id": submission_id(consent), "action": "yes"})
    page = client.get("/q/1")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and '<html lang="ur" dir="rtl">' in html
    assert "@font-face" not in html and "woff2" not in html  # the font is not in the page
    css_url = re.search(r'<link rel="stylesheet" href="([^"]+)"', html).group(1)
    css = client.get(css_url)
    assert "NotoNastaliqUrdu-Regular.woff2" in css.get_data(as_text=True)
    font = client.get("/static/fonts/NotoNastaliqUrdu-Regular.woff2")
    assert font.status_code == 200 and font.mimetype == "font/woff2"
    assert (font.cache_control.max_age or 0) >= 3600, font.headers.get("Cache-Control")
    print(f"\nUrdu question page: {len(page.data)} bytes; font {len(font.data)} bytes, cached apart")  # noqa: T201
    assert len(page.data) < LIMIT
