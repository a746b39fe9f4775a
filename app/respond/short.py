"""Short versions of a questionnaire (issue 10, item 5): some of its questions, same words.

A short version lives in ``surveys/short/<id>.yaml`` as a list of the full questionnaire's
question ids. It is built here as a questionnaire with the SAME id, the chosen questions
unchanged, and ``length: short`` in its definition: its content hash (so its stored version)
differs from the full one's, but its slug and question keys are the same. The reports group by
slug and question key (app/reports/figures.py), so short and full answers count together.
No HTTP here.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from ..questionnaires import Questionnaire

SHORT, FULL = "short", "full"

_BUILT: dict[tuple[str, str], Questionnaire | None] = {}


class ShortVersionError(ValueError):
    """A short-version file that does not fit its questionnaire."""


def short_version(full: Questionnaire, surveys_dir: str | Path) -> Questionnaire | None:
    """The short version of ``full``, or None when it has none."""
    key = (str(surveys_dir), full.content_hash)
    if key not in _BUILT:
        _BUILT[key] = _build(full, Path(surveys_dir) / "short" / f"{full.id}.yaml")
    return _BUILT[key]


def _build(full: Questionnaire, path: Path) -> Questionnaire | None:
    if not path.is_file():
        return None
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    chosen = data.get("questions") if isinstance(data, dict) else None
    if data.get("of") != full.id or not isinstance(chosen, list) or not chosen:
        raise ShortVersionError(f"{path}: needs 'of: {full.id}' and a list of question ids")
    known = {question.id for question in full.questions}
    unknown = [qid for qid in chosen if qid not in known]
    if unknown or len(set(chosen)) != len(chosen):
        raise ShortVersionError(f"{path}: unknown or repeated question ids {unknown}")
    wanted = set(chosen)
    # The full file's order, so a short answer sheet reads like the full one.
    questions = [q for q in full.definition["questions"] if q["id"] in wanted]
    return Questionnaire.from_dict(
        {**full.definition, "questions": questions, "length": SHORT}, source=str(path)
    )


def is_short(questionnaire: Questionnaire) -> bool:
    return questionnaire.definition.get("length") == SHORT
