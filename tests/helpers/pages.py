"""Every page a person can reach, fetched through the test client, and the pictures on them.

``respondent_pages`` walks one questionnaire the way a person does (start, settings, consent,
every question, a "you told us" page, the closing questions, thank you), ``staff_pages`` opens
every GET page a role may open with the real ids of tests/helpers/world.py, and ``pictures``
lists each ``<img>`` of a page with the words next to it and the part it plays (a question's
picture, an answer's picture or anything else).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import IntegerConverter

from app.respond.short import short_version
from helpers.app import service_code

OPEN_BLUEPRINTS = {"respond", "public", "auth", "health"}
STAFF_ROLES = ("admin", "quality_lead", "expert", "viewer")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
#: parts of a page that are not the words of a picture (read-aloud buttons, the "you chose" note)
_NOT_ITS_WORDS = {"speak", "chosen-note", "visually-hidden"}


# -- a small HTML tree (the standard library has no DOM) -----------------------------------------
@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    parent: Node | None = None
    children: list[Node | str] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def ancestors(self) -> list[Node]:
        out, node = [], self.parent
        while node is not None:
            out.append(node)
            node = node.parent
        return out

    def walk(self) -> list[Node]:
        out: list[Node] = [self]
        for child in self.children:
            if isinstance(child, Node):
                out.extend(child.walk())
        return out

    def text(self, top: bool = True) -> str:
        if not top and self.classes & _NOT_ITS_WORDS:
            return ""
        parts = [c if isinstance(c, str) else c.text(top=False) for c in self.children]
        return " ".join(" ".join(parts).split())


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in _VOID:
            self.current = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(Node(tag, {k: v or "" for k, v in attrs}, self.current))

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse(html: str) -> Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


# -- the pictures of a page ----------------------------------------------------------------------
@dataclass(frozen=True)
class Picture:
    src: str
    #: the symbol's name when it is one of ours (/symbols/<variant>/<name>.svg), else ""
    name: str
    #: the words next to the picture (the card's, heading's or line's text)
    words: str
    #: "question" (a question's heading picture), "option" (an answer card) or "other"
    part: str


_SYMBOL_SRC = re.compile(r"/symbols/(?:svg|black)/([^/]+)\.svg$")


def pictures(html: str, *, asks: bool | None = None) -> list[Picture]:
    """The pictures of a page. ``asks``: whether the page asks a question (by default: it has an
    answer form); only then is a heading's picture a question's and a card's an answer's."""
    root = parse(html)
    is_question_page = any("answer-form" in n.classes for n in root.walk()) if asks is None else asks
    out = []
    for node in root.walk():
        if node.tag != "img":
            continue
        src = node.attrs.get("src", "")
        match = _SYMBOL_SRC.search(urlsplit(src).path)
        above = node.ancestors()
        classes = [a.classes for a in above]
        part = "other"
        if is_question_page and node.parent is not None and "heading-row" in node.parent.classes:
            part = "question"
        elif (
            is_question_page
            and any("answer-form" in c for c in classes)
            and any("card" in c for c in classes)
            and not any(c & {"card-small", "chosen-note"} for c in classes)
        ):
            part = "option"
        words = node.parent.text() if node.parent is not None else ""
        out.append(Picture(src, match.group(1) if match else "", words, part))
    return out


def image_links(html: str) -> list[str]:
    """Every image a page asks the browser for: <img src> and <link rel=icon ...> hrefs."""
    out = []
    for node in parse(html).walk():
        if node.tag == "img" and node.attrs.get("src"):
            out.append(node.attrs["src"])
        elif node.tag == "link" and "icon" in node.attrs.get("rel", "").split():
            out.append(node.attrs.get("href", ""))
        elif node.tag == "link" and node.attrs.get("rel") == "apple-touch-icon":
            out.append(node.attrs.get("href", ""))
    return out


# -- walking the respondent journey --------------------------------------------------------------
class Walk:
    """A test client that keeps every page it read (url, html)."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.client: FlaskClient = app.test_client()
        self.pages: list[tuple[str, str]] = []

    def get(self, url: str, *, status: int = 200) -> str:
        result = self.client.get(url)
        assert result.status_code == status, (url, result.status_code, result.headers.get("Location"))
        html = result.get_data(as_text=True)
        self.pages.append((url, html))
        return html

    def post(self, url: str, html: str, **data: Any) -> str:
        """Send the page's form; the path it sends the person to next."""
        found = re.search(r'name="submission_id" value="([^"]+)"', html)
        sid = found.group(1) if found else ""
        result = self.client.post(url, data={"submission_id": sid, **data} if sid else data)
        assert result.status_code == 302, (url, data, result.status_code)
        where = urlsplit(result.headers["Location"])
        return where.path + (f"?{where.query}" if where.query else "")


def _worrying(question: Any) -> str | None:
    values = {o.value for o in question.choices}
    for value in ("sad", "no"):
        if getattr(question, "safeguarding", False) and value in values:
            return value
    return None


