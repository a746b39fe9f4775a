"""The public easy-read PDF is made once per published content, and one address cannot keep a
worker busy making it (issue 9, items 8 and 11: it was computed live on every request, with no
limit)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from flask import Flask
from helpers.app import add_users
from helpers.pdf import flat, inked_share, page_pictures, pdf_info, pdf_pages_text, raw_objects
from helpers.world import build_world
from sqlalchemy import select

from app.assessments.workflow import figure_snapshot
from app.db import db
from app.demo.responses import add_responses
from app.models import Organisation, SelfAssessment, utcnow
from app.public.views import PDFS_PER_WINDOW
from app.reports import told_us
from app.reports.figures import question_figures


def test_the_public_pdf_is_made_once_and_then_kept(app: Flask) -> None:
    add_users(app)
    world = build_world(app)
    url = f"/published/demo/{world['published_id']}/report.pdf"
    told_us._PUBLISHED_PDFS.clear()
    first = app.test_client().get(url)
    assert first.status_code == 200 and first.data.startswith(b"%PDF")
    assert len(told_us._PUBLISHED_PDFS) == 1
    kept = next(iter(told_us._PUBLISHED_PDFS.values()))
    second = app.test_client().get(url)
    assert second.data == first.data == kept
    assert len(told_us._PUBLISHED_PDFS) == 1  # nothing new was made


def test_one_address_gets_a_limited_number_of_public_pdfs(app: Flask) -> None:
    add_users(app)
    world = build_world(app)
    url = f"/published/demo/{world['published_id']}/report.pdf"
    reader = app.test_client()
    for _ in range(PDFS_PER_WINDOW):
        assert reader.get(url).status_code == 200
    refused = reader.get(url)
    assert refused.status_code == 429
    assert "Error code: 429" in refused.get_data(as_text=True)
    other = app.test_client()
    assert other.get(url, environ_base={"REMOTE_ADDR": "127.0.0.9"}).status_code == 200  # not held up


def test_the_public_pdf_has_the_published_figures_as_tagged_text(app: Flask, tmp_path: Path) -> None:
    """Issue 10, item 14: the public report is real, tagged text, made from the published snapshot
    only: every published question (choose-one ones too), its shown figures, whole sentences."""
    forms = app.extensions["easyvoice.surveys"].questionnaires
    year = utcnow().year - 1
    with app.test_request_context():
        org = db.session.scalar(select(Organisation).where(Organisation.slug == "demo"))
        add_responses(db.session, org, forms.values(), 300, now=datetime(year, 12, 31, tzinfo=UTC))
        chosen = {"your-support": forms["your-support"]}
        figures = question_figures(db.session, org.id, org.suppression_threshold, year, chosen)
        picked = [f for f in figures if f.question.id in ("listened", "choose_food", "safe_home", "better")]
        snapshot = {
            "period": year,
            "sections": {
                "duq:1": {
                    "statement": "We ask people what they want.",
                    "figures": [figure_snapshot(f) for f in picked],
                    "actions": [
                        {
                            "what": "Ask about food every month",
                            "who": "Manager",
                            "by_when": f"{year + 1}-03-01",
                            "status": "open",
                            "outcome": None,
                        }
                    ],
                }
            },
            "took_part": {"value": 88, "label": "88"},
        }
        item = SelfAssessment(
            organisation_id=org.id, period=year, status="published", published_at=utcnow(), snapshot=snapshot
        )
        db.session.add(item)
        db.session.commit()
        aid = item.id
    told_us._PUBLISHED_PDFS.clear()
    result = app.test_client().get(f"/published/demo/{aid}/report.pdf")
    assert result.status_code == 200 and result.data.startswith(b"%PDF")
    info = pdf_info(result.data, tmp_path)
    assert info["Tagged"] == "yes" and info["Title"] == f"What people told us: Demo Care - {year}"
    assert b"/Lang (en-GB)" in raw_objects(result.data)
    assert len(result.data) < 300_000
    text = flat(" ".join(pdf_pages_text(result.data, tmp_path)))
    assert f"88 people took part in {year}." in text and "Ask about food every month" in text
    hidden = 0
    for figure in picked:
        assert f"We asked: {figure.question.text}" in text, figure.question.id  # choose-one too
        for option in figure.question.choices:
            cell = figure.overall.cells[option.value]
            if cell.value is None:
                hidden += 1
                continue
            count = "1 person" if cell.value == 1 else f"{cell.value} people"
            assert f"{option.text} {count}" in text, (figure.question.id, option.value)
    assert hidden and ("Fewer than 5 people" in text or "Not shown" in text)
    assert "fewer than" not in text and "not shown people" not in text.lower()
    assert "Who chooses what you do each day?" not in text  # not published, so not in it
    for page in page_pictures(result.data, tmp_path / "png"):
        assert inked_share(page) > 0.005, f"{page.name} is blank"
