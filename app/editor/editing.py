"""Changing an own questionnaire's draft question by question (issue 12, item 4).

The draft is the questionnaire file's text (``OwnQuestionnaire.source``). Each change reads it,
changes its list of questions and writes it back through ``own.save_draft``, which checks it as
the loader checks every file (and audits it): a change the loader refuses keeps nothing. Before
that, the easy-read checks a program can make (``easyread.text``) run on every text the person
wrote, so a long sentence is refused here as the live check beside the text warned.

A question is a plain dict in the file's own keys; what the editor's form does not change (an
``alert_on``, ``bands``, ``reversed`` ...) is kept as it was. No Flask here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..easyread.text import check_easy_read
from ..questionnaires.conditions import COMBINE
from ..questionnaires.schema import ESCAPES
from ..questionnaires.types import registry

#: the format version the editor writes: its files may use every key (show_if, scale, number ...)
EDITOR_VERSION = 2
#: option rows on the question form (a question with more is changed in its file)
OPTION_ROWS = 8
_SLUG = re.compile(r"[^a-z0-9]+")


class EditError(Exception):
    """A change that cannot be made; the message says why and what to do (easy read)."""


@dataclass
class TextProblems:
    """Easy-read problems of the texts of a question form, by the form field they are in."""

    by_field: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, text: str | None, required: bool = True) -> None:
        if not required and not (text or "").strip():
            return
        found = [problem.message for problem in check_easy_read(text)]
        if found:
            self.by_field[name] = found

    def __bool__(self) -> bool:
        return bool(self.by_field)


# -- the draft as data ---------------------------------------------------------------------------
def read(source: str) -> dict[str, Any]:
    """The draft's definition (a checked file, so a mapping with a list of questions)."""
    data = yaml.safe_load(source)
    if not isinstance(data, dict):
        raise EditError("The draft is not a questionnaire file. Upload a good file first.")
    data.setdefault("questions", [])
    return data


def write(definition: Mapping[str, Any]) -> str:
    """The definition as a file's text (key order kept), in the editor's format version."""
    data = dict(definition)
    data["version"] = max(int(data.get("version") or 1), EDITOR_VERSION)
    ordered = {"version": data.pop("version"), **data}
    return yaml.safe_dump(ordered, sort_keys=False, allow_unicode=True, width=1000)


def questions(definition: Mapping[str, Any]) -> list[dict[str, Any]]:
    return list(definition.get("questions") or [])


def find(definition: Mapping[str, Any], question_id: str) -> tuple[int, dict[str, Any]]:
    for index, question in enumerate(questions(definition)):
        if question.get("id") == question_id:
            return index, question
    raise EditError("There is no question with that name in this questionnaire.")


def new_id(text: str, taken: set[str]) -> str:
    """A question id made from its words: small letters and _, at most 40 characters, unused."""
    words = _SLUG.sub("_", text.lower()).strip("_")[:40].strip("_") or "question"
    if not words[0].isalnum():
        words = f"q_{words}"
    found, n = words, 2
    while found in taken:
        found, n = f"{words}_{n}", n + 1
    return found


def option_value(text: str, taken: set[str]) -> str:
    return new_id(text, taken)


# -- changes -------------------------------------------------------------------------------------
def put_question(
    definition: dict[str, Any],
    question: dict[str, Any],
    *,
    replacing: str | None = None,
    after: str | None = None,
) -> dict[str, Any]:
    """A new question (after ``after``, else at the end), or ``replacing`` that question in place."""
    items = questions(definition)
    taken = {q.get("id") for q in items if q.get("id") != replacing}
    if question["id"] in taken:
        raise EditError("Another question has this name already. Choose another name.")
    if replacing is not None:
        index, _old = find(definition, replacing)
        items[index] = question
        if question["id"] != replacing:  # renamed: conditions on it follow
            for other in items:
                if "show_if" in other:
                    other["show_if"] = _renamed(other["show_if"], replacing, question["id"])
    elif after:
        index, _old = find(definition, after)
        items.insert(index + 1, question)
    else:
        items.append(question)
    definition["questions"] = items
    _check_order(items)
    return definition


def move(definition: dict[str, Any], question_id: str, to: str) -> dict[str, Any]:
    """Move a question ``up``, ``down`` or to a place (1 is the first)."""
    items = questions(definition)
    index, question = find(definition, question_id)
    if to == "up":
        target = index - 1
    elif to == "down":
        target = index + 1
    elif to.isdigit():
        target = int(to) - 1
    else:
        raise EditError("Say where the question goes.")
    target = max(0, min(target, len(items) - 1))
    items.pop(index)
    items.insert(target, question)
    _check_order(items)
    definition["questions"] = items
    return definition


