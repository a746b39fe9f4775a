"""XLSForm in and out: the spreadsheet format of ODK and KoboToolbox (issue 12).

``read_xlsform`` turns a workbook (.xlsx) into a questionnaire definition in our format (version
2), checked by the same loader as a file in ``surveys/``; ``write_xlsform`` writes a questionnaire
as a workbook that pyxform converts to an XForm, and that reads back to the same content hash.
What maps to what, and what is refused, is in surveys/README.md ("XLSForm").

A read returns a whole definition or raises ``XLSFormError`` naming the sheet, the row (as the
spreadsheet numbers it) and the column: nothing is half-imported. The workbook is read cell by cell
with openpyxl (pyxform's reader keeps no column names or row numbers, and it fails on some forms
this mapping takes); pyxform checks every workbook ``write_xlsform`` makes (``to_xform``).
Nothing here knows of Flask, a request or the database.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from . import loader
from .schema import Questionnaire, content_hash
from .types import registry
from .types.base import QuestionType, XLSFormLists, matches

#: the symbol of a question, option or line that names none and is not itself a symbol's name
NEUTRAL_SYMBOL = "question"


def xlsform_words() -> dict[str, QuestionType]:
    """The XLSForm type word of a survey row -> our type (a select_one is a choose_one unless
    its list stands for a type's fixed cards: ``registry.xlsform_lists()``)."""
    return {kind.xlsform_word: kind for kind in registry.REGISTRY.values() if not kind.xlsform_lists}


#: a sheet past these is refused before it is read further (the shipped questionnaires use 40 rows)
MAX_ROWS = 2000
MAX_COLUMNS = 60
#: settings columns and the definition keys they give
SETTINGS = {
    "form_id": "id",
    "form_title": "title",
    "format_version": "version",
    "audience": "audience",
    "symbol": "symbol",
    "intro": "intro",
}
#: survey columns a question may use beside type / name / label / hint / relevant / constraint
QUESTION_COLUMNS = (
    "symbol",
    "sections",
    "safeguarding",
    "alert_on",
    "not_sure",
    "reversed",
    "points",
    "bands",
    "escapes",
    "does_not_apply",
)
BOOLEAN_COLUMNS = {"safeguarding", "not_sure", "reversed", "exclusive", "does_not_apply", "other"}
LIST_COLUMNS = {"sections", "alert_on", "bands", "escapes"}
#: columns ODK tools use for how a form looks or what it says on a mistake: read, and left out
IGNORED_COLUMNS = {"appearance", "constraint_message", "required_message"}
_ALIASES = {
    "list name": "list_name",
    "relevance": "relevant",
    "caption": "label",
    "id_string": "form_id",
    "title": "form_title",
    "constraint message": "constraint_message",
}
_MEDIA = {"media", "image", "audio", "video", "big-image"}
OWN_PICTURE = loader.OWN_PICTURE


def _is_image(column: _Column) -> bool:
    """An 'image' or 'media::image' column: a picture for the row (an own picture, by file name)."""
    return column.kind == "image" or (column.kind == "media" and (column.language or "").lower() == "image")


def _image_cell(row: _Row) -> str | None:
    for key in ("image", "media::image", "media::Image"):
        if row.cells.get(key):
            return row.cells[key].strip()
    return None


def _image_key(sheet: _Sheet) -> str | None:
    return next((c.key for c in sheet.columns if _is_image(c)), None)


def _picture_name(file_name: str) -> str:
    """'Front Door.JPG' -> 'front-door': the name an own picture is kept under."""
    stem = Path(file_name.replace("\\", "/")).stem.lower()
    return re.sub(r"[^a-z0-9]+", "-", stem).strip("-")[:60] or "picture"


_REFUSED_COLUMN_HINTS = {
    "choice_filter": "EasyVoice shows every option of a list: make a list for each question instead.",
    "default": "EasyVoice never fills in an answer for the person: delete the column.",
    "calculation": "EasyVoice does not calculate answers: delete the column.",
    "read_only": "Every question in EasyVoice can be answered: delete the column.",
    "repeat_count": "EasyVoice does not repeat questions: delete the column.",
    "trigger": "EasyVoice does not calculate answers: delete the column.",
    "parameters": "EasyVoice does not use question parameters: delete the column.",
    "guidance_hint": "Put what the question means in 'hint' instead.",
}
_METADATA = {
    "start",
    "end",
    "today",
    "deviceid",
    "subscriberid",
    "simserial",
    "phonenumber",
    "username",
    "email",
    "audit",
    "start-geopoint",
    "background-geopoint",
}
_NO_GROUPS = "EasyVoice asks one question a screen and has no groups: delete the group's begin and end rows."
_TYPE_HINTS = {
    "begin_group": _NO_GROUPS,
    "end_group": _NO_GROUPS,
    "begin_repeat": "EasyVoice does not repeat questions: ask the question once, or split the form.",
    "end_repeat": "EasyVoice does not repeat questions: ask the question once, or split the form.",
    "calculate": "EasyVoice does not calculate answers: delete the row.",
    "decimal": "Use 'integer' with a constraint like '. >= 0 and . <= 120'.",
    "range": "Use 'select_one scale_5' for a row of faces, or 'integer' for a number.",
    "rank": "Use 'select_multiple' and ask for the most important ones.",
    "acknowledge": "Use 'select_one yes_no'.",
}


class XLSFormError(Exception):
    """A workbook EasyVoice cannot take: where (sheet, row, column), what is wrong, what to do."""

    def __init__(self, sheet: str, row: int | None, column: str | None, message: str, hint: str) -> None:
        self.sheet, self.row, self.column = sheet, row, column
        self.message, self.hint = message, hint
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ", ".join(
            [
                self.sheet,
                *([f"row {self.row}"] if self.row else []),
                *([f"column {self.column}"] if self.column else []),
            ]
        )
        return f"{where}: {self.message} What to do: {self.hint}"


# --- reading a workbook -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Column:
    letter: str
    header: str  # as written, e.g. "label::English (en)"
    kind: str  # before '::', lower case and aliased: "label"
    language: str | None  # after '::': "English (en)"

    @property
    def key(self) -> str:
        """How rows name the column: its kind, with the language if it has one."""
        return f"{self.kind}::{self.language}" if self.language else self.kind

    @property
    def name(self) -> str:
        return f"{self.letter} ({self.header})"


@dataclass
class _Row:
    sheet: str
    number: int
    cells: dict[str, str]  # column key -> the cell as text (empty cells left out)


@dataclass
class _Sheet:
    name: str
    columns: list[_Column]
    rows: list[_Row]

    def column(self, key: str | None) -> _Column | None:
        return next((c for c in self.columns if c.key == key), None)

    def of_kind(self, kind: str) -> list[_Column]:
        return [c for c in self.columns if c.kind == kind]

    def fail(self, row: _Row | int | None, header: str | None, message: str, hint: str) -> XLSFormError:
        column = self.column(header)
        number = row.number if isinstance(row, _Row) else row
        return XLSFormError(self.name, number, column.name if column else None, message, hint)


def _letter(index: int) -> str:
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


def _cell_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if text.strip() else None


def _open(source: bytes | str | Path) -> dict[str, _Sheet]:
    """The workbook's sheets by lower-case name, each cell as text; refused if it is no .xlsx."""
    import openpyxl  # defusedxml, when installed, guards its XML parsing

    data = Path(source).read_bytes() if isinstance(source, str | Path) else source
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise XLSFormError(
            "the file",
            None,
            None,
            "This is not an Excel workbook (.xlsx).",
            "Save the XLSForm as .xlsx and try again.",
        ) from exc
    sheets: dict[str, _Sheet] = {}
    try:
        for ws in book.worksheets:
            name = ws.title.strip().lower()
            raw_rows = ws.iter_rows(values_only=True)
            header = next(raw_rows, None) or ()
            if len(header) > MAX_COLUMNS:
                raise XLSFormError(
                    name,
                    1,
                    None,
                    f"The sheet has more than {MAX_COLUMNS} columns.",
                    "Delete the columns not in use.",
                )
            columns = []
            for i, value in enumerate(header):
                text = _cell_text(value)
                if text is None:
                    continue
                text = text.strip()
                kind, _, language = text.partition("::")
                kind = _ALIASES.get(kind.strip().lower(), kind.strip().lower())
                column = _Column(_letter(i), text, kind, language.strip() or None)
                if any(c.key == column.key for c in columns):
                    raise XLSFormError(
                        name, 1, column.name, f"The column '{text}' is there twice.", "Delete one of them."
                    )
                columns.append(column)
            index = {_letter(i): i for i in range(len(header))}
            rows: list[_Row] = []
            for number, values in enumerate(raw_rows, start=2):
                if len(rows) > MAX_ROWS or number > 10 * MAX_ROWS:  # filled rows; or blank ones
                    raise XLSFormError(
                        name,
                        number,
                        None,
                        f"The sheet has more than {MAX_ROWS} rows.",
                        "Split the form into smaller ones, and delete empty rows at the end.",
                    )
                cells = {}
                for column in columns:
                    i = index[column.letter]
                    text = _cell_text(values[i]) if i < len(values) else None
                    if text is not None:
                        cells[column.key] = text
                if cells:
                    rows.append(_Row(name, number, cells))
            sheets[name] = _Sheet(name, columns, rows)
    finally:
        book.close()
    return sheets


def _bool(sheet: _Sheet, row: _Row, header: str) -> bool:
    value = row.cells[header].strip().lower()
    if value in ("true", "yes", "1", "true()"):
        return True
    if value in ("false", "no", "0", "false()"):
        return False
    raise sheet.fail(row, header, f"'{row.cells[header]}' should be true or false.", "Write true or false.")


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s,]+", text.strip()) if w]


