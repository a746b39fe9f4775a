"""Audio: real espeak-ng through pyttsx3, compressed to Ogg/Opus, cached, served for ever."""

from __future__ import annotations

import json
import re
import wave
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from flask import Flask
from helpers.app import make_app

from app.cli import spoken_texts
from app.easyread import speech
from app.easyread.audio import AudioStore, text_key
from app.easyread.speech import SpeechUnavailable


def test_build_covers_every_spoken_text_and_a_warm_build_synthesises_nothing(audio_build_run, tmp_path):
    assert re.search(r"Synthesised \d+ texts", audio_build_run["cold"])
    assert "Nothing to synthesise" in audio_build_run["warm"]
    app = make_app(tmp_path, AUDIO_DIR=str(audio_build_run["dir"]))
    store: AudioStore = app.extensions["easyvoice.audio"]
    texts = spoken_texts(app)
    assert len(texts) > 100
    missing = [text for locale, text in texts if store.lookup(locale, text) is None]
    assert missing == []


def test_build_audio_shows_how_far_it_is(audio_build_run):
    """A cold build is not silent: texts done of all, languages, time left, at each tenth (a log)."""
    lines = re.findall(
        r"^\[([#.]+)\] (\d+) of (\d+) texts, (\d+) languages?, about (\d+) s left$",
        audio_build_run["cold"],
        re.MULTILINE,
    )
    assert len(lines) >= 10, audio_build_run["cold"]
    done = [int(line[1]) for line in lines]
    totals = {int(line[2]) for line in lines}
    assert done == sorted(done) and len(totals) == 1 and done[-1] == totals.pop()
    assert lines[-1][0] == "#" * 30 and lines[-1][4] == "0"  # the last: all done, nothing left
    assert all(int(line[3]) >= 1 for line in lines)


def test_files_are_real_small_opus(audio_build_run):
    files = sorted(Path(audio_build_run["dir"]).glob("*.ogg"))
    assert files
    total_bytes = total_seconds = 0.0
    for path in files[:40]:
        head = path.read_bytes()[:64]
        assert head.startswith(b"OggS") and b"OpusHead" in head
        info = sf.info(str(path))
        assert info.samplerate == 16000 and info.duration > 0.2
        data, _rate = sf.read(str(path))
        assert np.abs(data).max() > 0.05  # there is speech in it, not silence
        total_bytes += path.stat().st_size
        total_seconds += info.duration
    assert total_bytes / total_seconds < 4096  # under 4 KB per second of speech


def test_audio_is_served_with_immutable_cache_headers(audio_build_run, tmp_path):
    app = make_app(tmp_path, AUDIO_DIR=str(audio_build_run["dir"]))
    name = app.extensions["easyvoice.audio"].lookup("en_GB", "Happy")
    result = app.test_client().get(f"/audio/{name}")
    assert result.status_code == 200 and result.mimetype == "audio/ogg"
    assert "immutable" in result.headers["Cache-Control"]
    assert result.data.startswith(b"OggS")


def test_question_page_links_its_audio(audio_build_run, tmp_path):
    from helpers.journey import begin

    app: Flask = make_app(tmp_path, AUDIO_DIR=str(audio_build_run["dir"]), WTF_CSRF_ENABLED=False)
    client = app.test_client()
    begin(client, app)
    page = client.get("/q/1").get_data(as_text=True)
    question = app.extensions["easyvoice.surveys"].questionnaires["your-support"].questions[0]
    name = app.extensions["easyvoice.audio"].lookup("en_GB", question.text)
    # the heading's Listen says the progress first, then the question (issue 10, item 5)
    progress = app.extensions["easyvoice.audio"].lookup("en_GB", "Question 1 of 24")
    assert name and progress
    assert f'data-audio="/audio/{progress} /audio/{name}"' in page
    assert page.count('class="speak"') >= 7  # the question, 3 faces, 3 other answers


def test_a_human_recording_replaces_the_tts(tmp_path: Path) -> None:
    assets = tmp_path / "assets"
    (assets / "audio").mkdir(parents=True)
    (assets / "symbols").symlink_to(Path(__file__).resolve().parent.parent / "easyread_assets" / "symbols")
    tone = (0.3 * np.sin(np.linspace(0, 2 * np.pi * 440, 16000))).astype(np.float32)
    with wave.open(str(assets / "audio" / "happy.wav"), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes((tone * 32767).astype("<i2").tobytes())
    (assets / "audio" / "recordings.yaml").write_text("- {locale: en_GB, text: Happy, file: happy.wav}\n")
    app = make_app(tmp_path, ASSETS_DIR=str(assets), AUDIO_DIR=str(tmp_path / "audio"))
    store = AudioStore(tmp_path / "audio")
    from app.easyread.audio import load_recordings

    report = store.build([("en_GB", "Happy")], app.config["VOICES"], 140, recordings=load_recordings(assets))
    assert (report.recorded, report.synthesised) == (1, 0)
    data, rate = sf.read(str(tmp_path / "audio" / store.lookup("en_GB", "Happy")))
    assert rate == 16000 and abs(len(data) - 16000) < 2000
    index = json.loads((tmp_path / "audio" / "index.json").read_text())
    assert index[text_key("en_GB", "Happy")] == store.lookup("en_GB", "Happy")


def test_without_espeak_the_build_says_what_to_do(tmp_path: Path, monkeypatch) -> None:
    # espeak-ng is installed here; hide it from the library lookup to see the message.
    monkeypatch.setattr(speech.Speaker, "_instance", None)
    monkeypatch.setattr(speech.ctypes.util, "find_library", lambda name: None)
    app = make_app(tmp_path)
    result = app.test_cli_runner().invoke(args=["build-audio"])
    assert result.exit_code == 2
    assert "espeak-ng is not installed" in result.output and "apt-get install espeak-ng" in result.output
    with pytest.raises(SpeechUnavailable):
        speech.Speaker.get()


def test_a_wav_file_is_whole_only_when_its_header_gives_its_length(tmp_path):
    """The engine's file is taken as soon as it is whole (no fixed wait), never while it is cut short."""
    path = tmp_path / "speech.wav"
    assert not speech._whole_wav(path)  # not there yet
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(22050)
        wav.writeframes(b"\x01\x00" * 2000)
    assert speech._whole_wav(path)
    whole = path.read_bytes()
    path.write_bytes(whole[:-100])  # still being written
    assert not speech._whole_wav(path)
    path.write_bytes(whole[:44])  # a header and no sound
    assert not speech._whole_wav(path)
    path.write_bytes(b"OggS" + whole[4:])  # not a WAV
    assert not speech._whole_wav(path)


def test_short_words_make_files_every_decoder_opens(tmp_path):
    """A word under a second fits in one Ogg page; that page must not also be the last, which
    libsndfile refuses as malformed (it did for 14 of 614 texts before pages were cut at 0.1 s)."""
    store = AudioStore(tmp_path / "audio")
    words = ["Happy", "Sad", "Skip", "OK", "Yes", "No"]
    report = store.build([("en_GB", word) for word in words], {"en_GB": "gmw/en"}, 140)
    assert report.synthesised == len(words) and not report.problems
    for word in words:
        path = store.path(store.lookup("en_GB", word) or "")
        assert path is not None
        info = sf.info(str(path))
        assert info.samplerate == 16000 and 0.2 < info.duration < 2.5
        data, _rate = sf.read(str(path))
        assert np.abs(data).max() > 0.05
