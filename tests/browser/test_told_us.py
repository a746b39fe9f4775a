"""In Chromium: the "what happens next" pages after a disclosure, and the consent page of each
questionnaire (issue 8, parts 2 and 5).

Both are axe-clean at 768x1024 and 1024x768, with 64 px targets and 20 px text; Yes / No on the
consent page are on the screen without scrolling; "Listen to all of this" plays every text of the
page in order, from the built audio, or with the browser's speech when there is none.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .helpers import (
    LANDSCAPE,
    PORTRAIT,
    LiveServer,
    assert_axe_clean,
    assert_easy_read_sizes,
    begin,
    choose_settings,
    path_of,
    screenshot,
    stored_responses,
    wait_for_scripts,
)

pytestmark = pytest.mark.browser

SIZES = {"768x1024": PORTRAIT, "1024x768": LANDSCAPE}
CONTROLS = "button.card, a.card, button.speak, a.button, button.button"
RESPONDENT_SLUGS = ("your-support", "family-support", "working-here")

# Watches the real media element (it still plays): which files were asked to play, in order.
# Played 16 times faster, so a page of speech is heard in a moment.
WATCH_AUDIO = """
window.__audio = {plays: [], ended: 0};
const realPlay = HTMLMediaElement.prototype.play;
HTMLMediaElement.prototype.play = function () {
  this.playbackRate = 16;
  this.defaultPlaybackRate = 16;
  window.__audio.plays.push(new URL(this.src).pathname);
  this.addEventListener('ended', () => { window.__audio.ended += 1; }, {once: true});
  return realPlay.call(this);
};
"""
# Watches the real speechSynthesis.speak (it still speaks): what was given to it, in order.
WATCH_SPEECH = """
window.__spoken = [];
if (window.speechSynthesis) {
  const realSpeak = window.speechSynthesis.speak.bind(window.speechSynthesis);
  window.speechSynthesis.speak = function (utterance) {
    utterance.rate = 10;
    window.__spoken.push(utterance.text);
    return realSpeak(utterance);
  };
}
"""


def question_number(server: LiveServer, question_id: str) -> int:
    questions = server.app.extensions["easyvoice.surveys"].questionnaires["your-support"].questions
    return [q.id for q in questions].index(question_id) + 1


def assert_in_view(page: Page, selector: str, name: str) -> None:
    """Every element matching ``selector`` is wholly on the screen, with no scrolling."""
    page.evaluate("window.scrollTo(0, 0)")
    boxes = page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)].map(e => {
        const r = e.getBoundingClientRect();
        return {top: r.top, bottom: r.bottom, height: window.innerHeight, scrollY: window.scrollY}; })""",
        selector,
    )
    assert boxes, f"{name}: nothing matches {selector}"
    for box in boxes:
        assert box["scrollY"] == 0 and box["top"] >= 0 and box["bottom"] <= box["height"], (name, box)
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{name} scrolls sideways"


def check_page(page: Page, name: str) -> None:
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        wait_for_scripts(page)
        assert_axe_clean(page, f"{name} {size}")
        assert_easy_read_sizes(page, f"{name} {size}", CONTROLS)
        assert_in_view(page, ".decide-bar button.card", f"{name} {size}")
        screenshot(page, f"{name}-{size}")
        page.screenshot(path=f"/tmp/shots/{name}-{size}-screen.png")  # what is on the screen


SETTINGS = {
    "default": {},
    "bigger": {"text": "bigger"},
    "no-pictures": {"pictures": "off"},
    "contrast": {"contrast": "on"},
}


@pytest.mark.parametrize("setting", list(SETTINGS))
def test_what_happens_next_after_a_sad_answer(live_server: LiveServer, page: Page, setting: str) -> None:
    begin(page, live_server.url, live_server.code(), settings=SETTINGS[setting])
    n = question_number(live_server, "safe_home")
    page.goto(f"{live_server.url}/q/{n}")
    page.click("button.card[value=sad]")
    page.wait_for_url("**/told-us?then=*")
    expect(page.locator("h1")).to_have_text("What you told us worries us")
    check_page(page, f"told-us-{setting}")

    page.click("button.card[value=talk]")
    page.wait_for_url("**/told-us/talk?then=*")
    expect(page.locator("h1")).to_have_text("Someone will come to talk to you")
    check_page(page, f"talk-now-{setting}")

    page.click("button.card[value=go_on]")
    page.wait_for_url(f"**/q/{n + 1}")
    with live_server.app.app_context():
        from sqlalchemy import select

        from app.db import db
        from app.models import SafeguardingAlert

        assert db.session.scalars(select(SafeguardingAlert.urgent)).all() == [True]
    assert stored_responses(live_server.app)[0].answers["safe_home"].values == ["sad"]


@pytest.mark.parametrize("setting", ["default", "bigger"])
@pytest.mark.parametrize("slug", RESPONDENT_SLUGS)
def test_consent_page_of_each_questionnaire(
    live_server: LiveServer, page: Page, slug: str, setting: str
) -> None:
    page.goto(f"{live_server.url}/at/{live_server.code()}")
    page.click(f"a[href='/begin/{slug}'], a[href='/begin/{slug}?length=full']")
    choose_settings(page, SETTINGS[setting])
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        wait_for_scripts(page)
        name = f"consent {slug} {setting} {size}"
        assert_axe_clean(page, name)
        assert_easy_read_sizes(page, name, CONTROLS)
        # Yes and No, and their own speakers, are on the screen without scrolling.
        assert_in_view(page, ".consent-form button.card", name)
        assert_in_view(page, ".consent-form .option > button.speak", name)
        page.screenshot(path=f"/tmp/shots/consent-{slug}-{setting}-{size}-screen.png")
    page.click("button.card[value=yes]")
    page.wait_for_url("**/q/1")


