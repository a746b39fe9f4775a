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


#: a box's words or preformatted text (kept as they are), or a line break and the template's
#: indentation (and blank lines) before a tag
_INDENT = re.compile(r"(<textarea\b.*?</textarea>|<pre\b.*?</pre>)|\n[ \t]*(?:\n[ \t]*)*(?=<)", re.S | re.I)


def without_indentation(html: str) -> str:
    """``html`` without the templates' indentation before tags (page bytes: about 7% of a question
    page). A line break stays where there was one, so the page reads and lays out the same; the
    inside of a textarea or pre is left as it is."""
    return _INDENT.sub(lambda found: found.group(1) or "\n", html)


class PageCache:
    """A bounded, thread-safe store of rendered pages with their slots still in them."""

    def __init__(self, max_bytes: int = 32 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self._pages: OrderedDict[Hashable, str] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._pages)

    def page(self, key: Hashable, render: Callable[[], str | None]) -> str | None:
        """The kept page for ``key``, else ``render()``'s (kept unless it returns None: the page
        could not be kept, e.g. the audio was rebuilt while it was drawn)."""
        with self._lock:
            found = self._pages.get(key)
            if found is not None:
                self._pages.move_to_end(key)
                self.hits += 1
                return found
            self.misses += 1
        drawn = render()
        if drawn is None:
            return None
        size = len(drawn)
        if size > self.max_bytes:
            return drawn
        with self._lock:
            if key not in self._pages:
                self._pages[key] = drawn
                self._bytes += size
                while self._bytes > self.max_bytes:
                    _key, dropped = self._pages.popitem(last=False)
                    self._bytes -= len(dropped)
        return drawn

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._bytes = 0


def fill(page: str, csrf_token: str, submission_id: str, text: str | None) -> str:
    """The page with this request's fields in its slots. The typed words go in last (escaped), so
    words that happened to hold a slot's marker could never fill another slot."""
    page = page.replace(SLOT_CSRF, str(escape(csrf_token))).replace(
        SLOT_SUBMISSION, str(escape(submission_id))
    )
    return page.replace(SLOT_TEXT, str(escape(text or "")))
