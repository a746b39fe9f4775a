"""``show_if``: a question shown only when earlier answers match (format version 2).

In a survey file::

    show_if: {question: has_job, equals: "yes"}
    show_if: {question: activities, any_of: [music, sport]}
    show_if: {question: activities, none_of: [nothing]}
    show_if: {all: [{question: a, equals: "yes"}, {question: b, none_of: [sad]}]}
    show_if: {any: [...]}

A condition looks only at the options chosen on earlier questions. "I don't know", "I don't want
to say", Skip and "not asked" choose nothing: ``equals`` and ``any_of`` are then false and
``none_of`` true. A question whose condition is false is stored as "not asked" (never as skipped)
and is left out of that question's figures. Nothing here reads files or knows of Flask.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

#: the tests on one earlier question's chosen options
TESTS = ("equals", "any_of", "none_of")
#: the ways to combine several conditions
COMBINE = ("all", "any")
#: how deep ``all`` / ``any`` may nest (a person writing a survey file never needs more)
MAX_DEPTH = 3


@dataclass(frozen=True)
class Condition:
    """One test (``question`` + ``test`` + ``values``) or a combination (``test`` in COMBINE)."""

    test: str
    question: str = ""
    values: tuple[str, ...] = ()
    parts: tuple[Condition, ...] = ()

    def holds(self, chosen: Mapping[str, frozenset[str]]) -> bool:
        """True when the answers so far (question id -> chosen options) meet this condition."""
        if self.test == "all":
            return all(part.holds(chosen) for part in self.parts)
        if self.test == "any":
            return any(part.holds(chosen) for part in self.parts)
        picked = chosen.get(self.question, frozenset())
        found = bool(picked.intersection(self.values))
        return not found if self.test == "none_of" else found

    def questions(self) -> set[str]:
        """Every question this condition looks at."""
        if self.test in COMBINE:
            return set().union(*(part.questions() for part in self.parts))
        return {self.question}


def from_dict(data: Mapping[str, Any] | None) -> Condition | None:
    """Build from a definition the loader has already checked."""
    if not data:
        return None
    for name in COMBINE:
        if name in data:
            return Condition(name, parts=tuple(c for c in map(from_dict, data[name]) if c is not None))
    test = next(name for name in TESTS if name in data)
    given = data[test]
    values = (given,) if isinstance(given, str) else tuple(given)
    return Condition(test, question=str(data["question"]), values=tuple(str(v) for v in values))
