"""How far each shipped language's catalog is (issue 13, item 1): strings translated, reviewed by
a native speaker, missing; who translated it. Read from translations/<code>/LC_MESSAGES/messages.po.

A translation is "reviewed" when it is not marked fuzzy: a catalog drafted without a native
speaker keeps every entry fuzzy (gettext's "needs checking by a translator") until one has read
it. ``make setup`` compiles fuzzy entries too, so a drafted language works while it waits.
Who translated it and whether it was reviewed are lines of the catalog's opening comment
(``# Translated-By: ...``, ``# Reviewed: ...``): ``make translations`` keeps that comment, but
drops header fields it does not know.
No Flask here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from babel import Locale
from babel.messages.pofile import read_po


@dataclass(frozen=True)
class LanguageStatus:
    code: str
    name: str  # in its own words
    total: int
    translated: int
    reviewed: int
    translator: str
    reviewed_note: str

    @property
    def missing(self) -> int:
        return self.total - self.translated


def _done(message: object) -> bool:
    text = message.string  # type: ignore[attr-defined]
    if isinstance(text, (tuple, list)):
        return all(text)
    return bool(text)


def _comment_field(comment: str, name: str) -> str:
    for line in comment.splitlines():
        label, _, value = line.lstrip("# ").partition(":")
        if label.strip().lower() == name.lower() and value.strip():
            return value.strip()
    return ""


def catalog_status(po_path: Path) -> LanguageStatus:
    """The counts of one catalog (each string once, the header left out)."""
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    messages = [m for m in catalog if m.id]
    done = [m for m in messages if _done(m)]
    headers = dict(catalog.mime_headers)
    code = po_path.parent.parent.name
    return LanguageStatus(
        code=code,
        name=Locale.parse(code).get_display_name(code) or code,
        total=len(messages),
        translated=len(done),
        reviewed=sum(1 for m in done if not m.fuzzy),
        translator=_comment_field(catalog.header_comment, "Translated-By")
        or headers.get("Last-Translator")
        or "",
        reviewed_note=_comment_field(catalog.header_comment, "Reviewed"),
    )


def language_statuses(translations_dir: str | Path) -> list[LanguageStatus]:
    """Every catalog in the translations folder, by its code."""
    found = sorted(Path(translations_dir).glob("*/LC_MESSAGES/messages.po"))
    return [catalog_status(path) for path in found]


def missing_strings(po_path: Path, pot_path: Path) -> list[str]:
    """The template's strings this catalog does not translate (absent, or with no words)."""
    with pot_path.open("rb") as handle:
        template = read_po(handle)
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    missing = []
    for message in template:
        if not message.id:
            continue
        found = catalog.get(message.id)
        if found is None or not _done(found):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing
