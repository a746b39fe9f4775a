"""A visit without wifi (issue 14), in Chromium on a touch tablet.

The expert opens the visit's "Get ready for no wifi" page and taps the button while online; the
tablet stores the questionnaire's pages, pictures and audio. The tablet is handed over, the
network goes (Playwright's ``set_offline``), and a person answers the whole questionnaire by touch,
including a disclosure ("what happens next" shows at once, with no network). The page is reloaded
in the middle: it goes on where it was. Audio plays from the store. Back online, the outbox sends
and the status says "Sent": the database holds each answer once, with the exact version and the
language, and one alert marked with when it was given. After thank you nothing of the answers is
left in the page's storage (IndexedDB and Cache Storage are read). A second test drops the
connection after the server stored each item, before the reply: nothing is stored twice or lost.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from flask_babel import force_locale, gettext
from helpers.app import PASSWORD, add_users
from helpers.expert_tablet import open_visit
from helpers.i18n import offer_languages
from helpers.surveys import DAY, surveys_with
from playwright.sync_api import BrowserContext, Page, Route, expect
from sqlalchemy import func, select

from app.db import db
from app.models import Answer, AnswerKind, Response, SafeguardingAlert, User

from .helpers import LANDSCAPE, PORTRAIT, assert_easy_read_sizes, axe_clean_at_both_sizes, wait_for_scripts

pytestmark = pytest.mark.browser

SLUG = "your-support"
#: what a finger taps (each at least 64 x 64 CSS px), as the visit test measures
CONTROLS = (
    "button.card, a.card, label.card-check, .other-answers button, button.speak, a.button, "
    "button.button, textarea, input:not([type=hidden]):not([type=checkbox]):not([type=radio])"
)
WORDS = "More trips to the sea, please."
WATCH_AUDIO = """
window.__audio = {playing: []};
const realPlay = HTMLMediaElement.prototype.play;
HTMLMediaElement.prototype.play = function () {
  const element = this;
  element.addEventListener('playing', () => window.__audio.playing.push(element.src), {once: true});
  return realPlay.call(element);
};
"""
#: what the page's own storage holds: the outbox, the person's place, and every stored file's text
READ_STORAGE = """async () => {
  const db = await new Promise((ok, no) => {
    const r = indexedDB.open('easyvoice-offline'); r.onsuccess = () => ok(r.result); r.onerror = no;
  });
  const all = (name) => new Promise((ok) => {
    const r = db.transaction(name).objectStore(name).getAll(); r.onsuccess = () => ok(r.result);
  });
  const outbox = await all('outbox'), journey = await all('journey');
  db.close();
  const texts = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      texts.push(request.url + ' ' + await response.text());
    }
  }
  return {outbox, journey, cached: texts.length, texts: texts.join('\\n')};
}"""


def expert_id(app) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.scalars(select(User.id).where(User.email == "expert@demo.example")).one()


def ready_tablet(  # type: ignore[no-untyped-def]
    server, new_context: Callable[..., BrowserContext], slugs: tuple[str, ...] = (SLUG,)
) -> tuple[BrowserContext, Page, int]:
    """Sign in as the expert, open the visit's "Get ready" page and get ready (online)."""
    add_users(server.app)
    visit_id = open_visit(server.app, expert_id(server.app), slugs=slugs)
    context = new_context(viewport=PORTRAIT, has_touch=True)
    page = context.new_page()
    page.add_init_script(WATCH_AUDIO)
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(f"{server.url}/auth/sign-in")
    page.fill("#email", "expert@demo.example")
    page.fill("#password", PASSWORD)
    page.click("button.button-next")
    page.wait_for_url("**/visits/")
    page.goto(f"{server.url}/visits/{visit_id}")
    wait_for_scripts(page)
    assert not [url for url in fetched if "offline.js" in url]  # a tablet not ready never loads it
    page.tap("a.card:has-text('Get ready for no wifi')")
    page.wait_for_url(f"**/visits/{visit_id}/ready")
    wait_for_scripts(page)
    expect(page.locator("section[data-when-ready]")).to_be_hidden()  # nothing to hand over yet
    axe_clean_at_both_sizes(page, "offline-get-ready")
    assert_easy_read_sizes(page, "offline-get-ready", CONTROLS)
    # The pin number gets the tablet back without wifi: the server checks it (counted) first.
    page.tap("button[data-get-ready]")
    expect(page.locator(".ready-status")).to_contain_text("Type your pin number first.")
    page.fill("#ready-pin", "9999")
    page.tap("button[data-get-ready]")
    expect(page.locator(".ready-status")).to_contain_text("That pin number is not right.")
    page.fill("#ready-pin", "1234")
    page.tap("button[data-get-ready]")
    expect(page.locator(".ready-status")).to_contain_text(
        "Ready. You can use this without wifi.", timeout=60_000
    )
    expect(page.locator("#ready-pin")).to_be_hidden()
    expect(page.locator("[data-ready-size]")).to_contain_text(" MB on this tablet")
    axe_clean_at_both_sizes(page, "offline-ready")
    return context, page, visit_id