def _whole_numbers(sheet: _Sheet, row: _Row, header: str) -> list[int]:
    try:
        return [int(w) for w in _words(row.cells[header])]
    except ValueError:
        raise sheet.fail(
            row, header, "This should be whole numbers.", "Write them with spaces between, e.g. '18 30 50'."
        ) from None


LANGUAGE_CODE = re.compile(r"\(([A-Za-z]{2,3})(?:[-_]([A-Za-z]{2}))?\)\s*$")


def language_code(language: str | None) -> str | None:
    """The locale code of an XLSForm language name: "Welsh (cy)" is cy, "Português (pt-BR)" pt_BR."""
    found = LANGUAGE_CODE.search(language or "")
    if not found:
        return None
    return found.group(1).lower() + (f"_{found.group(2).upper()}" if found.group(2) else "")


class _Texts:
    """Which 'label' / 'hint' column holds the words (one language); the others that name their
    language's code ("label::Welsh (cy)") hold translations, and any other is refused."""

    def __init__(self, sheet: _Sheet, kind: str, language: str | None) -> None:
        columns = sheet.of_kind(kind)
        plain = [c for c in columns if c.language is None]
        chosen = None
        if language:
            chosen = next((c for c in columns if c.language and c.language.lower() == language.lower()), None)
        if chosen is None and plain:
            chosen = plain[0]
        if chosen is None:
            english = [c for c in columns if c.language and c.language.lower().startswith("english")]
            chosen = english[0] if english else (columns[0] if len(columns) == 1 else None)
        #: locale code -> the column with the words in that language
        self.languages: dict[str, str] = {}
        for column in columns:
            if column is chosen:
                continue
            code = language_code(column.language)
            if code and code != language_code(chosen.language if chosen else None):
                self.languages[code] = column.key
                continue
            row = next((r for r in sheet.rows if column.key in r.cells), None)
            if row is not None:
                raise sheet.fail(
                    row,
                    column.key,
                    f"EasyVoice cannot tell which language '{column.header}' is.",
                    f"Write the language's code in brackets, e.g. '{kind}::Welsh (cy)', or delete "
                    "the column (or say which language to read in 'default_language' on the "
                    "settings sheet).",
                )
        self.header = chosen.key if chosen else None

    def get(self, row: _Row) -> str | None:
        return row.cells.get(self.header) if self.header else None

    def translate(self, row: _Row, into: dict[str, dict[str, str]]) -> None:
        """Add this row's words in each other language to ``into`` (code -> English -> words)."""
        english = self.get(row)
        if not english:
            return
        for code, key in self.languages.items():
            if row.cells.get(key):
                into.setdefault(code, {})[" ".join(english.split())] = row.cells[key]


