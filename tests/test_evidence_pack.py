"""The evidence pack's index.html comes from the report templates (issue 10, item 14): the same
headings as before, each figure as a table of answer words and counts in words (never a raw key or
a hidden count), the picked quote, and never a held-back one."""

from __future__ import annotations

import re

from flask import Flask
from helpers.app import add_users
from helpers.pack import HEADINGS, HELD_BACK, SAFE_QUOTE, evidence_pack, text_of


def test_the_pack_page_has_its_headings_figures_in_words_and_no_held_back_quote(app: Flask) -> None:
    add_users(app)
    pack = evidence_pack(app)
    html, text = pack.html, text_of(pack.html)
    assert re.search(r'<html lang="en-GB" dir="ltr">', html)
    assert re.findall(r"<h2>(.*?)</h2>", html) == list(HEADINGS)
    assert f"({pack.ref})" in re.search(r"<h1>(.*?)</h1>", html).group(1)
    assert SAFE_QUOTE in text
    assert HELD_BACK not in html
    assert pack.figures
    for figure in pack.figures:
        assert f"<caption>{figure.question.text}</caption>" in html
        for option in figure.question.choices:
            cell = figure.overall.cells[option.value]
            if cell.value is None:
                words = "Not shown" if cell.secondary else "Fewer than 5 people"
            else:
                words = "1 person" if cell.value == 1 else f"{cell.value} people"
            assert f"{option.text} {words}" in text, (figure.key, option.value)
        assert "I don't know" in text  # the "not an answer" rows are there, in words
    assert "fewer than" not in text and "dont_know" not in text
