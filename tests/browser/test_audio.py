"""Read aloud in the browser: built Ogg/Opus files play; with none, the browser's own speech speaks.

Two init scripts watch the real browser APIs (they call through to them): which media element
was asked to play and whether it really started, and what was given to speechSynthesis.speak.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from .helpers import begin, wait_for_scripts

pytestmark = pytest.mark.browser

WATCH_AUDIO = """
window.__audio = {plays: [], playing: [], errors: []};
const realPlay = HTMLMediaElement.prototype.play;
HTMLMediaElement.prototype.play = function () {
  const element = this;
  window.__audio.plays.push(element.src);
  element.addEventListener('playing', () => window.__audio.playing.push(element.src), {once: true});
  const promise = realPlay.call(element);
  promise.catch((error) => window.__audio.errors.push(String(error)));
  return promise;
};
"""

WATCH_SPEECH = """
window.__spoken = [];
if (window.speechSynthesis) {
  const realSpeak = window.speechSynthesis.speak.bind(window.speechSynthesis);
  window.speechSynthesis.speak = function (utterance) {
    window.__spoken.push({text: utterance.text, lang: utterance.lang});
    return realSpeak(utterance);
  };
}
"""

QUESTION_SPEAKER = ".question-heading button.speak"
#: the heading's Listen says the progress, then the question (issue 10, item 5)
SAID = "Question 1 of 24. Do staff listen to you?"


def question_page(page: Page, live_server, settings: dict[str, str] | None = None) -> None:
    page.add_init_script(WATCH_AUDIO)
    page.add_init_script(WATCH_SPEECH)
    begin(page, live_server.url, live_server.code(), settings=settings)
    wait_for_scripts(page)


def test_speaker_plays_the_built_audio(live_server, page: Page) -> None:
    question_page(page, live_server)
    speaker = page.locator(QUESTION_SPEAKER)
    expect(speaker).to_be_visible()
    files = (speaker.get_attribute("data-audio") or "").split()
    assert len(files) == 2  # "Question 1 of 24.", then the question
    assert all(f.startswith("/audio/") and f.endswith(".ogg") for f in files)
    assert speaker.get_attribute("data-say") == SAID
    src = files[0]

    with page.expect_response(lambda r: "/audio/" in r.url and r.url.endswith(".ogg")) as info:
        speaker.click()
    response = info.value
    assert response.url.endswith(src)
    headers = response.all_headers()
    # A media element asks for "bytes=0-": the whole file comes back as 206 Partial Content.
    if response.request.all_headers().get("range"):
        assert response.status == 206, response.status
        assert headers["content-range"].startswith("bytes 0-")
    else:
        assert response.status == 200, response.status
    assert headers["content-type"] == "audio/ogg"
    assert "immutable" in headers["cache-control"]
    body = page.request.get(live_server.url + src)  # the whole file, as a plain GET
    assert body.status == 200
    assert body.headers["content-type"] == "audio/ogg"
    assert "immutable" in body.headers["cache-control"]
    data = body.body()
    assert data.startswith(b"OggS")
    assert b"OpusHead" in data[:200]
    assert len(data) > 2000  # some seconds of speech, not an empty stream

    # The audio element really started playing that file, and the button shows it is playing.
    page.wait_for_function("() => window.__audio.playing.length > 0")
    state = page.evaluate("() => window.__audio")
    assert state["errors"] == []
    assert state["playing"][0].endswith(src)
    expect(speaker).to_have_class("speak playing")
    # The built audio was used: the browser's speech was not needed.
    assert page.evaluate("() => window.__spoken") == []
    # When it ends, the button goes back to normal.
    expect(speaker).not_to_have_class("speak playing", timeout=15_000)


def test_every_speaker_has_built_audio(live_server, page: Page) -> None:
    """Every text on a question page has its file: nothing falls back to the browser's voice."""
    question_page(page, live_server)
    for number in (1, 2, 6, 7, 21):
        page.goto(f"{live_server.url}/q/{number}")
        speakers = page.locator("button.speak:not([data-speak-all])")  # ("Listen to all" plays these)
        assert speakers.count() >= 4
        missing = [
            speakers.nth(i).get_attribute("data-say")
            for i in range(speakers.count())
            if not speakers.nth(i).get_attribute("data-audio")
        ]
        assert missing == [], f"no built audio on /q/{number} for {missing}"