def _refuse_unknown_columns(sheet: _Sheet, known: Iterable[str]) -> None:
    """Refuse, at its first filled cell, a column EasyVoice does not map (media first)."""
    allowed = set(known) | IGNORED_COLUMNS
    for column in sheet.columns:
        if column.kind in allowed or column.kind.startswith("$"):  # Kobo's own bookkeeping
            continue
        filled = [r for r in sheet.rows if column.key in r.cells]
        if column.kind == "required":
            filled = [
                r
                for r in filled
                if r.cells[column.key].strip().lower() not in ("no", "false", "false()", "0")
            ]
        if not filled:
            continue
        row = filled[0]
        if _is_image(column):
            continue
        if column.kind in _MEDIA:
            raise sheet.fail(
                row,
                column.key,
                "EasyVoice cannot take sound or video from an XLSForm: it reads every text aloud itself.",
                "Delete this column. Pictures go in an 'image' (or 'media::image') column.",
            )
        if column.kind == "required":
            raise sheet.fail(
                row,
                column.key,
                "EasyVoice lets the person skip every question.",
                "Clear the 'required' cells.",
            )
        raise sheet.fail(
            row,
            column.key,
            f"EasyVoice does not know the column '{column.header}'.",
            _REFUSED_COLUMN_HINTS.get(
                column.kind,
                "Delete the column. surveys/README.md ('XLSForm') lists the columns EasyVoice reads.",
            ),
        )


@dataclass
class _Where:
    """Where each part of the definition came from, to name the cell of a mistake the loader finds."""

    settings: dict[str, tuple[int, str]]  # key -> (row, header)
    lines: dict[str, list[tuple[_Row, dict[str, str | None]]]]  # introduction / consent
    questions: list[tuple[_Row, dict[str, str | None]]]  # survey row, definition key -> header
    options: list[list[tuple[_Row, dict[str, str | None]]]]  # each question's choices rows


def read_xlsform(
    source: bytes | str | Path,
    *,
    section_refs: set[str],
    symbols: set[str] | None,
    label: str = "the XLSForm",
    pictures: Collection[str] | None = None,
) -> dict[str, Any]:
    """A questionnaire definition (our format) from an XLSForm workbook, checked by our loader.

    ``section_refs``: the framework sections a question may name; ``symbols``: the symbol names
    (None: not checked); ``pictures``: the organisation's own pictures, which an 'image' (or
    'media::image') cell names by its file ("front-door.jpg" is ``own:front-door``). Raises
    XLSFormError (sheet, row, column) at the first thing refused.
    """
    sheets = _open(source)
    definition, where = _definition(sheets, symbols)
    text = definition_yaml(definition)
    try:
        questionnaire = loader.load_questionnaire_text(text, label, section_refs, symbols, pictures=pictures)
    except loader.SurveyFileError as exc:
        raise _located(exc.error, text, where, sheets) from exc
    return questionnaire.definition


def definition_yaml(definition: Mapping[str, Any]) -> str:
    """A definition written as a survey file (key order kept; 'yes' / 'no' quoted)."""
    return yaml.safe_dump(dict(definition), sort_keys=False, allow_unicode=True, width=1000)


