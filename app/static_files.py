"""Style sheets and scripts sent without their comments and spaces (issue 15, page bytes).

The files in app/static/ are written to be read: every rule says why, in a comment. A tablet
needs none of that, so ``EasyVoice.send_static_file`` sends each .css and .js file minified
(rcssmin and rjsmin, which keep strings, regular expressions and ``calc()`` intact). The
minified bytes are made once per file and kept until the file changes (its size or time), with
an ETag of their own so a tablet asks "changed?" and gets a 304. Nothing is written to disk:
the source in git is the only copy. Fonts, pictures and the service worker are sent as they are.
"""

from __future__ import annotations

import hashlib
import io
import threading
from dataclasses import dataclass
from pathlib import Path

import rcssmin
import rjsmin
from flask import Response, send_file

MINIFIERS = {".css": ("text/css", rcssmin.cssmin), ".js": ("text/javascript", rjsmin.jsmin)}


@dataclass(frozen=True)
class Minified:
    stamp: tuple[int, int]  # (size, mtime_ns) of the source when it was minified
    data: bytes
    etag: str
    mtime: float


_kept: dict[Path, Minified] = {}
_lock = threading.Lock()


def minified(path: Path) -> Minified:
    """``path``'s minified bytes, made again only when the file has changed."""
    status = path.stat()
    stamp = (status.st_size, status.st_mtime_ns)
    kept = _kept.get(path)
    if kept is None or kept.stamp != stamp:
        _mimetype, minify = MINIFIERS[path.suffix]
        data = minify(path.read_text(encoding="utf-8")).encode("utf-8")
        kept = Minified(stamp, data, hashlib.sha256(data).hexdigest()[:32], status.st_mtime)
        with _lock:
            _kept[path] = kept
    return kept


def send_minified(path: Path, max_age: int | None) -> Response:
    """The minified file as the static view would send the file itself: conditional, cached."""
    kept = minified(path)
    return send_file(
        io.BytesIO(kept.data),
        mimetype=MINIFIERS[path.suffix][0],
        max_age=max_age,
        etag=kept.etag,
        last_modified=kept.mtime,
        conditional=True,
    )
