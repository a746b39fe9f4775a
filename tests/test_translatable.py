"""Every string a person reads goes through gettext, so the catalog holds it (issue 11).

Templates never call ``_()`` on a variable (the catalog could not know the value): a stored value
goes through ``label`` (app/labels.py) and a survey's own words through ``tr``. Every label is
found by the extractor with a note for translators, and no date is formatted with ``strftime``
(English month names whatever the language).
"""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from jinja2 import Environment, nodes

from app.labels import LABELS

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "app" / "templates"
GETTEXT_NAMES = {"_", "gettext", "ngettext", "pgettext", "npgettext"}


def gettext_on_a_variable(source: str) -> list[str]:
    """Calls of _()/gettext() in a template whose message is not a string written there."""
    tree = Environment(autoescape=True, extensions=["jinja2.ext.i18n"]).parse(source)
    found = []
    for call in tree.find_all(nodes.Call):
        if isinstance(call.node, nodes.Name) and call.node.name in GETTEXT_NAMES:
            first = call.args[0] if call.args else None
            if not (isinstance(first, nodes.Const) and isinstance(first.value, str)):
                found.append(f"line {call.lineno}: {call.node.name}(...)")
    return found


def test_templates_never_translate_a_variable() -> None:
    templates = sorted(TEMPLATES.rglob("*.html"))
    assert len(templates) > 50
    calls = sum(len(re.findall(r"\b_\(", path.read_text(encoding="utf-8"))) for path in templates)
    assert calls > 300  # the scan sees the templates' translated strings
    found = {}
    for path in templates:
        problems = gettext_on_a_variable(path.read_text(encoding="utf-8"))
        if problems:
            found[str(path.relative_to(TEMPLATES))] = problems
    assert found == {}


def test_the_scan_catches_a_variable() -> None:
    assert gettext_on_a_variable('{{ _("Saved") }} {{ tr(item.title) }}') == []
    assert gettext_on_a_variable("{{ _(item.status) }}") == ["line 1: _(...)"]
    assert gettext_on_a_variable("{{ gettext(a ~ b) }}") == ["line 1: gettext(...)"]


def test_every_label_is_extracted_with_a_note_for_translators() -> None:
    method_map = [("app/**.py", "python")]
    options = {"app/**.py": {}}
    extracted: dict[str, list[str]] = {}
    for _file, _line, message, comments, _context in extract_from_dir(
        str(ROOT),
        method_map=method_map,
        options_map=options,
        keywords={"_": None, "gettext": None, "N_": None, "lazy_gettext": None},  # as `make translations`
        comment_tags=("i18n:",),
        strip_comment_tags=True,
    ):
        extracted.setdefault(message if isinstance(message, str) else message[0], []).extend(comments)
    names = [str(name._args[0]) for values in LABELS.values() for name in values.values()]  # type: ignore[attr-defined]
    assert len(names) > 20
    missing = [name for name in names if name not in extracted]
    unexplained = [name for name in names if name in extracted and not extracted[name]]
    assert missing == [] and unexplained == []


def test_no_date_is_written_with_strftime() -> None:
    sources = [*TEMPLATES.rglob("*.html"), *(ROOT / "app").rglob("*.py")]
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sources
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\.strftime\(", line)
    ]
    assert found == []