def _definition(sheets: dict[str, _Sheet], symbols: set[str] | None) -> tuple[dict[str, Any], _Where]:
    for name in ("external_choices", "entities", "osm"):
        if name in sheets and sheets[name].rows:
            raise XLSFormError(
                name, None, None, f"EasyVoice does not use a '{name}' sheet.", "Delete the sheet."
            )
    survey = sheets.get("survey")
    if survey is None or not survey.rows:
        raise XLSFormError(
            "survey", None, None, "There is no 'survey' sheet with questions.", "Add the sheet 'survey'."
        )
    choices = sheets.get("choices") or _Sheet("choices", [], [])
    settings = sheets.get("settings") or _Sheet("settings", [], [])

    def pick_symbol(row: _Row, name: str | None) -> str:
        image = _image_cell(row)
        if image:  # the workbook's own picture: one of the organisation's, by its file's name
            return OWN_PICTURE + _picture_name(image)
        if row.cells.get("symbol"):
            return row.cells["symbol"].strip()
        if name and symbols is not None and name in symbols:
            return name
        return NEUTRAL_SYMBOL

    # settings: one row of values under the headers
    _refuse_unknown_columns(settings, {*SETTINGS, "version", "default_language", "sections", "style"})
    setting_row = settings.rows[0] if settings.rows else _Row("settings", 2, {})
    if len(settings.rows) > 1:
        raise settings.fail(
            settings.rows[1], None, "The settings sheet has more than 1 row of values.", "Keep one row."
        )
    by_kind = {c.kind: c.key for c in settings.columns if language_code(c.language) is None}
    given = {kind: setting_row.cells.get(key) for kind, key in by_kind.items()}
    translations: dict[str, dict[str, str]] = {}
    where = _Where({}, {"introduction": [], "consent": []}, [], [])
    definition: dict[str, Any] = {}
    for column, key in SETTINGS.items():
        where.settings[key] = (setting_row.number, by_kind.get(column, ""))
    version = (given.get("format_version") or "2").strip()
    definition["version"] = int(version) if version.isdigit() else version
    for column in ("form_id", "form_title", "audience"):
        if not given.get(column):
            raise XLSFormError(
                "settings",
                setting_row.number if column in by_kind else 1,
                settings.column(by_kind.get(column)).name if column in by_kind else None,
                f"The settings sheet has no '{column}'.",
                f"Add a column '{column}' to the settings sheet"
                + (
                    " (person_supported, family, staff or expert)."
                    if column == "audience"
                    else ", and fill it in."
                ),
            )
    definition["id"] = given["form_id"].strip()  # type: ignore[union-attr]
    definition["title"] = given["form_title"]
    for kind in ("form_title", "intro"):
        for column in settings.of_kind(kind):
            code = language_code(column.language)
            if code and given.get(kind) and setting_row.cells.get(column.key):
                english = " ".join(str(given[kind]).split())
                translations.setdefault(code, {})[english] = setting_row.cells[column.key]
    definition["audience"] = given["audience"].strip()  # type: ignore[union-attr]
    definition["symbol"] = (given.get("symbol") or NEUTRAL_SYMBOL).strip()
    if given.get("intro"):
        definition["intro"] = given["intro"]
    default_sections = _words(given.get("sections") or "")
    language = (given.get("default_language") or "").strip() or None

    # choices: list name -> its rows
    _refuse_unknown_columns(choices, {"list_name", "name", "label", "symbol", "hint", "exclusive", "other"})
    choice_label = _Texts(choices, "label", language)
    choice_hint = _Texts(choices, "hint", language)
    name_header = "name"
    lists: dict[str, list[_Row]] = {}
    for row in choices.rows:
        if not row.cells.get("list_name") or not row.cells.get("name"):
            raise choices.fail(
                row,
                "list_name" if not row.cells.get("list_name") else "name",
                "A choice needs its list name and its name.",
                "Fill in 'list_name' and 'name' (the value stored), or delete the row.",
            )
        lists.setdefault(row.cells["list_name"].strip(), []).append(row)

    # survey: notes at the top, then the questions
    _refuse_unknown_columns(
        survey, {"type", "name", "label", "hint", "relevant", "constraint", *QUESTION_COLUMNS}
    )
    label = _Texts(survey, "label", language)
    hint = _Texts(survey, "hint", language)
    h = {c.kind: c.key for c in survey.columns if c.language is None}
    kinds: dict[str, str] = {}  # question id -> our type (for reading 'relevant')
    questions: list[dict[str, Any]] = []
    for row in survey.rows:
        qtype = " ".join(row.cells.get(h.get("type", ""), "").split())
        if not qtype:
            raise survey.fail(
                row, h.get("type"), "This row has no type.", "Fill in the type, or delete the row."
            )
        word, _, rest = qtype.partition(" ")
        word = {"select one": "select_one", "begin group": "begin_group", "end group": "end_group"}.get(
            word, word
        )
        name = (row.cells.get(h.get("name", "")) or "").strip()
        if word == "note":
            _note(survey, row, h, label, hint, questions, definition, where, pick_symbol(row, None))
            label.translate(row, translations)
            continue
        if word in _METADATA:
            raise survey.fail(
                row,
                h["type"],
                f"EasyVoice does not record '{word}'.",
                "Delete the row: EasyVoice notes the time itself.",
            )
        words = xlsform_words()
        if word not in words:
            raise survey.fail(
                row,
                h["type"],
                f"EasyVoice cannot ask a '{word}' question.",
                _TYPE_HINTS.get(
                    word, f"Use {', '.join(list(words)[:-1])} or {list(words)[-1]}, or delete the row."
                ),
            )
        if name and not re.match(r"[A-Za-z_]", name):
            raise survey.fail(
                row,
                h.get("name"),
                f"The name '{name}' does not start with a letter.",
                "Start it with a letter.",
            )
        if label.get(row) is None:
            raise survey.fail(
                row,
                label.header or h["type"],
                "This question has no label (its words).",
                "Write the question.",
            )
        q: dict[str, Any] = {"id": name, "type": None, "text": label.get(row)}
        label.translate(row, translations)
        hint.translate(row, translations)
        keys: dict[str, str | None] = {
            "id": h.get("name"),
            "type": h["type"],
            "text": label.header,
            "help": hint.header,
            "show_if": h.get("relevant"),
            "min": h.get("constraint"),
            "max": h.get("constraint"),
            "max_length": h.get("constraint"),
            "options": h["type"],
            **{c: h.get(c) for c in QUESTION_COLUMNS},
        }
        if _image_cell(row):
            keys["symbol"] = _image_key(survey)
        where.questions.append((row, keys))
        where.options.append([])
        q["symbol"] = pick_symbol(row, name)
        if hint.get(row) is not None:
            q["help"] = hint.get(row)
        sections = _words(row.cells["sections"]) if row.cells.get("sections") else default_sections
        if not sections:
            raise survey.fail(
                row,
                h.get("sections", h["type"]),
                "EasyVoice needs the framework sections each question gives evidence for.",
                "Fill in a 'sections' column (e.g. 'duq:1 cqc:caring'), "
                "or put 'sections' on the settings sheet for every question.",
            )
        q["sections"] = sections
        for column in ("safeguarding", "not_sure", "reversed", "does_not_apply"):
            if row.cells.get(column):
                q[column] = _bool(survey, row, column)
        if row.cells.get("escapes"):
            q["escapes"] = _words(row.cells["escapes"])
        if row.cells.get("alert_on"):
            q["alert_on"] = _words(row.cells["alert_on"])
        if row.cells.get("points"):
            points = _whole_numbers(survey, row, "points")
            q["points"] = points[0] if len(points) == 1 else points
        if row.cells.get("bands"):
            q["bands"] = _whole_numbers(survey, row, "bands")
        constraint = row.cells.get(h.get("constraint", ""))
        kind = words[word]
        if "options" in kind.keys:  # select_one / select_multiple: a list on the choices sheet
            list_name = rest.strip()
            if not list_name or " " in list_name:
                raise survey.fail(
                    row,
                    h["type"],
                    f"EasyVoice cannot take '{qtype}'.",
                    "Write 'select_one' or 'select_multiple' and the name of a list on the choices sheet.",
                )
            if list_name not in lists:
                raise survey.fail(
                    row,
                    h["type"],
                    f"There is no list '{list_name}' on the choices sheet.",
                    "Add the list, or fix the name.",
                )
            _constraint(kind, q, constraint, survey, row, h)
            built_in = registry.xlsform_lists().get(list_name)
            if built_in and word == "select_one":
                _built_in(choices, lists[list_name], list_name, name_header, q, survey, row)
            else:
                q["type"] = kind.name
                options = []
                for choice in lists[list_name]:
                    value = choice.cells[name_header].strip()  # type: ignore[index]
                    option: dict[str, Any] = {"value": value, "text": choice_label.get(choice)}
                    choice_label.translate(choice, translations)
                    choice_hint.translate(choice, translations)
                    option["symbol"] = pick_symbol(choice, value)
                    if choice_hint.get(choice) is not None:
                        option["help"] = choice_hint.get(choice)
                    for column in ("exclusive", "other"):
                        if choice.cells.get(column):
                            option[column] = _bool(choices, choice, column)
                    options.append(option)
                    where.options[-1].append(
                        (
                            choice,
                            {
                                "value": name_header,
                                "text": choice_label.header,
                                "symbol": _image_key(choices) if _image_cell(choice) else "symbol",
                                "help": choice_hint.header,
                                "exclusive": "exclusive",
                                "other": "other",
                            },
                        )
                    )
                q["options"] = options
        else:
            q["type"] = kind.name
            _constraint(kind, q, constraint, survey, row, h)
        if h.get("relevant") and row.cells.get(h["relevant"]):
            q["show_if"] = _relevant(survey, row, h["relevant"], kinds)
        kinds[name] = q["type"]
        questions.append(q)
    if not questions:
        raise XLSFormError("survey", None, None, "The survey sheet has no questions.", "Add the questions.")
    for key in ("introduction", "consent"):
        if key in definition:
            definition[key] = definition.pop(key)  # after intro, before the questions
    definition["questions"] = questions
    if translations:
        definition["translations"] = translations
    return definition, where


