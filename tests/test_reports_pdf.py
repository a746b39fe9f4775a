"""The easy-read PDF "What people told us" has real text (issue 10, item 14).

Made by the staff download from 400 demo responses, then read back the way its readers meet it:
pdftotext must give every question and every shown figure, in whole sentences, and never a hidden
count; pdfinfo must say it is tagged, titled and A4; every page drawn by pdftoppm has ink, the
pictures on the left and the words (22 pt) on the right; and it stays under 300 KB.
"""

from __future__ import annotations

import re
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from helpers.app import add_users, make_app, sign_in_as
from helpers.pdf import (
    count_near,
    flat,
    inked_share,
    page_pictures,
    pdf_info,
    pdf_pages_text,
    pdf_words,
    raw_objects,
)
from sqlalchemy import select

from app.assessments import workflow as service
from app.audit import Actor
from app.db import db
from app.demo.responses import add_responses
from app.models import AuditEvent, Organisation, User, utcnow
from app.reports.figures import participation, question_figures, start_of_day

FACE_YELLOW = (252, 234, 43)  # OpenMoji's face colour
BAR_BLUE = (11, 61, 145)
ACTION = "We will plan more trips out"


def people(n: int) -> str:
    return "1 person" if n == 1 else f"{n} people"


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The staff PDF of 400 demo responses, and the figures it must show (made once: it is slow)."""
    app = make_app(tmp_path_factory.mktemp("pdf-app"))
    forms = app.extensions["easyvoice.surveys"].questionnaires
    year = utcnow().year
    with app.app_context():
        org = db.session.scalar(select(Organisation).where(Organisation.slug == "demo"))
        add_responses(db.session, org, forms.values(), 400)
        db.session.commit()
    add_users(app)
    with app.test_request_context():
        org = db.session.scalar(select(Organisation).where(Organisation.slug == "demo"))
        lead = db.session.scalar(select(User).where(User.email == "quality_lead@demo.example"))
        draft = service.start(db.session, org.id, year, ["duq:1"], lead, Actor())
        service.add_action(db.session, draft, "duq:1", ACTION, "Manager", date(year + 1, 6, 30), Actor())
        db.session.commit()
    client = app.test_client()
    sign_in_as(client, "viewer@demo.example")
    started = time.perf_counter()
    result = client.get("/provider/download/what-people-told-us.pdf")
    seconds = time.perf_counter() - started
    assert result.status_code == 200 and result.data.startswith(b"%PDF")
    chosen = {slug: q for slug, q in forms.items() if q.audience == "person_supported"}
    with app.test_request_context():
        org = db.session.scalar(select(Organisation).where(Organisation.slug == "demo"))
        as_of = start_of_day(utcnow(), app.config["BABEL_DEFAULT_TIMEZONE"])
        figures = question_figures(db.session, org.id, org.suppression_threshold, year, chosen, as_of=as_of)
        grid, _ = participation(
            db.session, org.id, org.suppression_threshold, year, list(chosen), as_of=as_of
        )
        threshold = org.suppression_threshold
        audited = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export.report_pdf"))
    print(f"\nstaff PDF: {len(result.data)} bytes in {seconds:.2f} s")  # noqa: T201 - the measurement
    return {
        "pdf": result.data,
        "figures": figures,
        "took_part": grid.total,
        "threshold": threshold,
        "year": year,
        "audited": audited is not None,
        "questions": [q for form in chosen.values() for q in form.questions],
        "folder": tmp_path_factory.mktemp("pdf-read"),
    }


def test_every_question_and_every_shown_figure_is_in_the_text(made: dict[str, Any]) -> None:
    text = flat(" ".join(pdf_pages_text(made["pdf"], made["folder"])))
    assert made["questions"] and len(made["questions"]) == len(made["figures"])
    for question in made["questions"]:  # all of them: choose-one, choose-many and free text too
        assert f"We asked: {question.text}" in text, question.id
    took_part = made["took_part"]
    assert took_part.value is not None and f"{people(took_part.value)} took part in {made['year']}." in text
    shown = 0
    for figure in made["figures"]:
        question, cells = figure.question, figure.overall.cells
        for option in question.choices:  # each answer's words, then its count in words
            if cells[option.value].value is not None:
                assert f"{option.text} {people(cells[option.value].value)}" in text, (question.id, option)
                shown += 1
        total = figure.overall.total
        if question.type in ("faces", "yes_no", "choose_one") and total.value is not None:
            assert f"{people(total.value)} answered." in text, question.id
        know = cells["dont_know"]
        if know.value is not None:
            assert f"{people(know.value)} said they did not know." in text, question.id
        if question.type == "free_text" and cells["text"].value is not None:
            assert f"{people(cells['text'].value)} wrote an answer." in text
    # most answers' counts are shown (and so checked above): yes / no has 2 cards now, not 3
    options = sum(len(figure.question.choices) for figure in made["figures"])
    assert shown > options // 2, (shown, options)
    assert "What we will do" in text and ACTION in text


def test_small_numbers_are_whole_sentences_and_never_a_hidden_count(made: dict[str, Any]) -> None:
    pages = pdf_pages_text(made["pdf"], made["folder"])
    text = flat(" ".join(pages))
    hidden = [
        (f.question, column)
        for f in made["figures"]
        for column, cell in f.overall.cells.items()
        if cell.value is None
    ]
    assert hidden, "the demo data has small numbers to hide"
    threshold = made["threshold"]
    assert f"Fewer than {threshold} people" in text
    assert "fewer than" not in text  # every "Fewer than 5 people ..." starts with a capital
    assert "not shown people" not in text.lower()
    for sentence in re.split(r"(?<=[.?!:]) ", text):
        assert not sentence[:1].islower(), sentence
    # Every number printed is a shown figure, the threshold, the year, or a page's number.
    allowed = {made["threshold"], made["year"], made["year"] + 1, 1, 30, made["took_part"].value}
    for figure in made["figures"]:
        allowed |= {c.value for c in figure.overall.cells.values() if c.value is not None}
        allowed |= {figure.overall.total.value} if figure.overall.total.value is not None else set()
    for number, page in enumerate(pages, start=1):
        lines = page.strip().splitlines()
        assert lines and lines[-1].strip() == str(number)  # the page number, bottom right
        printed = {int(n) for n in re.findall(r"\d+", "\n".join(lines[:-1]))}
        assert printed <= allowed, (number, printed - allowed)


def test_the_pdf_is_tagged_titled_in_english_a4_and_small(made: dict[str, Any]) -> None:
    info = pdf_info(made["pdf"], made["folder"])
    assert info["Tagged"] == "yes"
    assert info["Title"] == f"What people told us: Demo Care - {made['year']}"
    assert "(A4)" in info["Page size"]
    assert 3 <= int(info["Pages"]) <= 30
    assert len(made["pdf"]) < 300_000
    raw = raw_objects(made["pdf"])
    assert b"/Lang (en-GB)" in raw
    assert b"/Alt (Happy face)" in raw  # the symbols carry their alt text
    # real text in the shipped font (easyread_assets/fonts, loaded by @font-face under this name),
    # not whatever sans the machine's fontconfig prefers (DejaVu on one machine, Noto on another)
    fonts = set(re.findall(rb"/BaseFont\s*/[A-Z]{6}\+([\w-]+)", raw))
    assert fonts == {b"EasyVoice-Sans", b"EasyVoice-Sans-Bold"}, fonts
    assert b"pdfuaid:part" in raw  # declared PDF/UA-1


def test_every_page_has_ink_pictures_on_the_left_and_large_words(made: dict[str, Any]) -> None:
    pictures = page_pictures(made["pdf"], made["folder"] / "png")
    assert pictures
    for path in pictures:
        assert inked_share(path) > 0.005, f"{path.name} is blank"
    assert count_near(pictures[1], FACE_YELLOW) > 100, "no face symbols drawn"
    assert count_near(pictures[1], BAR_BLUE, 20) > 100, "no bars drawn"
    words = pdf_words(made["pdf"], made["folder"])
    # DejaVu Sans' boxes are 1.16 em tall: 20 pt type gives 23 pt boxes; body text is 22 pt
    assert min(w.height for w in words) >= 23
    body = sorted(w.height for w in words)[len(words) // 2]
    assert body >= 25  # 22 pt
    # "We asked: ..." stands right of its picture: the words begin past a 30 mm picture column
    asked = [w for w in words if w.text == "asked:"]
    assert asked and min(w.x_min for w in asked) > 45 + 85
    left_margin = min(w.x_min for w in words)
    assert left_margin < 50  # tables and titles use the whole width


def test_fonts_ship_with_their_licence() -> None:
    fonts = Path(__file__).resolve().parent.parent / "easyread_assets" / "fonts"
    assert (fonts / "DejaVuSans.ttf").is_file() and (fonts / "DejaVuSans-Bold.ttf").is_file()
    assert "Bitstream" in (fonts / "LICENSE.txt").read_text()


def test_pdf_download_is_audited_and_refuses_unknown_groups(made: dict[str, Any], tmp_path: Path) -> None:
    assert made["audited"]
    app: Flask = make_app(tmp_path)
    add_users(app)
    client = app.test_client()
    sign_in_as(client, "viewer@demo.example")
    result = client.get("/provider/download/what-people-told-us.pdf?group=family")
    assert result.status_code == 200 and result.data.startswith(b"%PDF")
    text = flat(" ".join(pdf_pages_text(result.data, tmp_path)))
    family = app.extensions["easyvoice.surveys"].questionnaires["family-support"]
    for question in family.questions:
        assert f"We asked: {question.text}" in text, question.id
    assert client.get("/provider/download/what-people-told-us.pdf?group=staff").status_code == 400
    assert client.get("/provider/download/what-people-told-us.pdf?year=abc").status_code == 400
