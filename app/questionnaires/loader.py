"""Read survey files, check every field, and say exactly where a mistake is and what to do.

Each file is checked on its own: one broken file is reported and the others still load.
Before a file is parsed it must be within the size limit (``SURVEY_MAX_BYTES``), nested at most
``MAX_NESTING`` deep, have at most ``MAX_PARTS`` parts, and not grow past ``MAX_EXPANSION`` times
the size limit through YAML aliases.
Scanning and parsing run in libyaml (C) where PyYAML has it: the pure-Python scanner costs about
10 microseconds a token, so a 1 MB file of short items took over 10 seconds.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import conditions
from .schema import (
    AUDIENCES,
    ESCAPES,
    KEY,
    MAX_EXPANSION,
    MAX_NESTING,
    MAX_PARTS,
    SURVEY_MAX_BYTES,
    Framework,
    Questionnaire,
    Section,
)
from .types import registry

FORMAT_VERSION = 1
#: questionnaire files: version 1, or 2 (adds ``show_if``); frameworks are version 1
QUESTIONNAIRE_VERSIONS = (1, 2)
#: ``symbol: own:<name>``: one of the organisation's own pictures (easyread/own_pictures.py)
OWN_PICTURE = "own:"
LOCALE_CODE = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?$")
QUESTIONNAIRE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
#: the keys a questionnaire file may have at its top, and on each question
QUESTIONNAIRE_KEYS = frozenset(
    {
        "version",
        "id",
        "title",
        "audience",
        "symbol",
        "intro",
        "introduction",
        "consent",
        "questions",
        "translations",
    }
)
#: keys every question may have; each type adds its own (types/, e.g. ``points`` on a scale)
COMMON_QUESTION_KEYS = frozenset(
    {
        "id",
        "type",
        "text",
        "symbol",
        "help",
        "sections",
        "safeguarding",
        "max_length",
        "alert_on",
        "show_if",
        "escapes",
        "does_not_apply",
    }
)


def question_keys() -> frozenset[str]:
    """Every key a question may have: the common ones and each type's own."""
    return COMMON_QUESTION_KEYS | registry.type_keys()


@dataclass(frozen=True)
class SurveyError:
    """A mistake in a survey file: where it is, what is wrong, and what to do."""

    file: str
    line: int
    message: str
    hint: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message} What to do: {self.hint}"


class SurveyFileError(Exception):
    def __init__(self, error: SurveyError) -> None:
        super().__init__(str(error))
        self.error = error


@dataclass
class LoadResult:
    questionnaires: dict[str, Questionnaire] = field(default_factory=dict)
    frameworks: dict[str, Framework] = field(default_factory=dict)
    errors: list[SurveyError] = field(default_factory=list)


class _Lined(dict):  # type: ignore[type-arg]
    """A mapping that remembers the line of each key (1-based) and of itself."""

    line: int
    lines: dict[str, int]


#: libyaml's parser (C, fast, not recursive) with PyYAML's safe constructors; pure Python without it
_BASE_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_BASE_LOADER):  # type: ignore[misc, valid-type]
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> _Lined:  # type: ignore[override]
        mapping = _Lined(super().construct_mapping(node, deep=deep))
        mapping.line = node.start_mark.line + 1
        mapping.lines = {
            k.value: k.start_mark.line + 1 for k, _ in node.value if isinstance(k, yaml.ScalarNode)
        }
        return mapping


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    lambda loader, node: loader.construct_mapping(node, deep=True),  # type: ignore[arg-type]
)