def _note(
    survey: _Sheet,
    row: _Row,
    h: dict[str, str],
    label: _Texts,
    hint: _Texts,
    questions: list[dict[str, Any]],
    definition: dict[str, Any],
    where: _Where,
    symbol: str,
) -> None:
    """A note above the first question is a line of the consent page: 'consent...' names go to
    who sees the answers, the others to what the questions are for."""
    if questions:
        raise survey.fail(
            row,
            h["type"],
            "EasyVoice asks one question a screen: a note between questions has no place.",
            "Move the note above the first question (it becomes a line of the first page), or delete it.",
        )
    for header in (hint.header, h.get("relevant"), h.get("constraint")):
        if header and row.cells.get(header):
            raise survey.fail(row, header, "A note is one line of words and its symbol.", "Clear this cell.")
    name = (row.cells.get(h.get("name", "")) or "").strip().lower()
    key = "consent" if name.startswith("consent") else "introduction"
    definition.setdefault(key, []).append({"text": label.get(row), "symbol": symbol})
    where.lines[key].append((row, {"text": label.header, "symbol": "symbol"}))


def _built_in(
    choices: _Sheet,
    rows: list[_Row],
    list_name: str,
    name_header: str | None,
    q: dict[str, Any],
    survey: _Sheet,
    row: _Row,
) -> None:
    """A list named like our fixed cards (faces, scale_3, scale_5, yes_no, yes_no_not_sure)."""
    qtype, keys, cards = registry.xlsform_lists()[list_name]
    values = [r.cells[name_header].strip() for r in rows]  # type: ignore[index]
    if values != [c.value for c in cards]:
        raise choices.fail(
            rows[0],
            name_header,
            f"The list '{list_name}' stands for EasyVoice's own cards: {', '.join(c.value for c in cards)}.",
            "Give the list exactly these names in this order, or call it something else.",
        )
    q["type"] = qtype
    for key, value in keys.items():  # what the list stands for: 5 faces, or "Not sure"
        given = q.get(key)
        if given is None:
            if not matches({}, {key: value}):  # not what the file would mean leaving it out
                q[key] = value
        elif given != value:
            raise survey.fail(
                row,
                key,
                f"The list '{list_name}' stands for '{key}: {str(value).lower()}'.",
                f"Write {str(value).lower()}, or clear the cell "
                f"(or use another of: {', '.join(registry.xlsform_lists())}).",
            )


