"""Every page is styled by the sheets it links, and a respondent's page links no more than it needs.

The style sheet was split (issue 15, page bytes): easyvoice.css for every page, staff.css for
signed-in, visit, sign-in and public pages, settings.css for the settings screens and
script-<language>.css for a page in Urdu, Arabic, Bengali or Punjabi. A page that uses a class
only another sheet styles would look broken without any error, so each page of the respondent
journeys (three questionnaires, two languages), the error pages, the public pages, the sign-in
page, the tablet-without-wifi shell and every page of every staff role (an expert's visit too) is
read here: each class it uses that some sheet styles must be styled by a sheet it links.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers.app import add_users, make_app
from helpers.i18n import offer_languages
from helpers.pages import (
    STAFF_ROLES,
    every_page_of,
    parse,
    refusal_pages,
    respondent_pages,
)
from helpers.world import build_world

CSS = Path(__file__).resolve().parents[1] / "app" / "static" / "css"
_CLASS = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
_COMMENT = re.compile(r"/\*.*?\*/", re.S)


def styled_classes(css: str) -> set[str]:
    """The class names a sheet's selectors name (never those inside a url() or a value)."""
    classes: set[str] = set()
    for selector in re.findall(r"([^{}]+)\{", _COMMENT.sub("", css)):
        if not selector.strip().startswith("@"):
            classes |= set(_CLASS.findall(re.sub(r"\[[^\]]*\]", "", selector)))
    return classes


SHEETS = {f"/static/css/{sheet.name}": styled_classes(sheet.read_text()) for sheet in CSS.glob("*.css")}


def linked(html: str) -> list[str]:
    return re.findall(r'<link rel="stylesheet" href="([^"?]+)', html)


def unstyled(pages: list[tuple[str, str]]) -> list[str]:
    """For each page: the classes it uses that a sheet styles but none of the sheets it links."""
    problems = []
    for url, html in pages:
        links = linked(html)
        assert "/static/css/easyvoice.css" in links, url
        assert all(link in SHEETS for link in links), (url, links)
        has = set().union(*(SHEETS[link] for link in links))
        everywhere = set().union(*SHEETS.values())
        used = set().union(*(node.classes for node in parse(html).walk()))
        missing = sorted((used & everywhere) - has)
        if missing:
            problems.append(f"{url}: {missing}")
    return problems


@pytest.fixture
def open_app(tmp_path: Path) -> Flask:
    app = make_app(tmp_path, WTF_CSRF_ENABLED=False)
    add_users(app)
    return app


def test_the_sheets_split_what_they_style() -> None:
    assert set(SHEETS) >= {f"/static/css/{n}.css" for n in ("easyvoice", "staff", "settings", "script-ur")}
    assert "card" in SHEETS["/static/css/easyvoice.css"] and "staff-nav" in SHEETS["/static/css/staff.css"]
    assert "staff-nav" not in SHEETS["/static/css/easyvoice.css"]


@pytest.mark.parametrize("slug", ["your-support", "family-support", "working-here"])
def test_a_respondent_journey_is_styled_by_the_sheets_it_links(open_app: Flask, slug: str) -> None:
    pages = respondent_pages(open_app, slug)
    questions = [html for url, html in pages if url.startswith("/q/")]
    assert len(questions) >= 5 and len(pages) > len(questions) + 5
    assert not unstyled(pages), "\n".join(unstyled(pages))
    for html in questions:  # a question page in English carries only the one sheet
        assert linked(html) == ["/static/css/easyvoice.css"]
    settings = [html for url, html in pages if url == "/settings"]
    assert settings and "/static/css/settings.css" in linked(settings[0])


@pytest.mark.parametrize("lang", ["pa", "ur"])
def test_a_page_in_another_script_links_its_own_font_sheet_only(open_app: Flask, lang: str) -> None:
    offer_languages(open_app, lang)
    pages = respondent_pages(open_app, "your-support", lang=lang, length="short")
    assert not unstyled(pages), "\n".join(unstyled(pages))
    question = next(html for url, html in pages if url == "/q/1")
    assert linked(question) == ["/static/css/easyvoice.css", f"/static/css/script-{lang}.css"]
    client = open_app.test_client()
    client.get(f"/at/{_code(open_app)}")
    languages = client.get("/language")
    if languages.status_code == 200:  # more than one language offered: names in their own scripts
        assert f"/static/css/script-{lang}.css" in linked(languages.get_data(as_text=True))


def _code(app: Flask) -> str:
    from helpers.app import service_code

    return service_code(app)


def test_the_error_pages_are_styled(open_app: Flask) -> None:
    pages = refusal_pages(open_app, "your-support")
    assert any("Error code" in html for _url, html in pages)
    assert not unstyled(pages), "\n".join(unstyled(pages))


def _get(client: FlaskClient, url: str) -> tuple[str, str]:
    result = client.get(url)
    assert result.status_code == 200, (url, result.status_code)
    return url, result.get_data(as_text=True)


def test_public_sign_in_and_offline_pages_are_styled(open_app: Flask) -> None:
    world = build_world(open_app)
    client = open_app.test_client()
    published = world["published_id"]
    pages = [
        _get(client, url)
        for url in (
            "/published/demo/",
            f"/published/demo/{published}",
            f"/published/demo/{published}/easy-read",
            f"/published/demo/{published}/challenge",
            "/auth/sign-in",
            "/offline",
        )
    ]
    assert not unstyled(pages), "\n".join(unstyled(pages))
    assert all("/static/css/staff.css" in linked(html) for _url, html in pages)


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_every_page_of_a_staff_role_is_styled(open_app: Flask, role: str) -> None:
    _client, pages = every_page_of(open_app, role)
    assert not unstyled(pages), "\n".join(unstyled(pages))
