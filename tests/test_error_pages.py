"""Every picture on an error page resolves (issue 10, item 9: the heading's picture pointed at
`/symbols/svg/<Macro 'symbol'>.svg`, a name clash between the page's symbol and the macro)."""

from __future__ import annotations

import re

import pytest
from flask import Flask


@pytest.mark.parametrize("url", ["/no-such-page", "/q/999999", "/symbols/svg/nothing.svg"])
def test_every_picture_on_an_error_page_resolves(app: Flask, url: str) -> None:
    client = app.test_client()
    page = client.get(url)
    assert page.status_code in (302, 404)
    html = (
        client.get(url, follow_redirects=True).get_data(as_text=True)
        if page.status_code == 302
        else page.get_data(as_text=True)
    )
    sources = re.findall(r'<img[^>]+src="([^"]+)"', html)
    assert sources, "no pictures on the page"
    for src in sources:
        assert "Macro" not in src, src
        assert client.get(src).status_code == 200, src


@pytest.mark.parametrize("status", [400, 403, 404, 405, 409, 413, 429, 500])
def test_every_error_status_draws_pictures_that_exist(app: Flask, status: int) -> None:
    from app.errors import render_error

    with app.test_request_context("/"):
        html, code = render_error(status)
    assert code == status
    client = app.test_client()
    sources = re.findall(r'<img[^>]+src="([^"]+)"', html)
    assert len(sources) >= 2
    for src in sources:
        assert client.get(src).status_code == 200, (status, src)


def test_pages_name_a_favicon_that_exists(app: Flask) -> None:
    """Browsers ask for one on every page; a missing one was the only console error."""
    client = app.test_client()
    html = client.get("/").get_data(as_text=True)
    icon = re.search(r'<link rel="icon"[^>]+href="([^"]+)"', html)
    assert icon, "no favicon link"
    found = client.get(icon.group(1))
    assert found.status_code == 200 and found.mimetype == "image/svg+xml"
