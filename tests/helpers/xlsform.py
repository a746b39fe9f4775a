"""XLSForm workbooks for tests, made with openpyxl from a readable description (a YAML file in
tests/data/xlsform/: each sheet is its header row, then its rows), and what a read checks against."""

from __future__ import annotations

import copy
import io
from pathlib import Path
from typing import Any

import openpyxl
import yaml

from app.easyread.pictures import load_symbol_index
from app.questionnaires import loader

ROOT = Path(__file__).resolve().parent.parent.parent
DATA = ROOT / "tests" / "data" / "xlsform"


def description(name: str = "every-feature") -> dict[str, list[list[Any]]]:
    """A workbook description from tests/data/xlsform/<name>.yaml (a fresh copy to change)."""
    return copy.deepcopy(yaml.safe_load((DATA / f"{name}.yaml").read_text(encoding="utf-8")))


def expected(name: str = "every-feature") -> dict[str, Any]:
    """The survey definition tests/data/xlsform/<name>.expected.yaml says the workbook reads to."""
    return yaml.safe_load((DATA / f"{name}.expected.yaml").read_text(encoding="utf-8"))


def workbook(sheets: dict[str, list[list[Any]]]) -> bytes:
    """The .xlsx bytes of a description; every cell is written as the text given (None: empty)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(row=r, column=c, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def shipped_checks() -> tuple[set[str], set[str]]:
    """The framework sections and symbol names of the shipped surveys (what an import checks)."""
    symbols = set(load_symbol_index(ROOT / "easyread_assets" / "symbols" / "index.json"))
    frameworks = loader.load_all(ROOT / "surveys", symbols).frameworks.values()
    return set().union(*(f.section_refs() for f in frameworks)), symbols
