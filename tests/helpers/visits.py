"""Visits made as an expert makes them (through the pages): observe, finish. For the busy-pages
tests (issue 10, item 13) and any test that needs a visit with something seen."""

from __future__ import annotations

from datetime import date

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.db import db
from app.models import Visit
from helpers.app import submission_id

from .world import open_visit, token

#: the expert's checklist (surveys/observations.yaml): question id -> its number on the checklist
CHECKLIST = {
    "friendly": 1,
    "kind_staff": 2,
    "choose": 3,
    "clean": 4,
    "busy_day": 5,
    "families": 6,
    "manager": 7,
    "safe": 8,
    "worried": 9,
}


def observe(client: FlaskClient, visit_id: int, question: str, answer: str, note: str = "") -> None:
    """The expert taps ``answer`` for the checklist ``question`` (with ``note``)."""
    url = f"/visits/{visit_id}/observations/{CHECKLIST[question]}"
    page = client.get(url).get_data(as_text=True)
    sent = client.post(
        url,
        data={
            "csrf_token": token(page),
            "submission_id": submission_id(page),
            "question": question,
            "answer": answer,
            "note": note,
        },
    )
    assert sent.status_code == 302, sent.get_data(as_text=True)[:500]


def finish(client: FlaskClient, visit_id: int) -> None:
    page = client.get(f"/visits/{visit_id}/finish").get_data(as_text=True)
    sent = client.post(f"/visits/{visit_id}/close", data={"csrf_token": token(page), "confirm": "yes"})
    assert sent.status_code == 302


def visit_seen(app: Flask, expert: FlaskClient, seen: dict[str, str], when: date | None = None) -> int:
    """A visit to Oak House where the expert saw ``seen`` (question -> answer), then finished it;
    dated ``when`` (default today). Its id."""
    visit_id = open_visit(app, expert)
    for question, answer in seen.items():
        observe(expert, visit_id, question, answer)
    finish(expert, visit_id)
    if when is not None:
        with app.app_context():
            db.session.scalars(select(Visit).where(Visit.id == visit_id)).one().visit_date = when
            db.session.commit()
    return visit_id
