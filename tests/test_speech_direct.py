"""Speech straight through pyttsx3's espeak-ng driver (issue 15, audio against the command line):
``Speaker.to_wav`` starts the driver's synthesis and waits for its "finished-utterance" notice
instead of runAndWait's loop, which sleeps 10 ms after each text and never ends if the driver
misses a text's end. Real espeak-ng, in a process of its own (one engine per process)."""

from __future__ import annotations

import json
import subprocess
import sys

from helpers.app import ROOT

SCRIPT = r"""
import json, sys, tempfile, wave
from pathlib import Path
from app.easyread.speech import Speaker

speaker = Speaker.get()
out = {"direct": speaker._direct is not None}
if sys.argv[1] == "loop":
    speaker._direct = None  # pyttsx3's own runAndWait, for comparison
driver = speaker._engine.proxy._driver
loops = []
original = driver.startLoop
driver.startLoop = lambda *a, **k: (loops.append(1), original(*a, **k))[1]

def seconds(path):
    with wave.open(str(path)) as wav:
        return wav.getnframes() / wav.getframerate()

tmp = Path(tempfile.mkdtemp())
long_text = "Do the staff listen to you when you are sad, and do they help you to say what you want? " * 3
short = "Yes."
speaker.warm("gmw/en", 140)  # as the worker does: the first text of a process sounds apart
speaker.to_wav(short, "gmw/en", 140, tmp / "alone.wav")
speaker.to_wav(long_text, "gmw/en", 140, tmp / "long.wav")
speaker.to_wav(short, "gmw/en", 140, tmp / "after.wav")  # straight after a long one
speaker.to_wav("Dw i'n hoffi'r ardd.", "cel/cy", 140, tmp / "welsh.wav")  # a voice change
out["loops"] = len(loops)
for name in ("alone", "after", "long", "welsh"):
    out[name] = seconds(tmp / f"{name}.wav")
print(json.dumps(out))
"""


def speak(how: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, how],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_texts_are_spoken_without_the_drivers_loop_and_sound_as_through_it() -> None:
    direct, loop = speak("direct"), speak("loop")
    assert direct["direct"] is True  # pyttsx3's espeak driver is the one installed here
    assert direct["loops"] == 0  # no runAndWait loop for any of the four texts
    assert loop["loops"] == 5  # the comparison really went through it, once a text and for the warm-up
    # each text lasts as long either way (espeak-ng varies by a few samples), ...
    for name in ("alone", "after", "long", "welsh"):
        assert abs(direct[name] - loop[name]) < 0.01 * loop[name] + 0.005, name
    # so a short text spoken straight after a long one carries nothing of it ("after"; espeak-ng
    # itself makes it 40 ms longer than "alone", either way)
    assert direct["long"] > 10 * direct["alone"]
    assert direct["welsh"] > 0.5