def respondent_pages(
    app: Flask, slug: str, *, lang: str | None = None, length: str | None = None, **prefs: str
) -> list[tuple[str, str]]:
    """Walk questionnaire ``slug`` as a person does (needs an app with CSRF off); every page read.

    The first safeguarding question is answered with its worrying answer, so the "you told us"
    page is reached; every other question takes its first answer card (or some words).
    ``lang``: in that language (named in the start link); ``length="short"``: its short version.
    """
    form = app.extensions["easyvoice.surveys"].questionnaires[slug]
    if length == "short":
        form = short_version(form, app.config["SURVEYS_DIR"])
        assert form is not None, slug
    walk = Walk(app)
    walk.client.get(f"/at/{service_code(app)}" + (f"?lang={lang}" if lang else ""))
    walk.get("/")
    begin = f"/begin/{slug}" + (f"?length={length}" if length else "")
    assert walk.client.get(begin).status_code == 302
    page = walk.get("/settings")
    settings = {
        "who": "self",
        "text": "normal",
        "pictures": "on",
        "contrast": "off",
        "read_aloud": "on",
        "autoplay": "off",
        "locale": lang or "en_GB",
        **prefs,
    }
    walk.post("/settings", page, **settings)
    page = walk.get("/consent")
    assert walk.post("/consent", page, action="yes").endswith("/q/1")
    told = False
    for number, question in enumerate(form.questions, start=1):
        page = walk.get(f"/q/{number}")
        if number == 1:
            walk.get("/stop?from=q/1")
        if question.type == "free_text":
            fields: dict[str, Any] = {"text": "More trips out", "action": "answer"}
        elif question.multiple:
            fields = {"answer": [question.choices[0].value], "action": "answer"}
        elif not told and _worrying(question):
            fields = {"answer": _worrying(question)}
        else:
            fields = {"answer": question.choices[0].value}
        nxt = walk.post(f"/q/{number}", page, question=question.id, **fields)
        if nxt.startswith("/told-us"):
            told = True
            page = walk.get(nxt)
            walk.get(nxt.replace("/told-us", "/told-us/talk", 1))
            nxt = walk.post("/told-us", page, action="go_on", then=_then(page))
    assert told or not any(_worrying(q) for q in form.questions), slug
    while nxt.startswith("/end/"):
        page = walk.get(nxt)
        if 'name="text"' in page:
            nxt = walk.post(nxt, page, text="I like the garden", action="answer")
        else:
            nxt = walk.post(nxt, page, action="nobody")
        if nxt.startswith("/told-us"):
            page = walk.get(nxt)
            nxt = walk.post("/told-us", page, action="go_on", then=_then(page))
    assert nxt.endswith("/thank-you"), nxt
    walk.get("/thank-you")
    return walk.pages


def _then(html: str) -> str:
    match = re.search(r'name="then" value="([^"]*)"', html)
    return match.group(1) if match else ""


def refusal_pages(app: Flask, slug: str) -> list[tuple[str, str]]:
    """A person who says no at the consent page, and the error pages anyone can meet."""
    walk = Walk(app)
    walk.client.get(f"/at/{service_code(app)}")
    walk.client.get(f"/begin/{slug}")
    page = walk.client.get("/consent").get_data(as_text=True)
    assert walk.post("/consent", page, action="no").endswith("/no-thanks")
    walk.get("/no-thanks")
    walk.get("/no-such-page", status=404)
    walk.get("/q/999", status=404) if walk.client.get("/q/999").status_code == 404 else None
    return walk.pages


def staff_pages(app: Flask, world: dict[str, Any], client: FlaskClient, role: str) -> list[tuple[str, str]]:
    """Every GET page ``role`` may open, with the world's real ids: (url, html) of each 200 page."""
    from helpers.world import world_url

    pages = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or "GET" not in (rule.methods or set()):
            continue
        view = app.view_functions[rule.endpoint]
        roles = {r.value for r in getattr(view, "roles", ())}
        if role not in roles or rule.endpoint.split(".")[0] in OPEN_BLUEPRINTS:
            continue
        url = world_url(app, rule, world)
        result = client.get(url)
        location = result.headers.get("Location", "")
        assert "/auth/sign-in" not in location, (role, url)
        assert result.status_code in (200, 302, 404, 409), (role, url, result.status_code)
        if result.status_code == 200 and result.mimetype == "text/html":
            pages.append((url, result.get_data(as_text=True)))
    return pages


def has_int_id(app: Flask, endpoint: str) -> bool:
    return any(
        isinstance(c, IntegerConverter)
        for rule in app.url_map.iter_rules(endpoint)
        for c in rule._converters.values()
    )


def expert_visit_pages(client: FlaskClient, visit_id: int, questions: int) -> list[tuple[str, str]]:
    """The pages of an open visit an expert works through: every checklist question, the check of
    each part of the provider's statement (verdict, why, to do), signing. (url, html) of each."""
    pages = []
    seen: set[str] = set()
    queue = [f"/visits/{visit_id}/observations/{n}" for n in range(1, questions + 1)]
    queue += [f"/visits/{visit_id}/verify", f"/visits/{visit_id}/sign"]
    wanted = re.compile(rf'href="(/visits/{visit_id}/(?:verify/[^"/]+/(?:verdict|why|todo)|sign[^"]*))"')
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        result = client.get(url)
        assert "/auth/sign-in" not in result.headers.get("Location", ""), url
        if result.status_code != 200:
            continue
        html = result.get_data(as_text=True)
        pages.append((url, html))
        queue += [link for link in wanted.findall(html) if link not in seen]
    return pages


def every_page_of(app: Flask, role: str) -> tuple[FlaskClient, list[tuple[str, str]]]:
    """The signed-in client of ``role``@demo.example and every GET page it may open in a built
    world (tests/helpers/world.py), an expert's open visit included; at least as many pages as a
    role has (so a test that reads them covered them)."""
    from helpers.world import build_world, signed_in

    world = build_world(app)
    client = signed_in(app, f"{role}@demo.example")
    pages = staff_pages(app, world, client, role)
    if role == "expert":
        checklist = app.extensions["easyvoice.surveys"].questionnaires["observations"]
        pages += expert_visit_pages(client, world["visit_id"], len(checklist.questions))
    least = {"admin": 20, "quality_lead": 10, "expert": 25, "viewer": 3}[role]
    assert len(pages) >= least, (role, len(pages))
    return client, pages