class _Checker:
    """Validates one parsed file; the first problem stops it with a SurveyFileError."""

    def __init__(self, file: str, pictures: Collection[str] | None = None) -> None:
        self.file = file
        #: the organisation's own pictures a file may name as ``own:<name>`` (None: none)
        self.pictures = pictures

    def fail(self, where: Any, key: str | None, message: str, hint: str) -> None:
        line = 1
        if isinstance(where, _Lined):
            line = where.lines.get(key, where.line) if key else where.line
        raise SurveyFileError(SurveyError(self.file, line, message, hint))

    def mapping(self, parent: Any, key: str | None, value: Any, what: str) -> _Lined:
        if not isinstance(value, _Lined):
            self.fail(
                parent,
                key,
                f"{what} should be a set of 'name: value' lines.",
                "Check the indentation against surveys/README.md.",
            )
        return value

    def text(self, m: _Lined, key: str, *, required: bool = True, limit: int = 400) -> str | None:
        value = m.get(key)
        if value is None:
            if required:
                self.fail(m, None, f"'{key}' is missing.", f"Add a line '{key}: ...'.")
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(m, key, f"'{key}' should be some words.", f"Write the {key} as plain text.")
        if len(value) > limit:
            self.fail(
                m,
                key,
                f"'{key}' is {len(value)} characters long.",
                f"Make it shorter than {limit} characters.",
            )
        return " ".join(value.split())

    def key(self, m: _Lined, key: str, pattern: re.Pattern[str]) -> str:
        value = m.get(key)
        if not isinstance(value, str) or not pattern.match(value):
            self.fail(
                m,
                key if key in m else None,
                f"'{key}' is missing or has odd characters.",
                "Use lower-case letters, digits and '_' or '-' only.",
            )
        return value

    def symbol(self, m: _Lined, symbols: set[str] | None) -> str:
        name = self.text(m, "symbol", limit=80) or ""
        if symbols is not None and name.startswith(OWN_PICTURE):
            if self.pictures is None or name[len(OWN_PICTURE) :] not in self.pictures:
                self.fail(
                    m,
                    "symbol",
                    f"There is no picture of your own called '{name[len(OWN_PICTURE) :]}'.",
                    "Add the picture on the Pictures page first, or choose a symbol.",
                )
            return name
        if symbols is not None and name not in symbols:
            self.fail(
                m,
                "symbol",
                f"There is no symbol called '{name}'.",
                "Pick a name from easyread_assets/symbols/index.json.",
            )
        return name

    def check_version(self, m: _Lined, allowed: tuple[int, ...] = (FORMAT_VERSION,)) -> int:
        version = m.get("version")
        if isinstance(version, bool) or version not in allowed:
            newest = allowed[-1]
            self.fail(
                m,
                "version" if "version" in m else None,
                f"The file should say 'version: {' or '.join(map(str, allowed))}'.",
                f"Put 'version: {newest}' at the top of the file.",
            )
        return int(version)

    def unknown_keys(self, m: _Lined, allowed: Iterable[str]) -> None:
        extra = sorted(set(m) - set(allowed))
        if extra:
            self.fail(
                m,
                extra[0],
                f"'{extra[0]}' is not a field this format knows.",
                "Check the spelling against surveys/README.md.",
            )


def _size(n: int) -> str:
    """A size as people read it: 900 bytes, 256 KB, 20.0 MB."""
    if n < 1024:
        return f"{n} bytes"
    if n < 1024 * 1024:
        return f"{n // 1024} KB"
    return f"{n / (1024 * 1024):.1f} MB"


def _fail(label: str, line: int, message: str, hint: str) -> SurveyFileError:
    return SurveyFileError(SurveyError(label, line, message, hint))


def _read(path: Path, label: str, max_bytes: int) -> bytes:
    """The file's bytes, refused before parsing if it is bigger than ``max_bytes``.

    At most ``max_bytes + 1`` bytes are read, so a file that is not a plain file (a link to a
    device, a pipe) cannot make the loader read for ever.
    """
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as exc:
        raise _fail(
            label,
            1,
            f"The file cannot be opened ({exc.strerror or exc}).",
            "Check that it is a plain file the app may read.",
        ) from exc
    if len(raw) > max_bytes:
        what = _size(size) if size > max_bytes else f"more than {_size(max_bytes)}"
        raise _fail(
            label,
            1,
            f"The file is {what}; the limit is {_size(max_bytes)}.",
            "Split it into smaller survey files, or ask whoever runs the app to raise SURVEY_MAX_BYTES.",
        )
    return raw


_TOO_DEEP = (
    "Check the indentation and the brackets against surveys/README.md: a survey needs 5 levels at most."
)


