"""The languages page (issue 13, item 1): per shipped catalog, strings translated, reviewed by a
native speaker (not fuzzy) and missing, and who translated it; for every member of staff."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po
from flask import Flask
from helpers.app import add_users, make_app, sign_in_as

from app.admin.languages import language_statuses, missing_strings

ROOT = Path(__file__).resolve().parent.parent


def _catalog(folder: Path, code: str) -> None:
    catalog = Catalog(locale=code, header_comment="# test")
    catalog.mime_headers  # noqa: B018 - the header is made on first use
    catalog.add("Yes", "Ie")  # reviewed
    catalog.add("No", "Na", flags=["fuzzy"])  # drafted, not reviewed
    catalog.add("Stop", "")  # missing
    catalog.add(("%(num)d question", "%(num)d questions"), ("%(num)d cwestiwn", "", "", "", "", ""))
    path = folder / code / "LC_MESSAGES"
    path.mkdir(parents=True)
    catalog.last_translator = "A translator <a@example.org>"
    with (path / "messages.po").open("wb") as handle:
        write_po(handle, catalog)


def test_counts_of_a_catalog(tmp_path: Path) -> None:
    _catalog(tmp_path, "cy")
    (status,) = language_statuses(tmp_path)
    assert (status.code, status.name) == ("cy", "Cymraeg")
    assert (status.total, status.translated, status.reviewed, status.missing) == (4, 2, 1, 2)
    assert "A translator" in status.translator


def test_staff_see_the_languages_page(tmp_path: Path) -> None:
    folder = tmp_path / "translations"
    shutil.copytree(ROOT / "translations", folder, ignore=shutil.ignore_patterns("cy"))
    _catalog(folder, "cy")
    app: Flask = make_app(tmp_path, BABEL_TRANSLATION_DIRECTORIES=str(folder))
    emails = add_users(app)
    for role in ("quality_lead", "viewer", "expert", "admin"):
        client = app.test_client()
        sign_in_as(client, emails[role])
        page = client.get("/admin/languages")
        assert page.status_code == 200, role
        html = page.get_data(as_text=True)
        row = re.search(r'<tr id="language-cy">.*?</tr>', html, re.S).group(0)
        assert "Cymraeg" in row and "2 of 4" in row and "1 of 4" in row
        assert 'id="language-en_GB"' in html
    assert app.test_client().get("/admin/languages").status_code == 302  # sign in first


def shipped_translations() -> list[Path]:
    """Every shipped catalog but the source language's (English is written in the code)."""
    return [
        path
        for path in sorted((ROOT / "translations").glob("*/LC_MESSAGES/messages.po"))
        if path.parent.parent.name != "en_GB"
    ]


def test_every_shipped_catalog_translates_every_string() -> None:
    """A language offered on a tablet must not show a page half in English."""
    pot = ROOT / "translations" / "messages.pot"
    for po in shipped_translations():
        missing = missing_strings(po, pot)
        assert not missing, f"{po.parent.parent.name} misses {len(missing)} strings, e.g. {missing[:3]}"


def test_a_catalog_missing_a_string_is_found(tmp_path: Path) -> None:
    """The check above can fail: a catalog without one of the template's strings, or with it empty."""
    _catalog(tmp_path, "cy")
    pot = tmp_path / "messages.pot"
    template = Catalog()
    for msgid in ("Yes", "No", "Stop", "Back"):
        template.add(msgid)
    with pot.open("wb") as handle:
        write_po(handle, template)
    assert missing_strings(tmp_path / "cy" / "LC_MESSAGES" / "messages.po", pot) == ["Stop", "Back"]


def test_who_translated_it_survives_make_translations(tmp_path: Path) -> None:
    """The translator and review lines sit in the catalog's opening comment, which Babel's update
    (what ``make translations`` runs) keeps; it drops header fields it does not know."""
    from babel.messages.frontend import CommandLineInterface

    catalog = Catalog(
        locale="cy",
        header_comment=(
            "# Welsh.\n# Translated-By: A drafting tool\n# Reviewed: No, waiting for a native speaker"
        ),
    )
    catalog.add("Yes", "Ie", flags=["fuzzy"])
    path = tmp_path / "cy" / "LC_MESSAGES"
    path.mkdir(parents=True)
    with (path / "messages.po").open("wb") as handle:
        write_po(handle, catalog)
    template = Catalog()
    for msgid in ("Yes", "No"):
        template.add(msgid)
    with (tmp_path / "messages.pot").open("wb") as handle:
        write_po(handle, template)
    CommandLineInterface().run(
        ["pybabel", "-q", "update", "-i", str(tmp_path / "messages.pot"), "-d", str(tmp_path)]
    )
    (status,) = language_statuses(tmp_path)
    assert status.total == 2  # the update ran: "No" came in from the template
    assert status.translator == "A drafting tool"
    assert status.reviewed_note == "No, waiting for a native speaker"
