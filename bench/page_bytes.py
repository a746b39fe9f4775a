"""Bytes of a question page as the browser gets it: the HTML plus the CSS and JS it links.

For every questionnaire, every locale and both audio states (not built; built, where each speaker
button carries a data-audio URL), it starts a response with the default settings and GETs every
question page (/q/<n>) and the closing pages (/end/helped, /end/room, /end/anything_else). Linked
CSS (<link rel=stylesheet>) and JS (<script src>) are fetched through the same test client and
counted once per page. Images and audio are not counted. The largest page of each question type is
reported, with its gzip size (level 6, each file compressed on its own as a server would) for
information. Target: the largest page is under 30 KB (1 KB = 1024 bytes), uncompressed.

Nothing is timed, so there is no baseline: sizes do not depend on the machine.

    python bench/page_bytes.py
"""

from __future__ import annotations

import gzip
import json
import tempfile
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from _common import header, make_app, start_response, verdict

TARGET_BYTES = 30 * 1024
CLOSING = ("helped", "room", "anything_else")


class Linked(HTMLParser):
    """The CSS and JS a page links (what a browser fetches before it can run the page)."""

    def __init__(self) -> None:
        super().__init__()
        self.css: list[str] = []
        self.js: list[str] = []  # inline <style>/<script> are already in the HTML's bytes

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        rel = (a.get("rel") or "").lower().split()
        if tag == "link" and a.get("href"):
            if "stylesheet" in rel or ("preload" in rel and a.get("as") == "style"):
                self.css.append(a["href"])  # type: ignore[arg-type]
            elif "modulepreload" in rel or ("preload" in rel and a.get("as") == "script"):
                self.js.append(a["href"])  # type: ignore[arg-type]
        elif tag == "script" and a.get("src"):
            self.js.append(a["src"])  # type: ignore[arg-type]


@dataclass
class Page:
    label: str
    kind: str
    html: int
    css: int
    js: int
    gz: int

    @property
    def total(self) -> int:
        return self.html + self.css + self.js


def measure(client, url: str, label: str, kind: str, assets: dict[str, bytes]) -> Page:  # type: ignore[no-untyped-def]
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"bench: GET {url} gave HTTP {response.status_code}")
    html = response.data
    parser = Linked()
    parser.feed(html.decode())
    sizes = {"css": 0, "js": 0}
    gz = len(gzip.compress(html, 6))
    for kind_of, urls in (("css", parser.css), ("js", parser.js)):
        for href in dict.fromkeys(urls):
            if href not in assets:
                got = client.get(href)
                if got.status_code != 200:
                    raise SystemExit(f"bench: {url} links {href}, which gave HTTP {got.status_code}")
                assets[href] = got.data
                got.close()
            sizes[kind_of] += len(assets[href])
            gz += len(gzip.compress(assets[href], 6))
    return Page(label, kind, len(html), sizes["css"], sizes["js"], gz)


def fake_built_audio(app) -> None:  # type: ignore[no-untyped-def]
    """Write the index a real build would write (names only): pages then link every sound."""
    from app.cli import spoken_texts
    from app.easyread.audio import INDEX, synth_name, text_key

    index = {}
    for locale, text in spoken_texts(app):
        voice = app.config["VOICES"].get(locale) or app.config["VOICES"].get(locale.split("_")[0])
        if voice:
            index[text_key(locale, text)] = synth_name(text, voice, int(app.config["SPEECH_RATE"]))
    directory = Path(app.config["AUDIO_DIR"])
    directory.mkdir(parents=True, exist_ok=True)
    (directory / INDEX).write_text(json.dumps(index))
    time.sleep(1.1)  # the audio store looks at its index at most once a second


def main(argv: list[str] | None = None) -> bool:
    from app.db import db
    from app.i18n import available_locales

    header("page_bytes: a question page's HTML + linked CSS + JS")
    pages: list[Page] = []
    with tempfile.TemporaryDirectory(prefix="ev-bench-") as tmp:
        app = make_app(Path(tmp), WTF_CSRF_ENABLED=False)
        with app.app_context():  # every language offered, so each one's pages can be measured
            from app.models import Organisation

            for organisation in db.session.query(Organisation):
                organisation.languages = " ".join(available_locales(app))
            db.session.commit()
        surveys = app.extensions["easyvoice.surveys"].questionnaires
        assets: dict[str, bytes] = {}
        for audio_state in ("no audio", "audio built"):
            if audio_state == "audio built":
                fake_built_audio(app)
            for locale in available_locales(app):
                for slug, questionnaire in surveys.items():
                    if questionnaire.audience == "expert":
                        continue  # an Expert by Experience's checklist, not a respondent's page
                    client = app.test_client()
                    start_response(app, client, slug, locale=locale)
                    where = f"{slug} {locale} {audio_state}"
                    for number, question in enumerate(questionnaire.questions, start=1):
                        pages.append(
                            measure(client, f"/q/{number}", f"{where} /q/{number}", question.type, assets)
                        )
                    for step in CLOSING:
                        pages.append(
                            measure(client, f"/end/{step}", f"{where} /end/{step}", f"closing:{step}", assets)
                        )
        db.dispose(app)

    print(
        f"{len(pages)} pages measured ({len(surveys)} questionnaires, "
        f"{len(available_locales(app))} locale(s), audio not built and built)"
    )
    print(f"linked files: {', '.join(f'{h} {len(b)} B' for h, b in assets.items())}")
    print(f"{'largest page per type':<22} {'HTML':>7} {'CSS':>7} {'JS':>7} {'total':>8} {'gzip':>7}  page")
    by_kind: dict[str, Page] = {}
    for page in pages:
        if page.kind not in by_kind or page.total > by_kind[page.kind].total:
            by_kind[page.kind] = page
    for kind, page in sorted(by_kind.items(), key=lambda kv: (kv[0].startswith("closing"), kv[0])):
        print(
            f"{kind:<22} {page.html:>7} {page.css:>7} {page.js:>7} {page.total:>8} {page.gz:>7}  {page.label}"
        )
    question_max = max((p for p in pages if not p.kind.startswith("closing")), key=lambda p: p.total)
    overall = max(pages, key=lambda p: p.total)
    ok = overall.total < TARGET_BYTES
    print(
        f"max question page: {question_max.total} B = {question_max.total / 1024:.1f} KB "
        f"(gzip {question_max.gz / 1024:.1f} KB), {question_max.label}"
    )
    print(
        f"max of all pages incl. closing: {overall.total / 1024:.1f} KB "
        f"(gzip {overall.gz / 1024:.1f} KB); baseline ratio n/a (sizes, not times)"
    )
    print(
        f"target: < {TARGET_BYTES / 1024:.0f} KB  -> {verdict(ok)} "
        f"({overall.total / TARGET_BYTES:.0%} of the budget)"
    )
    return ok


if __name__ == "__main__":
    main()
