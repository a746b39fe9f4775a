"""Text to speech through pyttsx3 (espeak-ng on Linux): one engine per process, used under a lock.

pyttsx3 is not safe to start per request (that crashed a Flask server) and must not be used across a
fork, so audio is built ahead of time by ``flask build-audio`` and, for newly published texts, by
the ``flask audio-worker`` process; this module is only used there, never in a web worker.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import inspect
import io
import os
import threading
import time
from pathlib import Path
from typing import Any

WAV_HEADER_BYTES = 44


class SpeechUnavailable(RuntimeError):
    """espeak-ng (or another pyttsx3 driver) is not installed or does not start."""


def _install_command(package: str) -> str:
    """The command that installs a Debian package for whoever runs this (no sudo for root)."""
    return f"{'' if os.geteuid() == 0 else 'sudo '}apt-get install {package}"


class Speaker:
    """The one pyttsx3 engine of this process. Call :meth:`get` rather than building one."""

    _instance: Speaker | None = None
    _instance_lock = threading.Lock()

    def __init__(self) -> None:
        if ctypes.util.find_library("espeak-ng") is None and ctypes.util.find_library("espeak") is None:
            raise SpeechUnavailable(
                "espeak-ng is not installed, so no audio can be made. "
                f"Install it with: {_install_command('espeak-ng')}  (then run flask build-audio again). "
                "Until then pages use the browser's own speech."
            )
        try:
            import pyttsx3

            self._engine: Any = pyttsx3.init()
        except Exception as exc:  # pyttsx3 raises bare errors from its drivers
            raise SpeechUnavailable(f"The speech engine did not start: {exc}") from exc
        self._lock = threading.Lock()
        self.voices = {voice.id for voice in self._engine.getProperty("voices")}
        #: pyttsx3's espeak-ng driver, when it is the one running (AUDIO_OUTPUT_RETRIEVAL): then a
        #: text is spoken into its file and waited for with the engine's "finished-utterance"
        #: notice, not runAndWait's loop, which sleeps 10 ms per text (more than espeak-ng takes
        #: to speak a short one) and loops for ever if the driver never hears that a text ended
        self._direct: Any = _espeak_driver(self._engine)
        #: set by the driver (on espeak-ng's thread) once a text's file is written
        self._finished = threading.Event()
        self._engine.connect("finished-utterance", lambda **_: self._finished.set())
        #: the voice and rate the engine has now: setting a voice loads it again (a third of a
        #: text's time), so they are set only when they change
        self._set: tuple[str, int] | None = None

    @classmethod
    def get(cls) -> Speaker:
        with cls._instance_lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def warm(self, voice: str, rate: int) -> None:
        """Speak one short word into a file and throw it away: the driver's first run is its
        slowest and least reliable, so a long-running worker does it before taking any job."""
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            self.to_wav("Ready.", voice, rate, Path(tmp) / "warm.wav")

    def to_wav(
        self, text: str, voice: str, rate: int, dest: Path, attempts: int = 3, timeout: float = 10.0
    ) -> None:
        """Speak ``text`` into the WAV file ``dest``; wait until the file is really written.

        The driver now and then finishes without writing anything; then we ask again.
        """
        if voice not in self.voices:
            raise SpeechUnavailable(f"espeak-ng has no voice '{voice}'.")
        with self._lock:
            for _attempt in range(attempts):
                dest.unlink(missing_ok=True)
                if self._set != (voice, rate):
                    target = self._direct or self._engine
                    target.setProperty("voice", voice)
                    target.setProperty("rate", rate)
                    self._set = (voice, rate)
                with contextlib.redirect_stdout(io.StringIO()):  # the driver prints each file name
                    if self._direct is not None:
                        self._direct.save_to_file(text, str(dest))
                        # espeak-ng speaks on its own thread (RETRIEVAL is asynchronous); the
                        # driver's callback writes the file there, then says the text finished
                        self._finished.clear()
                        self._direct._start_synthesis(text)
                        self._finished.wait(timeout)
                    else:
                        self._engine.save_to_file(text, str(dest))
                        self._engine.runAndWait()
                # The first runAndWait of a process can return before the file is written; a file
                # is whole when its RIFF header (written when the driver closes it) says its size.
                deadline = time.monotonic() + timeout
                while not _whole_wav(dest):
                    if time.monotonic() > deadline:
                        break
                    time.sleep(0.01)
                else:
                    return
        raise SpeechUnavailable(f"No audio was written for: {text[:60]!r}")


def _espeak_driver(engine: Any) -> Any:
    """pyttsx3's espeak driver of ``engine`` when it can be asked to speak one text directly
    (pyttsx3 2.99's ``EspeakDriver``: ``save_to_file``, then ``_start_synthesis``; espeak-ng,
    started in AUDIO_OUTPUT_RETRIEVAL mode, speaks it on its own thread, where the driver writes
    the file and then notifies "finished-utterance"); None for any other driver or version, which
    then go through runAndWait."""
    driver = getattr(getattr(engine, "proxy", None), "_driver", None)
    if type(driver).__module__ != "pyttsx3.drivers.espeak":
        return None
    if not all(
        callable(getattr(driver, name, None)) for name in ("save_to_file", "_start_synthesis", "setProperty")
    ):
        return None
    source = inspect.getsource(type(driver).__init__)
    return driver if "AUDIO_OUTPUT_RETRIEVAL" in source else None


def _whole_wav(path: Path) -> bool:
    """True when ``path`` is a WAV file with sound whose header matches its length.

    Python's wave module writes the sizes into the header when the file is closed, so a file
    still being written (or cut short) has a header that does not match its length.
    """
    try:
        with path.open("rb") as wav:
            head = wav.read(WAV_HEADER_BYTES)
            size = os.fstat(wav.fileno()).st_size
    except FileNotFoundError:
        return False
    if size <= WAV_HEADER_BYTES or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        return False
    return int.from_bytes(head[4:8], "little") + 8 == size
