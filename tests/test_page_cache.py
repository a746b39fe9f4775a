"""Issue 15, item 1: kept question pages (app/respond/page_cache.py) are the pages that would be
drawn. Every question of every questionnaire (the shipped ones, plus one with show_if, number,
choose-many and "None of these", and one with "other, say what" and "This does not happen to me"),
in every language it speaks and in every look, with no answer, with an answer and with an escape
answer, is asked for from a filled cache and from no cache: the pages must be the same apart from
the two per-request fields (CSRF token, submission id).

The cache is filled with every state first and then read in every state again, so a key that
left out anything a page is drawn from would hand one state's page to another, and fail here.
"""

from __future__ import annotations

import io
import itertools
import re
import shutil
import time
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers.app import add_users, csrf_token, make_app, service_code, sign_in_as, submission_id
from helpers.surveys import DAY, HOME
from PIL import Image
from sqlalchemy import select

from app.audit import Actor
from app.db import db
from app.easyread import own_pictures
from app.easyread.pictures import load_symbol_index
from app.i18n import available_locales, speaks
from app.models import Organisation
from app.questionnaires import Question, own
from app.respond import page_cache

ROOT = Path(__file__).resolve().parent.parent
SLUGS = ("your-support", "family-support", "working-here", "day-and-work", "home-and-choices")
WORDS = 'Mine & <b>yours</b> "said"'
DEFAULT_LOOK = {"who": "self", "text": "normal", "pictures": "on", "contrast": "off", "read_aloud": "on"}
#: every look: each setting's every value with each other's (the person who answers as well)
LOOKS = [
    {
        "who": who,
        "text": text,
        "pictures": pictures,
        "contrast": contrast,
        "read_aloud": aloud,
        "autoplay": auto,
    }
    for who, text, pictures, contrast, aloud, auto in itertools.product(
        ("self", "family"),
        ("normal", "big", "bigger"),
        ("on", "off"),
        ("on", "off"),
        ("on", "off"),
        ("on", "off"),
    )
]
#: the questionnaires asked in every look (between them every type of question and answer card);
#: your-support in 14 looks spread over the 96 (every 7th: each setting takes each value), the
#: other shipped ones in every language only
ALL_LOOKS = ("day-and-work", "home-and-choices")
KEEP_ALL = 1 << 30  # big enough that no page of the test is dropped before it is read again
PER_REQUEST = (
    (re.compile(r'(name="csrf_token" type="hidden" value=")[^"]+'), r"\1TOKEN"),
    (re.compile(r'(name="submission_id" value=")[^"]+'), r"\1SUBMISSION"),
)


def without_per_request(html: str) -> str:
    for pattern, replacement in PER_REQUEST:
        html, count = pattern.subn(replacement, html)
        assert count == 1, "each per-request field is on the page once"
    return html


@pytest.fixture
def cache_app(tmp_path: Path) -> Flask:
    """CSRF on (the token is one of the slots), the shipped surveys and the two test ones."""
    surveys = tmp_path / "surveys"
    shutil.copytree(ROOT / "surveys", surveys)
    (surveys / "day.yaml").write_text(DAY, encoding="utf-8")
    (surveys / "home.yaml").write_text(HOME, encoding="utf-8")
    app = make_app(tmp_path, SURVEYS_DIR=str(surveys))
    assert app.extensions["easyvoice.surveys"].errors == []
    return app


def begin(app: Flask, slug: str) -> FlaskClient:
    client = app.test_client()
    client.get(f"/at/{service_code(app)}")
    assert client.get(f"/begin/{slug}").status_code == 302
    page = client.get("/settings").get_data(as_text=True)
    settings = {**DEFAULT_LOOK, "autoplay": "off", "locale": "en_GB", "csrf_token": csrf_token(page)}
    assert client.post("/settings", data=settings).status_code == 302
    page = client.get("/consent").get_data(as_text=True)
    sent = {"submission_id": submission_id(page), "csrf_token": csrf_token(page), "action": "yes"}
    assert client.post("/consent", data=sent).headers["Location"].endswith("/q/1")
    return client


def real_answer(question: Question) -> dict[str, object]:
    """Fields that give ``question`` a real answer: chosen cards (with "Say what" words where it
    has "other"), typed words, or a number."""
    if question.kind.typed_range:
        return {"action": "answer", "text": str(question.min_value + 1)}
    if not question.choices:
        return {"action": "answer", "text": WORDS}
    if question.other_option:
        return {"action": "answer", "answer": [question.other_option.value], "text": WORDS}
    values = [option.value for option in question.choices if not getattr(option, "exclusive", False)]
    return {"answer": values[:2] if question.multiple else values[:1], "action": "answer"}


def escape_answer(question: Question) -> dict[str, object]:
    if question.does_not_apply:
        return {"action": "does_not_apply"}
    return {"action": next(e for e in ("dont_know", "dont_want_to_say", "skip") if e in question.escapes)}


