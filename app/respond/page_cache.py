"""Rendered question pages, kept (issue 15, item 1).

A question page is the same for every person who sees the same (questionnaire version, question,
language, look, answer state, links, built audio) except for three per-request fields: the CSRF
token, the submission id and the words already typed in its box. The views render such a page once
with a slot (a random marker, the same for the whole process) in each of those three places, keep
it here, and fill the slots for each request. The key is built by the views
(``respond/views.py``: ``_page_key``) and must hold everything else the page is drawn from;
``tests/test_page_cache.py`` renders every question in every language and look, with and without
an answer, cached and not, and requires the same page.

Bounded: at most ``max_bytes`` of pages per process, the least recently used dropped first. A new
questionnaire version has new keys (its id is in them), and a new build of the audio changes the
audio index's generation, also in the key; pages of old keys are simply never asked for again and
age out. Nothing about a person is in a kept page: the typed words are a slot.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from markupsafe import escape

#: The three per-request fields' slots: letters and digits only, so escaping leaves them as they
#: are, and random, so no questionnaire's words can hold one by chance.
_MARK = secrets.token_hex(12)
SLOT_CSRF = f"evslotcsrf{_MARK}"
SLOT_SUBMISSION = f"evslotsubmission{_MARK}"
SLOT_TEXT = f"evslottext{_MARK}"
_SLOTS = re.compile(f"({SLOT_CSRF}|{SLOT_SUBMISSION}|{SLOT_TEXT})")

#: A kept page: split at its slots, so the page's words sit at the even places and a slot's
#: marker at each odd one; filling it is one join, not a search of the whole page per slot.
Kept = tuple[str, ...]


#: a box's words or preformatted text (kept as they are), or a line break and the template's
#: indentation (and blank lines) before a tag
_INDENT = re.compile(r"(<textarea\b.*?</textarea>|<pre\b.*?</pre>)|\n[ \t]*(?:\n[ \t]*)*(?=<)", re.S | re.I)


def without_indentation(html: str) -> str:
    """``html`` without the templates' indentation before tags (page bytes: about 7% of a question
    page). A line break stays where there was one, so the page reads and lays out the same; the
    inside of a textarea or pre is left as it is."""
    return _INDENT.sub(lambda found: found.group(1) or "\n", html)


def split(page: str) -> Kept:
    """A drawn page as it is kept (:data:`Kept`)."""
    return tuple(_SLOTS.split(page))


class PageCache:
    """A bounded, thread-safe store of rendered pages with their slots still in them."""

    def __init__(self, max_bytes: int = 32 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        #: key -> (the page, split at its slots; its length in characters)
        self._pages: OrderedDict[Hashable, tuple[Kept, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._pages)

    def page(self, key: Hashable, render: Callable[[], str | None]) -> Kept | None:
        """The kept page for ``key``, else ``render()``'s (kept unless it returns None: the page
        could not be kept, e.g. the audio was rebuilt while it was drawn)."""
        with self._lock:
            found = self._pages.get(key)
            if found is not None:
                self._pages.move_to_end(key)
                self.hits += 1
                return found[0]
            self.misses += 1
        drawn = render()
        if drawn is None:
            return None
        kept, size = split(drawn), len(drawn)
        if size > self.max_bytes:
            return kept
        with self._lock:
            if key not in self._pages:
                self._pages[key] = (kept, size)
                self._bytes += size
                while self._bytes > self.max_bytes:
                    _key, (_dropped, dropped_size) = self._pages.popitem(last=False)
                    self._bytes -= dropped_size
        return kept

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._bytes = 0


def fill(kept: Kept, csrf_token: str, submission_id: str, text: str | None) -> str:
    """The page with this request's fields (escaped) in its slots. Each goes into its own place in
    one join, so words that happened to hold a slot's marker could never fill another slot."""
    values = {
        SLOT_CSRF: str(escape(csrf_token)),
        SLOT_SUBMISSION: str(escape(submission_id)),
        SLOT_TEXT: str(escape(text or "")),
    }
    parts = list(kept)
    parts[1::2] = [values[slot] for slot in kept[1::2]]
    return "".join(parts)