def step_title(page: Page) -> str:
    page.wait_for_function("() => document.querySelector('#offline-step h1')")
    wait_for_scripts(page)
    return page.locator("#offline-step h1").inner_text()


def answer(page: Page, question, worrying: bool = False, heading: str | None = None) -> None:  # type: ignore[no-untyped-def]
    """One question by touch: the first card (the worrying one when asked), words, ticks."""
    expect(page.locator("#offline-step h1")).to_have_text(heading or question.text)
    if question.type == "free_text":
        page.fill("textarea[name=text]", WORDS)
        page.tap("button.button-next")
    elif question.multiple:
        page.tap(f"label.card-check:has(input[value={question.choices[0].value}])")
        page.tap("button.button-next")
    elif question.other_option:
        page.tap(f"label.card-check:has(input[value={question.choices[0].value}])")
        page.tap("button.button-next")
    else:
        value = question.choices[0].value
        if worrying:
            value = next(o.value for o in question.choices if o.value in question.alert_values)
        page.tap(f"button.card[name=answer][value={value}]")


def until(done: Callable[[], object], page: Page, seconds: float = 30) -> None:
    """Wait until ``done()`` is true (checked 4 times a second), else fail."""
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, "waited too long"
        page.wait_for_timeout(250)


def stored_answers(app) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """question -> how many answers it has, over every response."""
    with app.app_context():
        rows = db.session.execute(select(Answer.question_key, func.count()).group_by(Answer.question_key))
        return {key: number for key, number in rows}


