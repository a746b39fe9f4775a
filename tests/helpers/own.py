"""An organisation's own questionnaire in tests: the checks a draft passes, and a copy of a template."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import select

from app.audit import Actor
from app.db import db
from app.easyread.pictures import load_symbol_index
from app.models import Organisation
from app.questionnaires import own


def draft_checks(app: Flask, pictures: frozenset[str] = frozenset()) -> own.Checks:
    symbols = set(load_symbol_index(Path(app.config["ASSETS_DIR"]) / "symbols" / "index.json"))
    return own.checks_for(app.extensions["easyvoice.surveys"], symbols, pictures=pictures)


def copy_template(app: Flask, text: str | None = None, template: str = "your-support") -> int:
    """A copy of ``template`` for the demo organisation (its draft changed to ``text``: '{slug}' in
    it is the copy's id); its id."""
    with app.app_context():
        demo = db.session.scalars(select(Organisation).where(Organisation.slug == "demo")).one()
        checks = draft_checks(app)
        copy = own.make_copy(
            db.session,
            Actor(),
            demo.id,
            app.extensions["easyvoice.surveys"],
            template,
            app.config["SURVEYS_DIR"],
            checks,
        )
        if text is not None:
            assert own.save_draft(db.session, Actor(), copy, text.format(slug=copy.slug), checks) is None
        db.session.commit()
        return copy.id
