"""Page bytes in another language (issue 13): an Urdu question page stays under 30 KB of HTML; its
font is a file of its own that the page's style sheet names (never inlined), sent with a cache
lifetime, so a tablet fetches it once. Printed for the README."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from helpers.app import service_code, submission_id
from helpers.i18n import offer_languages

LIMIT = 30_000


def started_in(app: Flask, lang: str) -> FlaskClient:
    """A client past consent on your-support in ``lang`` (offered by the demo organisation)."""
    offer_languages(app, lang)
    client = app.test_client()
    client.get(f"/at/{service_code(app)}?lang={lang}")
    assert client.get("/begin/your-support").status_code == 302
    client.post("/settings", data={"action": "no"})
    consent = client.get("/consent").get_data(as_text=True)
    client.post("/consent", data={"submission_id": submission_id(consent), "action": "yes"})
    return client


def test_an_urdu_question_page_is_small_and_its_font_is_cached_apart(no_csrf_app: Flask) -> None:
    app = no_csrf_app
    client = started_in(app, "ur")
    page = client.get("/q/1")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and '<html lang="ur" dir="rtl">' in html
    assert "@font-face" not in html and "woff2" not in html  # the font is not in the page
    sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert sheets[0] == "/static/css/easyvoice.css" and "/static/css/script-ur.css" in sheets
    css = "".join(client.get(url).get_data(as_text=True) for url in sheets)
    assert "NotoNastaliqUrdu-Regular.woff2" in css
    font = client.get("/static/fonts/NotoNastaliqUrdu-Regular.woff2")
    assert font.status_code == 200 and font.mimetype == "font/woff2"
    assert (font.cache_control.max_age or 0) >= 3600, font.headers.get("Cache-Control")
    print(f"\nUrdu question page: {len(page.data)} bytes; font {len(font.data)} bytes, cached apart")  # noqa: T201
    assert len(page.data) < LIMIT


WHOLE_LIMIT = 30 * 1024  # bench/page_bytes.py's budget: the HTML and every sheet and script it links


def _linked(html: str) -> list[str]:
    sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    return sheets + re.findall(r'<script src="([^"]+)"', html)


def test_a_whole_question_page_with_its_sheets_and_scripts_is_under_30_kb(no_csrf_app: Flask) -> None:
    """Every question of your-support in Punjabi (the language with the most bytes a word): its
    HTML plus the style sheets and scripts it links, as sent. The single style sheet had grown to
    32 KB and made this 52 KB without any test noticing (issue 15)."""
    app = no_csrf_app
    client = started_in(app, "pa")
    questions = app.extensions["easyvoice.surveys"].questionnaires["your-support"].questions
    sizes = {}
    for number in range(1, len(questions) + 1):
        page = client.get(f"/q/{number}")
        assert page.status_code == 200 and '<html lang="pa"' in page.get_data(as_text=True)
        files = _linked(page.get_data(as_text=True))
        assert "/static/css/staff.css" not in files and "/static/css/script-pa.css" in files
        sizes[number] = len(page.data) + sum(len(client.get(url).data) for url in files)
    largest = max(sizes, key=sizes.__getitem__)
    print(f"\nlargest Punjabi question page, whole: /q/{largest} {sizes[largest]} bytes")  # noqa: T201
    assert sizes[largest] < WHOLE_LIMIT, sizes


def test_sheets_and_scripts_are_sent_minified_and_answer_a_conditional_get(no_csrf_app: Flask) -> None:
    from pathlib import Path

    static = Path(no_csrf_app.static_folder or "")
    client = no_csrf_app.test_client()
    for name in ("css/easyvoice.css", "css/staff.css", "js/easyvoice.js", "js/offline.js"):
        source = (static / name).read_bytes()
        sent = client.get(f"/static/{name}")
        assert sent.status_code == 200 and sent.mimetype in ("text/css", "text/javascript"), name
        assert b"/*" not in sent.data and len(sent.data) < 0.8 * len(source), (name, len(sent.data))
        again = client.get(f"/static/{name}", headers={"If-None-Match": sent.headers["ETag"]})
        assert again.status_code == 304, name
    # the rules a page needs are all still there: every selector of the source is in what is sent
    sent_css = client.get("/static/css/easyvoice.css").get_data(as_text=True)
    for selector in (".card-check input", ".speak.playing", "body.contrast-high", '[dir="rtl"] .speak-icon'):
        assert selector.replace(" ", "") in sent_css.replace(" ", ""), selector
    assert client.get("/static/css/no-such.css").status_code == 404
    assert client.get("/static/../config.py").status_code == 404


def test_indentation_goes_but_a_box_s_words_stay_as_typed() -> None:
    from app.respond.page_cache import without_indentation

    box = '<textarea name="text">\n  line one\n    <b>two</textarea>'
    html = f"<div>\n    <p>Hello\n      there</p>\n\n   {box}\n  </div>"
    assert without_indentation(html) == f"<div>\n<p>Hello\n      there</p>\n{box}\n</div>"