def test_a_whole_questionnaire_without_wifi(make_live_server, built_audio, new_context) -> None:
    server = make_live_server(AUDIO_DIR=str(built_audio))
    questionnaire = server.app.extensions["easyvoice.surveys"].questionnaires[SLUG]
    questions = list(questionnaire.questions)
    disclosure = next(n for n, q in enumerate(questions, start=1) if q.alert_values)
    context, page, visit_id = ready_tablet(server, new_context)

    # Handed over from the "Get ready" page: the journey runs from the tablet's store.
    page.tap("section[data-when-ready] button.card[value=alone]")
    page.wait_for_url(lambda url: f"/offline?visit={visit_id}&h=" in url and url.endswith(f"#{SLUG}"))
    step_title(page)
    expect(page.locator("#offline-step button[name=action][value=no]")).to_be_visible()
    context.set_offline(True)
    page.tap("#offline-step button[name=action][value=no]")
    expect(page.locator("#offline-step h1")).to_have_text("Before we start")
    page.tap("#offline-step button[name=action][value=yes]")
    status = page.locator("[data-offline-status]")
    for number, question in enumerate(questions, start=1):
        # Each step is acted on once it is drawn (a tap while the last answer is being saved is
        # not taken, as a double tap is not online).
        expect(page.locator("#offline-step h1")).to_have_text(question.text)
        wait_for_scripts(page)
        if number == 1:
            expect(status).to_contain_text("Saved on this tablet")  # the start is in the outbox
            axe_clean_at_both_sizes(page, "offline-question")
            assert_easy_read_sizes(page, "offline-question", CONTROLS)
            # Audio plays from the store, with no network.
            page.tap(".question-heading button.speak")
            page.wait_for_function("() => window.__audio.playing.length > 0", timeout=15_000)
        if number == 3:
            # A reload without wifi: the page comes from the store, and goes on where it was.
            expect(page.locator("#offline-step h1")).to_have_text(question.text)
            page.reload()
            expect(page.locator("#offline-step h1")).to_have_text(question.text)
            expect(status).to_contain_text("Saved on this tablet")
        answer(page, question, worrying=number == disclosure)
        if number == disclosure:
            # "What happens next" at once, offline; never what was said.
            expect(page.locator("#offline-step h1")).to_have_text("What you told us worries us")
            axe_clean_at_both_sizes(page, "offline-told-us")
            # "I want to talk to someone now": the expert is told to phone the lead, offline.
            page.tap("#offline-step button.card[value=talk]")
            expect(page.locator("#offline-step h1")).to_have_text("Someone will come to talk to you")
            expect(page.locator("#offline-step")).to_contain_text("Tell the safeguarding lead now.")
            axe_clean_at_both_sizes(page, "offline-talk-now")
            page.tap("#offline-step button.card[value=go_on]")
    expect(page.locator("#offline-step h1")).to_have_text("Who helped you answer?")
    page.tap("#offline-step button[value=nobody]")
    expect(page.locator("#offline-step h1")).to_have_text("Who else was in the room?")
    page.tap("#offline-step button[value=nobody]")
    expect(page.locator("#offline-step h1")).to_have_text("Is there anything else you want to tell us?")
    page.fill("#offline-step textarea[name=text]", "The garden is lovely.")
    page.tap("#offline-step button.button-next")
    expect(page.locator("#offline-step h1")).to_have_text("Thank you")
    expect(page.locator("#offline-step")).to_contain_text("You told us something that worries us.")
    expect(page.locator("#offline-step")).to_contain_text("Someone will come to talk to you.")
    axe_clean_at_both_sizes(page, "offline-thank-you")
    assert_easy_read_sizes(page, "offline-thank-you", CONTROLS)
    expect(status).to_contain_text("Saved on this tablet")
    expect(page.locator("[data-give-back]")).to_be_hidden()  # no network: no server pin page
    # The next person cannot start on their own: the expert's pin number first, checked here.
    expect(page.locator("#offline-step a.button-next")).to_have_count(0)
    pin_box = page.locator("[data-pin-box]")
    expect(pin_box).to_be_visible()
    page.fill("#offline-pin", "9999")
    page.tap("[data-pin-form] button.button-next")
    expect(pin_box.locator("[role=alert]")).to_have_text("That pin number is not right.")
    expect(page.locator("[data-again]")).to_be_hidden()

    # Nothing has reached the server; after thank you the person's place holds no answer.
    with server.app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Response)) == 0
    kept = page.evaluate(READ_STORAGE)
    assert kept["outbox"], "the answers wait in the outbox"
    assert all(not place.get("chosen") and not place.get("response") for place in kept["journey"])
    assert WORDS not in kept["texts"]

    page.fill("#offline-pin", "1234")
    page.tap("[data-pin-form] button.button-next")
    expect(page.locator("[data-again] button.card[value=alone]")).to_be_visible()
    expect(pin_box).to_be_hidden()
    axe_clean_at_both_sizes(page, "offline-next-person")

    # Back online: the outbox sends, oldest first, and the status says so.
    context.set_offline(False)
    expect(status).to_contain_text("Sent", timeout=30_000)
    expect(status).not_to_contain_text("Saved")
    with server.app.app_context():
        responses = db.session.scalars(select(Response)).all()
        assert len(responses) == 1
        response = responses[0]
        assert response.status == "finished" and response.visit_id == visit_id and response.asked_by_expert
        assert response.version.content_hash == questionnaire.content_hash
        assert response.language == "en_GB"
        assert response.helped_by == "" and response.others_present == ""
        answers = db.session.scalars(select(Answer).where(Answer.response_id == response.id)).all()
        by_question = {a.question_key: a for a in answers}
        assert len(answers) == len(by_question)  # exactly once each
        assert set(by_question) == {q.id for q in questions} | {"_anything_else"}
        assert by_question[questions[-1].id].text == WORDS
        assert all(a.language == "en_GB" for a in answers)
        alerts = db.session.scalars(select(SafeguardingAlert)).all()
        assert len(alerts) == 1 and alerts[0].context.get("given_at") and alerts[0].context.get("offline")
        assert alerts[0].urgent  # "talk now" arrived with it
    kept = page.evaluate(READ_STORAGE)
    assert kept["outbox"] == []
    assert all(not place.get("chosen") and not place.get("response") for place in kept["journey"])
    assert kept["cached"] > 10 and WORDS not in kept["texts"] and "The garden is lovely." not in kept["texts"]

    # The expert gets the tablet back with the pin number, as online, and signs out: the store,
    # the person's place and the service worker go with the sign-in.
    page.tap("[data-give-back] a.button")
    page.wait_for_url("**/visits/give-back?thanks=1")
    page.fill("#pin", "1234")
    page.click("button.button-next")
    page.wait_for_url(f"**/visits/{visit_id}")
    page.click(".staff-nav form button")
    page.wait_for_url("**/auth/sign-in")
    wiped = """async () => (await caches.keys()).length === 0 &&
        (await navigator.serviceWorker.getRegistrations()).length === 0"""
    until(lambda: page.evaluate(wiped), page)  # evaluate waits for the promise
    kept = page.evaluate(READ_STORAGE)
    assert kept == {"outbox": [], "journey": [], "cached": 0, "texts": ""}


