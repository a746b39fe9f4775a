"""The easy-read report "What people told us": HTML templates made into a tagged PDF by WeasyPrint.

The words are real text (screen readers, read-aloud apps and copy and paste get them), in DejaVu
Sans shipped in easyread_assets/fonts, 22 pt and up. The PDF is PDF/UA-1 (tagged), with the
document's language and title. Every finding has its symbol on the left (an OpenMoji SVG, drawn as
vectors, with alt text) and short sentences on the right; its answers are a table: the answer's
symbol, its words, its count in words and a bar (an SVG, as long as the count). A hidden count
says "Fewer than 5 people" (or "Not shown") and gets no bar. The report ends with "What we will do".

``templates/reports/_parts.html`` holds the pieces the evidence pack's page shares.

In a language written right to left (Urdu, Arabic) the page is ``dir="rtl"``: pictures on the
right, bars growing from the right. A language whose letters DejaVu Sans does not shape well has
its own font before DejaVu (:data:`SCRIPT_FONTS`, the same WOFF2 files the pages use): Noto
Nastaliq Urdu for Urdu, Noto Naskh Arabic, Noto Sans Bengali and Gurmukhi (Punjabi). Welsh and
Polish need none: DejaVu has their letters.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from flask import render_template
from flask_babel import get_locale

from ..i18n import page_dir

#: the print style sheet (a file, not a <style>: the templates hold no inline style)
STYLE = Path(__file__).resolve().parent.parent / "templates" / "reports" / "report.css"
BAR_COLOUR = "#0b3d91"
#: the fonts the pages ship (app/static/fonts, OFL): a language's own font, by locale
WEB_FONTS = Path(__file__).resolve().parent.parent / "static" / "fonts"
SCRIPT_FONTS = {
    "ur": "NotoNastaliqUrdu",
    "ar": "NotoNaskhArabic",
    "bn": "NotoSansBengali",
    "pa": "NotoSansGurmukhi",
}


@dataclass
class Bar:
    """One answer in a chart: its symbol, its words, its published count (None = hidden), and the
    count in words ("37 people", "Fewer than 5 people", "Not shown")."""

    symbol: str
    text: str
    value: int | None
    label: str


@dataclass
class Finding:
    symbol: str
    #: the first is "We asked: ..." (the finding's heading); the rest are whole sentences
    sentences: list[str]
    bars: list[Bar] = field(default_factory=list)


@dataclass
class Report:
    title: str
    intro: list[tuple[str, str]]  # (symbol, sentence)
    findings: list[Finding]
    plan_title: str
    plan: list[tuple[str, str]]  # (symbol, sentence)
    footer: str


@lru_cache(maxsize=4)
def _symbol_labels(index: Path) -> dict[str, str]:
    try:
        entries = json.loads(index.read_text(encoding="utf-8")).get("symbols", {})
    except (OSError, ValueError):
        return {}
    return {name: str(entry.get("label") or name) for name, entry in entries.items()}


class Symbols:
    """File URLs and alt texts of the OpenMoji SVG symbols in ``assets``."""

    def __init__(self, assets: Path) -> None:
        self.folder = (assets / "symbols" / "svg").resolve()
        self.labels = _symbol_labels((assets / "symbols" / "index.json").resolve())

    def url(self, name: str) -> str:
        path = self.folder / f"{name}.svg"
        if not path.is_file():
            path = self.folder / "information.svg"
        return path.as_uri()

    def alt(self, name: str) -> str:
        return self.labels.get(name, name.replace("_", " ").capitalize())


def bar_svg(value: int | None, most: int) -> str | None:
    """A bar as long as ``value``'s share of the largest shown count, as an SVG data URL."""
    if value is None or value <= 0:
        return None
    length = max(2, round(100 * value / max(most, 1)))
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 10" width="100" height="10"'
        ' preserveAspectRatio="none">'
        f'<rect x="0" y="0" width="{length}" height="10" fill="{BAR_COLOUR}"/></svg>'
    )
    return "data:image/svg+xml," + quote(svg)


def most_of(bars: list[Bar]) -> int:
    return max([b.value for b in bars if b.value is not None] + [1])


def language() -> str:
    return str(get_locale() or "en_GB").replace("_", "-")


def script_font() -> str | None:
    """The file stem of this language's own font (in :data:`WEB_FONTS`), if it needs one."""
    locale = get_locale()
    return SCRIPT_FONTS.get(locale.language) if locale is not None else None


def report_html(report: Report, assets: Path) -> str:
    """The report as one HTML page (made inside an app context, for gettext and the templates)."""
    fonts = (assets / "fonts").resolve()
    return render_template(
        "reports/told_us.html",
        report=report,
        symbols=Symbols(assets),
        bar_svg=bar_svg,
        most_of=most_of,
        lang=language(),
        dir=page_dir(),
        font=(fonts / "DejaVuSans.ttf").as_uri(),
        font_bold=(fonts / "DejaVuSans-Bold.ttf").as_uri(),
    )


def to_pdf(report: Report, assets: Path) -> bytes:
    """The tagged PDF (PDF/UA-1): real text in the shipped font, vector symbols with alt text."""
    from PIL import ImageFile
    from weasyprint import CSS, HTML  # imported here: it loads Pango, which only the PDF needs
    from weasyprint.text.fonts import FontConfiguration

    # WeasyPrint's import makes every Pillow decode in this process accept truncated images; the
    # report draws only SVG, and photo checks (app/easyread/pictures.py) must refuse damaged data.
    ImageFile.LOAD_TRUNCATED_IMAGES = False

    fonts = (assets / "fonts").resolve()
    # Without a FontConfiguration WeasyPrint ignores @font-face and takes the system's default
    # sans (DejaVu on one machine, Noto on another: a test caught the change).
    font_config = FontConfiguration()
    faces = (
        "@font-face { font-family: 'EasyVoice Sans'; font-weight: normal;"
        f" src: url('{(fonts / 'DejaVuSans.ttf').as_uri()}'); }}"
        "@font-face { font-family: 'EasyVoice Sans'; font-weight: bold;"
        f" src: url('{(fonts / 'DejaVuSans-Bold.ttf').as_uri()}'); }}"
    )
    own = script_font()
    if own:
        # the language's font first; DejaVu after it for Latin letters and digits it lacks
        for weight, name in (("normal", "Regular"), ("bold", "Bold")):
            faces += (
                f"@font-face {{ font-family: 'EasyVoice Script'; font-weight: {weight};"
                f" src: url('{(WEB_FONTS / f'{own}-{name}.woff2').as_uri()}'); }}"
            )
        stack = "font-family: 'EasyVoice Script', 'EasyVoice Sans';"
        faces += (
            f"html {{ {stack} line-height: 2; }}"
            f"@page {{ @bottom-left {{ {stack} }} @bottom-right {{ {stack} }} }}"
        )
    if page_dir() == "rtl":  # the footer in reading order too: the place on the right
        faces += (
            "@page { @bottom-right { content: string(place); } @bottom-left { content: counter(page); } }"
        )
    faces_css = CSS(string=faces, font_config=font_config)
    document = HTML(string=report_html(report, assets), base_url=str(assets.resolve()))
    pdf = document.write_pdf(
        stylesheets=[CSS(filename=str(STYLE), font_config=font_config), faces_css],
        font_config=font_config,
        pdf_variant="pdf/ua-1",
        optimize_images=True,
    )
    return bytes(pdf or b"")
