"""The test suite's own house rules (issue 11): shared helpers live in tests/helpers/ or in
fixtures, never in another test module; bench/ has its own helpers; one name, one fixture."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
        elif isinstance(node, ast.ImportFrom) and node.level:
            found.add("." * node.level + (node.module or ""))
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_no_test_module_imports_another_or_conftest() -> None:
    modules = sorted(TESTS.rglob("*.py"))
    assert len(modules) > 60
    found = {}
    for path in modules:
        bad = sorted(
            name
            for name in imported_modules(path)
            if name.split(".")[-1].startswith("test_") or name.split(".")[-1] == "conftest"
        )
        if bad:
            found[str(path.relative_to(ROOT))] = bad
    assert found == {}


def test_the_rule_sees_an_import_from_a_test_module(tmp_path: Path) -> None:
    sample = tmp_path / "test_sample.py"
    sample.write_text("from test_journey_flow import begin\nfrom conftest import make_app\n")
    assert imported_modules(sample) == {"test_journey_flow", "conftest"}


def test_bench_imports_nothing_from_the_tests() -> None:
    scripts = sorted((ROOT / "bench").glob("*.py"))
    assert scripts
    found = {
        str(path.relative_to(ROOT)): sorted(
            name for name in imported_modules(path) if name.split(".")[0] in ("tests", "helpers", "conftest")
        )
        for path in scripts
    }
    assert {path: names for path, names in found.items() if names} == {}


def test_a_shared_fixture_has_one_definition_and_one_type() -> None:
    """A fixture in a conftest.py is defined there only; a test module that sets up its own
    fixture of the same name (its own ``app``, say) gives the same type."""
    conftest_fixtures: dict[str, list[tuple[str, str]]] = defaultdict(list)
    module_fixtures: list[tuple[str, str, str]] = []
    for path in sorted(TESTS.rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and any(
                "fixture" in ast.unparse(decorator) for decorator in node.decorator_list
            ):
                returns = ast.unparse(node.returns) if node.returns else ""
                entry = (str(path.relative_to(ROOT)), returns)
                if path.name == "conftest.py":
                    conftest_fixtures[node.name].append(entry)
                else:
                    module_fixtures.append((node.name, *entry))
    assert len(conftest_fixtures) > 5
    assert {name: found for name, found in conftest_fixtures.items() if len(found) > 1} == {}
    different = [
        f"{path}: {name} -> {returns or '?'} (conftest: {conftest_fixtures[name][0][1]})"
        for name, path, returns in module_fixtures
        if name in conftest_fixtures and returns != conftest_fixtures[name][0][1]
    ]
    assert different == []
