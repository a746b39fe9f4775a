"""The public easy-read PDF is made once per published content, and one address cannot keep a
worker busy making it (issue 9, items 8 and 11: it was computed live on every request, with no
limit)."""

from __future__ import annotations

from flask import Flask
from helpers.world import build_world

from app.public.views import PDFS_PER_WINDOW
from app.reports import told_us
from conftest import add_users


def test_the_public_pdf_is_made_once_and_then_kept(app: Flask) -> None:
    add_users(app)
    world = build_world(app)
    url = f"/published/demo/{world['published_id']}/report.pdf"
    told_us._PUBLISHED_PDFS.clear()
    first = app.test_client().get(url)
    assert first.status_code == 200 and first.data.startswith(b"%PDF")
    assert len(told_us._PUBLISHED_PDFS) == 1
    kept = next(iter(told_us._PUBLISHED_PDFS.values()))
    second = app.test_client().get(url)
    assert second.data == first.data == kept
    assert len(told_us._PUBLISHED_PDFS) == 1  # nothing new was made


def test_one_address_gets_a_limited_number_of_public_pdfs(app: Flask) -> None:
    add_users(app)
    world = build_world(app)
    url = f"/published/demo/{world['published_id']}/report.pdf"
    reader = app.test_client()
    for _ in range(PDFS_PER_WINDOW):
        assert reader.get(url).status_code == 200
    refused = reader.get(url)
    assert refused.status_code == 429
    assert "Error code: 429" in refused.get_data(as_text=True)
    other = app.test_client()
    assert other.get(url, environ_base={"REMOTE_ADDR": "127.0.0.9"}).status_code == 200  # not held up