def _check_shape(text: str, label: str, max_expanded: int) -> None:
    """Walk the parser's events (no tree is built, nothing recurses) and refuse a file that is
    nested more than MAX_NESTING deep, has more than MAX_PARTS parts, or that YAML aliases would
    blow up past ``max_expanded``.

    The size of a part written out in full is counted as 1 for each list or block plus the length
    of each text, and an alias counts the full size (and depth) of the part it repeats.
    """
    anchors: dict[str, tuple[int, int]] = {}  # anchor -> (size written out, depth below it)
    stack: list[list[Any]] = []  # open lists and blocks: [anchor, total at start, depth below]
    total = parts = 0
    for event in yaml.parse(text, Loader=_BASE_LOADER):
        line = event.start_mark.line + 1 if event.start_mark else 1
        parts += 1
        if parts > MAX_PARTS + 6:  # + the stream, document and end events
            raise _fail(
                label,
                line,
                f"The file has more than {MAX_PARTS} parts (texts, lists and blocks).",
                "Split it into smaller survey files.",
            )
        if isinstance(event, yaml.CollectionStartEvent):
            if len(stack) + 1 > MAX_NESTING:
                raise _fail(
                    label, line, f"The file is nested more than {MAX_NESTING} levels deep here.", _TOO_DEEP
                )
            total += 1
            stack.append([event.anchor, total - 1, 0])
            continue
        if isinstance(event, yaml.CollectionEndEvent):
            anchor, start, below = stack.pop()
            size, height = total - start, below + 1
            if anchor is not None:
                anchors[anchor] = (size, height)
        elif isinstance(event, yaml.ScalarEvent):
            size, height = len(event.value) + 1, 0
            total += size
            if event.anchor is not None:
                anchors[event.anchor] = (size, height)
        elif isinstance(event, yaml.AliasEvent):
            size, height = anchors.get(event.anchor, (1, 0))  # an unknown one: the parser says so
            if len(stack) + height > MAX_NESTING:
                raise _fail(
                    label,
                    line,
                    f"'*{event.anchor}' repeats a part that makes the file "
                    f"nested more than {MAX_NESTING} levels deep.",
                    "Write the part out in full instead of using '&' and '*'.",
                )
            total += size
            if total > max_expanded:
                raise _fail(
                    label,
                    line,
                    f"Parts repeated with '*' (YAML aliases) make the file "
                    f"more than {_size(max_expanded)} when written out in full.",
                    "Write the parts out in full instead of using '&' and '*'.",
                )
        else:
            continue
        if stack:
            stack[-1][2] = max(stack[-1][2], height)
    if total > max_expanded:  # reached without aliases only if the limits are set oddly
        raise _fail(
            label,
            1,
            f"The file is more than {_size(max_expanded)} when written out.",
            "Split it into smaller survey files.",
        )


def _parse(path: Path, label: str, max_bytes: int = SURVEY_MAX_BYTES) -> Any:
    return _parse_bytes(_read(path, label, max_bytes), label, max_bytes)


def _parse_bytes(raw: bytes, label: str, max_bytes: int) -> Any:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _fail(
            label, raw[: exc.start].count(b"\n") + 1, "The file is not UTF-8 text.", "Save it as UTF-8."
        ) from exc
    try:
        _check_shape(text, label, MAX_EXPANSION * max_bytes)
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        if "nesting depth" in str(exc.problem):  # libyaml's own limit, met while looking ahead
            raise _fail(
                label, line, f"The file is nested more than {MAX_NESTING} levels deep.", _TOO_DEEP
            ) from exc
        raise _fail(
            label,
            line,
            f"The file cannot be read as YAML ({exc.problem}).",
            "Check the indentation and the quotes on this line and the line before.",
        ) from exc
    except yaml.reader.ReaderError as exc:  # a control character (libyaml counts bytes)
        before = raw[: exc.position] if _BASE_LOADER is not yaml.SafeLoader else text[: exc.position]
        raise _fail(
            label,
            before.count(b"\n" if isinstance(before, bytes) else "\n") + 1,
            f"The file has a character that cannot be in a survey file (#x{exc.character:04x}).",
            "Delete the odd character on this line and save the file as plain text.",
        ) from exc
    except yaml.YAMLError as exc:
        raise _fail(
            label, 1, f"The file cannot be read as YAML ({exc}).", "Check it against surveys/README.md."
        ) from exc


def _plain(value: Any) -> Any:
    """Drop the line bookkeeping: a plain, JSON-ready copy (the stored definition)."""
    return json.loads(json.dumps(value))


