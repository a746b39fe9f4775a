"""XLSForm in and out (issue 12, item 6): every mapped feature reads to the expected survey file,
every shipped questionnaire round-trips to the same content hash through a workbook pyxform turns
into an XForm, and each refusal names the sheet, the row and the column."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from helpers.app import make_app
from helpers.xlsform import ROOT, description, expected, shipped_checks, workbook

from app.questionnaires import loader
from app.questionnaires.schema import content_hash
from app.questionnaires.xlsform import (
    MAX_ROWS,
    XLSFormError,
    read_xlsform,
    relevant_text,
    to_xform,
    write_xlsform,
)

REFS, SYMBOLS = shipped_checks()
#: every shipped questionnaire file (the short versions in surveys/short are lists of ids) and the
#: test questionnaire with every format-2 feature
QUESTIONNAIRES = [
    *sorted((ROOT / "surveys").glob("*.yaml")),
    ROOT / "tests" / "data" / "day-and-work.yaml",
    ROOT / "tests" / "data" / "home-and-choices.yaml",
]


def read(data: bytes) -> dict[str, Any]:
    return read_xlsform(data, section_refs=REFS, symbols=SYMBOLS)


def test_every_mapped_feature_reads_to_the_expected_survey_file() -> None:
    """tests/data/xlsform/every-feature.yaml uses each mapped part of XLSForm once or more."""
    definition = read(workbook(description()))
    assert definition == yaml.safe_load(yaml.safe_dump(expected()))
    assert content_hash(definition) == content_hash(expected())


@pytest.mark.parametrize("path", QUESTIONNAIRES, ids=lambda p: p.name)
def test_a_questionnaire_round_trips_through_a_valid_xlsform(path: Path) -> None:
    """Export -> pyxform makes an XForm without errors -> import: the same content hash."""
    questionnaire = loader.load_questionnaire(path, REFS, SYMBOLS)
    data = write_xlsform(questionnaire)
    xform = to_xform(data)
    assert f'id="{questionnaire.id}"' in xform and f'version="{questionnaire.content_hash}"' in xform
    again = read(data)
    assert content_hash(again) == questionnaire.content_hash
    assert again == questionnaire.definition


def test_the_imported_workbook_round_trips_too() -> None:
    first = read(workbook(description()))
    data = write_xlsform(first)
    xform = to_xform(data)
    assert "relevant=" in xform and 'constraint=". &gt;= 16 and . &lt;= 100"' in xform
    assert content_hash(read(data)) == content_hash(first)


def test_show_if_is_written_as_relevant_in_odk_words() -> None:
    kinds = {"day": "choose_many", "job": "yes_no", "food": "choose_one"}
    cases = {
        "${job} = 'yes'": {"question": "job", "equals": "yes"},
        "selected(${day}, 'work') = true()": {"question": "day", "equals": "work"},
        "selected(${day}, 'work') or selected(${day}, 'sport')": {
            "question": "day",
            "any_of": ["work", "sport"],
        },
        "not(selected(${food}, 'me'))": {"question": "food", "none_of": ["me"]},
        "${job} = 'yes' and (selected(${day}, 'a') or selected(${day}, 'b'))": {
            "all": [{"question": "job", "equals": "yes"}, {"question": "day", "any_of": ["a", "b"]}]
        },
        "(${job} = 'yes' and ${food} = 'me') or ${job} = 'no'": {
            "any": [
                {"all": [{"question": "job", "equals": "yes"}, {"question": "food", "equals": "me"}]},
                {"question": "job", "equals": "no"},
            ]
        },
    }
    for text, condition in cases.items():
        assert relevant_text(condition, kinds) == text


def test_nothing_in_a_cell_becomes_a_formula() -> None:
    definition = read(workbook(description()))
    definition["questions"][0]["text"] = "=HYPERLINK('http://example.org')"
    book = openpyxl.load_workbook(io.BytesIO(write_xlsform(definition)))
    cell = book["survey"]["C5"]
    assert cell.value == "=HYPERLINK('http://example.org')" and cell.data_type == "s"


# --- refusals: sheet, row and column ----------------------------------------------------------
# every-feature.yaml: the survey sheet's rows 2-4 are notes, 5 listened, 6 day, 7 like_work,
# 8 garden, 9 food, 10 safe, 11 ignored, 12 mood, 13 age, 14 more; a row added is row 15. The
# choices sheet: faces 2-4, ..., day 18-21 (work, college, sport, none), food 22-23.

Sheets = dict[str, list[list[Any]]]


def add_row(*cells: Any) -> Callable[[Sheets], None]:
    return lambda d: d["survey"].append(list(cells))


def set_cell(sheet: str, row: int, column: str, value: Any) -> Callable[[Sheets], None]:
    def change(d: Sheets) -> None:
        header = d[sheet][0]
        if column not in header:
            header.append(column)
        cells = d[sheet][row - 1]
        index = header.index(column)
        cells.extend([None] * (index + 1 - len(cells)))
        cells[index] = value

    return change


REFUSALS = [
    (
        "geopoint",
        add_row("geopoint", "where", "Where are you?"),
        "survey, row 15, column A (type)",
        "'geopoint'",
    ),
    ("repeat", add_row("begin_repeat", "visits", "Visits"), "survey, row 15, column A (type)", "repeat"),
    ("group", add_row("begin_group", "home", "Home"), "survey, row 15, column A (type)", "no groups"),
    ("calculate", add_row("calculate", "total"), "survey, row 15, column A (type)", "calculate"),
    ("metadata", add_row("start", "start"), "survey, row 15, column A (type)", "notes the time itself"),
    (
        "or_other",
        set_cell("survey", 9, "type", "select_one food or_other"),
        "survey, row 9, column A (type)",
        "or_other",
    ),
    (
        "note between",
        add_row("note", "thanks", "Thank you."),
        "survey, row 15, column A (type)",
        "between questions",
    ),
    (
        "constraint",
        set_cell("survey", 13, "constraint", ". > 15"),
        "survey, row 13, column F (constraint)",
        "'. >= 0 and . <= 120'",
    ),
    (
        "no range",
        set_cell("survey", 13, "constraint", None),
        "survey, row 13, column F (constraint)",
        "smallest",
    ),
    (
        "choice constraint",
        set_cell("survey", 5, "constraint", ". != 'sad'"),
        "survey, row 5, column F (constraint)",
        "on a choice",
    ),
    (
        "text constraint",
        set_cell("survey", 14, "constraint", "regex(., '^a')"),
        "survey, row 14, column F (constraint)",
        "string-length",
    ),
    ("required", set_cell("survey", 5, "required", "yes"), "survey, row 5, column H (required)", "skip"),
    (
        "choice_filter",
        set_cell("survey", 9, "choice_filter", "name != 'me'"),
        "survey, row 9, column Q (choice_filter)",
        "a list for each question",
    ),
    (
        "default",
        set_cell("survey", 13, "default", "30"),
        "survey, row 13, column Q (default)",
        "never fills in an answer",
    ),
    (
        "a picture the organisation does not have, in choices",
        set_cell("choices", 18, "media::image", "work.png"),
        "choices, row 18, column G (media::image)",
        "no picture of your own called 'work'",
    ),
    (
        "a picture the organisation does not have, in survey",
        set_cell("survey", 7, "image", "job.png"),
        "survey, row 7, column Q (image)",
        "no picture of your own called 'job'",
    ),
    (
        "sound",
        set_cell("survey", 7, "media::audio", "job.mp3"),
        "survey, row 7, column Q (media::audio)",
        "sound or video",
    ),
    (
        "second language without its code",
        set_cell("survey", 5, "label::Français", "Le personnel vous écoute-t-il ?"),
        "survey, row 5, column Q (label::Français)",
        "label::Welsh (cy)",
    ),
    (
        "relevant outside the subset",
        set_cell("survey", 14, "relevant", "${age} > 18"),
        "survey, row 14, column E (relevant)",
        "selected(${q}, 'x')",
    ),
    (
        "= on a multiple choice",
        set_cell("survey", 14, "relevant", "${day} = 'work'"),
        "survey, row 14, column E (relevant)",
        "more than one answer",
    ),
    (
        "a later question",
        set_cell("survey", 5, "relevant", "${more} = 'x'"),
        "survey, row 5, column E (relevant)",
        "not a question above",
    ),
    (
        "a question without cards",
        set_cell("survey", 14, "relevant", "${age} = '5'"),
        "survey, row 14, column E (relevant)",
        "no answer cards",
    ),
    (
        "a built-in list changed",
        set_cell("choices", 4, "name", "bad"),
        "choices, row 2, column B (name)",
        "happy, ok, sad",
    ),
    (
        "an odd value",
        set_cell("choices", 18, "name", "Work"),
        "choices, row 18, column B (name)",
        "odd characters",
    ),
    (
        "a long option",
        set_cell("choices", 19, "label::English (en)", "College " * 11),
        "choices, row 19, column C (label::English (en))",
        "characters long",
    ),
    (
        "an unknown symbol",
        set_cell("survey", 5, "symbol", "smile"),
        "survey, row 5, column J (symbol)",
        "no symbol",
    ),
    (
        "an unknown section",
        set_cell("survey", 5, "sections", "duq:99"),
        "survey, row 5, column K (sections)",
        "duq:99",
    ),
    (
        "a name used twice",
        set_cell("survey", 14, "name", "age"),
        "survey, row 14, column B (name)",
        "used twice",
    ),
    (
        "a name not XML",
        set_cell("survey", 14, "name", "2more"),
        "survey, row 14, column B (name)",
        "a letter",
    ),
    (
        "no audience",
        set_cell("settings", 2, "audience", None),
        "settings, row 2, column E (audience)",
        "person_supported",
    ),
    (
        "a bad audience",
        set_cell("settings", 2, "audience", "everyone"),
        "settings, row 2, column E (audience)",
        "Use",
    ),
]


@pytest.mark.parametrize(("kind", "change", "where", "words"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_a_refusal_names_sheet_row_and_column(
    kind: str, change: Callable[[Sheets], None], where: str, words: str
) -> None:
    sheets = description()
    change(sheets)
    with pytest.raises(XLSFormError) as caught:
        read(workbook(sheets))
    message = str(caught.value)
    assert message.startswith(f"{where}: "), message
    assert words in message and "What to do: " in message


def test_image_cells_name_the_organisations_own_pictures() -> None:
    """'image' / 'media::image' (ODK's picture columns) name own pictures by their file: a
    question's and an option's picture, chosen over a 'symbol' cell."""
    sheets = description()
    set_cell("survey", 7, "image", "Our Job.PNG")(sheets)
    set_cell("choices", 18, "media::image", "work.png")(sheets)
    definition = read_xlsform(
        workbook(sheets), section_refs=REFS, symbols=SYMBOLS, pictures={"our-job", "work"}
    )
    like_work = next(q for q in definition["questions"] if q["id"] == "like_work")
    day = next(q for q in definition["questions"] if q["id"] == "day")
    assert like_work["symbol"] == "own:our-job"
    assert [o["symbol"] for o in day["options"]][0] == "own:work"
    # and it writes out and reads back to the same version
    again = read_xlsform(
        write_xlsform(definition), section_refs=REFS, symbols=SYMBOLS, pictures={"our-job", "work"}
    )
    assert content_hash(again) == content_hash(definition)


def test_a_file_that_is_no_workbook_is_refused() -> None:
    with pytest.raises(XLSFormError, match="not an Excel workbook"):
        read(b"type,name,label\ntext,more,More?\n")


# --- the commands -----------------------------------------------------------------------------


def test_export_xlsform_writes_a_workbook_that_reads_back_to_the_same_version(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    out = tmp_path / "your-support.xlsx"
    result = app.test_cli_runner().invoke(args=["export-xlsform", "your-support", str(out)])
    assert result.exit_code == 0, result.output
    loaded = app.extensions["easyvoice.surveys"].questionnaires["your-support"]
    assert loaded.content_hash in result.output
    assert content_hash(read(out.read_bytes())) == loaded.content_hash
    missing = app.test_cli_runner().invoke(args=["export-xlsform", "no-such-thing", str(tmp_path / "x.xlsx")])
    assert missing.exit_code == 1 and "There is no questionnaire 'no-such-thing'" in missing.output
    assert not (tmp_path / "x.xlsx").exists()


def test_import_xlsform_writes_a_survey_file_or_nothing(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    runner = app.test_cli_runner()
    good = tmp_path / "your-day.xlsx"
    good.write_bytes(workbook(description()))
    out = tmp_path / "your-day.yaml"
    result = runner.invoke(args=["import-xlsform", str(good), "--out", str(out)])
    assert result.exit_code == 0, result.output
    written = loader.load_questionnaire(out, REFS, SYMBOLS)
    assert written.content_hash == content_hash(expected()) and written.content_hash in result.output

    sheets = description()
    add_row("geopoint", "where", "Where are you?")(sheets)
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook(sheets))
    refused = tmp_path / "refused.yaml"
    result = runner.invoke(args=["import-xlsform", str(bad), "--out", str(refused)])
    assert result.exit_code == 1
    assert (
        "bad.xlsx: survey, row 15, column A (type): EasyVoice cannot ask a 'geopoint' question."
        in result.output
    )
    assert "What to do: " in result.output
    assert not refused.exists()


def test_a_question_without_words_and_a_sheet_too_long_are_refused() -> None:
    sheets = description()
    sheets["survey"][4][2] = None
    with pytest.raises(
        XLSFormError, match=r"^survey, row 5, column C \(label::English \(en\)\): This question has no label"
    ):
        read(workbook(sheets))
    sheets = description()
    sheets["survey"] += [["text", f"more_{n}", "More?"] for n in range(MAX_ROWS)]
    with pytest.raises(
        XLSFormError, match=rf"^survey, row {MAX_ROWS + 3}: The sheet has more than {MAX_ROWS} rows"
    ):
        read(workbook(sheets))
