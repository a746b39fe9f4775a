"""Languages in tests: a small catalog of a few strings, and an organisation offering languages."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import write_po
from flask import Flask
from sqlalchemy import select

from app.db import db
from app.models import Organisation


def add_catalog(directory: Path, locale: str, messages: dict[str, str]) -> None:
    catalog = Catalog(locale=locale)
    for msgid, msgstr in messages.items():
        catalog.add(msgid, msgstr)
    target = directory / locale / "LC_MESSAGES"
    target.mkdir(parents=True)
    with open(target / "messages.po", "wb") as po:
        write_po(po, catalog)
    with open(target / "messages.mo", "wb") as mo:
        write_mo(mo, catalog)


def offer_languages(app: Flask, codes: str, organisation: str = "demo") -> None:
    """The organisation's tablets offer these languages besides English (its admin's choice)."""
    with app.app_context():
        org = db.session.scalars(select(Organisation).where(Organisation.slug == organisation)).one()
        org.languages = codes
        db.session.commit()
