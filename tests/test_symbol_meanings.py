"""A picture means one thing (issue 10, item 3).

Every symbol name has one meaning in easyread_assets/symbols/index.json and is used for that one
idea everywhere; no two names share a picture; controls (Back, Next, Stop ...) are never a
question's or an answer's picture; on every page a person reaches, one picture never stands for
two different ideas; yes/no pictures carry no judgement colour; every black-and-white version
keeps the picture readable.
"""

from __future__ import annotations

import colorsys
import io
import re
from collections import defaultdict
from pathlib import Path

import pytest
import resvg_py
import yaml
from helpers.app import add_users, make_app
from helpers.pages import (
    STAFF_ROLES,
    expert_visit_pages,
    pictures,
    refusal_pages,
    respondent_pages,
    staff_pages,
)
from helpers.world import build_world, signed_in
from PIL import Image

from app.easyread.pictures import SYMBOLS_DIR, Symbol, load_symbol_index
from app.errors import REASONS as ERROR_REASONS
from app.questionnaires.schema import DEFAULT_CONSENT, DEFAULT_INTRODUCTION, FACES, RIGHTS, YES_NO
from app.respond.views import SETTING_SYMBOLS
from app.visits.report import NOT_ANSWERS
from app.visits.verification import REASONS, VERDICTS

REPO = Path(__file__).resolve().parents[1]
INDEX = load_symbol_index(SYMBOLS_DIR / "index.json")
NOT_FOR_QUESTIONS = {"control", "notice"}


# -- every name used anywhere ----------------------------------------------------------------------
_TEMPLATE_PATTERNS = [
    r'symbol\("([a-z_]+)"',
    r'symbol\("[a-z_]+" if [^)]* else "([a-z_]+)"',
    r'symbol\([a-z_.]+ if [^)]* else "([a-z_]+)"',
    r'line\((?:[^()]|\([^()]*\)|\((?:[^()]|\([^()]*\))*\))*, "([a-z_]+)"\)',
    r'heading\([^()]*(?:\([^()]*\)[^()]*)*, "([a-z_]+)"',
    r"(?:answer_button|action_card|radio_card|check_card)\((?:[^(),]|\([^()]*\))*,(?:[^(),]|\([^()]*\))*,"
    r'(?:[^(),]|\([^()]*\))*, "([a-z_]+)"',
    r'\("[a-z_]+", P\.[a-z_]+, "([a-z_]+)"\)',
    r'choice_group\([^()]*, "([a-z_]+)"\)',
    r'action\("[a-z_.]+", P\.[a-z_]+, "([a-z_]+)"',
    r'set title_symbol = "([a-z_]+)"',
]


