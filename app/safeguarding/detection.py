"""Detection: which answers are safeguarding signals (worrying options, concern words in free text)."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import ConcernWord

#: Words and phrases that raise an alert in free text (an organisation adds its own).
CONCERN_WORDS = (
    "hurt",
    "hurts",
    "hurting",
    "hit",
    "hits",
    "hitting",
    "kick",
    "kicked",
    "slap",
    "slapped",
    "punch",
    "punched",
    "pushed",
    "scared",
    "afraid",
    "frightened",
    "shout",
    "shouts",
    "shouted",
    "shouting",
    "touch",
    "touched",
    "touches",
    "touching",
    "money taken",
    "took my money",
    "takes my money",
    "locked in",
    "locked me",
    "bruise",
    "bruises",
    "abuse",
    "abused",
    "unsafe",
    "not safe",
    "bully",
    "bullied",
    "threaten",
    "threatened",
    "no food",
    "hungry",
)


def concern_words(db: Session, organisation_id: int) -> list[str]:
    extra = db.scalars(select(ConcernWord.word).where(ConcernWord.organisation_id == organisation_id))
    return sorted({*CONCERN_WORDS, *extra})


def matches(text: str, words: list[str]) -> list[str]:
    """The concern words found in ``text``, as whole words, ignoring case."""
    lowered = " ".join(text.lower().split())
    return [w for w in words if re.search(r"(?<![a-z])" + re.escape(w) + r"(?![a-z])", lowered)]