def test_autoplay_reads_the_question(live_server, page: Page) -> None:
    question_page(page, live_server, settings={"autoplay": "on"})
    page.wait_for_function("() => window.__audio.playing.length > 0")
    src = (page.locator(QUESTION_SPEAKER).get_attribute("data-audio") or "").split()[0]
    assert page.evaluate("() => window.__audio.playing")[0].endswith(src)


def test_read_aloud_off_hides_every_speaker(live_server, page: Page) -> None:
    question_page(page, live_server, settings={"read_aloud": "off"})
    expect(page.locator("button.speak")).to_have_count(0)


def test_without_built_audio_the_browser_speaks(make_live_server, tmp_path, page: Page) -> None:
    empty = tmp_path / "no-audio"
    empty.mkdir()
    server = make_live_server(AUDIO_DIR=str(empty))
    question_page(page, server)
    speaker = page.locator(QUESTION_SPEAKER)
    expect(speaker).to_be_visible()
    assert speaker.get_attribute("data-audio") is None
    assert page.locator("button.speak[data-audio]").count() == 0
    audio_requests: list[str] = []
    page.on("request", lambda r: audio_requests.append(r.url) if "/audio/" in r.url else None)
    speaker.click()
    page.wait_for_function("() => window.__spoken.length > 0")
    assert page.evaluate("() => window.__spoken") == [{"text": SAID, "lang": "en-GB"}]
    assert page.evaluate("() => window.__audio.plays") == []
    assert audio_requests == []
    # An answer card's own speaker says the card's words.
    page.locator(".option:has(button.card[value=sad]) button.speak").click()
    page.wait_for_function("() => window.__spoken.length > 1")
    assert page.evaluate("() => window.__spoken")[-1]["text"] == "Sad"


def test_a_text_not_built_yet_is_read_by_the_browser(
    make_live_server, built_audio, tmp_path, page: Page
) -> None:
    """While the audio worker has not built a text yet (issue 12, item 5), its page still works and
    its Listen button uses the browser's voice; a file that is indexed but missing (a store that
    lags behind on another host) fails over to the browser's voice too, and nothing breaks."""
    import json

    from app.easyread.audio import text_key

    store = tmp_path / "part-built"
    store.mkdir()
    for built in Path(built_audio).glob("*.ogg"):
        (store / built.name).symlink_to(built)
    index = json.loads((Path(built_audio) / "index.json").read_text())
    del index[text_key("en_GB", "Do staff listen to you?")]  # not built yet: not in the index
    missing = index[text_key("en_GB", "Sad")]
    (store / missing).unlink()  # in the index, but its file is not (yet) here
    (store / "index.json").write_text(json.dumps(index))
    server = make_live_server(AUDIO_DIR=str(store))
    answers: list[int] = []
    page.on("response", lambda r: answers.append(r.status) if r.url.endswith("/q/1") else None)
    question_page(page, server)
    assert answers and all(status == 200 for status in answers)
    speaker = page.locator(QUESTION_SPEAKER)
    expect(speaker).to_be_visible()
    assert speaker.get_attribute("data-audio") is None
    assert page.locator("button.speak[data-audio]").count() >= 3  # the other texts are built
    speaker.click()
    page.wait_for_function("() => window.__spoken.length > 0")
    assert page.evaluate("() => window.__spoken") == [{"text": SAID, "lang": "en-GB"}]
    assert page.evaluate("() => window.__audio.plays") == []
    # The card whose file is missing: its request fails, and the browser says the word instead.
    failed: list[int] = []
    page.on("response", lambda r: failed.append(r.status) if missing in r.url else None)
    page.locator(".option:has(button.card[value=sad]) button.speak").click()
    page.wait_for_function("() => window.__spoken.length > 1")
    assert page.evaluate("() => window.__spoken")[-1] == {"text": "Sad", "lang": "en-GB"}
    assert failed == [404]
    assert page.evaluate("() => window.__audio.plays")[-1].endswith(missing)
    # and the page still answers: Next goes on
    page.locator("button.card[value=sad]").click()
    page.wait_for_url("**/q/2")
