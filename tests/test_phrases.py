"""The fixed respondent texts follow the easy-read rules too, and every one can be heard."""

from __future__ import annotations

import pytest

from app.easyread.phrases import PHRASES, all_texts
from app.easyread.text import check_easy_read


@pytest.mark.parametrize("name", sorted(PHRASES))
def test_phrase_is_easy_read(name: str) -> None:
    assert check_easy_read(PHRASES[name]) == []


def test_answer_card_words_are_short() -> None:
    for text in all_texts()[len(PHRASES):]:
        assert len(text.split()) <= 2, text
