"""The audio store: spoken texts as small Ogg/Opus files, named by what made them.

A text's file name is a hash of (text, voice, rate), or of the recording's bytes when a person
recorded it, so a file never changes once written and can be cached for ever. ``index.json`` maps
(locale, text) to its file; pages look it up to find a speaker button's sound.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .speech import Speaker, SpeechUnavailable

SAMPLE_RATE = 16_000  # speech needs no more; espeak-ng's 22,050 Hz is resampled down
#: Opus for speech at 24 kbit/s: about 3 KB per second of speech
OPUS_BITRATE = 24_000
#: libopus's effort, 0-10: 0 encodes a text in about a tenth of the time of 10 (libsndfile's
#: fixed choice, measured at ~230 ms a text), and speech from espeak-ng sounds the same
OPUS_COMPLEXITY = 0
PAGE_MICROSECONDS = 100_000
#: texts synthesised ahead of their encoding (each a WAV of ~200 KB in a temporary directory)
ENCODE_AHEAD = 8
INDEX = "index.json"


def text_key(locale: str, text: str) -> str:
    return hashlib.sha256(f"{locale}\x00{text}".encode()).hexdigest()[:24]


def synth_name(text: str, voice: str, rate: int) -> str:
    return hashlib.sha256(f"{text}\x00{voice}\x00{rate}".encode()).hexdigest()[:24] + ".ogg"


@dataclass
class BuildReport:
    synthesised: int = 0
    cached: int = 0
    recorded: int = 0
    seconds_of_speech: float = 0.0
    bytes_written: int = 0
    problems: list[str] = field(default_factory=list)


class AudioStore:
    """A directory of .ogg files plus ``index.json``; safe to share between hosts (files only)."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self._index: dict[str, str] = {}
        self._index_mtime: float | None = None
        self._checked_at = float("-inf")
        self._lock = threading.Lock()

    # -- reading (inside requests) -------------------------------------------------------------
    def lookup(self, locale: str, text: str) -> str | None:
        """The file name for ``text`` in ``locale``, or None when it has not been built."""
        return self._current_index().get(text_key(locale, text))

    def generation(self) -> float | None:
        """Which build of the index is read now (its file's time): kept pages name it, so a new
        build of the audio (a new Listen file) is never hidden behind a page drawn before."""
        self._current_index()
        return self._index_mtime

    def path(self, name: str) -> Path | None:
        """The path of a stored file, or None for a name that is not one of ours."""
        if (
            len(name) != 28
            or not name.endswith(".ogg")
            or not all(ch in "0123456789abcdef" for ch in name[:-4])
        ):
            return None
        path = self.directory / name
        return path if path.is_file() else None

    def _current_index(self) -> dict[str, str]:
        """The index, re-read when the file changes (checked at most once a second)."""
        now = time.monotonic()
        if now - self._checked_at < 1.0:
            return self._index
        index_path = self.directory / INDEX
        with self._lock:
            self._checked_at = now
            try:
                mtime = index_path.stat().st_mtime
            except FileNotFoundError:
                self._index, self._index_mtime = {}, None
                return self._index
            if mtime != self._index_mtime:
                self._index = json.loads(index_path.read_text())
                self._index_mtime = mtime
            return self._index

    # -- building (flask build-audio and flask audio-worker, never inside a request) -----------
    def build(
        self,
        texts: Iterable[tuple[str, str]],
        voices: dict[str, str],
        rate: int,
        recordings: dict[tuple[str, str], Path] | None = None,
        progress: Callable[[int, int, str], None] | None = None,
    ) -> BuildReport:
        """Make sure every (locale, text) has a file; synthesise only what is missing.

        ``progress(done, total, locale)`` is called after each text, built, cached or recorded.
        """
        self.directory.mkdir(parents=True, exist_ok=True)
        recordings = recordings or {}
        report = BuildReport()
        index: dict[str, str] = {}
        speaker: Speaker | None = None
        # The engine speaks one text while threads encode the ones before it (libopus and
        # libsndfile let go of the GIL); the one engine stays in this thread.
        with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(2) as encoders:
            pending: deque[Future[tuple[float, int]]] = deque()

            def encode_later(source: Path, dest: Path, remove: bool) -> None:
                pending.append(encoders.submit(_encode, source, dest, remove))
                while len(pending) > ENCODE_AHEAD:
                    _count(report, pending.popleft().result())

            unique = list(dict.fromkeys(texts))
            for n, (locale, text) in enumerate(unique):
                if progress and n:
                    progress(n, len(unique), unique[n - 1][0])
                recording = recordings.get((locale, text))
                if recording is not None:
                    name = hashlib.sha256(recording.read_bytes()).hexdigest()[:24] + ".ogg"
                    if not (self.directory / name).exists():
                        encode_later(recording, self.directory / name, remove=False)
                    report.recorded += 1
                    index[text_key(locale, text)] = name
                    continue
                voice = voices.get(locale) or voices.get(locale.split("_")[0])
                if voice is None:
                    report.problems.append(f"No voice is set for the language '{locale}'.")
                    continue
                name = synth_name(text, voice, rate)
                if (self.directory / name).exists():
                    report.cached += 1
                else:
                    speaker = speaker or Speaker.get()  # raises SpeechUnavailable with a clear message
                    wav = Path(tmp) / f"{n}.wav"
                    speaker.to_wav(text, voice, rate, wav)
                    encode_later(wav, self.directory / name, remove=True)
                    report.synthesised += 1
                index[text_key(locale, text)] = name
            while pending:
                _count(report, pending.popleft().result())
            if progress and unique:
                progress(len(unique), len(unique), unique[-1][0])
        self._write_index(index)
        return report

    def _write_index(self, index: dict[str, str]) -> None:
        # Read, merge and replace under a lock: `flask build-audio` and one or more audio workers
        # may each add texts at the same time, and none may drop what another has just added.
        with (self.directory / f"{INDEX}.lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            merged = {**self._read_index_file(), **index}
            tmp = self.directory / f"{INDEX}.{os.getpid()}.tmp"
            tmp.write_text(json.dumps(merged, sort_keys=True))
            os.replace(tmp, self.directory / INDEX)  # atomic: a page never reads half an index

    def _read_index_file(self) -> dict[str, str]:
        try:
            return json.loads((self.directory / INDEX).read_text())
        except FileNotFoundError:
            return {}


def _count(report: BuildReport, encoded: tuple[float, int]) -> None:
    seconds, size = encoded
    report.seconds_of_speech += seconds
    report.bytes_written += size


def _encode(source: Path, dest: Path, remove: bool = False) -> tuple[float, int]:
    """``source`` (WAV, FLAC or Ogg) as mono Ogg/Opus at 16 kHz in ``dest``: (seconds, bytes)."""
    # imported here: only the audio worker and build-audio encode; a web worker without them is
    # 29 MB smaller (bench/serving.py: 107.4 to 78.5 MB; tests/test_web_worker_imports.py)
    import av
    import numpy as np
    import soundfile as sf

    data, rate = sf.read(str(source), dtype="float32", always_2d=True)
    mono = data.mean(axis=1)
    if rate != SAMPLE_RATE:
        count = max(1, int(len(mono) * SAMPLE_RATE / rate))
        mono = np.interp(np.linspace(0, len(mono) - 1, count), np.arange(len(mono)), mono)
    tmp = dest.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
    # pages of 0.1 s: a short word's first page of sound must not also be its last, which
    # libsndfile (and so some players) refuses
    with av.open(str(tmp), "w", format="ogg", options={"page_duration": str(PAGE_MICROSECONDS)}) as out:
        stream = out.add_stream("libopus", rate=SAMPLE_RATE, layout="mono")
        stream.bit_rate = OPUS_BITRATE
        stream.options = {"compression_level": str(OPUS_COMPLEXITY), "application": "voip"}
        frame = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(mono, dtype=np.float32).reshape(1, -1), format="flt", layout="mono"
        )
        frame.sample_rate = SAMPLE_RATE
        for packet in (*stream.encode(frame), *stream.encode(None)):
            out.mux(packet)
    os.replace(tmp, dest)  # atomic: another host never sees half a file
    if remove:
        source.unlink()
    return len(mono) / SAMPLE_RATE, dest.stat().st_size


def load_recordings(assets_dir: Path) -> dict[tuple[str, str], Path]:
    """Human recordings listed in ``easyread_assets/audio/recordings.yaml`` replace the TTS.

    Each entry is ``{locale: en_GB, text: "Do staff listen to you?", file: listen.wav}``; the file
    (WAV, FLAC or Ogg) sits beside the list.
    """
    listing = assets_dir / "audio" / "recordings.yaml"
    if not listing.exists():
        return {}
    entries = yaml.safe_load(listing.read_text(encoding="utf-8")) or []
    out: dict[tuple[str, str], Path] = {}
    for entry in entries:
        path = listing.parent / entry["file"]
        if path.is_file():
            out[(entry["locale"], " ".join(entry["text"].split()))] = path
    return out


__all__ = ["AudioStore", "BuildReport", "SpeechUnavailable", "load_recordings"]
