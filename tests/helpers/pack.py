"""An evidence pack with figures, a quote that may go in and one that must be held back."""

from __future__ import annotations

import html as markup
import io
import re
import zipfile
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import select

from app.db import db
from app.demo.responses import add_responses
from app.models import Answer, Organisation, PickedQuote, SelfAssessment, User, utcnow
from app.reports.figures import question_figures

from .world import build_world, signed_in

SAFE_QUOTE = "I like going to the park with my friends"
HELD_BACK = "Someone hurt me at night"  # an answer beside a safeguarding alert
HEADINGS = (
    "What we say",
    "What people told us",
    "Quotes we picked",
    "What Experts by Experience said",
    "What we will do",
)


@dataclass
class Pack:
    html: str
    ref: str
    figures: list  # QuestionFigures of the chosen evidence questions


def text_of(html: str) -> str:
    """The page's words, tags taken out, white space made single."""
    return re.sub(r"\s+", " ", markup.unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def evidence_pack(app: Flask) -> Pack:
    """A draft's pack (through the provider's download) with 3 evidence questions and 2 picked
    quotes: one safe, one beside an alert (held back)."""
    world = build_world(app)
    forms = app.extensions["easyvoice.surveys"].questionnaires
    with app.test_request_context():
        org = db.session.scalar(select(Organisation).where(Organisation.slug == "demo"))
        add_responses(db.session, org, forms.values(), 250)
        draft = db.session.get(SelfAssessment, world["assessment_id"])
        ref = world["ref"]
        entry = draft.entry(ref)
        section = {
            f.key: f for f in question_figures(db.session, org.id, 5, draft.period, forms, section=ref)
        }
        keys = [k for k in section if k.startswith("your-support:")][:3]
        assert keys, "no question of this section to show"
        entry.evidence_questions = keys
        lead = db.session.scalar(select(User).where(User.email == "quality_lead@demo.example"))
        for words in (SAFE_QUOTE, HELD_BACK):
            answer = db.session.scalars(select(Answer).where(Answer.text == words)).first()
            entry.quotes.append(
                PickedQuote(
                    answer_id=answer.id,
                    text=words,
                    picked_by_id=lead.id,
                    confirmed_by_id=lead.id,
                    confirmed_at=utcnow(),
                )
            )
        db.session.commit()
    client = signed_in(app, "quality_lead@demo.example")
    result = client.get(f"/provider/assessments/{world['assessment_id']}/pack/{ref}.zip")
    assert result.status_code == 200
    with zipfile.ZipFile(io.BytesIO(result.data)) as pack:
        html = pack.read("index.html").decode()
    with app.test_request_context():
        org = db.session.scalar(select(Organisation).where(Organisation.slug == "demo"))
        figures = question_figures(db.session, org.id, 5, utcnow().year, forms, section=ref)
    return Pack(html, ref, [f for f in figures if f.key in keys])
