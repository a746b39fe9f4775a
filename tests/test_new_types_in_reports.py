"""Reports follow the new question types (issue 12): with 200 demo responses to a questionnaire
with a 5-face scale, a number, "None of these" and a question not always asked, the dashboard,
the summary CSV, the raw CSV and the easy-read PDF are made; bands and faces are labelled;
"not asked" is counted nowhere; no single number is shown where a band is meant."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from flask import Flask
from helpers.app import add_users, make_app, sign_in_as
from helpers.surveys import DAY, surveys_with
from sqlalchemy import select

from app.db import db
from app.demo.responses import add_responses
from app.models import Organisation

BANDS = ["16\u201317", "18\u201329", "30\u201349", "50\u201364", "65\u2013100"]


@pytest.fixture
def busy_app(tmp_path: Path) -> Flask:
    app = make_app(tmp_path, SURVEYS_DIR=str(surveys_with(tmp_path, DAY)))
    with app.app_context():
        org = db.session.scalars(select(Organisation).where(Organisation.slug == "demo")).one()
        add_responses(
            db.session, org, [app.extensions["easyvoice.surveys"].questionnaires["day-and-work"]], 200
        )
        db.session.commit()
    add_users(app)
    return app


def test_the_dashboard_and_downloads_handle_the_new_types(busy_app: Flask) -> None:
    client = busy_app.test_client()
    assert sign_in_as(client, "quality_lead@demo.example").status_code == 302
    assert "Your day" in client.get("/provider/").get_data(as_text=True)
    page = client.get("/provider/questionnaire/day-and-work")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "How old are you?" in html and "Do you like the garden?" in html
    assert all(band in html for band in BANDS)
    assert "Very happy" in html and "Very sad" in html
    assert "not_asked" not in html and "Not asked" not in html

    summary = client.get("/provider/download/summary.csv")
    assert summary.status_code == 200
    rows = list(csv.reader(io.StringIO(summary.get_data(as_text=True))))
    text = "\n".join(",".join(row) for row in rows)
    assert "How old are you?" in text and "18\u201329" in text and "Very sad" in text
    assert "not_asked" not in text

    raw = client.get("/provider/download/answers.csv")
    assert raw.status_code == 200
    lines = list(csv.DictReader(io.StringIO(raw.get_data(as_text=True))))
    ages = [line for line in lines if line["question"] == "age" and line["answer_kind"] == "number"]
    assert ages and all(line["text"].isdigit() for line in ages)  # the number as given
    kinds = {line["answer_kind"] for line in lines if line["question"] == "like_work"}
    assert {"not_asked", "option"} <= kinds  # kept apart from skipped in the raw data

    pdf = client.get("/provider/download/what-people-told-us.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