def test_a_reply_lost_after_the_server_stored_it(make_live_server, built_audio, new_context) -> None:
    server = make_live_server(AUDIO_DIR=str(built_audio))
    questions = list(server.app.extensions["easyvoice.surveys"].questionnaires[SLUG].questions)
    context, page, visit_id = ready_tablet(server, new_context)
    page.set_viewport_size(LANDSCAPE)
    dropped: list[str] = []

    def drop_first_reply(route: Route) -> None:
        """Each item's first send reaches the server, which stores it; its reply never arrives."""
        body = route.request.post_data or ""
        reply = route.fetch()
        if body not in dropped:
            dropped.append(body)
            assert reply.status == 200, reply.text()
            route.abort("connectionreset")
        else:
            route.fulfill(response=reply)

    page.route("**/offline/send", drop_first_reply)
    page.tap("section[data-when-ready] button.card[value=together]")
    page.wait_for_url(lambda url: f"/offline?visit={visit_id}&together=1&h=" in url)
    step_title(page)
    page.tap("#offline-step button[name=action][value=no]")
    expect(page.locator("#offline-step h1")).to_have_text("Before we start")
    page.tap("#offline-step button[name=action][value=yes]")
    for question in questions[:4]:
        step_title(page)
        answer(page, question)
    expect(page.locator("#offline-step h1")).to_have_text(questions[4].text)
    page.tap("#offline-step a.button-stop")
    expect(page.locator("#offline-step h1")).to_have_text("Do you want to stop?")
    page.tap("#offline-step button[value=stop]")
    expect(page.locator("#offline-step h1")).to_have_text("Thank you")
    expect(page.locator("[data-offline-status]")).to_contain_text("Sent", timeout=60_000)
    assert len(dropped) >= 6  # the start, 4 answers and the finish each lost a reply
    with server.app.app_context():
        responses = db.session.scalars(select(Response)).all()
        assert len(responses) == 1 and responses[0].status == "stopped"
        answers = db.session.scalars(select(Answer).where(Answer.response_id == responses[0].id)).all()
        assert sorted(a.question_key for a in answers) == sorted(q.id for q in questions[:4])
        assert all(a.supported for a in answers)  # "ask together"
    assert stored_answers(server.app) == {q.id: 1 for q in questions[:4]}
    assert page.evaluate(READ_STORAGE)["outbox"] == []


def test_in_urdu_without_wifi(make_live_server, built_audio, new_context) -> None:
    """A family member who speaks Urdu chooses it offline: the stored Urdu pages, right to left,
    heard in the Urdu voice; the answers keep their language."""
    server = make_live_server(AUDIO_DIR=str(built_audio))
    offer_languages(server.app, "ur")
    with server.app.test_request_context(), force_locale("ur"):
        before_we_start, listen_words = gettext("Before we start"), gettext("Listen")
        thank_you = gettext("Thank you")
    questions = list(server.app.extensions["easyvoice.surveys"].questionnaires[SLUG].questions)
    with server.app.test_request_context(), force_locale("ur"):
        heading, second_heading = gettext(questions[0].text), gettext(questions[1].text)
    context, page, visit_id = ready_tablet(server, new_context)
    page.tap("section[data-when-ready] button.card[value=alone]")
    page.wait_for_url(lambda url: "/offline?" in url)
    step_title(page)
    context.set_offline(True)
    page.tap("#offline-step button[name=action][value=yes]")  # "Yes, change it"
    page.tap("#offline-step label.card-check:has(input[name=locale][value=ur])")
    while page.locator("#offline-step #setting-form").count():
        title = page.locator("#offline-step h1").inner_text()
        page.tap("#offline-step button.button-next")  # the other settings as they are
        page.wait_for_function("t => document.querySelector('#offline-step h1').innerText !== t", arg=title)
    expect(page.locator("#offline-step h1")).to_have_text(before_we_start)
    assert page.evaluate("() => [document.documentElement.lang, document.documentElement.dir]") == [
        "ur",
        "rtl",
    ]
    page.tap("#offline-step button[name=action][value=yes]")
    step_title(page)
    speaker = page.locator(".question-heading button.speak")
    expect(speaker).to_contain_text(listen_words)
    urdu_audio = (speaker.get_attribute("data-audio") or "").split()
    assert urdu_audio and all(url.startswith("/audio/") for url in urdu_audio)
    axe_clean_at_both_sizes(page, "offline-question-ur")
    answer(page, questions[0], heading=heading)
    expect(page.locator("#offline-step h1")).to_have_text(second_heading)
    page.tap("#offline-step a.button-stop")
    page.tap("#offline-step button[value=stop]")
    expect(page.locator("#offline-step h1")).to_have_text(thank_you)
    # Back online on another page (the expert's pin page): the outbox sends from there too.
    context.set_offline(False)
    page.goto(f"{server.url}/visits/give-back?thanks=1")
    until(lambda: page.evaluate(READ_STORAGE)["outbox"] == [], page)
    with server.app.app_context():
        response = db.session.scalars(select(Response)).one()
        assert response.language == "ur" and response.status == "stopped"
        answers = db.session.scalars(select(Answer).where(Answer.response_id == response.id)).all()
        assert [(a.question_key, a.language) for a in answers] == [(questions[0].id, "ur")]
    # The Urdu question's words were heard from the store, in the Urdu voice's file.
    store = server.app.extensions["easyvoice.audio"]
    assert f"/audio/{store.lookup('ur', heading)}" in urdu_audio


