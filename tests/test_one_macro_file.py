"""One macro file draws every question and card (macros/easyread.html): no page draws a card of
its own, and no template outside macros/ defines a macro that does."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "app" / "templates"
#: the class "card" itself (a card), not "cards" (a row of them) or "card-text" (a card's part)
CARD = re.compile(r'class="(?:[^"]*\s)?card(?=[\s"{])')
MACRO = re.compile(r"{%-?\s*macro\s+(\w+).*?{%-?\s*endmacro", re.S)


def test_the_macro_file_draws_the_cards() -> None:
    macros = (TEMPLATES / "macros" / "easyread.html").read_text(encoding="utf-8")
    drawn = {
        name
        for name, body in re.findall(r"{%-?\s*macro\s+(\w+)(.*?)endmacro", macros, re.S)
        if CARD.search(body)
    }
    assert {"answer_button", "action_card", "radio_card", "check_card", "link_card"} <= drawn


def test_no_page_draws_a_card_of_its_own() -> None:
    pages = [path for path in sorted(TEMPLATES.rglob("*.html")) if path.parent.name != "macros"]
    assert len(pages) > 50
    found = {
        str(path.relative_to(TEMPLATES)): len(CARD.findall(path.read_text(encoding="utf-8")))
        for path in pages
        if CARD.search(path.read_text(encoding="utf-8"))
    }
    assert found == {}


def test_no_macro_outside_the_macro_file_draws_a_card() -> None:
    found = [
        f"{path.relative_to(TEMPLATES)}: {match.group(1)}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        if path.parent.name != "macros"
        for match in MACRO.finditer(path.read_text(encoding="utf-8"))
        if CARD.search(match.group(0))
    ]
    assert found == []


def test_the_card_pattern_tells_a_card_from_its_parts() -> None:
    assert CARD.search('<a class="card card-wide" href="/">')
    assert CARD.search('<button class="x card">')
    assert CARD.search('<button class="card{% if chosen %} chosen{% endif %}">')
    assert not CARD.search('<div class="cards cards-2">')
    assert not CARD.search('<span class="card-text">')
