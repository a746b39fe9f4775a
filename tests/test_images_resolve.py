"""Every image on every page a person can reach loads (issue 10, item 9).

The respondent journey of every questionnaire (in colour and in black and white), the error pages,
and every page each staff role can open with real ids: each ``<img src>`` and icon link answers
200 with an image content type. Each walk checks it reached real pages, not the sign-in page.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers.app import add_users, make_app, sign_in_as
from helpers.pages import (
    STAFF_ROLES,
    every_page_of,
    image_links,
    pictures,
    refusal_pages,
    respondent_pages,
)

QUESTIONNAIRES = ("your-support", "family-support", "working-here")


def broken_images(client: FlaskClient, pages: list[tuple[str, str]]) -> tuple[list[str], int]:
    """(what failed, how many images were fetched) for every image of ``pages``."""
    fetched: dict[str, str | None] = {}
    broken = []
    for url, html in pages:
        for src in image_links(html):
            if src not in fetched:
                parts = urlsplit(src)
                if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                    fetched[src] = f"not one of ours: {src!r}"
                else:
                    result = client.get(parts.path + (f"?{parts.query}" if parts.query else ""))
                    ok = result.status_code == 200 and result.mimetype.startswith("image/") and result.data
                    fetched[src] = None if ok else f"{result.status_code} {result.mimetype}"
            if fetched[src]:
                broken.append(f"{url}: {src} -> {fetched[src]}")
    return broken, len(fetched)


@pytest.fixture
def open_app(tmp_path: Path) -> Flask:
    app = make_app(tmp_path, WTF_CSRF_ENABLED=False)
    add_users(app)
    return app


@pytest.mark.parametrize("slug", QUESTIONNAIRES)
@pytest.mark.parametrize("contrast", ["off", "on"])
def test_every_image_of_a_respondent_journey_loads(open_app: Flask, slug: str, contrast: str) -> None:
    pages = respondent_pages(open_app, slug, contrast=contrast)
    questions = len(open_app.extensions["easyvoice.surveys"].questionnaires[slug].questions)
    assert len(pages) >= questions + 6, len(pages)  # start, settings, consent, questions, closing, thanks
    assert sum(url.startswith("/q/") for url, _html in pages) == questions
    after_settings = pages[[url for url, _html in pages].index("/consent") :]
    symbols = [p for _url, html in after_settings for p in pictures(html) if p.name]
    variant = "/symbols/black/" if contrast == "on" else "/symbols/svg/"
    assert symbols and all(variant in p.src for p in symbols), variant
    broken, fetched = broken_images(open_app.test_client(), pages)
    assert not broken, "\n".join(broken)
    assert fetched >= 20, fetched


def test_every_image_of_the_error_pages_loads(open_app: Flask) -> None:
    pages = refusal_pages(open_app, "your-support")
    viewer = open_app.test_client()
    assert sign_in_as(viewer, "viewer@demo.example").status_code == 302
    forbidden = viewer.get("/admin/")
    assert forbidden.status_code == 403, forbidden.status_code
    pages.append(("/admin/ (403)", forbidden.get_data(as_text=True)))
    bad = open_app.test_client().post("/consent", data={"action": "maybe"})
    assert bad.status_code in (400, 302), bad.status_code
    if bad.status_code == 400:
        pages.append(("/consent (400)", bad.get_data(as_text=True)))
    error_pages = [html for _url, html in pages if "Error code" in html]
    assert len(error_pages) >= 2, len(error_pages)
    for html in error_pages:
        assert len(image_links(html)) >= 3  # the heading's picture, its lines', the button's
    broken, _fetched = broken_images(open_app.test_client(), pages)
    assert not broken, "\n".join(broken)


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_every_image_of_a_staff_role_s_pages_loads(open_app: Flask, role: str) -> None:
    client, pages = every_page_of(open_app, role)
    least = {"admin": 20, "quality_lead": 10, "expert": 25, "viewer": 3}[role]
    signed_in_pages = sum('action="/auth/sign-out"' in html for _url, html in pages)
    assert signed_in_pages >= least - 2, (role, signed_in_pages)  # staff pages, not the sign-in page
    broken, fetched = broken_images(client, pages)
    assert not broken, "\n".join(broken)
    assert fetched >= 1, role