def answer_all(client: FlaskClient, questions: list[Question], fields) -> int:  # type: ignore[no-untyped-def]
    """Answer every question asked, each from its (kept) page; how many were answered."""
    answered = 0
    for number, question in enumerate(questions, start=1):
        got = client.get(f"/q/{number}")
        if got.status_code == 302:  # not asked (show_if)
            continue
        page = got.get_data(as_text=True)
        data = {"csrf_token": csrf_token(page), "submission_id": submission_id(page), "question": question.id}
        sent = client.post(f"/q/{number}", data={**data, **fields(question)})
        assert sent.status_code == 302, (question.id, sent.status_code)
        answered += 1
    return answered


def look_as(client: FlaskClient, look: dict[str, str], locale: str) -> None:
    with client.session_transaction() as session:
        session["ev_prefs"] = {**look, "locale": locale}


def state_page(client: FlaskClient, number: int) -> tuple[int, str | None, str]:
    got = client.get(f"/q/{number}")
    body = got.get_data(as_text=True)
    return (
        got.status_code,
        got.headers.get("Location"),
        without_per_request(body) if got.status_code == 200 else "",
    )


@pytest.mark.parametrize("slug", SLUGS)
def test_a_kept_page_is_the_page_drawn_in_every_language_look_and_answer(cache_app: Flask, slug: str) -> None:
    app, pages = cache_app, cache_app.extensions["easyvoice.pages"]
    questionnaire = app.extensions["easyvoice.surveys"].questionnaires[slug]
    questions = list(questionnaire.questions)
    people = {"none": begin(app, slug), "answered": begin(app, slug), "escaped": begin(app, slug)}
    assert answer_all(people["answered"], questions, real_answer) >= 1
    assert answer_all(people["escaped"], questions, escape_answer) >= 1
    with app.app_context():
        locales = [code for code in available_locales(app) if speaks(questionnaire, code)]
    assert "en_GB" in locales and (slug in ("day-and-work", "home-and-choices") or len(locales) >= 7)
    states = [(who, locale, DEFAULT_LOOK | {"autoplay": "off"}) for who in people for locale in locales]
    looks = LOOKS if slug in ALL_LOOKS else LOOKS[::7] if slug == "your-support" else []
    states += [(who, "en_GB", look) for who in people for look in looks]
    states += [(who, locales[-1], look) for who in people for look in looks[::5]]  # right to left too

    pages.clear()
    pages.max_bytes = KEEP_ALL
    for who, locale, look in states:  # fill the cache with every state's page
        look_as(people[who], look, locale)
        for number in range(1, len(questions) + 1):
            people[who].get(f"/q/{number}")
    filled, hits_before = len(pages), pages.hits
    assert filled >= len(states) // 2, "the pages were kept"

    mismatched = []
    for who, locale, look in states:
        look_as(people[who], look, locale)
        for number in range(1, len(questions) + 1):
            pages.max_bytes = KEEP_ALL
            kept = state_page(people[who], number)
            pages.max_bytes = 0  # none kept: drawn for this request
            drawn = state_page(people[who], number)
            if kept != drawn:
                mismatched.append((who, locale, look, number))
    assert mismatched == []
    assert pages.hits - hits_before >= filled, "the second pass read kept pages"


def test_the_filled_fields_are_this_requests_and_typed_words_are_never_kept(cache_app: Flask) -> None:
    app, pages = cache_app, cache_app.extensions["easyvoice.pages"]
    client = begin(app, "your-support")
    questions = list(app.extensions["easyvoice.surveys"].questionnaires["your-support"].questions)
    number = next(n for n, q in enumerate(questions, 1) if not q.choices and not q.kind.typed_range)
    first = client.get(f"/q/{number}").get_data(as_text=True)
    data = {
        "csrf_token": csrf_token(first),
        "submission_id": submission_id(first),
        "question": questions[number - 1].id,
    }
    assert client.post(f"/q/{number}", data={**data, "action": "answer", "text": WORDS}).status_code == 302
    one, two = (client.get(f"/q/{number}").get_data(as_text=True) for _ in range(2))
    assert pages.hits >= 1
    assert submission_id(one) != submission_id(two)  # a new one each time: no two sends look the same
    with client.session_transaction() as session:
        assert csrf_token(one) and session.get("csrf_token")  # the session's token, signed for it
    escaped = "Mine &amp; &lt;b&gt;yours&lt;/b&gt; &#34;said&#34;"
    assert escaped in one and WORDS not in one
    assert all("yours" not in kept for kept in pages._pages.values())  # noqa: SLF001
    assert all(page_cache.SLOT_TEXT not in page for page in (one, two))
    # The filled page's token is good: sending from it is taken (CSRF is checked on this app).
    data = {
        "csrf_token": csrf_token(two),
        "submission_id": submission_id(two),
        "question": questions[number - 1].id,
    }
    assert (
        client.post(f"/q/{number}", data={**data, "action": "answer", "text": "Other words"}).status_code
        == 302
    )