def load_framework(path: Path, label: str | None = None, max_bytes: int = SURVEY_MAX_BYTES) -> Framework:
    label = label or path.name
    c = _Checker(label)
    doc = c.mapping(None, None, _parse(path, label, max_bytes), "The file")
    c.check_version(doc)
    c.unknown_keys(doc, {"version", "id", "title", "sections"})
    fid = c.key(doc, "id", KEY)
    title = c.text(doc, "title")
    raw_sections = doc.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        c.fail(
            doc,
            "sections" if "sections" in doc else None,
            "'sections' should be a list.",
            "List each section under 'sections:' with '- id: ...'.",
        )
    sections, seen = [], set()
    for raw in raw_sections:
        s = c.mapping(doc, "sections", raw, "A section")
        c.unknown_keys(s, {"id", "title", "easy_read", "symbol", "needs_check"})
        sid = s.get("id")
        if not isinstance(sid, str | int) or str(sid) in seen:
            c.fail(s, "id", "A section id is missing or used twice.", "Give each section its own id.")
        seen.add(str(sid))
        sections.append(
            Section(
                str(sid),
                c.text(s, "title") or "",
                c.text(s, "easy_read", required=False),
                c.text(s, "symbol", required=False, limit=80),
                bool(s.get("needs_check", False)),
            )
        )
    return Framework(fid, title or "", tuple(sections), source=label)


def load_questionnaire(
    path: Path,
    section_refs: set[str],
    symbols: set[str] | None,
    label: str | None = None,
    max_bytes: int = SURVEY_MAX_BYTES,
) -> Questionnaire:
    """Read and check one questionnaire file; raise SurveyFileError at its first mistake."""
    label = label or path.name
    return _questionnaire(_parse(path, label, max_bytes), label, section_refs, symbols)


def load_questionnaire_text(
    text: str,
    label: str,
    section_refs: set[str],
    symbols: set[str] | None,
    max_bytes: int = SURVEY_MAX_BYTES,
    pictures: Collection[str] | None = None,
) -> Questionnaire:
    """Check a questionnaire given as YAML text (an organisation's own draft, an upload) exactly
    as a file is checked; raise SurveyFileError at its first mistake, with its line.

    ``pictures``: the organisation's own pictures it may name (``symbol: own:<name>``)."""
    raw = text.encode("utf-8", errors="surrogatepass")
    if len(raw) > max_bytes:
        raise _fail(
            label,
            1,
            f"The file is {_size(len(raw))}; the limit is {_size(max_bytes)}.",
            "Make it shorter, or ask whoever runs the app to raise SURVEY_MAX_BYTES.",
        )
    return _questionnaire(_parse_bytes(raw, label, max_bytes), label, section_refs, symbols, pictures)


def _questionnaire(
    parsed: Any,
    label: str,
    section_refs: set[str],
    symbols: set[str] | None,
    pictures: Collection[str] | None = None,
) -> Questionnaire:
    c = _Checker(label, pictures)
    doc = c.mapping(None, None, parsed, "The file")
    version = c.check_version(doc, QUESTIONNAIRE_VERSIONS)
    c.unknown_keys(doc, QUESTIONNAIRE_KEYS)
    c.key(doc, "id", QUESTIONNAIRE_ID)
    c.text(doc, "title", limit=120)
    c.text(doc, "intro", required=False)
    c.symbol(doc, symbols)
    for key in ("introduction", "consent"):
        _check_lines(c, doc, key, symbols)
    if doc.get("audience") not in AUDIENCES:
        c.fail(
            doc,
            "audience" if "audience" in doc else None,
            "'audience' is missing or unknown.",
            f"Use one of: {', '.join(AUDIENCES)}.",
        )
    questions = doc.get("questions")
    if not isinstance(questions, list) or not questions:
        c.fail(
            doc,
            "questions" if "questions" in doc else None,
            "There are no questions.",
            "List the questions under 'questions:' with '- id: ...'.",
        )
    seen: set[str] = set()
    earlier: dict[str, set[str]] = {}  # question id -> the options it offers (none: free text)
    for raw in questions:
        q = c.mapping(doc, "questions", raw, "A question")
        _check_question(c, q, seen, section_refs, symbols, version)
        if q.get("type") == "number" and doc.get("audience") == "expert":
            c.fail(
                q,
                "type",
                "A number question is not yet for an Expert by Experience's checklist.",
                "Use answer cards, or make it a question for people who use the service.",
            )
        if q.get("does_not_apply") is True and doc.get("audience") == "expert":
            c.fail(
                q,
                "does_not_apply",
                "'does_not_apply' is not yet for an Expert by Experience's checklist.",
                "Remove it, or make it a question for people who use the service.",
            )
        for option in q.get("options") or ():
            if option.get("other") is True and doc.get("audience") == "expert":
                c.fail(
                    option,
                    "other",
                    "'other: true' is not yet for an Expert by Experience's checklist.",
                    "Remove it, or make it a question for people who use the service.",
                )
        if "show_if" in q:
            if version < 2:
                c.fail(
                    q,
                    "show_if",
                    "'show_if' needs format version 2.",
                    "Write 'version: 2' at the top of the file.",
                )
            if doc.get("audience") == "expert":  # the checklist pages walk every question
                c.fail(
                    q,
                    "show_if",
                    "'show_if' is not yet for an Expert by Experience's checklist.",
                    "Remove 'show_if', or make it a question for people who use the service.",
                )
            _check_show_if(c, q, "show_if", q["show_if"], earlier, depth=1)
        earlier[str(q["id"])] = _offered(q)
    if "translations" not in doc:
        return Questionnaire.from_dict(_plain(doc), source=label)
    plain = _plain(doc)
    words = plain.pop("translations")
    _check_translations(c, doc, version, set(Questionnaire.from_dict(plain).distinct_texts()))
    return Questionnaire.from_dict({**plain, "translations": words}, source=label)


