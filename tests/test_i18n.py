"""Translations: every catalog present can be picked; <html lang> and dir follow the locale."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from flask import Flask
from helpers.app import ROOT, make_app, service_code
from helpers.i18n import add_catalog, offer_languages


def choose(client, app: Flask, locale: str) -> str:
    client.get(f"/at/{service_code(app)}")
    client.get("/begin/your-support")
    settings = {
        "who": "self",
        "text": "normal",
        "pictures": "on",
        "contrast": "off",
        "read_aloud": "on",
        "autoplay": "off",
        "locale": locale,
    }
    assert client.post("/settings", data=settings).status_code == 302
    return client.get("/consent").get_data(as_text=True)


def test_picker_offers_every_catalog_and_pages_follow_it(tmp_path: Path) -> None:
    translations = tmp_path / "translations"
    add_catalog(
        translations,
        "cy",
        {
            "Before we start": "Cyn i ni ddechrau",
            "Do staff listen to you?": "Ydy staff yn gwrando arnoch chi?",
        },
    )
    add_catalog(translations, "ar", {"Before we start": "قبل أن نبدأ"})
    add_catalog(translations, "pl", {"Before we start": "Zanim zaczniemy"})
    app = make_app(tmp_path, BABEL_TRANSLATION_DIRECTORIES=str(translations), WTF_CSRF_ENABLED=False)
    client = app.test_client()
    client.get(f"/at/{service_code(app)}")
    client.get("/begin/your-support")
    assert client.get("/settings/locale").status_code == 404  # no language chosen by the organisation
    offer_languages(app, "cy ar")
    settings = client.get("/settings/locale").get_data(as_text=True)  # the language screen
    assert 'value="cy"' in settings and "Cymraeg" in settings and 'value="ar"' in settings
    assert 'value="pl"' not in settings  # a catalog the organisation does not offer
    assert client.post("/settings", data={"locale": "pl"}).status_code == 400

    welsh = choose(client, app, "cy")
    assert '<html lang="cy" dir="ltr">' in welsh and "Cyn i ni ddechrau" in welsh
    arabic = choose(app.test_client(), app, "ar")
    assert '<html lang="ar" dir="rtl">' in arabic and "قبل أن نبدأ" in arabic
    english = choose(app.test_client(), app, "en_GB")
    assert '<html lang="en-GB" dir="ltr">' in english and "Before we start" in english


def test_survey_texts_go_into_the_catalog(tmp_path: Path) -> None:
    """pybabel finds template, Python and survey texts (babel.cfg's survey extractor)."""
    out = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "N_",
            "-o",
            str(out),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    pot = out.read_text()
    for text in ("Do staff listen to you?", "Before we start", "Happy", "Who helped you answer?"):
        assert f'msgid "{text}"' in pot
