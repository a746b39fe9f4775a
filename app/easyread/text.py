"""Checks for easy-read text.

Pure Python helpers used by the tests and by survey authors' tools to check
that every text a respondent sees follows the easy-read rules:

* sentences of 15 words or fewer (aim for 10);
* numbers written as digits ("3", not "three");
* no initials (such as "CQC"), except a few everyday ones ("I", "OK", "TV").

No Flask imports: this module must stay importable on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "DEFAULT_MAX_WORDS",
    "Problem",
    "check_easy_read",
    "count_words",
    "split_sentences",
]

DEFAULT_MAX_WORDS = 15

# A word: a run of letters or digits, which may carry apostrophes or hyphens
# inside it ("don't", "well-led"). A lone hyphen or dash is not a word.
# A full stop or comma between digits stays inside the number ("3.5", "1,000").
_WORD_RE = re.compile(r"[^\W_]+(?:(?:['\u2019\-]|(?<=\d)[.,](?=\d))[^\W_]+)*")

# The end of a sentence: one or more of . ? ! (plus closing quotes or brackets),
# then whitespace or the end of the text.
_SENTENCE_END_RE = re.compile(r"[.?!]+['\"\u2019\u201d)\]]*(?=\s|$)")

# "e.g." style abbreviations: 2 or more single letters, each with a full stop.
_DOTTED_ABBREVIATION_RE = re.compile(r"(?:^|[\s(\[])(?:[A-Za-z]\.){2,}$")

# Abbreviations with a single full stop that do not end a sentence.
_ABBREVIATIONS = frozenset({"dr", "mr", "mrs", "ms", "st", "etc", "vs", "approx"})

# Number words that must be written as digits. "one" is left out on purpose:
# it is often a pronoun ("the one I like").
_NUMBER_WORDS = frozenset(
    {
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
        "twenty",
    }
)
_NUMBER_DIGITS = {
    word: str(value)
    for value, word in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
}

# Capital-letter words that everyone knows and may stay.
_ALLOWED_CAPITALS = frozenset({"I", "OK", "TV"})


@dataclass(frozen=True)
class Problem:
    """One easy-read problem found in a text.

    Attributes:
        code: a short fixed name: "too_long", "number_word", "initials" or "empty".
        message: plain English for a survey author, saying what to change.
        sentence: the sentence with the problem ("" for an empty text).
    """

    code: str
    message: str
    sentence: str


def _ends_with_abbreviation(text_before: str) -> bool:
    """Tell whether ``text_before`` (ending in ".") ends with an abbreviation."""
    if _DOTTED_ABBREVIATION_RE.search(text_before):
        return True
    words = _WORD_RE.findall(text_before)
    if not words:
        return False
    last = words[-1]
    # Only the word right before the full stop counts ("Dr." but not "Dr ok.").
    if not text_before.rstrip(".").endswith(last):
        return False
    return last.lower() in _ABBREVIATIONS


def split_sentences(text: str) -> list[str]:
    """Split a text into sentences.

    A sentence ends at ".", "?" or "!" followed by a space, a new line or the
    end of the text. A full stop after an abbreviation such as "e.g." or "Dr."
    does not end a sentence. Text with no end mark is 1 sentence.

    Args:
        text: the text to split.

    Returns:
        The sentences, stripped of surrounding white space, without empty ones.
    """
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END_RE.finditer(text):
        marks = match.group(0)
        if marks.startswith(".") and set(marks.rstrip("'\"\u2019\u201d)]")) == {"."}:
            if _ends_with_abbreviation(text[start : match.start() + 1]):
                continue
        piece = text[start : match.end()].strip()
        if piece:
            sentences.append(piece)
        start = match.end()
    rest = text[start:].strip()
    if rest:
        sentences.append(rest)
    return sentences


def _words(sentence: str) -> list[str]:
    """Return the words in ``sentence`` (see :func:`count_words`)."""
    return _WORD_RE.findall(sentence)


def count_words(sentence: str) -> int:
    """Count the words in a sentence.

    A word is a run of letters or digits. Apostrophes and hyphens inside a word
    keep it as 1 word: "don't" and "well-led" are 1 word each, and so is a
    number such as "3.5" or "1,000". Punctuation on its own is not a word.

    Args:
        sentence: the sentence to count.

    Returns:
        The number of words.
    """
    return len(_words(sentence))


def _word_parts(word: str) -> list[str]:
    """Split a word on hyphens and drop an apostrophe ending ("CQC's" -> "CQC")."""
    parts = []
    for part in word.split("-"):
        part = re.split(r"['\u2019]", part, maxsplit=1)[0]
        if part:
            parts.append(part)
    return parts


def _is_initials(part: str) -> bool:
    """Tell whether ``part`` is an all-capitals word of 2 or more letters."""
    return len(part) >= 2 and part.isalpha() and part.isupper() and part not in _ALLOWED_CAPITALS


def check_easy_read(text: str | None, max_words: int = DEFAULT_MAX_WORDS) -> list[Problem]:
    """Check a text against the easy-read rules that a program can check.

    Problems found, each with a ``code``:

    * ``empty``: the text has no words at all.
    * ``too_long``: a sentence has more than ``max_words`` words.
    * ``number_word``: a number from 2 to 20 is written as a word.
    * ``initials``: an all-capitals word of 2 or more letters, such as "CQC".
      "I", "OK" and "TV" are allowed.

    Args:
        text: the text to check. ``None`` counts as empty.
        max_words: the most words a sentence may have.

    Returns:
        The problems in the order they appear; an empty list if there are none.
    """
    if text is None or not _words(text):
        return [Problem("empty", "This text is empty. Write some words here.", "")]

    problems: list[Problem] = []
    for sentence in split_sentences(text):
        words = _words(sentence)
        if len(words) > max_words:
            problems.append(
                Problem(
                    "too_long",
                    f"This sentence has {len(words)} words. Use {max_words} or fewer.",
                    sentence,
                )
            )
        for word in words:
            for part in _word_parts(word):
                lower = part.lower()
                if lower in _NUMBER_WORDS:
                    problems.append(
                        Problem(
                            "number_word",
                            f'Write numbers as digits. Use "{_NUMBER_DIGITS[lower]}", not "{part}".',
                            sentence,
                        )
                    )
                elif _is_initials(part):
                    problems.append(
                        Problem(
                            "initials",
                            f'Do not use initials like "{part}". Write the words in full.',
                            sentence,
                        )
                    )
    return problems