def _check_translations(c: _Checker, doc: _Lined, version: int, texts: set[str]) -> None:
    """``translations``: for each language (a locale code), each text of the questionnaire in that
    language, written as ``English text: its words``. Texts it does not name stay untranslated."""
    if version < 2:
        c.fail(
            doc, "translations", "'translations' needs format version 2.", "Write 'version: 2' at the top."
        )
    languages = c.mapping(doc, "translations", doc["translations"], "'translations'")
    for code, raw in languages.items():
        if not isinstance(code, str) or not LOCALE_CODE.match(code):
            c.fail(
                languages,
                code if isinstance(code, str) else None,
                f"'{code}' is not a language code.",
                "Use a code such as cy (Welsh), pl (Polish) or ur (Urdu).",
            )
        words = c.mapping(languages, code, raw, f"The {code} translations")
        for english, theirs in words.items():
            if not isinstance(english, str) or " ".join(english.split()) not in texts:
                c.fail(
                    words,
                    english if isinstance(english, str) else None,
                    f"'{english}' is not a text of this questionnaire.",
                    "Copy the English words exactly as the question, answer or title has them.",
                )
            if not isinstance(theirs, str) or not theirs.strip() or len(theirs) > 400:
                c.fail(
                    words,
                    english,
                    f"The {code} words for '{english}' are missing or too long.",
                    "Write them as plain text, up to 400 characters, or leave the line out.",
                )


MAX_LINES = 8


def _check_lines(c: _Checker, doc: _Lined, key: str, symbols: set[str] | None) -> None:
    """``introduction`` / ``consent``: optional lists of easy-read lines, each a text and a symbol."""
    if key not in doc:
        return
    lines = doc[key]
    if not isinstance(lines, list) or not 1 <= len(lines) <= MAX_LINES:
        c.fail(
            doc,
            key,
            f"'{key}' should be a list of 1 to {MAX_LINES} lines.",
            f"List each line under '{key}:' with '- text: ...' and 'symbol: ...'.",
        )
    for raw in lines:
        line = c.mapping(doc, key, raw, f"A line of '{key}'")
        c.unknown_keys(line, {"text", "symbol"})
        c.text(line, "text", limit=200)
        c.symbol(line, symbols)


