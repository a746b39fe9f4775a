"""Flask's signed-cookie sessions, with each cookie checked and decoded once per process.

Every request of a tablet carries the same session cookie until the session changes, and
checking its signature and decoding it was the largest fixed cost of a question page (issue 15:
about a sixth of a kept page's time). This keeps the decoded contents of the last ``size``
cookies, keyed by the whole cookie (contents and signature), so only a cookie that was checked
once can be found; its age is checked on every request as Flask does, and each request gets its
own copy, so nothing one request changes reaches another.
"""

from __future__ import annotations

import copy
import threading
import time
from collections import OrderedDict
from datetime import datetime
from typing import Any
from uuid import UUID

from flask import Flask, Request, Response
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from itsdangerous import BadSignature


class KeptCookieSessions(SecureCookieSessionInterface):
    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._checked: OrderedDict[str, tuple[dict[str, Any], float]] = OrderedDict()
        self._lock = threading.Lock()

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if not app.secret_key:
            return None
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        with self._lock:
            found = self._checked.get(cookie)
            if found is not None:
                self._checked.move_to_end(cookie)
        if found is not None and 0 <= time.time() - found[1] <= max_age:
            return self.session_class(_copied(found[0]))
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        try:
            data, signed_at = serializer.loads(cookie, max_age=max_age, return_timestamp=True)
        except BadSignature:  # tampered with, too old, or signed with another key: a new session
            return self.session_class()
        with self._lock:
            self._checked[cookie] = (_copied(data), signed_at.timestamp())
            while len(self._checked) > self.size:
                self._checked.popitem(last=False)
        return self.session_class(data)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        """Flask's, with its commonest case first: a session with contents that nothing changed
        (a question page shown) sends no cookie, only "Vary: Cookie" when it was read. Flask
        works out the cookie's seven settings before it finds that out (issue 15: the largest
        of a kept page's fixed steps after opening the session)."""
        if session and not self.should_set_cookie(app, session):
            if session.accessed:
                _vary_on_cookie(response)
            return
        super().save_session(app, session, response)


def _vary_on_cookie(response: Response) -> None:
    """``response.vary.add("Cookie")``: the header is added as it is when the response has no
    Vary yet (the usual case), without parsing one and writing it back."""
    if any(name.lower() == "vary" for name, _ in response.headers):
        response.vary.add("Cookie")
    else:
        response.headers.add("Vary", "Cookie")


#: What a session cookie can hold that never changes in place (Flask's tagged JSON: also bytes,
#: Markup, UUIDs and datetimes): shared between copies as it is.
_SHARED = (str, int, float, bool, type(None), bytes, datetime, UUID)


def _copied(value: Any) -> Any:
    """A copy of decoded session contents: new dicts and lists all the way down, the rest shared.

    The same as ``copy.deepcopy`` for what a cookie holds, in about a third of the time (issue 15:
    it runs on every request); anything else still goes through ``copy.deepcopy``."""
    kind = type(value)
    if kind is dict:
        return {key: _copied(item) for key, item in value.items()}
    if kind is list:
        return [_copied(item) for item in value]
    if kind is tuple:
        return tuple(_copied(item) for item in value)
    if isinstance(value, _SHARED):
        return value
    return copy.deepcopy(value)