def test_a_session_s_pages_carry_one_signed_token_unless_tokens_expire(tmp_path: Path) -> None:
    """The token is signed once per session and process (security.csrf_token), not on every page:
    a second later the next page carries the same token, a POST from it is taken, and another
    person's session has its own. With a time limit on tokens each page is signed afresh, so no
    token is older than its page says."""
    app = make_app(tmp_path)
    client = begin(app, "your-support")
    first = client.get("/q/2").get_data(as_text=True)
    time.sleep(1.1)  # a signature made now would carry another time
    second = client.get("/q/2").get_data(as_text=True)
    assert csrf_token(first) == csrf_token(second)
    question = app.extensions["easyvoice.surveys"].questionnaires["your-support"].questions[1]
    data = {"csrf_token": csrf_token(second), "submission_id": submission_id(second), "question": question.id}
    sent = client.post("/q/2", data={**data, **real_answer(question)})
    assert sent.status_code == 302, sent.status_code
    other = begin(app, "your-support").get("/q/2").get_data(as_text=True)
    assert csrf_token(other) != csrf_token(first)

    limited = make_app(tmp_path / "limited", WTF_CSRF_TIME_LIMIT=3600)
    client = begin(limited, "your-support")
    first = client.get("/q/2").get_data(as_text=True)
    time.sleep(1.1)
    assert csrf_token(client.get("/q/2").get_data(as_text=True)) != csrf_token(first)


def test_a_new_build_of_the_audio_is_on_the_next_page(
    cache_app: Flask, audio_build_run: dict[str, object]
) -> None:
    """A page kept before the audio was built does not hide the Listen files once they are."""
    app, pages = cache_app, cache_app.extensions["easyvoice.pages"]
    client = begin(app, "your-support")
    before = client.get("/q/1").get_data(as_text=True)
    assert client.get("/q/1").status_code == 200 and pages.hits >= 1
    assert "data-audio=" not in before
    shutil.copytree(Path(str(audio_build_run["dir"])), app.config["AUDIO_DIR"], dirs_exist_ok=True)
    time.sleep(1.1)  # the index is looked at again at most once a second
    after = client.get("/q/1").get_data(as_text=True)
    assert "data-audio=" in after
    pages.max_bytes = 0
    assert without_per_request(client.get("/q/1").get_data(as_text=True)) == without_per_request(after)


def test_an_own_picture_replaced_is_on_the_next_page(cache_app: Flask) -> None:
    """An organisation's own picture, replaced (a new picture, new words for it) under the same
    name after a page showing it was kept: the next page shows the new one."""
    app, pages = cache_app, cache_app.extensions["easyvoice.pages"]
    emails = add_users(app)
    lead = app.test_client()
    sign_in_as(lead, emails["quality_lead"])

    def upload(colour: tuple[int, int, int], alt: str) -> None:
        picture = io.BytesIO()
        Image.new("RGB", (400, 300), colour).save(picture, format="PNG")
        picture.seek(0)
        form = lead.get("/editor/pictures").get_data(as_text=True)
        data = {"csrf_token": csrf_token(form), "name": "front-door", "alt_text": alt}
        sent = lead.post(
            "/editor/pictures",
            data={**data, "picture": (picture, "door.png")},
            content_type="multipart/form-data",
        )
        assert sent.status_code == 303

    upload((20, 60, 160), "Our blue front door")
    registry = app.extensions["easyvoice.surveys"]
    with app.app_context():
        organisation = db.session.scalars(select(Organisation.id).where(Organisation.slug == "demo")).one()
        symbols = set(load_symbol_index(Path(app.config["ASSETS_DIR"]) / "symbols" / "index.json"))
        checks = own.checks_for(
            registry, symbols, pictures=own_pictures.picture_names(db.session, organisation)
        )
        copy = own.make_copy(
            db.session, Actor(), organisation, registry, "your-support", app.config["SURVEYS_DIR"], checks
        )
        copy.source = copy.source.replace("symbol: listen", "symbol: own:front-door", 1)
        own.publish(db.session, Actor(), copy, checks)
        db.session.commit()
        slug = copy.slug
    person = begin(app, slug)
    first = person.get("/q/1").get_data(as_text=True)
    hits = pages.hits
    assert person.get("/q/1").get_data(as_text=True).count("Our blue front door") == 1
    assert pages.hits == hits + 1  # the kept page
    upload((160, 20, 20), "Our red front door")
    after = person.get("/q/1").get_data(as_text=True)
    assert 'alt="Our red front door"' in after and "blue" not in after
    old_src = re.search(r'src="([^"]+front-door[^"]+)"', first)
    assert old_src and old_src.group(1) not in after  # the new picture's address (its digest)
    pages.max_bytes = 0
    assert without_per_request(person.get("/q/1").get_data(as_text=True)) == without_per_request(after)
