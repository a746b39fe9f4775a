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
from typing import Any

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
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
            return self.session_class(copy.deepcopy(found[0]))
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        try:
            data, signed_at = serializer.loads(cookie, max_age=max_age, return_timestamp=True)
        except BadSignature:  # tampered with, too old, or signed with another key: a new session
            return self.session_class()
        with self._lock:
            self._checked[cookie] = (copy.deepcopy(data), signed_at.timestamp())
            while len(self._checked) > self.size:
                self._checked.popitem(last=False)
        return self.session_class(data)
