"""The easy-read report "What people told us", drawn page by page with Pillow and saved as a PDF.

A4 pages at 150 dots per inch. Every finding has its symbol on the left and short sentences on the
right. Answers are drawn as faces (or yes / no symbols) with their counts and a bar; a hidden count
says "fewer than 5" and gets no bar. Body text is 22 pt, headings 32 pt, in DejaVu Sans (shipped in
easyread_assets/fonts with its licence). The report ends with "What we will do".
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

DPI = 150
PAGE = (1240, 1754)  # A4 at 150 dpi
MARGIN = 110
BODY_PT, HEADING_PT, SMALL_PT = 22, 32, 20
INK, PAPER, BAR, BAR_EDGE = (17, 17, 17), (255, 255, 255), (11, 61, 145), (17, 17, 17)


def px(points: float) -> int:
    return round(points * DPI / 72)


@dataclass
class Bar:
    """One answer in a chart: its symbol, its words, its published count (None = hidden)."""

    symbol: str
    text: str
    value: int | None
    label: str


@dataclass
class Finding:
    symbol: str
    sentences: list[str]
    bars: list[Bar]


@dataclass
class Report:
    title: str
    intro: list[tuple[str, str]]  # (symbol, sentence)
    findings: list[Finding]
    plan_title: str
    plan: list[tuple[str, str]]  # (symbol, sentence)
    footer: str


class Pages:
    """A cursor over A4 pages: lines of text, pictures, new pages when the current one is full."""

    def __init__(self, assets: Path, footer: str) -> None:
        fonts = assets / "fonts"
        self.body = ImageFont.truetype(str(fonts / "DejaVuSans.ttf"), px(BODY_PT))
        self.bold = ImageFont.truetype(str(fonts / "DejaVuSans-Bold.ttf"), px(BODY_PT))
        self.heading = ImageFont.truetype(str(fonts / "DejaVuSans-Bold.ttf"), px(HEADING_PT))
        self.small = ImageFont.truetype(str(fonts / "DejaVuSans.ttf"), px(SMALL_PT))
        self.symbols = assets / "symbols" / "png"
        self.footer = footer
        self.pages: list[Image.Image] = []
        self.new_page()

    def new_page(self) -> None:
        self.page = Image.new("RGB", PAGE, PAPER)
        self.draw = ImageDraw.Draw(self.page)
        self.pages.append(self.page)
        self.y = MARGIN
        number = f"{len(self.pages)}"
        self.draw.text((MARGIN, PAGE[1] - MARGIN + 20), self.footer, font=self.small, fill=INK)
        self.draw.text(
            (PAGE[0] - MARGIN, PAGE[1] - MARGIN + 20), number, font=self.small, fill=INK, anchor="ra"
        )

    def room(self, height: int) -> None:
        if self.y + height > PAGE[1] - MARGIN - 20:
            self.new_page()

    def symbol(self, name: str, xy: tuple[int, int], size: int) -> None:
        path = self.symbols / f"{name}.png"
        if not path.is_file():
            path = self.symbols / "information.png"
        with Image.open(path) as raw:
            picture = raw.convert("RGBA").resize((size, size), Image.Resampling.LANCZOS)
        self.page.paste(picture, xy, picture)

    def wrap(self, text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
        lines, line = [], ""
        for word in text.split():
            trial = f"{line} {word}".strip()
            if font.getlength(trial) <= width or not line:
                line = trial
            else:
                lines.append(line)
                line = word
        return lines + ([line] if line else [])

    def line_height(self, font: ImageFont.FreeTypeFont) -> int:
        return round(font.size * 1.25)

    def text_block(self, sentences: list[str], font: ImageFont.FreeTypeFont, x: int, width: int) -> int:
        """Draw sentences (each starts a new line) from the cursor; returns the height used."""
        top = self.y
        for sentence in sentences:
            for line in self.wrap(sentence, font, width):
                self.draw.text((x, self.y), line, font=font, fill=INK)
                self.y += self.line_height(font)
            self.y += 8
        return self.y - top

    def line_block_height(self, sentences: list[str], size: int = 130) -> int:
        width = PAGE[0] - MARGIN - (MARGIN + size + 40)
        lines = sum(len(self.wrap(s, self.body, width)) for s in sentences)
        return max(size, lines * self.line_height(self.body) + 8 * len(sentences)) + 30

    def line(self, symbol: str, sentences: list[str], size: int = 130, keep_with: int = 0) -> None:
        """An easy-read line: the symbol on the left, the words on the right.

        ``keep_with``: the height of what must stay on the same page after it (e.g. its chart).
        """
        font = self.body
        x = MARGIN + size + 40
        width = PAGE[0] - MARGIN - x
        self.room(self.line_block_height(sentences, size) + keep_with)
        top = self.y
        self.symbol(symbol, (MARGIN, top), size)
        self.text_block(sentences, font, x, width)
        self.y = max(self.y, top + size) + 30

    CHART_SYMBOL = 96

    def row_height(self) -> int:
        return max(self.CHART_SYMBOL, 2 * self.line_height(self.body)) + 16

    def chart_height(self, bars: list[Bar]) -> int:
        return len(bars) * self.row_height() + 30

    def chart(self, bars: list[Bar]) -> None:
        """Faces and counts: each answer's symbol, its words and count, and a bar as long as its share."""
        size, x0 = self.CHART_SYMBOL, MARGIN + 60
        shown = [b.value for b in bars if b.value is not None]
        most = max(shown + [1])
        self.room(self.chart_height(bars))
        tx = x0 + size + 24
        words = max(max(self.bold.getlength(b.text), self.body.getlength(b.label)) for b in bars)
        bx = round(tx + words + 30)
        bw = PAGE[0] - MARGIN - bx
        for bar in bars:
            top = self.y
            self.symbol(bar.symbol, (x0, top + (self.row_height() - 16 - size) // 2), size)
            self.draw.text((tx, top), bar.text, font=self.bold, fill=INK)
            self.draw.text((tx, top + self.line_height(self.bold)), bar.label, font=self.body, fill=INK)
            if bar.value is not None and bar.value > 0:
                length = max(8, round(bw * bar.value / most))
                self.draw.rectangle(
                    (bx, top + 24, bx + length, top + self.row_height() - 40),
                    fill=BAR,
                    outline=BAR_EDGE,
                    width=3,
                )
            self.y = top + self.row_height()
        self.y += 30


def draw_report(report: Report, assets: Path) -> list[Image.Image]:
    pages = Pages(assets, report.footer)
    pages.draw.text((MARGIN, pages.y), report.title, font=pages.heading, fill=INK)
    pages.y += pages.line_height(pages.heading) + 30
    for symbol, sentence in report.intro:
        pages.line(symbol, [sentence])
    for finding in report.findings:
        pages.line(finding.symbol, finding.sentences, keep_with=pages.chart_height(finding.bars))
        pages.chart(finding.bars)
    pages.new_page()
    pages.draw.text((MARGIN, pages.y), report.plan_title, font=pages.heading, fill=INK)
    pages.y += pages.line_height(pages.heading) + 30
    for symbol, sentence in report.plan:
        pages.line(symbol, [sentence])
    return pages.pages


def to_pdf(pages: list[Image.Image]) -> bytes:
    out = io.BytesIO()
    pages[0].save(out, format="PDF", save_all=True, append_images=pages[1:], resolution=DPI)
    return out.getvalue()
