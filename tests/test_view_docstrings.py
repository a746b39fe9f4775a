"""Every view says what it does for whom: a docstring on each function a URL reaches."""

from __future__ import annotations

import inspect

from flask import Flask


def test_every_view_has_a_docstring(app: Flask) -> None:
    views = {
        rule.endpoint: app.view_functions[rule.endpoint]
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
    }
    assert len(views) > 80  # the app's own routes were found
    missing = sorted(
        f"{endpoint} ({inspect.getsourcefile(view)})"
        for endpoint, view in views.items()
        if not (inspect.getdoc(view) or "").strip()
    )
    assert missing == []
