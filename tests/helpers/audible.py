"""Is every word a respondent can see also something they can hear?

``visible_texts(html)`` lists the text blocks of a page's ``<main>`` as a person sees them (each
run of text between tags, spaces collapsed), leaving out what is not shown (``hidden``, the
visually-hidden class, scripts) and the read-aloud buttons' own "Listen" labels.
``unheard(html, spoken)`` is the blocks that are not in ``spoken``: the texts the audio build
speaks (app/cli.py spoken_texts, for one language). Use it on any respondent page.
"""

from __future__ import annotations

from collections.abc import Iterable
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _MainText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []  # for each open element: is its text left out?
        self.in_main = False
        self.blocks: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        found = dict(attrs)
        classes = (found.get("class") or "").split()
        left_out = (
            "hidden" in found
            or "visually-hidden" in classes
            or "speak" in classes  # a Listen button: its label is not a text to hear
            or tag in ("script", "style", "template", "noscript")
        )
        if tag == "main":
            self.in_main = True
        self.stack.append(left_out or bool(self.stack and self.stack[-1]))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if tag == "main":
            self.in_main = False
        if self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if text and self.in_main and not (self.stack and self.stack[-1]):
            self.blocks.append(text)


def visible_texts(html: str) -> list[str]:
    """The text blocks a person sees in the page's ``<main>``, in order."""
    parser = _MainText()
    parser.feed(html)
    parser.close()
    return parser.blocks


def unheard(html: str, spoken: Iterable[str]) -> list[str]:
    """The visible text blocks of ``html`` that the audio build does not speak."""
    known = {" ".join(text.split()) for text in spoken}
    return [text for text in visible_texts(html) if text not in known]