def remove(definition: dict[str, Any], question_id: str) -> dict[str, Any]:
    items = questions(definition)
    index, _question = find(definition, question_id)
    users = [q for q in items if question_id in _looks_at(q.get("show_if"))]
    if users:
        raise EditError(
            f"The question '{users[0].get('text')}' is asked only after an answer to this one. "
            "Change its 'Ask only when' first."
        )
    if len(items) == 1:
        raise EditError("A questionnaire needs at least 1 question. Add another question first.")
    items.pop(index)
    definition["questions"] = items
    return definition


def _looks_at(condition: Any) -> set[str]:
    if not isinstance(condition, Mapping):
        return set()
    for name in COMBINE:
        if name in condition:
            return set().union(*(_looks_at(part) for part in condition[name] or []))
    return {str(condition.get("question"))}


def _renamed(condition: Any, old: str, new: str) -> Any:
    if not isinstance(condition, Mapping):
        return condition
    for name in COMBINE:
        if name in condition:
            return {name: [_renamed(part, old, new) for part in condition[name]]}
    return {**condition, "question": new} if condition.get("question") == old else dict(condition)


def _check_order(items: list[dict[str, Any]]) -> None:
    """A question may be asked only on answers given before it."""
    seen: set[str] = set()
    for question in items:
        later = _looks_at(question.get("show_if")) - seen
        if later:
            raise EditError(
                f"The question '{question.get('text')}' is asked only after an answer to a question "
                "that would come after it. Keep it below that question."
            )
        seen.add(str(question.get("id")))


# -- the question form as a question -------------------------------------------------------------
def build_question(
    fields: Mapping[str, Any], options: list[Mapping[str, Any]], old: Mapping[str, Any] | None
) -> tuple[dict[str, Any], TextProblems]:
    """A question dict from the form's values, keeping what the form does not show from ``old``.

    ``fields``: text, help, kind (a type, or "scale5"), symbol, sections, safeguarding,
    does_not_apply, escapes, min, max, when_question, when_test, when_values (option values of
    that question), id. ``options``: rows of text, symbol, help, exclusive, other (empty rows
    are left out); an option keeps the value of the row it was in.
    """
    question: dict[str, Any] = dict(old or {})
    problems = TextProblems()
    text = (fields.get("text") or "").strip()
    problems.add("text", text)
    kind = fields.get("kind") or "faces"
    qtype = registry.for_editor_kind(kind)
    if qtype is None:
        raise EditError("Choose how people answer.")
    question["text"] = text
    question["type"] = qtype.name
    question["symbol"] = (fields.get("symbol") or "").strip()
    if not question["symbol"]:
        problems.by_field["symbol"] = ["Choose a picture for the question."]
    question["sections"] = list(fields.get("sections") or question.get("sections") or [])
    help_text = (fields.get("help") or "").strip()
    problems.add("help", help_text, required=False)
    _set(question, "help", help_text or None)
    _set(question, "safeguarding", True if fields.get("safeguarding") else None)
    _set(question, "does_not_apply", True if fields.get("does_not_apply") else None)
    escapes = [name for name in ESCAPES if name in (fields.get("escapes") or []) or name == "skip"]
    _set(question, "escapes", escapes if escapes != list(ESCAPES) else None)
    for key in registry.type_keys() - qtype.keys:  # another type's keys go with the old type
        question.pop(key, None)
    for key in {key for keys in qtype.editor_keys.values() for key in keys}:
        question.pop(key, None)  # set again by the kind chosen (5 faces), or left at the default
    question.update(qtype.editor_keys.get(kind, {}))
    question.update(qtype.editor_values(fields))
    if "answers" in qtype.editor_parts:
        question["options"] = _options(options, old, problems)
    _set(question, "show_if", _condition(fields, question.get("show_if")))
    order = ("id", "type", "points", "text", "symbol", "help", "sections", "safeguarding")
    return {**{k: question[k] for k in order if k in question}, **question}, problems


def _set(question: dict[str, Any], key: str, value: Any) -> None:
    if value is None:
        question.pop(key, None)
    else:
        question[key] = value