def _constraint(
    kind: QuestionType,
    q: dict[str, Any],
    constraint: str | None,
    survey: _Sheet,
    row: _Row,
    h: dict[str, str],
) -> None:
    """The keys a row's constraint gives its question, as its type reads them (a number's
    range, a text's length); a constraint the type cannot read is refused at its cell."""
    try:
        q.update(kind.read_xlsform_constraint(constraint or ""))
    except ValueError as exc:
        raise survey.fail(row, h.get("constraint", h["type"]), *exc.args) from exc


# --- 'relevant' <-> show_if -------------------------------------------------------------------

_TOKEN = re.compile(r"\s*(?:(\$\{[^}]*\})|('[^']*'|\"[^\"]*\")|(!=|=|\(|\)|,)|([A-Za-z_][\w-]*(?:\(\))?))")
_SUBSET = (
    "Write it with ${q} = 'x', ${q} != 'x', selected(${q}, 'x'), and, or, not( ... ) only "
    "(surveys/README.md, 'XLSForm')."
)


class _RelevantError(Exception):
    def __init__(self, message: str, hint: str = _SUBSET) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


def _tokens(text: str) -> list[tuple[str, str]]:
    out, at = [], 0
    while at < len(text):
        match = _TOKEN.match(text, at)
        if not match or match.end() == at:
            if not text[at:].strip():
                break
            raise _RelevantError(f"EasyVoice cannot read '{text[at:].strip()[:20]}' in 'relevant'.")
        kinds = ("ref", "str", "op", "word")
        kind = next(k for k, g in zip(kinds, match.groups(), strict=True) if g is not None)
        out.append((kind, match.group(match.lastindex or 0)))
        at = match.end()
    return out


