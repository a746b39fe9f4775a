"""The evidence pack's index.html, opened from the file as a reader of the zip does, has no axe-core
violation at either tablet size (issue 10, item 14)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from helpers.app import add_users, make_app
from helpers.pack import HEADINGS, HELD_BACK, SAFE_QUOTE, evidence_pack
from playwright.sync_api import BrowserContext

from .helpers import LANDSCAPE, PORTRAIT, assert_axe_clean, screenshot

pytestmark = pytest.mark.browser


def test_the_evidence_pack_page_passes_axe(
    tmp_path: Path, new_context: Callable[..., BrowserContext]
) -> None:
    app: Flask = make_app(tmp_path)
    add_users(app)
    pack = evidence_pack(app)
    index = tmp_path / "pack" / "index.html"
    index.parent.mkdir()
    index.write_text(pack.html, encoding="utf-8")
    for size, name in ((PORTRAIT, "portrait"), (LANDSCAPE, "landscape")):
        page = new_context(size).new_page()
        page.goto(index.as_uri())
        headings = [h.strip() for h in page.locator("h2").all_inner_texts()]
        assert headings == list(HEADINGS)
        body = page.locator("body").inner_text()
        assert SAFE_QUOTE in body and HELD_BACK not in body
        assert page.locator("table.answers img.bar").count() > 0  # the bars are drawn
        assert_axe_clean(page, f"evidence pack {name}")
        screenshot(page, f"pdf_evidence_pack_{name}")
