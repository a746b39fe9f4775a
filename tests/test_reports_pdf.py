"""The easy-read PDF "What people told us": real pages, converted back to PNG with pdftoppm and checked
for symbols, bars and print-size type; it ends with "What we will do"."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import select

from app.assessments import workflow as service
from app.audit import Actor
from app.db import db
from app.models import AuditEvent, Organisation, User, utcnow
from app.reports.demo_data import add_responses
from app.reports.pdf import BAR, BODY_PT, DPI, HEADING_PT, Pages, px
from app.reports.told_us import build, report_pdf
from conftest import add_users, make_app, sign_in_as

FACE_YELLOW = (252, 234, 43)  # OpenMoji's face colour


@pytest.fixture
def report_app(tmp_path: Path) -> Flask:
    app = make_app(tmp_path)
    with app.app_context():
        org = db.session.scalar(select(Organisation).where(Organisation.slug == "demo"))
        add_responses(db.session, org, app.extensions["easyvoice.surveys"].questionnaires.values(), 400)
        db.session.commit()
    add_users(app)
    return app


def count_near(pixels: np.ndarray, colour: tuple[int, int, int], slack: int = 40) -> int:
    return int((np.abs(pixels.astype(int) - np.array(colour)) <= slack).all(axis=-1).sum())


def to_png(pdf: bytes, folder: Path) -> list[Path]:
    assert shutil.which("pdftoppm"), "pdftoppm is missing: apt-get install poppler-utils"
    source = folder / "report.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(source), str(folder / "page")], check=True)
    return sorted(folder.glob("page-*.png"))


def test_pdf_pages_have_symbols_bars_and_large_type(report_app: Flask, tmp_path: Path) -> None:
    with report_app.test_request_context():
        org = db.session.scalar(select(Organisation).where(Organisation.slug == "demo"))
        lead = db.session.scalar(select(User).where(User.email == "quality_lead@demo.example"))
        draft = service.start(db.session, org.id, utcnow().year, ["duq:1"], lead, Actor())
        service.add_action(
            db.session,
            draft,
            "duq:1",
            "We will plan more trips out",
            "Manager",
            date(utcnow().year + 1, 6, 30),
            Actor(),
        )
        forms = report_app.extensions["easyvoice.surveys"].questionnaires
        report = build(db.session, org, utcnow().year, forms)
        pdf = report_pdf(db.session, org, utcnow().year, forms, Path(report_app.config["ASSETS_DIR"]))
    assert pdf.startswith(b"%PDF")
    assert report.plan_title == "What we will do"
    assert ("idea", "We will plan more trips out") in report.plan
    assert report.findings and all(f.bars for f in report.findings)
    pages = to_png(pdf, tmp_path)
    assert 3 <= len(pages) <= 24  # easy-read documents stay short
    for path in pages:
        with Image.open(path) as page:
            pixels = np.asarray(page.convert("RGB"))
        inked = int((pixels.astype(int).sum(axis=-1) < 600).sum())
        assert inked > pixels.shape[0] * pixels.shape[1] * 0.005, f"{path.name} is blank"
    with Image.open(pages[1]) as page:  # a page of findings: faces and bars
        colours = np.asarray(page.convert("RGB"))
    assert count_near(colours, FACE_YELLOW) > 200, "no face symbols drawn"
    assert count_near(colours, BAR, 20) > 200, "no bars drawn"
    # type size: body and headings are at least 20 pt at the page's resolution
    fonts = Pages(Path(report_app.config["ASSETS_DIR"]), "")
    assert BODY_PT >= 20 and HEADING_PT >= 20
    assert fonts.body.size == px(BODY_PT) >= round(20 * DPI / 72)
    assert fonts.small.size >= round(20 * DPI / 72)


def test_fonts_ship_with_their_licence() -> None:
    fonts = Path(__file__).resolve().parent.parent / "easyread_assets" / "fonts"
    assert (fonts / "DejaVuSans.ttf").is_file() and (fonts / "DejaVuSans-Bold.ttf").is_file()
    assert "Bitstream" in (fonts / "LICENSE.txt").read_text()


def test_pdf_download_is_audited_and_refuses_unknown_groups(report_app: Flask) -> None:
    client = report_app.test_client()
    sign_in_as(client, "viewer@demo.example")
    result = client.get("/provider/download/what-people-told-us.pdf?group=family")
    assert result.status_code == 200 and result.data.startswith(b"%PDF")
    assert client.get("/provider/download/what-people-told-us.pdf?group=staff").status_code == 400
    assert client.get("/provider/download/what-people-told-us.pdf?year=abc").status_code == 400
    with report_app.app_context():
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export.report_pdf"))
