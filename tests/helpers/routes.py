"""Every route of the app with sample values for its URL parts (for access and header scans)."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter


def _sample(converter: object) -> object:
    if hasattr(converter, "items"):  # any(...)
        return sorted(converter.items)[0]
    return 1 if isinstance(converter, IntegerConverter) else "x"


def all_routes(app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every rule, with made-up values for its arguments."""
    out = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        values = {arg: _sample(rule._converters[arg]) for arg in rule.arguments}
        url = rule.build(values, append_unknown=False)[1]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            out.append((rule.endpoint, method, url))
    return out
