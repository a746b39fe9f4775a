"""Imports run one way: views -> services -> models -> db (DESIGN.md, issue 11).

Three checks over app/: importing any module that is not part of the HTTP layer, on its own in a
fresh interpreter, loads no views module; no module imports another that (through others)
imports it back; and only the HTTP layer touches Flask's ``request``, ``session`` or ``g``.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app"

#: Modules of the HTTP layer besides the routes (``views``, ``*_views``, ``blueprint``): the
#: request boundary itself. Each reads the request, the session or ``g`` on purpose.
HTTP_BOUNDARY = {
    "app": "create_app registers the views",
    "app.errors": "error pages answer a request",
    "app.security": "headers and CSRF for each request",
    "app.i18n": "the locale chosen for a request (kept in the session)",
    "app.auth.access": "who is signed in (session), role checks on views",
    "app.provider.common": "the year and organisation a page asks for (request arguments)",
    "app.visits.common": "the visit a page is about, and who may run it",
    "app.visits.tablet": "request hooks that keep a handed-over tablet in the journey",
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(path): path for path in sorted(APP.rglob("*.py")) if "migrations" not in path.parts}


def is_view(name: str) -> bool:
    last = name.rsplit(".", 1)[-1]
    return last in ("views", "blueprint") or last.endswith("_views")


def in_http_layer(name: str) -> bool:
    return is_view(name) or name in HTTP_BOUNDARY or name == "app.cli"


def imports_of(name: str) -> set[str]:
    """Every app module ``name`` imports, at module level or inside functions."""
    path = MODULES[name]
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                if f"{target}.{alias.name}" in MODULES:
                    found.add(f"{target}.{alias.name}")
                elif target in MODULES:
                    found.add(target)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in MODULES)
    found.discard(name)
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Groups of modules that import each other, directly or through others (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                group.append(other)
                if other == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_one_that_imports_it_back() -> None:
    graph = {name: imports_of(name) for name in MODULES}
    assert len(graph) > 80 and sum(map(len, graph.values())) > 200  # the scan saw the code
    assert cycles(graph) == []


#: Run in a child of a process that has loaded the libraries but no app module: each module is
#: imported in a fresh fork, and the app modules that import loaded are reported.
PROBE = r"""
import json, os, sys
import flask, flask_babel, flask_wtf, sqlalchemy, sqlalchemy.orm, werkzeug, yaml, PIL.Image
names = json.loads(sys.argv[1])
assert not [m for m in sys.modules if m == "app" or m.startswith("app.")]
result = {}
for name in names:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        import importlib
        importlib.import_module(name)
        loaded = sorted(m for m in sys.modules if m == "app" or m.startswith("app."))
        os.write(write, json.dumps(loaded).encode())
        os._exit(0)
    os.close(write)
    chunks = []
    while chunk := os.read(read, 65536):
        chunks.append(chunk)
    os.close(read)
    _, status = os.waitpid(pid, 0)
    result[name] = json.loads(b"".join(chunks)) if status == 0 else None
print(json.dumps(result))
"""


def test_importing_a_service_or_model_loads_no_views() -> None:
    plain = [name for name in MODULES if not in_http_layer(name)]
    assert "app.answers.journey" in plain or "app.respond.journey" in plain
    run = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(plain)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    loaded = json.loads(run.stdout)
    assert None not in loaded.values(), [name for name, got in loaded.items() if got is None]
    assert all(name in got for name, got in loaded.items())  # each really was imported
    brought_in = {name: [m for m in got if is_view(m)] for name, got in loaded.items()}
    assert {name: views for name, views in brought_in.items() if views} == {}


def test_only_the_http_layer_touches_request_session_or_g() -> None:
    touching = set()
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "flask":
                if {alias.name for alias in node.names} & {"request", "session", "g"}:
                    touching.add(name)
            if isinstance(node, ast.Attribute) and node.attr in ("request", "session", "g"):
                if isinstance(node.value, ast.Name) and node.value.id == "flask":
                    touching.add(name)
    assert len(touching) > 5  # the scan sees the views that do
    assert sorted(name for name in touching if not in_http_layer(name)) == []
