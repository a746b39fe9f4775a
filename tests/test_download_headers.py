"""Downloads of answers are never kept in a cache or the browser's history (issue 9, item 11)."""

from __future__ import annotations

import pytest
from flask import Flask
from helpers.app import add_users, sign_in_as

DOWNLOADS = [
    "/provider/download/answers.csv",
    "/provider/download/summary.csv",
    "/provider/download/what-people-told-us.pdf",
]


@pytest.mark.parametrize("url", DOWNLOADS)
def test_every_download_says_no_store(app: Flask, url: str) -> None:
    add_users(app)
    client = app.test_client()
    assert sign_in_as(client, "quality_lead@demo.example").status_code == 302
    result = client.get(url)
    assert result.status_code == 200, result.status_code  # the file itself, not a sign-in page
    assert result.mimetype != "text/html"
    assert result.headers["Cache-Control"] == "no-store"
