"""The fixed respondent texts follow the easy-read rules too, and every one can be heard."""

from __future__ import annotations

import pytest
from helpers.app import ROOT

from app.easyread.phrases import CARD_TEXTS, CONSENT_TEXTS, PHRASES, all_texts
from app.easyread.pictures import load_symbol_index
from app.easyread.text import check_easy_read
from app.questionnaires.schema import default_lines


@pytest.mark.parametrize("name", sorted(PHRASES))
def test_phrase_is_easy_read(name: str) -> None:
    assert check_easy_read(PHRASES[name]) == []


def test_answer_card_words_are_short() -> None:
    assert CARD_TEXTS and set(CARD_TEXTS) <= set(all_texts())
    for text in CARD_TEXTS:
        assert len(text.split()) <= 2, text


@pytest.mark.parametrize("line", default_lines(), ids=lambda line: line.text[:30])
def test_shared_consent_lines_are_easy_read_with_a_known_symbol(line) -> None:
    """The consent page's shared lines (defaults and rights) follow the rules and can be heard."""
    assert check_easy_read(line.text) == []
    assert line.symbol in load_symbol_index(ROOT / "easyread_assets" / "symbols" / "index.json")
    assert line.text in CONSENT_TEXTS and line.text in all_texts()