def test_a_question_asked_only_after_one_answer_and_a_number_without_wifi(
    make_live_server, built_audio, new_context, tmp_path
) -> None:
    """show_if is tested on the tablet as the server tests it (a question stepped over, Back steps
    over it too, and it is stored as "not asked"); a number that does not fit is asked again."""
    server = make_live_server(SURVEYS_DIR=str(surveys_with(tmp_path, DAY)), AUDIO_DIR=str(built_audio))
    assert server.app.extensions["easyvoice.surveys"].errors == []
    context, page, visit_id = ready_tablet(server, new_context, slugs=("day-and-work",))
    page.tap("section[data-when-ready] button.card[value=alone]")
    page.wait_for_url(lambda url: url.endswith("#day-and-work"))
    step_title(page)
    context.set_offline(True)
    page.tap("#offline-step button[name=action][value=no]")
    expect(page.locator("#offline-step h1")).to_have_text("Before we start")
    page.tap("#offline-step button[name=action][value=yes]")
    expect(page.locator("#offline-step h1")).to_have_text("What do you do in the day?")
    page.tap("#offline-step label.card-check:has(input[value=sport])")
    page.tap("#offline-step button.button-next")
    # "Do you like your work?" is asked only after "Work": stepped over.
    expect(page.locator("#offline-step h1")).to_have_text("Do you like the garden?")
    page.tap("#offline-step a.button-back")
    expect(page.locator("#offline-step h1")).to_have_text("What do you do in the day?")
    expect(page.locator("#offline-step input[value=sport]")).to_be_checked()
    page.tap("#offline-step button.button-next")
    expect(page.locator("#offline-step h1")).to_have_text("Do you like the garden?")
    page.locator("#offline-step button.card[name=answer]").first.tap()
    expect(page.locator("#offline-step h1")).to_have_text("How old are you?")
    page.fill("#number", "5")
    page.tap("#offline-step button.button-next")
    expect(page.locator("#offline-step [role=alert]")).to_contain_text("That number does not fit.")
    expect(page.locator("#number")).to_have_value("5")
    axe_clean_at_both_sizes(page, "offline-number-does-not-fit")
    page.fill("#number", "30")
    page.tap("#offline-step button.button-next")
    expect(page.locator("#offline-step h1")).to_have_text("Who helped you answer?")
    page.tap("#offline-step button[value=nobody]")
    expect(page.locator("#offline-step h1")).to_have_text("Who else was in the room?")
    page.tap("#offline-step button[value=nobody]")
    expect(page.locator("#offline-step h1")).to_have_text("Is there anything else you want to tell us?")
    page.tap("#offline-step button.button-next")
    expect(page.locator("#offline-step h1")).to_have_text("Thank you")
    context.set_offline(False)
    expect(page.locator("[data-offline-status]")).to_contain_text("Sent", timeout=30_000)
    with server.app.app_context():
        response = db.session.scalars(select(Response)).one()
        rows = db.session.scalars(select(Answer).where(Answer.response_id == response.id))
        answers = {a.question_key: a for a in rows}
        assert [c.value for c in answers["day"].choices] == ["sport"]
        assert answers["like_work"].kind == AnswerKind.NOT_ASKED
        assert answers["age"].kind == AnswerKind.NUMBER and answers["age"].text == "30"
        assert response.status == "finished"