def _check_question(
    c: _Checker, q: _Lined, seen: set[str], section_refs: set[str], symbols: set[str] | None, version: int
) -> None:
    c.unknown_keys(
        q,
        question_keys(),
    )
    qid = c.key(q, "id", KEY)
    if qid in seen:
        c.fail(q, "id", f"The question id '{qid}' is used twice.", "Give each question its own id.")
    seen.add(qid)
    qtype = q.get("type")
    kind = registry.REGISTRY.get(qtype) if isinstance(qtype, str) else None
    if kind is None:
        c.fail(
            q,
            "type" if "type" in q else None,
            f"Question '{qid}' has no known type.",
            f"Use one of: {', '.join(registry.REGISTRY)}.",
        )
    if version < kind.since:
        c.fail(
            q,
            "type",
            f"The type '{qtype}' needs format version {kind.since}.",
            f"Write 'version: {kind.since}' at the top of the file.",
        )
    for key in sorted(set(q) - COMMON_QUESTION_KEYS - kind.keys):  # another type's key
        owner = registry.owner_of(key)
        if owner is not None:
            message, hint = owner.misplaced[key]
            c.fail(q, key, message.format(type=qtype), hint)
    kind.check(c, q, version, symbols)
    c.text(q, "text", limit=200)
    c.text(q, "help", required=False)
    c.symbol(q, symbols)
    sections = q.get("sections")
    if not isinstance(sections, list) or not sections:
        c.fail(
            q,
            "sections" if "sections" in q else None,
            f"Question '{qid}' does not say which sections it gives evidence for.",
            "Add 'sections: [duq:1, cqc:safe]' (or the right ones).",
        )
    for ref in sections:
        if str(ref) not in section_refs:
            c.fail(
                q,
                "sections",
                f"There is no framework section '{ref}'.",
                f"Use one of: {', '.join(sorted(section_refs))}.",
            )
    if not isinstance(q.get("safeguarding", False), bool):
        c.fail(q, "safeguarding", "'safeguarding' should be true or false.", "Write true or false.")
    if "max_length" in q and (not isinstance(q["max_length"], int) or not 1 <= q["max_length"] <= 2000):
        c.fail(q, "max_length", "'max_length' should be a number from 1 to 2000.", "Fix the number.")
    _check_escapes(c, q, version)
    if "does_not_apply" in q and (q["does_not_apply"] is not True or version < 2):
        c.fail(
            q,
            "does_not_apply",
            "'does_not_apply' is true or left out, and needs format version 2.",
            "Write 'does_not_apply: true', and 'version: 2' at the top of the file.",
        )
    _check_alert_on(c, q)


def _check_escapes(c: _Checker, q: _Lined, version: int) -> None:
    """``escapes``: which of "I don't know", "I don't want to say" and Skip the question offers.
    Skip is never left out: the consent page tells every person "You can skip any question."."""
    if "escapes" not in q:
        return
    if version < 2:
        c.fail(
            q, "escapes", "'escapes' needs format version 2.", "Write 'version: 2' at the top of the file."
        )
    escapes = q["escapes"]
    if (
        not isinstance(escapes, list)
        or not escapes
        or any(e not in ESCAPES for e in escapes)
        or len(set(escapes)) != len(escapes)
    ):
        c.fail(
            q,
            "escapes",
            f"'escapes' should list some of: {', '.join(ESCAPES)}, each once.",
            "Write for example 'escapes: [dont_know, skip]'.",
        )
    if "skip" not in escapes:
        c.fail(
            q,
            "escapes",
            "'escapes' leaves out 'skip', but the consent page tells every person "
            "'You can skip any question.'",
            "Add 'skip' to the list: every question can be skipped.",
        )


def _offered(q: _Lined) -> set[str]:
    """The option values a checked question offers (what a later ``show_if`` may test)."""
    return registry.question_type(str(q.get("type"))).offered(q)


def _check_show_if(
    c: _Checker, parent: _Lined, key: str, raw: Any, earlier: dict[str, set[str]], depth: int
) -> None:
    """A ``show_if`` condition: tests on earlier questions' options, or ``all`` / ``any`` of them."""
    qid = parent.get("id", "")
    cond = c.mapping(parent, key, raw, "'show_if'")
    how = "Write 'show_if: {question: an_earlier_id, equals: an_option}' (see surveys/README.md)."
    combine = [name for name in conditions.COMBINE if name in cond]
    if combine:
        c.unknown_keys(cond, set(combine[:1]))
        parts = cond[combine[0]]
        if depth >= conditions.MAX_DEPTH or not isinstance(parts, list) or not 1 <= len(parts) <= 10:
            c.fail(
                cond,
                combine[0],
                f"'{combine[0]}' should list 1 to 10 conditions, at most {conditions.MAX_DEPTH} deep.",
                how,
            )
        for part in parts:
            _check_show_if(c, cond, combine[0], part, earlier, depth + 1)
        return
    tests = [name for name in conditions.TESTS if name in cond]
    if len(tests) != 1:
        c.fail(cond, None, "A condition needs one of: equals, any_of, none_of.", how)
    c.unknown_keys(cond, {"question", tests[0]})
    target = cond.get("question")
    if not isinstance(target, str) or target not in earlier:
        c.fail(
            cond,
            "question" if "question" in cond else None,
            f"'show_if' of '{qid}' names '{target}', which is not a question before it.",
            "Name a question that comes earlier in the file.",
        )
    offered = earlier[target]
    if not offered:
        c.fail(
            cond,
            "question",
            f"'{target}' has no answer cards: 'show_if' can only test chosen options.",
            "Test a question with answer cards.",
        )
    given = cond[tests[0]] = _yes_no_words(cond[tests[0]])
    values = [given] if tests[0] == "equals" else given
    if (
        not isinstance(values, list)
        or not values
        or (tests[0] == "equals" and not isinstance(given, str))
        or any(not isinstance(v, str) or v not in offered for v in values)
    ):
        c.fail(
            cond,
            tests[0],
            f"'{tests[0]}' should name what '{target}' offers.",
            f"Use {'one' if tests[0] == 'equals' else 'some'} of: {', '.join(sorted(offered))}.",
        )


