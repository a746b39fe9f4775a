"""A language with no voice set (issue 13, item 3): its pages say so, beside the speaker symbol,
and the Listen buttons stay (the browser's own voice tries the words)."""

from __future__ import annotations

from pathlib import Path

from helpers.app import make_app, service_code

NOTICE = "This language has no computer voice here."


def test_a_language_without_a_voice_says_so(tmp_path: Path) -> None:
    voiced = make_app(tmp_path / "voiced")
    client = voiced.test_client()
    client.get(f"/at/{service_code(voiced)}")
    assert NOTICE not in client.get("/").get_data(as_text=True)

    voices = {code: voice for code, voice in voiced.config["VOICES"].items() if code != "en_GB"}
    silent = make_app(tmp_path / "silent", VOICES=voices)
    client = silent.test_client()
    client.get(f"/at/{service_code(silent)}")
    page = client.get("/").get_data(as_text=True)
    assert NOTICE in page and "/symbols/svg/speaker.svg" in page
    assert 'class="speak"' in page  # the Listen buttons are still there
