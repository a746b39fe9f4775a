"""Text to speech through pyttsx3 (espeak-ng on Linux): one engine per process, used under a lock.

pyttsx3 is not safe to start per request (that crashed a Flask server) and must not be used across a
fork, so audio is built ahead of time by ``flask build-audio`` and, for newly published texts, by
the ``flask audio-worker`` process; this module is only used there, never in a web worker.
"""

from __future__ import annotations

import contextlib
import ctypes.util
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
                self._engine.setProperty("voice", voice)
                self._engine.setProperty("rate", rate)
                self._engine.save_to_file(text, str(dest))
                with contextlib.redirect_stdout(io.StringIO()):  # the driver prints each file name
                    self._engine.runAndWait()
                # The first runAndWait of a process can return before the file is written.
                deadline = time.monotonic() + timeout
                while not (dest.exists() and dest.stat().st_size > WAV_HEADER_BYTES):
                    if time.monotonic() > deadline:
                        break
                    time.sleep(0.02)
                else:
                    _wait_until_stable(dest)
                    return
        raise SpeechUnavailable(f"No audio was written for: {text[:60]!r}")


def _wait_until_stable(path: Path, settle: float = 0.05) -> None:
    """Wait until the file stops growing: the driver may still be flushing it."""
    size = -1
    while path.stat().st_size != size:
        size = path.stat().st_size
        time.sleep(settle)