def speakers_in_order(page: Page) -> list[dict[str, str | None]]:
    # (as "Listen to all of this" finds them: Listen buttons, and the Back / Next buttons' own words)
    return page.evaluate("""() => [...document.querySelectorAll('main [data-say]:not([data-speak-all])')]
        .map(b => ({say: b.getAttribute('data-say'), audio: b.getAttribute('data-audio')}))""")


def test_listen_to_all_of_this_plays_the_built_audio_in_order(live_server: LiveServer, page: Page) -> None:
    page.add_init_script(WATCH_AUDIO)
    page.add_init_script(WATCH_SPEECH)
    page.goto(f"{live_server.url}/at/{live_server.code()}")
    page.click("a[href='/begin/your-support?length=full']")
    choose_settings(page)
    wait_for_scripts(page)
    speakers = speakers_in_order(page)
    texts = [s["say"] for s in speakers]
    assert texts[0] == "Before we start" and texts[-2:] == ["No, thank you", "Back"]
    assert "If you tell us someone hurts you, we must tell someone who can help." in texts
    assert all(s["audio"] for s in speakers), [s["say"] for s in speakers if not s["audio"]]
    everything = page.locator("button[data-speak-all]")
    expect(everything).to_be_visible()
    everything.click()
    expect(everything).to_have_class("speak speak-all playing")
    expect(everything).not_to_have_class("speak speak-all playing", timeout=60_000)
    state = page.evaluate("() => window.__audio")
    # every text, once, in order (a button may say several built texts, e.g. progress and question)
    files = [file for s in speakers for file in (s["audio"] or "").split()]
    assert state["plays"] == files
    assert state["ended"] == len(files)
    assert page.evaluate("() => window.__spoken") == []  # no text fell back to the browser
    # A second tap while it plays stops it.
    everything.click()
    page.wait_for_function("(n) => window.__audio.plays.length > n", arg=len(files))
    everything.click()
    expect(everything).not_to_have_class("speak speak-all playing")
    played = len(page.evaluate("() => window.__audio.plays"))
    page.wait_for_timeout(1500)
    assert len(page.evaluate("() => window.__audio.plays")) == played


def test_listen_to_all_of_this_uses_the_browsers_speech_without_built_audio(
    make_live_server, tmp_path, page: Page
) -> None:
    empty = tmp_path / "no-audio"
    empty.mkdir()
    server = make_live_server(AUDIO_DIR=str(empty))
    page.add_init_script(WATCH_AUDIO)
    page.add_init_script(WATCH_SPEECH)
    page.goto(f"{server.url}/at/{server.code()}")
    page.click("a[href='/begin/working-here']")
    choose_settings(page)
    wait_for_scripts(page)
    speakers = speakers_in_order(page)
    assert not [s for s in speakers if s["audio"]]
    page.click("button[data-speak-all]")
    page.wait_for_function("(n) => window.__spoken.length >= n", arg=len(speakers), timeout=60_000)
    assert page.evaluate("() => window.__spoken") == [s["say"] for s in speakers]
    assert page.evaluate("() => window.__audio.plays") == []
    assert page.evaluate("() => window.__spoken")[1] == "We want to know what it is like to work here."


def test_on_a_visit_the_expert_sees_someone_asked_to_talk_now(live_server: LiveServer, page: Page) -> None:
    """Talk now on a handed-over tablet: the give-back page and the visit page tell the expert."""
    from helpers.app import PASSWORD, add_users

    add_users(live_server.app)
    base = live_server.url
    page.set_viewport_size(LANDSCAPE)
    page.goto(f"{base}/auth/sign-in")
    page.fill("#email", "expert@demo.example")
    page.fill("#password", PASSWORD)
    page.click("button.button-next")
    page.wait_for_url("**/visits/")
    page.goto(f"{base}/visits/plan")
    page.click("label.card-check:has-text('Oak House')")
    page.click("label.card-check:has(input[value=your-support])")
    page.click("button.button-next")
    page.wait_for_url("**/visits/*")
    visit = path_of(page)
    page.click(f"form[action='{visit}/open'] button.button-next")
    page.click("button.card:has-text('Start with a new person')")
    choose_settings(page)
    page.click("button[name=action][value=yes]")
    page.wait_for_url("**/q/1")
    n = question_number(live_server, "safe_home")
    page.goto(f"{base}/q/{n}")
    page.click("button.card[value=sad]")
    page.wait_for_url("**/told-us?then=*")
    page.click("button.card[value=talk]")
    page.wait_for_url("**/told-us/talk?then=*")
    expect(page.locator("main")).to_contain_text(
        "Show this tablet to the Expert by Experience or your supporter."
    )
    page.click("button.card[value=stop]")
    page.wait_for_url("**/visits/give-back?thanks=1")
    signal = page.locator(".urgent-talk[role=alert]")
    expect(signal).to_contain_text("Someone asked to talk now.")
    expect(signal).to_contain_text("Tell the safeguarding lead now.")
    expect(page.locator("main")).to_contain_text("You told us something that worries us.")
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        wait_for_scripts(page)
        assert_axe_clean(page, f"give-back urgent {size}")
        assert_easy_read_sizes(page, f"give-back urgent {size}", CONTROLS)
    screenshot(page, "give-back-urgent")
    page.fill("#pin", "1234")
    page.click("button.button-next")
    page.wait_for_url(f"**{visit}")
    expect(page.locator(".urgent-talk[role=alert]")).to_contain_text("Someone asked to talk now.")
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        wait_for_scripts(page)
        assert_axe_clean(page, f"visit urgent {size}")
    screenshot(page, "visit-urgent")
