"""One commit per request: only the request boundary (app/db.py) and the CLI commands commit.

What must stand although the answer is an error (a count of wrong tries, the audit of a refused
attempt or of a download) is written through ``throttle.kept``, on a connection of its own.
"""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"
#: the request boundary, and the CLI (each command is its own boundary)
ALLOWED = {APP / "db.py", APP / "cli.py"}


def commits(path: Path) -> list[int]:
    """Lines of ``path`` that call something's ``commit()``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "commit"
    ]


def test_only_the_request_boundary_and_the_cli_commit() -> None:
    found = {path: commits(path) for path in sorted(APP.rglob("*.py"))}
    assert found[APP / "db.py"], "the scan finds the boundary's own commit"
    outside = {
        str(path.relative_to(APP)): lines for path, lines in found.items() if lines and path not in ALLOWED
    }
    assert outside == {}


def test_what_must_survive_an_error_goes_through_the_one_helper() -> None:
    """The sign-in failure count and the raw download's audit record use throttle.kept."""
    accounts = (APP / "auth" / "accounts.py").read_text(encoding="utf-8")
    downloads = (APP / "provider" / "downloads_views.py").read_text(encoding="utf-8")
    assert "throttle.kept(db, attempt)" in accounts
    assert "throttle.kept(" in downloads
