"""Tests for app/easyread/text.py and for the shipped survey files.

Every text a respondent can see in surveys/*.yaml and surveys/frameworks/*.yaml
must pass the easy-read checks, and every symbol must exist in
easyread_assets/symbols/index.json.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import FrozenInstanceError
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.easyread.text import Problem, check_easy_read, count_words, split_sentences

ROOT = Path(__file__).resolve().parent.parent
SURVEYS_DIR = ROOT / "surveys"
FRAMEWORKS_DIR = SURVEYS_DIR / "frameworks"
SYMBOL_INDEX = ROOT / "easyread_assets" / "symbols" / "index.json"

QUESTION_TYPES = {"faces", "yes_no", "choose_one", "choose_many", "free_text"}
CHOICE_TYPES = {"choose_one", "choose_many"}
AUDIENCES = {"person_supported", "family", "staff", "expert"}
SURVEY_ID_RE = re.compile(r"^[a-z0-9-]+$")
ITEM_ID_RE = re.compile(r"^[a-z0-9_]+$")


# --------------------------------------------------------------------------
# split_sentences
# --------------------------------------------------------------------------


def test_split_sentences_on_full_stop_question_and_exclamation() -> None:
    assert split_sentences("I like tea. Do you? Yes!") == ["I like tea.", "Do you?", "Yes!"]


def test_split_sentences_without_end_mark_is_one_sentence() -> None:
    assert split_sentences("Your support") == ["Your support"]


def test_split_sentences_needs_space_or_end_after_mark() -> None:
    assert split_sentences("It costs 3.50 today. Fine.") == ["It costs 3.50 today.", "Fine."]


def test_split_sentences_handles_new_lines_and_extra_spaces() -> None:
    assert split_sentences("  One thing.\nAnother   thing.  ") == ["One thing.", "Another   thing."]


def test_split_sentences_does_not_split_on_eg_style_abbreviations() -> None:
    text = "Bring something, e.g. a coat. Then go. Ask Dr. Khan, i.e. the doctor."
    assert split_sentences(text) == [
        "Bring something, e.g. a coat.",
        "Then go.",
        "Ask Dr. Khan, i.e. the doctor.",
    ]


def test_split_sentences_keeps_repeated_marks_and_quotes_together() -> None:
    assert split_sentences('Really?! She said "stop." Then we left...') == [
        "Really?!",
        'She said "stop."',
        "Then we left...",
    ]


def test_split_sentences_answer_no_is_its_own_sentence() -> None:
    assert split_sentences("Is it hot? No. It is cold.") == ["Is it hot?", "No.", "It is cold."]


def test_split_sentences_empty_text() -> None:
    assert split_sentences("") == []
    assert split_sentences("   \n ") == []


# --------------------------------------------------------------------------
# count_words
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Do staff listen to you?", 5),
        ("I don't know.", 3),
        ("The service is well-led.", 4),
        ("I saw 3 people at 10 o'clock.", 7),
        ("It costs 3.50 - or 1,000 in total.", 7),
        ("", 0),
        ("... - !", 0),
        ("Staff’s kindness", 2),
    ],
)
def test_count_words(sentence: str, expected: int) -> None:
    assert count_words(sentence) == expected


# --------------------------------------------------------------------------
# check_easy_read
# --------------------------------------------------------------------------


def test_check_easy_read_accepts_good_text() -> None:
    assert check_easy_read("Do staff listen to you? Listen means staff hear you.") == []


def test_check_easy_read_flags_long_sentence_with_count_in_message() -> None:
    sentence = " ".join(["word"] * 18) + "."
    problems = check_easy_read("Short one. " + sentence)
    assert problems == [Problem("too_long", "This sentence has 18 words. Use 15 or fewer.", sentence)]


def test_check_easy_read_15_words_is_fine_16_is_not() -> None:
    assert check_easy_read(" ".join(["word"] * 15) + ".") == []
    problems = check_easy_read(" ".join(["word"] * 16) + ".")
    assert [p.code for p in problems] == ["too_long"]


def test_check_easy_read_respects_max_words() -> None:
    problems = check_easy_read("I like tea and cake.", max_words=4)
    assert [p.code for p in problems] == ["too_long"]
    assert problems[0].message == "This sentence has 5 words. Use 4 or fewer."
    assert check_easy_read("I like tea and cake.", max_words=5) == []


@pytest.mark.parametrize("word", ["two", "Three", "TEN", "twelve", "twenty"])
def test_check_easy_read_flags_number_words(word: str) -> None:
    problems = check_easy_read(f"I have {word} cats.")
    assert [p.code for p in problems] == ["number_word"]
    assert problems[0].sentence == f"I have {word} cats."
    assert '"' + word + '"' in problems[0].message


def test_check_easy_read_number_word_message_gives_the_digit() -> None:
    (problem,) = check_easy_read("We meet three times.")
    assert problem.message == 'Write numbers as digits. Use "3", not "three".'


def test_check_easy_read_allows_one_and_digits_and_longer_numbers() -> None:
    assert check_easy_read("Pick the one you like. I have 3 cats and twenty1 is odd.") == []
    assert check_easy_read("Someone is here. Nobody else is.") == []


def test_check_easy_read_flags_initials() -> None:
    problems = check_easy_read("The CQC checks us.")
    assert [p.code for p in problems] == ["initials"]
    assert problems[0].message == 'Do not use initials like "CQC". Write the words in full.'


def test_check_easy_read_flags_initials_with_possessive_or_hyphen() -> None:
    problems = check_easy_read("The NHS's doctors use PBS-style plans.")
    assert [p.code for p in problems] == ["initials", "initials"]


@pytest.mark.parametrize("text", ["I like it.", "That is OK.", "I watch TV.", "A cat sat."])
def test_check_easy_read_allows_everyday_capitals(text: str) -> None:
    assert check_easy_read(text) == []


@pytest.mark.parametrize("text", ["", "   ", "...", None])
def test_check_easy_read_flags_empty(text: Any) -> None:
    problems = check_easy_read(text)
    assert [p.code for p in problems] == ["empty"]
    assert problems[0].sentence == ""


def test_check_easy_read_reports_several_problems_in_order() -> None:
    long_sentence = "The CQC said " + " ".join(["word"] * 14) + "."
    problems = check_easy_read("We have two cats. " + long_sentence)
    assert [p.code for p in problems] == ["number_word", "too_long", "initials"]
    assert problems[0].sentence == "We have two cats."
    assert problems[1].sentence == long_sentence


def test_problem_is_frozen() -> None:
    problem = Problem("empty", "msg", "")
    with pytest.raises(FrozenInstanceError):
        problem.code = "too_long"  # type: ignore[misc]


# --------------------------------------------------------------------------
# The shipped survey and framework files
# --------------------------------------------------------------------------


def _load(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    assert isinstance(data, dict), f"{path.name}: the file must be a mapping"
    return data


SURVEY_PATHS = sorted(SURVEYS_DIR.glob("*.yaml"))
FRAMEWORK_PATHS = sorted(FRAMEWORKS_DIR.glob("*.yaml"))


def _surveys() -> dict[str, dict[str, Any]]:
    return {path.name: _load(path) for path in SURVEY_PATHS}


def _frameworks() -> dict[str, dict[str, Any]]:
    return {path.name: _load(path) for path in FRAMEWORK_PATHS}


def _known_sections() -> set[str]:
    known = set()
    for framework in _frameworks().values():
        for section in framework["sections"]:
            known.add(f"{framework['id']}:{section['id']}")
    return known


def _visible_texts(survey: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """Yield (where, text) for every text a respondent can see."""
    yield "title", survey.get("title")
    if "intro" in survey:
        yield "intro", survey["intro"]
    for key in ("introduction", "consent"):
        for number, line in enumerate(survey.get(key) or [], start=1):
            yield f"{key} line {number}", line.get("text")
    for question in survey.get("questions", []):
        qid = question.get("id")
        yield f"question {qid} text", question.get("text")
        if "help" in question:
            yield f"question {qid} help", question["help"]
        for option in question.get("options", []) or []:
            oid = option.get("value")
            yield f"question {qid} option {oid} text", option.get("text")
            if "help" in option:
                yield f"question {qid} option {oid} help", option["help"]


def _symbols_used(survey: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    yield "questionnaire", survey.get("symbol")
    for key in ("introduction", "consent"):
        for number, line in enumerate(survey.get(key) or [], start=1):
            yield f"{key} line {number}", line.get("symbol")
    for question in survey.get("questions", []):
        yield f"question {question.get('id')}", question.get("symbol")
        for option in question.get("options", []) or []:
            yield f"question {question.get('id')} option {option.get('value')}", option.get("symbol")


def _symbol_index() -> set[str]:
    assert SYMBOL_INDEX.exists(), f"missing {SYMBOL_INDEX.relative_to(ROOT)}"
    with SYMBOL_INDEX.open(encoding="utf-8") as handle:
        index = json.load(handle)
    assert isinstance(index.get("symbols"), dict), "index.json needs a 'symbols' mapping"
    return set(index["symbols"])


def test_there_are_surveys_and_both_frameworks() -> None:
    assert {p.stem for p in SURVEY_PATHS} >= {"your-support", "family-support", "working-here"}
    assert {f["id"] for f in _frameworks().values()} >= {"duq", "cqc"}


def test_frameworks_follow_the_format() -> None:
    for name, framework in _frameworks().items():
        assert framework.get("version") == 1, name
        ids = [str(section["id"]) for section in framework["sections"]]
        assert len(ids) == len(set(ids)), f"{name}: section ids repeat"
        for section in framework["sections"]:
            assert isinstance(section["id"], str), f"{name}: quote section id {section['id']}"
            assert section.get("title"), f"{name}: section {section['id']} has no title"
            assert isinstance(section.get("needs_check"), bool), f"{name}: {section['id']}"


def test_duq_framework_has_5_sections_and_only_section_1_is_confirmed() -> None:
    duq = _load(FRAMEWORKS_DIR / "duq.yaml")
    sections = duq["sections"]
    assert [s["id"] for s in sections] == ["1", "2", "3", "4", "5"]
    assert sections[0]["title"] == "Support is focussed on the person"
    assert sections[0]["needs_check"] is False
    assert all(s["needs_check"] is True for s in sections[1:])


def test_cqc_framework_has_the_5_key_questions() -> None:
    cqc = _load(FRAMEWORKS_DIR / "cqc.yaml")
    assert [(s["id"], s["title"]) for s in cqc["sections"]] == [
        ("safe", "Safe"),
        ("effective", "Effective"),
        ("caring", "Caring"),
        ("responsive", "Responsive"),
        ("well_led", "Well-led"),
    ]
    assert all(s["needs_check"] is False for s in cqc["sections"])


def test_framework_easy_read_titles_pass_the_checks() -> None:
    failures = []
    for name, framework in _frameworks().items():
        for section in framework["sections"]:
            text = section.get("easy_read")
            problems = check_easy_read(text)
            if problems:
                failures.append(f"{name} section {section['id']}: {problems}")
            elif count_words(text) > 10:
                failures.append(f"{name} section {section['id']}: easy_read over 10 words")
    assert not failures, "\n".join(failures)


def test_every_shipped_text_is_easy_read() -> None:
    failures = []
    for name, survey in _surveys().items():
        for where, text in _visible_texts(survey):
            for problem in check_easy_read(text):
                failures.append(f"{name} {where}: {problem.code}: {problem.message} [{problem.sentence}]")
    assert not failures, "\n".join(failures)


def test_every_question_and_option_has_a_symbol() -> None:
    missing = []
    for name, survey in _surveys().items():
        for where, symbol in _symbols_used(survey):
            if not isinstance(symbol, str) or not symbol:
                missing.append(f"{name} {where}")
    for name, framework in _frameworks().items():
        for section in framework["sections"]:
            if not section.get("symbol"):
                missing.append(f"{name} section {section['id']}")
    assert not missing, "no symbol: " + ", ".join(missing)


def test_every_symbol_exists_in_the_symbol_index() -> None:
    known = _symbol_index()
    unknown = []
    for name, survey in _surveys().items():
        for where, symbol in _symbols_used(survey):
            if symbol not in known:
                unknown.append(f"{name} {where}: {symbol}")
    for name, framework in _frameworks().items():
        for section in framework["sections"]:
            if section.get("symbol") not in known:
                unknown.append(f"{name} section {section['id']}: {section.get('symbol')}")
    assert not unknown, "unknown symbols:\n" + "\n".join(unknown)


def test_surveys_follow_the_format() -> None:
    for name, survey in _surveys().items():
        assert survey.get("version") == 1, name
        assert SURVEY_ID_RE.match(str(survey.get("id"))), name
        assert survey["id"] == name.removesuffix(".yaml"), f"{name}: id should match the file name"
        assert survey.get("audience") in AUDIENCES, name
        questions = survey.get("questions")
        assert isinstance(questions, list) and questions, f"{name}: no questions"
        ids = [q.get("id") for q in questions]
        assert len(ids) == len(set(ids)), f"{name}: question ids repeat"
        for question in questions:
            where = f"{name} question {question.get('id')}"
            assert ITEM_ID_RE.match(str(question.get("id"))), where
            assert question.get("type") in QUESTION_TYPES, where
            assert isinstance(question.get("safeguarding", False), bool), where
            if question["type"] in CHOICE_TYPES:
                options = question.get("options")
                assert isinstance(options, list) and 2 <= len(options) <= 8, where
                values = [o.get("value") for o in options]
                assert len(values) == len(set(values)), f"{where}: option values repeat"
                for option in options:
                    assert ITEM_ID_RE.match(str(option.get("value"))), where
                    assert 1 <= count_words(option.get("text", "")) <= 2, (
                        f"{where} option {option.get('value')}: use 1 or 2 words"
                    )
            else:
                assert "options" not in question, f"{where}: only choose questions have options"
            if question["type"] == "free_text":
                assert isinstance(question.get("max_length", 500), int), where


def test_every_question_names_known_sections() -> None:
    known = _known_sections()
    bad = []
    for name, survey in _surveys().items():
        for question in survey["questions"]:
            sections = question.get("sections")
            if not sections:
                bad.append(f"{name} question {question['id']}: no sections")
                continue
            for section in sections:
                if section not in known:
                    bad.append(f"{name} question {question['id']}: unknown section {section}")
    assert not bad, "\n".join(bad)


def test_each_survey_covers_all_5_duq_sections() -> None:
    for name, survey in _surveys().items():
        covered = {s for q in survey["questions"] for s in q.get("sections", [])}
        missing = {f"duq:{n}" for n in range(1, 6)} - covered
        assert not missing, f"{name} does not cover {sorted(missing)}"


def test_each_respondent_survey_has_its_own_introduction_and_consent() -> None:
    """What it is for and who sees the answers, written for its own audience (checked above)."""
    for name, survey in _surveys().items():
        if survey["audience"] == "expert":
            continue
        for key in ("introduction", "consent"):
            lines = survey.get(key)
            assert isinstance(lines, list) and lines, f"{name}: no {key}"
            assert all(set(line) == {"text", "symbol"} for line in lines), f"{name} {key}"


def test_your_support_has_at_least_12_questions_and_safeguarding() -> None:
    survey = _load(SURVEYS_DIR / "your-support.yaml")
    assert survey["audience"] == "person_supported"
    assert len(survey["questions"]) >= 12
    safeguarding = [q for q in survey["questions"] if q.get("safeguarding")]
    assert any(q["type"] == "yes_no" for q in safeguarding)
    assert any(q["type"] == "faces" for q in safeguarding)