class _Parser:
    """'relevant' in the subset EasyVoice maps: or < and < not( ) / ( ) / one test.

    A node is ("test", kind, question, value) with kind eq / ne / sel / sel_true, ("not", node),
    ("and", [nodes]), ("or", [nodes]) or ("group", node) for a bracketed part.
    """

    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.at = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def take(self, value: str | None = None, kind: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if (
            token is None
            or (value is not None and token[1] != value)
            or (kind is not None and token[0] != kind)
        ):
            got = f"'{token[1]}'" if token else "the end"
            raise _RelevantError(f"EasyVoice found {got} where it expected {value or kind} in 'relevant'.")
        self.at += 1
        return token

    def parse(self) -> Any:
        node = self.either()
        if self.peek() is not None:
            raise _RelevantError(f"EasyVoice cannot read 'relevant' from '{self.peek()[1]}' on.")  # type: ignore[index]
        return node

    def either(self) -> Any:
        parts = [self.both()]
        while self.peek() == ("word", "or"):
            self.take()
            parts.append(self.both())
        return parts[0] if len(parts) == 1 else ("or", parts)

    def both(self) -> Any:
        parts = [self.one()]
        while self.peek() == ("word", "and"):
            self.take()
            parts.append(self.one())
        return parts[0] if len(parts) == 1 else ("and", parts)

    def one(self) -> Any:
        token = self.peek()
        if token == ("word", "not"):
            self.take()
            self.take("(")
            inner = self.either()
            self.take(")")
            return ("not", inner)
        if token == ("op", "("):
            self.take()
            inner = self.either()
            self.take(")")
            return ("group", inner)
        if token == ("word", "selected"):
            self.take()
            self.take("(")
            question = self.ref()
            self.take(",")
            value = self.string()
            self.take(")")
            if self.peek() == ("op", "="):
                self.take()
                self.take("true()")
                return ("test", "sel_true", question, value)
            return ("test", "sel", question, value)
        if token and token[0] == "ref":
            question = self.ref()
            op = self.take(kind="op")[1]
            if op not in ("=", "!="):
                raise _RelevantError(f"EasyVoice cannot read '{op}' after '${{{question}}}' in 'relevant'.")
            return ("test", "eq" if op == "=" else "ne", question, self.string())
        got = f"'{token[1]}'" if token else "the end"
        raise _RelevantError(f"EasyVoice cannot read {got} in 'relevant'.")

    def ref(self) -> str:
        return self.take(kind="ref")[1][2:-1].strip()

    def string(self) -> str:
        return self.take(kind="str")[1][1:-1]


def _relevant(survey: _Sheet, row: _Row, header: str, kinds: Mapping[str, str]) -> dict[str, Any]:
    text = row.cells[header]
    try:
        return _condition(_Parser(text).parse(), kinds)
    except _RelevantError as exc:
        raise survey.fail(row, header, exc.message, exc.hint) from None


def _condition(node: Any, kinds: Mapping[str, str]) -> dict[str, Any]:
    tag = node[0]
    if tag == "group":
        return _condition(node[1], kinds)
    if tag == "and":
        return {"all": [_condition(part, kinds) for part in node[1]]}
    if tag == "or":
        same = _one_question_selected(node[1])
        if same:
            question, values = same
            _known(question, kinds)
            return {"question": question, "any_of": values}
        return {"any": [_condition(part, kinds) for part in node[1]]}
    if tag == "not":
        inner = node[1][1] if node[1][0] == "group" else node[1]
        same = _one_question_selected(inner[1]) if inner[0] == "or" else None
        if inner[0] == "test" and inner[1] in ("sel", "eq"):
            same = (inner[2], [inner[3]])
        if not same:
            raise _RelevantError("EasyVoice reads not( ... ) only around tests of one question.")
        if inner[0] == "test" and inner[1] == "eq":
            _single(inner[2], kinds)
        _known(same[0], kinds)
        return {"question": same[0], "none_of": same[1]}
    _, kind, question, value = node
    _known(question, kinds)
    if kind in ("eq", "ne"):
        _single(question, kinds)
        return {
            "question": question,
            "equals" if kind == "eq" else "none_of": value if kind == "eq" else [value],
        }
    if kind == "sel_true":
        return {"question": question, "equals": value}
    return {"question": question, "any_of": [value]}


def _one_question_selected(parts: list[Any]) -> tuple[str, list[str]] | None:
    """``selected(${q}, 'a') or selected(${q}, 'b')``: one question and its values, else None."""
    if all(p[0] == "test" and p[1] == "sel" for p in parts) and len({p[2] for p in parts}) == 1:
        return parts[0][2], [p[3] for p in parts]
    return None


def _known(question: str, kinds: Mapping[str, str]) -> None:
    if question not in kinds:
        raise _RelevantError(
            f"'relevant' names '${{{question}}}', which is not a question above this one.",
            "Name a question that comes earlier on the survey sheet.",
        )


def _single(question: str, kinds: Mapping[str, str]) -> None:
    if kinds[question] == "choose_many":
        raise _RelevantError(
            f"'${{{question}}}' can have more than one answer ticked: '=' and '!=' mean 'only this one'.",
            f"Write selected(${{{question}}}, 'x') or not(selected(${{{question}}}, 'x')).",
        )


def relevant_text(condition: Mapping[str, Any], kinds: Mapping[str, str]) -> str:
    """A show_if condition as XLSForm 'relevant' (read back by ``read_xlsform`` to the same)."""

    def wrap(part: Mapping[str, Any]) -> str:
        compound = "all" in part or "any" in part or len(part.get("any_of", ())) > 1
        text = relevant_text(part, kinds)
        return f"({text})" if compound else text

    if "all" in condition:
        return " and ".join(wrap(p) for p in condition["all"])
    if "any" in condition:
        return " or ".join(wrap(p) for p in condition["any"])
    question = condition["question"]

    def selected(values: Iterable[str]) -> str:
        return " or ".join(f"selected(${{{question}}}, '{v}')" for v in values)

    if "equals" in condition:
        if kinds.get(question) == "choose_many":
            return f"selected(${{{question}}}, '{condition['equals']}') = true()"
        return f"${{{question}}} = '{condition['equals']}'"
    if "any_of" in condition:
        return selected(condition["any_of"])
    return f"not({selected(condition['none_of'])})"


# --- naming the cell of a mistake the loader found --------------------------------------------


def _paths(text: str) -> dict[int, tuple[Any, ...]]:
    """Each line of a YAML text (1-based) -> the path of the first key or item on it."""
    out: dict[int, tuple[Any, ...]] = {}

    def walk(node: yaml.Node, path: tuple[Any, ...]) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                out.setdefault(key.start_mark.line + 1, (*path, key.value))
                walk(value, (*path, key.value))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                out.setdefault(item.start_mark.line + 1, (*path, i))
                walk(item, (*path, i))

    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if root is not None:
        walk(root, ())
    return out


def _located(error: loader.SurveyError, text: str, where: _Where, sheets: dict[str, _Sheet]) -> XLSFormError:
    path = _paths(text).get(error.line, ())
    keys = [p for p in path if isinstance(p, str)]
    sheet, row, header = "settings", None, None
    if path[:1] == ("questions",) and len(path) > 1:
        survey_row, columns = where.questions[path[1]]
        sheet, row, header = "survey", survey_row, columns.get(keys[1] if len(keys) > 1 else "id")
        if len(path) > 3 and path[2] == "options" and isinstance(path[3], int) and where.options[path[1]]:
            choice_row, columns = where.options[path[1]][path[3]]
            sheet, row, header = "choices", choice_row, columns.get(keys[2] if len(keys) > 2 else "value")
    elif path[:1] in (("introduction",), ("consent",)) and len(path) > 1:
        note_row, columns = where.lines[path[0]][path[1]]
        sheet, row, header = "survey", note_row, columns.get(keys[1] if len(keys) > 1 else "text")
    elif keys and keys[0] in where.settings:
        number, header = where.settings[keys[0]]
        row = _Row("settings", number, {})
    found = sheets.get(sheet) or _Sheet(sheet, [], [])
    return found.fail(row, header, error.message, error.hint)


# --- pyxform ---------------------------------------------------------------------------------


def to_xform(data: bytes) -> str:
    """The XForm (XML) pyxform makes of a workbook; raises pyxform's error if it cannot."""
    from pyxform.xls2xform import convert

    return convert(xlsform=data, file_type=".xlsx", warnings=[]).xform


# --- writing a workbook ----------------------------------------------------------------------


def write_xlsform(questionnaire: Questionnaire | Mapping[str, Any]) -> bytes:
    """The questionnaire as an XLSForm workbook (.xlsx): survey, choices and settings sheets.

    pyxform converts it to an XForm, and ``read_xlsform`` reads it back to the same content hash.
    Raises ValueError for a part of the definition XLSForm has no place for.
    """
    import openpyxl

    definition = questionnaire.definition if isinstance(questionnaire, Questionnaire) else questionnaire
    for key in definition:
        if key not in loader.QUESTIONNAIRE_KEYS:
            raise ValueError(f"'{key}' cannot be written to an XLSForm yet.")
    kinds = {str(q["id"]): str(q["type"]) for q in definition["questions"]}
    survey: list[dict[str, Any]] = []
    lists = XLSFormLists(set(registry.xlsform_lists()))
    for key in ("introduction", "consent"):
        for i, line in enumerate(definition.get(key, ()), start=1):
            survey.append(
                {"type": "note", "name": f"{key}-{i}", "label": line["text"], "symbol": line["symbol"]}
            )
    for q in definition["questions"]:
        extra = set(q) - loader.question_keys()
        if extra:
            raise ValueError(
                f"'{sorted(extra)[0]}' of question '{q['id']}' cannot be written to an XLSForm yet."
            )
        row: dict[str, Any] = {
            "name": q["id"],
            "label": q["text"],
            "hint": q.get("help"),
            "symbol": q["symbol"],
        }
        registry.question_type(str(q["type"])).xlsform_row(q, row, lists)
        if "show_if" in q:
            row["relevant"] = relevant_text(q["show_if"], kinds)
        row["sections"] = " ".join(map(str, q["sections"]))
        for key in ("safeguarding", "not_sure", "reversed", "does_not_apply"):
            if key in q:
                row[key] = q[key]
        for key in ("alert_on", "bands", "escapes"):
            if key in q:
                row[key] = " ".join(map(str, q[key]))
        if "points" in q:
            row["points"] = q["points"]
        survey.append(row)
    settings = {
        "form_title": definition["title"],
        "form_id": definition["id"],
        "version": content_hash(dict(definition)),  # ODK's form version: our version, the content hash
        "format_version": definition["version"],
        "audience": definition["audience"],
        "symbol": definition["symbol"],
        "intro": definition.get("intro"),
    }
    book = openpyxl.Workbook()
    translated = _translation_columns(definition.get("translations") or {}, survey, lists.rows, settings)
    _write_sheet(
        book.active,
        "survey",
        (
            "type",
            "name",
            "label",
            "hint",
            "relevant",
            "constraint",
            "symbol",
            "sections",
            *QUESTION_COLUMNS[2:],
            *translated,
        ),
        survey,
    )
    _write_sheet(
        book.create_sheet(),
        "choices",
        ("list_name", "name", "label", "symbol", "hint", "exclusive", "other", *translated),
        lists.rows,
    )
    _write_sheet(book.create_sheet(), "settings", tuple(settings), [settings])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _translation_columns(
    translations: Mapping[str, Mapping[str, str]],
    survey: list[dict[str, Any]],
    choices: list[dict[str, Any]],
    settings: dict[str, Any],
) -> list[str]:
    """Write each language's words beside the English, in ``label::Welsh (cy)`` columns (and
    ``hint::``, ``form_title::``, ``intro::``); the label and hint column names, in order."""
    from babel import Locale

    headers: list[str] = []
    for code, words in translations.items():
        name = f"{Locale.parse(code).english_name} ({code})"
        headers += [f"label::{name}", f"hint::{name}"]
        rows = [(row, ("label", "hint")) for row in [*survey, *choices]] + [
            (settings, ("form_title", "intro"))
        ]
        for row, kinds in rows:
            for kind in kinds:
                theirs = words.get(" ".join(str(row.get(kind) or "").split()))
                if theirs:
                    row[f"{kind}::{name}"] = theirs
    return headers


def _write_sheet(ws: Any, title: str, headers: tuple[str, ...], rows: list[dict[str, Any]]) -> None:
    """One sheet: the headers any row fills (the first 3 always), then the rows, every cell text."""
    ws.title = title
    used = [h for i, h in enumerate(headers) if i < 3 or any(r.get(h) is not None for r in rows)]
    ws.append(used)
    for r, row in enumerate(rows, start=2):
        for c, header in enumerate(used, start=1):
            value = row.get(header)
            if value is None:
                continue
            cell = ws.cell(row=r, column=c)
            cell.value = ("true" if value else "false") if isinstance(value, bool) else str(value)
            cell.data_type = "s"  # never a formula, even for words that start with '='


def import_checks(config: Mapping[str, Any], frameworks: Iterable[Any]) -> tuple[set[str], set[str]]:
    """What ``read_xlsform`` checks against in this app: the framework sections and symbol names."""
    from ..easyread.pictures import load_symbol_index

    refs: set[str] = set().union(*(f.section_refs() for f in frameworks))
    symbols = set(load_symbol_index(Path(config["ASSETS_DIR"]) / "symbols" / "index.json"))
    return refs, symbols
