"""Issue 15, item 1: a session cookie is checked and decoded once per process
(app/cookie_session.py), and that changes nothing a session promises: a changed or too old
cookie is still refused, and what one request does to its session never reaches another."""

from __future__ import annotations

import copy
import time
from datetime import timedelta
from pathlib import Path

from flask import Flask, jsonify, session
from helpers.app import make_app

from app.cookie_session import KeptCookieSessions


def app_with_probe(tmp_path: Path, **overrides: object) -> Flask:
    app = make_app(tmp_path, **overrides)

    def probe() -> object:
        seen = copy.deepcopy(dict(session))
        session.setdefault("seen_by", []).append(len(seen))  # changed in place
        session["count"] = session.get("count", 0) + 1
        return jsonify(seen)

    app.add_url_rule("/_probe", "probe", probe)
    return app


def cookie_of(client) -> str:  # type: ignore[no-untyped-def]
    found = client.get_cookie("session")
    assert found is not None
    return found.value


def test_the_same_cookie_gives_each_request_its_own_copy(tmp_path: Path) -> None:
    app = app_with_probe(tmp_path)
    assert isinstance(app.session_interface, KeptCookieSessions)
    client = app.test_client()
    assert client.get("/_probe").json == {}
    first = cookie_of(client)  # {"seen_by": [0], "count": 1}
    for _ in range(3):  # the same cookie again and again: each request starts from what it holds
        client.set_cookie("session", first)
        assert client.get("/_probe").json == {"seen_by": [0], "count": 1}
    assert len(app.session_interface._checked) >= 1  # noqa: SLF001 - it was kept, and read again


def test_a_changed_cookie_is_refused_even_after_the_real_one_was_kept(tmp_path: Path) -> None:
    app = app_with_probe(tmp_path)
    client = app.test_client()
    client.get("/_probe")
    good = cookie_of(client)
    client.set_cookie("session", good)
    assert client.get("/_probe").json["count"] == 1
    payload, _, rest = good.partition(".")
    forged = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1] + "." + rest
    client.set_cookie("session", forged)
    assert client.get("/_probe").json == {}


def test_a_kept_cookie_still_grows_too_old(tmp_path: Path) -> None:
    app = app_with_probe(tmp_path, PERMANENT_SESSION_LIFETIME=timedelta(seconds=1))
    client = app.test_client()
    client.get("/_probe")
    cookie = cookie_of(client)
    client.set_cookie("session", cookie)
    assert client.get("/_probe").json["count"] == 1  # checked and kept
    time.sleep(2.1)
    client.set_cookie("session", cookie)
    assert client.get("/_probe").json == {}  # too old: refused although it was kept


def test_each_copy_of_kept_contents_shares_no_container() -> None:
    """The copy made for each request (cookie_session._copied): every dict, list and tuple is
    new, so changing one request's session in place reaches no other; the values are equal."""
    from datetime import UTC, datetime

    from markupsafe import Markup

    from app.cookie_session import _copied

    kept = {"prefs": {"locale": "cy"}, "seen": [1, {"deep": [2]}], "pair": (3, [4]), "at": datetime.now(UTC)}
    kept["words"] = Markup("<b>hi</b>")
    copied = _copied(kept)
    assert copied == kept
    copied["prefs"]["locale"] = "ur"
    copied["seen"][1]["deep"].append(5)
    copied["pair"][1].append(6)
    assert kept == {
        "prefs": {"locale": "cy"},
        "seen": [1, {"deep": [2]}],
        "pair": (3, [4]),
        "at": kept["at"],
        "words": Markup("<b>hi</b>"),
    }


def test_a_session_read_but_not_changed_sends_no_cookie_and_varies_on_it(tmp_path: Path) -> None:
    """save_session's quick way (nothing changed) does what Flask's does: no Set-Cookie, and
    "Vary: Cookie" once, added to a Vary the view set and not twice when it is there already."""
    app = app_with_probe(tmp_path)

    def reads(vary: str) -> object:
        page = jsonify(session.get("count"))
        if vary:
            page.headers["Vary"] = vary
        return page

    app.add_url_rule("/_reads/<vary>", "reads", reads)
    app.add_url_rule("/_reads/", "reads_bare", reads, defaults={"vary": ""})
    client = app.test_client()
    assert "Set-Cookie" in client.get("/_probe").headers  # changed: the cookie is sent
    for url, vary in (
        ("/_reads/", ["Cookie"]),
        ("/_reads/Accept-Language", ["Accept-Language, Cookie"]),
        ("/_reads/cookie", ["cookie"]),
    ):
        result = client.get(url)
        assert result.json == 1
        assert "Set-Cookie" not in result.headers, url
        assert result.headers.getlist("Vary") == vary, url
    assert "Set-Cookie" in client.get("/_probe").headers