def _options(
    rows: list[Mapping[str, Any]], old: Mapping[str, Any] | None, problems: TextProblems
) -> list[dict[str, Any]]:
    before = list((old or {}).get("options") or [])
    made: list[dict[str, Any]] = []
    taken: set[str] = set()
    for n, row in enumerate(rows):
        text = (row.get("text") or "").strip()
        if not text:
            continue
        problems.add(f"options-{n}-text", text)
        kept = dict(before[n]) if n < len(before) else {}
        value = kept.get("value") if kept.get("value") not in taken else None
        value = value or option_value(text, taken | {o.get("value") for o in before})
        taken.add(value)
        option = {**kept, "value": value, "text": text, "symbol": (row.get("symbol") or "").strip()}
        help_text = (row.get("help") or "").strip()
        problems.add(f"options-{n}-help", help_text, required=False)
        _set(option, "help", help_text or None)
        _set(option, "exclusive", True if row.get("exclusive") else None)
        _set(option, "other", True if row.get("other") else None)
        made.append(option)
    if not made:
        problems.by_field["options-0-text"] = ["Write at least 2 answers to choose from."]
    return made


def _condition(fields: Mapping[str, Any], old: Any) -> Any:
    """``show_if`` from the form's lists; "keep" leaves a condition made in the file as it is."""
    target = fields.get("when_question") or ""
    if target == "keep":
        return old
    if not target:
        return None
    test = fields.get("when_test") or "any_of"
    values = [str(v) for v in fields.get("when_values") or []]
    if not values:
        raise EditError("Tick at least 1 answer for 'Ask only when', or choose 'Always ask it'.")
    if test == "equals" and len(values) > 1:
        test = "any_of"
    return {"question": target, test: values[0] if test == "equals" else values}


def choices_of(question: Mapping[str, Any]) -> list[tuple[str, str]]:
    """A question's answer cards as (value, words): the fixed faces and yes / no, or its options."""
    qtype = registry.REGISTRY.get(str(question.get("type")))
    fixed = qtype.fixed_cards(question) if qtype else ()
    if not fixed:
        return [(str(o.get("value")), str(o.get("text"))) for o in question.get("options") or []]
    return [(option.value, option.text) for option in fixed]


def kind_of(question: Mapping[str, Any]) -> str:
    """The editor's kind of a question ("scale5" for 5 faces, else mostly its type)."""
    qtype = registry.REGISTRY.get(str(question.get("type")))
    return qtype.editor_kind(question) if qtype else str(question.get("type"))


def earlier_choices(
    definition: Mapping[str, Any], before: str | None
) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """The questions before ``before`` (all, when None) whose answers are options, each with its
    options: (id, text, [(value, words)])."""
    found = []
    for question in questions(definition):
        if before is not None and question.get("id") == before:
            break
        if choices_of(question):  # its answers are cards another question can look at
            found.append((str(question["id"]), str(question.get("text")), choices_of(question)))
    return found


#: line rows on the "About this questionnaire" form (the file may have up to 8)
LINE_ROWS = 4


def set_about(
    definition: dict[str, Any],
    title: str,
    introduction: list[Mapping[str, Any]],
    consent: list[Mapping[str, Any]],
) -> TextProblems:
    """The title and the consent page's own lines (what the questions are for, who sees the
    answers). Rows without words are left out; no rows: the shared lines for its audience."""
    problems = TextProblems()
    definition["title"] = " ".join((title or "").split())
    problems.add("title", definition["title"])
    for key, rows in (("introduction", introduction), ("consent", consent)):
        lines = []
        for n, row in enumerate(rows):
            text = " ".join((row.get("text") or "").split())
            if not text:
                continue
            problems.add(f"{key}-{n}-text", text)
            symbol = (row.get("symbol") or "").strip()
            if not symbol:
                problems.by_field[f"{key}-{n}-text"] = ["Give this line a picture."]
            lines.append({"text": text, "symbol": symbol})
        if lines:
            definition[key] = lines
        else:
            definition.pop(key, None)
    return problems


def texts_of(definition: Mapping[str, Any]) -> list[str]:
    """Every text of the draft a respondent sees and hears, each once, in page order."""
    from ..questionnaires.schema import Questionnaire

    plain = {key: value for key, value in definition.items() if key != "translations"}
    return Questionnaire.from_dict(plain).distinct_texts()


def set_translations(definition: dict[str, Any], locale: str, words: Mapping[str, str]) -> None:
    """This language's words for the draft's texts (a text left empty has none yet). Held with
    the questionnaire under ``translations``, which needs format version 2."""
    known = set(texts_of(definition))
    kept = {text: " ".join(given.split()) for text, given in words.items() if text in known and given.strip()}
    translations = dict(definition.get("translations") or {})
    if kept:
        translations[locale] = kept
    else:
        translations.pop(locale, None)
    if translations:
        definition["translations"] = translations
        definition["version"] = max(2, int(definition.get("version") or 1))
    else:
        definition.pop("translations", None)