def _yes_no_words(value: Any) -> Any:
    """YAML reads a bare yes / no as true / false: back to the option values "yes" / "no"."""
    if isinstance(value, list):
        return [_yes_no_words(v) for v in value]
    return {True: "yes", False: "no"}[value] if isinstance(value, bool) else value


def _check_alert_on(c: _Checker, q: _Lined) -> None:
    """``alert_on``: the answers of a safeguarding question that raise an alert (e.g. [yes])."""
    if "alert_on" not in q:
        return
    alert_on = q["alert_on"]
    if isinstance(alert_on, list):  # YAML reads a bare yes / no as true / false
        alert_on = q["alert_on"] = [
            {True: "yes", False: "no"}.get(v, v) if isinstance(v, bool) else v for v in alert_on
        ]
    if q.get("safeguarding") is not True:
        c.fail(
            q,
            "alert_on",
            "'alert_on' is only for a question with 'safeguarding: true'.",
            "Add 'safeguarding: true' or remove 'alert_on'.",
        )
    known = _offered(q)
    if not isinstance(alert_on, list) or not alert_on or any(str(v) not in known for v in alert_on):
        c.fail(
            q,
            "alert_on",
            "'alert_on' should list answers this question offers.",
            f"Use some of: {', '.join(sorted(known))}.",
        )


def load_all(surveys_dir: Path, symbols: set[str] | None = None, max_bytes: int | None = None) -> LoadResult:
    """Load every framework, then every questionnaire, collecting errors instead of stopping.

    ``max_bytes``: the size limit of one file (the SURVEY_MAX_BYTES setting; None: the default).
    """
    max_bytes = int(max_bytes or SURVEY_MAX_BYTES)
    result = LoadResult()
    root = surveys_dir.parent
    for path in sorted((surveys_dir / "frameworks").glob("*.yaml")):
        label = str(path.relative_to(root))
        try:
            framework = load_framework(path, label, max_bytes)
        except SurveyFileError as exc:
            result.errors.append(exc.error)
            continue
        result.frameworks[framework.id] = framework
    refs = set().union(*(f.section_refs() for f in result.frameworks.values()))
    for path in sorted(surveys_dir.glob("*.yaml")):
        label = str(path.relative_to(root))
        try:
            questionnaire = load_questionnaire(path, refs, symbols, label, max_bytes)
        except SurveyFileError as exc:
            result.errors.append(exc.error)
            continue
        if questionnaire.id in result.questionnaires:
            result.errors.append(
                SurveyError(
                    label,
                    1,
                    f"The id '{questionnaire.id}' is used by "
                    f"{result.questionnaires[questionnaire.id].source}.",
                    "Give each questionnaire its own id.",
                )
            )
            continue
        result.questionnaires[questionnaire.id] = questionnaire
    return result


def load_configured(config: Mapping[str, Any]) -> LoadResult:
    """The app's surveys: SURVEYS_DIR, checked against the symbols in ASSETS_DIR (loaded once per
    process by ``create_app``; errors are kept for `flask load-surveys` to report)."""
    from ..easyread.pictures import load_symbol_index

    symbols = set(load_symbol_index(Path(config["ASSETS_DIR"]) / "symbols" / "index.json"))
    return load_all(Path(config["SURVEYS_DIR"]), symbols, int(config["SURVEY_MAX_BYTES"]))
