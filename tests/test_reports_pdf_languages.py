"""The easy-read PDF in another language (issue 13, item 6): made with ?lang=, in that language's
words; Urdu right to left (pictures on the right, bars growing from the right) in Noto Nastaliq
Urdu, with DejaVu kept for the Latin letters; Welsh in DejaVu, which has its letters. The staff
page links to the PDF in each language the organisation offers."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
from helpers.app import add_users, make_app, sign_in_as
from helpers.i18n import add_catalog, offer_languages
from helpers.pdf import flat, page_pictures, pdf_info, pdf_pages_text, raw_objects
from PIL import Image
from sqlalchemy import select

from app.db import db
from app.demo.responses import add_responses
from app.models import Organisation

ROOT = Path(__file__).resolve().parent.parent
FACE_YELLOW = (252, 234, 43)  # OpenMoji's face colour
BAR_BLUE = (11, 61, 145)
URDU = {"What people told us": "لوگوں نے ہمیں کیا بتایا", "Happy": "خوش"}
WELSH = {"What people told us": "Beth ddywedodd pobl wrthym ni", "Happy": "Hapus"}


def _columns(path: Path, colour: tuple[int, int, int], slack: int) -> np.ndarray:
    """The x of every pixel of this colour on a page picture, as a share of the page's width."""
    with Image.open(path) as page:
        pixels = np.asarray(page.convert("RGB")).astype(int)
    near = (np.abs(pixels - np.array(colour)) <= slack).all(axis=-1)
    return np.nonzero(near)[1] / pixels.shape[1]


def _bars(path: Path) -> list[tuple[int, int]]:
    """Each bar on a page picture: its leftmost and rightmost pixel columns."""
    with Image.open(path) as page:
        pixels = np.asarray(page.convert("RGB")).astype(int)
    blue = (np.abs(pixels - np.array(BAR_BLUE)) <= 20).all(axis=-1)
    rows: list[list[int]] = []
    for y in np.nonzero(blue.any(axis=1))[0]:
        if rows and y - rows[-1][-1] <= 1:
            rows[-1].append(int(y))
        else:
            rows.append([int(y)])
    spans = [np.nonzero(blue[r].any(axis=0))[0] for r in rows]
    return [(int(x.min()), int(x.max())) for x in spans]


def _fixed_and_moving_ends(pages: list[Path]) -> tuple[int, int]:
    """Over pages with bars of different lengths: how far apart the left ends and the right ends
    lie on the same page (the fixed end is the one a bar grows from)."""
    lefts, rights = 0, 0
    for page in pages:
        bars = _bars(page)
        if len({right - left for left, right in bars}) > 1:
            lefts = max(lefts, max(b[0] for b in bars) - min(b[0] for b in bars))
            rights = max(rights, max(b[1] for b in bars) - min(b[1] for b in bars))
    return lefts, rights


def _app(tmp_path: Path):  # type: ignore[no-untyped-def]
    translations = tmp_path / "translations"
    shutil.copytree(ROOT / "translations", translations, ignore=shutil.ignore_patterns("cy", "pl", "ur"))
    add_catalog(translations, "ur", URDU)
    add_catalog(translations, "cy", WELSH)
    app = make_app(tmp_path, BABEL_TRANSLATION_DIRECTORIES=str(translations))
    add_users(app)
    with app.app_context():
        org = db.session.scalar(select(Organisation).where(Organisation.slug == "demo"))
        add_responses(db.session, org, app.extensions["easyvoice.surveys"].questionnaires.values(), 300)
        db.session.commit()
    return app


def test_the_pdf_in_urdu_and_welsh(tmp_path: Path) -> None:
    app = _app(tmp_path)
    client = app.test_client()
    sign_in_as(client, "viewer@demo.example")

    urdu = client.get("/provider/download/what-people-told-us.pdf?lang=ur")
    assert urdu.status_code == 200 and urdu.data.startswith(b"%PDF")
    raw = raw_objects(urdu.data)
    assert b"/Lang (ur)" in raw
    fonts = set(re.findall(rb"/BaseFont\s*/[A-Z]{6}\+([\w-]+)", raw))
    assert b"EasyVoice-Script" in fonts and b"EasyVoice-Sans" in fonts, fonts
    assert pdf_info(urdu.data, tmp_path / "ur")["Title"].startswith(URDU["What people told us"])
    pages = page_pictures(urdu.data, tmp_path / "ur-png")
    faces = _columns(pages[1], FACE_YELLOW, 40)
    bars = _columns(pages[1], BAR_BLUE, 20)
    assert len(faces) > 100 and len(bars) > 100, "no symbols or bars drawn"
    assert np.median(faces) > 0.75, "the pictures are not on the right"
    lefts, rights = _fixed_and_moving_ends(pages)
    assert rights <= 2 < lefts, "the bars do not grow from the right"

    english = client.get("/provider/download/what-people-told-us.pdf")
    pages = page_pictures(english.data, tmp_path / "en-png")
    assert np.median(_columns(pages[1], FACE_YELLOW, 40)) < 0.25  # pictures on the left in English
    lefts, rights = _fixed_and_moving_ends(pages)
    assert lefts <= 2 < rights  # and bars grow from the left

    welsh = client.get("/provider/download/what-people-told-us.pdf?lang=cy&group=family")
    assert welsh.status_code == 200
    raw = raw_objects(welsh.data)
    assert b"/Lang (cy)" in raw
    assert set(re.findall(rb"/BaseFont\s*/[A-Z]{6}\+([\w-]+)", raw)) == {
        b"EasyVoice-Sans",
        b"EasyVoice-Sans-Bold",
    }
    text = flat(" ".join(pdf_pages_text(welsh.data, tmp_path / "cy")))
    assert WELSH["What people told us"] in text and "What people told us" not in text

    assert client.get("/provider/download/what-people-told-us.pdf?lang=xx").status_code == 400


def test_the_downloads_offer_each_language(tmp_path: Path) -> None:
    app = _app(tmp_path)
    client = app.test_client()
    sign_in_as(client, "viewer@demo.example")
    html = client.get("/provider/").get_data(as_text=True)
    assert "lang=ur" not in html  # the organisation offers English only
    offer_languages(app, "ur cy")
    html = client.get("/provider/").get_data(as_text=True)
    for code, name in (("ur", "اردو"), ("cy", "Cymraeg")):
        link = re.search(
            rf'<a href="[^"]*what-people-told-us.pdf\?[^"]*lang={code}[^"]*"[^>]*>(.*?)</a>', html
        )
        assert link, code
        assert f'lang="{code}"' in link.group(0) and name in link.group(1)
