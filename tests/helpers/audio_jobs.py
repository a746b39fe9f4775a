"""The audio queue's jobs and store as the audio worker tests look at them."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from app.db import db
from app.easyread.audio import AudioStore, text_key
from app.models import AudioJob

THINGS = (
    "garden", "kitchen", "bus", "music", "dog", "walk", "tea", "park", "shop", "bath", "film", "cake",
    "swim", "bike", "art", "game", "book", "radio", "lunch", "rain", "beach", "farm", "bed", "hat",
    "cat", "song", "zoo", "ball", "boat", "sun",
)  # fmt: skip
#: texts of a "newly published" questionnaire: none of them is in any store yet
NEW_TEXTS = [f"Do you like the {thing} here?" for thing in THINGS]


def jobs(app: Flask) -> list[AudioJob]:
    with app.app_context():
        found = list(db.session.scalars(select(AudioJob).order_by(AudioJob.id)))
        db.session.expunge_all()  # kept as read, for the test to look at after the session ends
        db.session.rollback()
        return found


def assert_built(app: Flask, locale: str, texts: list[str]) -> None:
    store = AudioStore(app.config["AUDIO_DIR"])
    index = json.loads((Path(app.config["AUDIO_DIR"]) / "index.json").read_text())
    for text in texts:
        name = store.lookup(locale, text)
        assert name and index[text_key(locale, text)] == name, text
        path = store.path(name)
        assert path is not None and path.stat().st_size > 44, text
        assert path.read_bytes().startswith(b"OggS")