def template_names() -> dict[str, set[str]]:
    """Symbol names written in the templates: name -> the template files using it."""
    found: dict[str, set[str]] = defaultdict(set)
    for path in (REPO / "app" / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for pattern in _TEMPLATE_PATTERNS:
            for match in re.finditer(pattern, text):
                found[match.group(1)].add(str(path.relative_to(REPO)))
    return found


def survey_names() -> dict[str, set[str]]:
    """``symbol:`` values of every questionnaire file: name -> where."""
    found: dict[str, set[str]] = defaultdict(set)
    for path in sorted((REPO / "surveys").rglob("*.yaml")):  # questionnaires and frameworks
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            match = re.match(r"\s*symbol:\s*([A-Za-z0-9_]+)\s*$", line)
            if match:
                found[match.group(1)].add(f"{path.name}:{number}")
    return found


def python_names() -> dict[str, set[str]]:
    """Symbol names in the Python tables: answer cards, consent lines, visit reasons, errors."""
    found: dict[str, set[str]] = defaultdict(set)
    for option in (*FACES, *YES_NO):
        found[option.symbol].add("schema FACES/YES_NO")
    for table in (DEFAULT_INTRODUCTION, DEFAULT_CONSENT, RIGHTS):
        for lines in table.values():
            for line in lines:
                found[line.symbol].add("schema consent lines")
    for _phrase, name in (*VERDICTS.values(), *REASONS.values(), *NOT_ANSWERS.values()):
        found[name].add("visits tables")
    for _phrase, name in ERROR_REASONS.values():
        found[name].add("app/errors.py")
    for name in SETTING_SYMBOLS.values():
        found[name].add("app/respond/views.py SETTING_SYMBOLS")
    for path in [REPO / "app" / "reports" / "told_us.py"]:  # its (symbol, sentence) lines
        for match in re.finditer(r'\("([a-z_]+)",\s*(?:gettext|_|N_)\(', path.read_text(encoding="utf-8")):
            found[match.group(1)].add(str(path.relative_to(REPO)))
    return found


def test_the_name_finders_read_what_they_claim() -> None:
    templates, surveys, python = template_names(), survey_names(), python_names()
    # A few uses known to be there, so a broken pattern cannot pass by finding nothing.
    assert {"back", "next", "stop", "tick", "settings", "alone", "someone_else", "change"} <= set(templates)
    assert {"manager", "family", "idea", "calm", "news"} <= set(surveys)
    assert {"happy", "yes", "no", "choice", "skip", "safe", "thumbs_up", "dont_know"} <= set(python)
    assert {"speaker", "autoplay", "text_size", "someone_else"} <= set(python)  # the settings screens
    # (the settings screens' names moved from their template into SETTING_SYMBOLS)
    assert len(set(templates) | set(SETTING_SYMBOLS.values())) >= 60 and len(surveys) >= 45


def test_every_symbol_name_used_anywhere_exists_and_has_a_meaning() -> None:
    used: dict[str, set[str]] = defaultdict(set)
    for found in (template_names(), survey_names(), python_names()):
        for name, where in found.items():
            used[name] |= where
    missing = {name: sorted(where) for name, where in used.items() if name not in INDEX}
    assert not missing, f"symbols that are not in index.json: {missing}"
    no_meaning = sorted(name for name in used if not INDEX[name].meaning)
    assert not no_meaning, f"symbols with no meaning: {no_meaning}"


def test_every_symbol_has_one_meaning_of_its_own() -> None:
    assert all(symbol.meaning for symbol in INDEX.values()), [s.name for s in INDEX.values() if not s.meaning]
    by_meaning: dict[str, list[str]] = defaultdict(list)
    for symbol in INDEX.values():
        by_meaning[symbol.meaning.lower()].append(symbol.name)
    assert not {m: n for m, n in by_meaning.items() if len(n) > 1}


def test_no_two_names_share_a_picture() -> None:
    for variant in ("svg", "black"):
        by_content: dict[bytes, list[str]] = defaultdict(list)
        for symbol in INDEX.values():
            by_content[(SYMBOLS_DIR / variant / symbol.file).read_bytes()].append(symbol.name)
        shared = [names for names in by_content.values() if len(names) > 1]
        assert not shared, f"{variant}: one picture for several names: {shared}"


def test_no_question_or_answer_uses_a_control_picture() -> None:
    """Statically, over every questionnaire file and the fixed answer cards."""
    wrong = []
    for path in sorted((REPO / "surveys").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for question in data.get("questions", ()):
            for item in (question, *question.get("options", ())):
                symbol = INDEX.get(item.get("symbol", ""))
                if symbol is not None and symbol.kind in NOT_FOR_QUESTIONS:
                    wrong.append(f"{path.name} {question['id']}: {item['text']!r} uses {symbol.name}")
    for option in (*FACES, *YES_NO):
        if INDEX[option.symbol].kind in NOT_FOR_QUESTIONS:
            wrong.append(f"answer card {option.value} uses {option.symbol}")
    assert not wrong, wrong


# -- every page a person reaches -------------------------------------------------------------------
_STOP_WORDS = frozenset(
    """a an and are at be been can did do does for from go has have how i if in is it its me my no not
    now of on or our so the them then they this to us was we were what when who will with yes you your
    all any after that there their""".split()
)
#: A card and the line that explains it on the same page: one idea in different words.
SAME_IDEA_PHRASES = [
    ("handover_together", "handover_together_hint"),
    ("visit_close_hint", "finish_no_more"),  # two sentences of one warning: nothing more after finishing
]


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", text.lower()) if len(w) >= 3 and w not in _STOP_WORDS}


def _shares_a_word(one: set[str], other: set[str]) -> bool:
    for a in one:
        for b in other:
            short, long_ = sorted((a, b), key=len)
            if a == b or (len(short) >= 4 and long_.startswith(short)):
                return True
    return False


def _is_tally(text: str) -> bool:
    """A "label: value" row ("Everyone: 12", "Supporter: Sam"): data under its picture."""
    return bool(re.match(r"^[^:]{1,60}: \S.{0,40}$", text))


_NAME = re.compile(r"[A-Z][\w'-]*(?: [A-Z][\w'-]*)*")


def same_idea(one: str, other: str, symbol: Symbol | None, same_pairs: set[frozenset[str]]) -> bool:
    if one == other or frozenset((one, other)) in same_pairs:
        return True
    if _NAME.fullmatch(one) and _NAME.fullmatch(other):  # names of things of one kind (services)
        return True
    a, b = _words(one), _words(other)
    if _shares_a_word(a, b):
        return True
    # Both say what the picture means, in different words ("Read aloud", "Listen").
    meaning = _words(f"{symbol.name.replace('_', ' ')} {symbol.meaning} {symbol.label}") if symbol else set()
    return bool(meaning) and _shares_a_word(a, meaning) and _shares_a_word(b, meaning)


def page_problems(url: str, html: str, same_pairs: set[frozenset[str]]) -> list[str]:
    """Pictures on one page that stand for two ideas, or a control used as a question's picture."""
    asks = "answer-form" in html and not url.startswith("/stop")
    found = pictures(html, asks=asks)
    problems = []
    by_src: dict[str, list[tuple[str, bool]]] = defaultdict(list)
    options_by_src: dict[str, list[str]] = defaultdict(list)
    for picture in found:
        symbol = INDEX.get(picture.name)
        if picture.part in ("question", "option") and symbol is not None and symbol.kind in NOT_FOR_QUESTIONS:
            problems.append(f"{url}: {symbol.kind} {picture.name!r} is the picture of {picture.words!r}")
        if picture.part in ("question", "option"):
            options_by_src[picture.src].append(picture.words)
        if symbol is None or symbol.kind == "notice" or not picture.words or _is_tally(picture.words):
            continue
        by_src[picture.src].append((picture.words, "choice-list" in html and _in_list(html, picture)))
    for src, words in options_by_src.items():
        if len(set(words)) > 1:
            problems.append(
                f"{url}: one picture {src.rsplit('/', 1)[-1]} for a question's {sorted(set(words))}"
            )
    for src, uses in by_src.items():
        symbol = INDEX.get(src.rsplit("/", 1)[-1].removesuffix(".svg"))
        texts = sorted({words for words, _listed in uses})
        listed = {words for words, is_listed in uses if is_listed}
        for i, one in enumerate(texts):
            for other in texts[i + 1 :]:
                if {one, other} <= listed:  # items of one list of things (services, visits)
                    continue
                if not same_idea(one, other, symbol, same_pairs):
                    problems.append(f"{url}: {src.rsplit('/', 1)[-1]} is both {one!r} and {other!r}")
    return problems


def _in_list(html: str, picture: object) -> bool:
    """Whether the picture's words are a card of a ``choice-list`` (a list of things of one kind)."""
    for block in re.findall(r'<ul class="choice-list[^"]*">(.*?)</ul>', html, flags=re.DOTALL):
        text = " ".join(re.sub(r"<[^>]+>", " ", block).split())
        if picture.words and picture.words in text:  # type: ignore[attr-defined]
            return True
    return False


def every_page(tmp_path: Path) -> tuple[list[tuple[str, str]], set[frozenset[str]], dict[str, int]]:
    """Every page of every questionnaire's journey, the error pages, and each staff role's pages."""
    from app.easyread.phrases import PHRASES

    app = make_app(tmp_path, WTF_CSRF_ENABLED=False)
    add_users(app)
    pages: list[tuple[str, str]] = []
    counts: dict[str, int] = {}
    for slug, form in app.extensions["easyvoice.surveys"].questionnaires.items():
        if form.audience == "expert":  # the experts' checklist: reached through a visit below
            continue
        walked = respondent_pages(app, slug) + refusal_pages(app, slug)
        counts[slug] = len(walked)
        pages += walked
    world = build_world(app)
    for role in STAFF_ROLES:
        client = signed_in(app, f"{role}@demo.example")
        reached = staff_pages(app, world, client, role)
        if role == "expert":
            checklist = app.extensions["easyvoice.surveys"].questionnaires["observations"]
            reached += expert_visit_pages(client, world["visit_id"], len(checklist.questions))
        counts[role] = len(reached)
        pages += reached
    with app.test_request_context():
        same_pairs = {frozenset((str(PHRASES[a]), str(PHRASES[b]))) for a, b in SAME_IDEA_PHRASES}
    return pages, same_pairs, counts


def test_on_every_page_a_picture_stands_for_one_idea(tmp_path: Path) -> None:
    pages, same_pairs, counts = every_page(tmp_path)
    forms = {"your-support": 26, "family-support": 14, "working-here": 14}
    for slug, least in forms.items():
        assert counts[slug] >= least, (slug, counts[slug])
    assert counts["expert"] >= 25 and counts["admin"] >= 20, counts
    assert min(counts[role] for role in STAFF_ROLES) >= 5, counts
    urls = {url for url, _html in pages}
    assert sum("/observations/" in url for url in urls) >= 10, "the checklist questions were not reached"
    assert sum("/verdict" in url or "/why" in url or "/todo" in url for url in urls) >= 3, (
        "no part was checked"
    )
    assert "/told-us" in {url.split("?")[0] for url in urls}
    problems = [problem for url, html in pages for problem in page_problems(url, html, same_pairs)]
    assert not problems, "\n".join(problems)


# -- colour and black and white --------------------------------------------------------------------
_FILL = re.compile(r'(?:fill|stroke)="(#[0-9A-Fa-f]{3,6})"')


def _judgement_colour(hex_colour: str) -> bool:
    """Green or red (or amber) enough to read as "good" or "bad"."""
    value = hex_colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    r, g, b = (int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))
    hue, lightness, saturation = colorsys.rgb_to_hls(r, g, b)
    degrees = hue * 360
    coloured = saturation > 0.25 and 0.15 < lightness < 0.9
    return coloured and (degrees < 50 or degrees > 330 or 60 <= degrees <= 170)


def test_yes_and_no_pictures_carry_no_judgement_colour() -> None:
    """A reversed question ("Do staff ignore you?") makes "yes" the bad answer: no green, no red."""
    colours = {}
    for option in YES_NO:
        if option.value not in ("yes", "no"):
            continue
        text = (SYMBOLS_DIR / "svg" / INDEX[option.symbol].file).read_text(encoding="utf-8")
        found = {c.lower() for c in _FILL.findall(text)}
        assert found, option.symbol
        judged = sorted(c for c in found if _judgement_colour(c))
        assert not judged, f"{option.symbol} has judgement colours {judged}"
        colours[option.value] = found - {"#000", "#000000", "#fff", "#ffffff"}
    assert colours["yes"] == colours["no"], colours  # the same neutral colour on both cards


def test_the_colour_check_knows_green_and_red() -> None:
    assert _judgement_colour("#b1cc33") and _judgement_colour("#ea5a47") and _judgement_colour("#5c9e31")
    assert (
        not _judgement_colour("#92d3f5")
        and not _judgement_colour("#d0cfce")
        and not _judgement_colour("#000")
    )


SIZE = 96


def _dark_fraction(svg_path: Path, threshold: int) -> float:
    raw = bytes(resvg_py.svg_to_bytes(svg_path=str(svg_path), width=SIZE, height=SIZE))
    with Image.open(io.BytesIO(raw)) as image:
        rgba = image.convert("RGBA")
    flat = Image.new("RGBA", rgba.size, "white")
    flat.alpha_composite(rgba)
    return sum(flat.convert("L").histogram()[:threshold]) / (SIZE * SIZE)


def black_and_white_problem(name: str, colour: Path, black: Path) -> str | None:
    """Why the black-and-white version of a symbol is not readable, or None.

    Not empty: at least 3% of the square is black ink. Keeps the picture: at least half as much
    ink as the colour version has near-black (the graduation cap is a black shape in colour and
    an empty outline in OpenMoji's black version).
    """
    ink = _dark_fraction(black, 128)
    shape = _dark_fraction(colour, 80)
    if ink < 0.03:
        return f"{name}: black version is nearly empty ({ink:.3f} ink)"
    if shape > 0.02 and ink < 0.5 * shape:
        return f"{name}: black version lost the dark shape ({ink:.3f} ink, colour has {shape:.3f})"
    return None


@pytest.mark.parametrize("name", sorted(INDEX))
def test_each_symbol_is_readable_in_black_and_white(name: str) -> None:
    file = INDEX[name].file
    assert black_and_white_problem(name, SYMBOLS_DIR / "svg" / file, SYMBOLS_DIR / "black" / file) is None


#: OpenMoji 17.0.0's graduation cap (1F393, CC BY-SA 4.0), once our "training" symbol: a black
#: cap in colour, an empty outline in OpenMoji's black version.
OLD_CAP = Path(__file__).parent / "data" / "graduation_cap"


def test_black_and_white_check_refuses_the_old_graduation_cap() -> None:
    colour, black = OLD_CAP / "colour.svg", OLD_CAP / "black.svg"
    assert "lost the dark shape" in (black_and_white_problem("cap", colour, black) or "")
    assert black_and_white_problem("cap", colour, colour) is None  # the colour one itself is fine
