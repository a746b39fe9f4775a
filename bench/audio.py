"""Audio: bytes per second of speech, and a cold build against a warm (cached) one.

(a) Builds every spoken text (``app.cli.spoken_texts``) with the real espeak-ng through the app's
    AudioStore, into an empty temp dir, as ``flask build-audio`` does, and reports
    bytes_written / seconds_of_speech in KB/s. The baseline is the WAV the TTS produced for the
    same texts (measured by wrapping Speaker.to_wav, about 43 KB/s for 22,050 Hz 16-bit mono).
    Target: < 4 KB/s.
(b) Times that first build into the empty dir (cold) and then builds into the same dir again
    (warm; the median of 3). Rounds alternate cold and warm, each round in a fresh dir; figures are
    medians over the rounds. Target: a warm build synthesises nothing (and so is far faster).

The pyttsx3 engine is one per process: every build runs in this process and nothing forks after
it starts. The first cold build includes starting the engine.

(c) The cold build's time per synthesised text (encoding included) against the espeak-ng command
    line speaking the same texts with the same voices and rate into WAV files, one process per
    text (process start included), timed in the same run. Target: within 2x.

    python bench/audio.py [--rounds 2]
"""

from __future__ import annotations

import argparse
import faulthandler
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import soundfile as sf
from _common import header, make_app, median, verdict

TARGET_KBPS = 4.0
TARGET_CLI_RATIO = 2.0
WARM_REPEATS = 3


def espeak_command_line(texts: list[tuple[str, str]], voices: dict[str, str], rate: int, tmp: Path) -> float:
    """Seconds for the espeak-ng program to speak each text into a WAV file, one run per text."""
    program = shutil.which("espeak-ng")
    assert program, "espeak-ng is not installed"
    started = time.perf_counter()
    for n, (locale, text) in enumerate(texts):
        voice = voices.get(locale) or voices[locale.split("_")[0]]
        subprocess.run([program, "-v", voice, "-s", str(rate), "-w", str(tmp / f"{n}.wav"), text], check=True)
    return time.perf_counter() - started


class WavMeter:
    """Counts the WAV bytes and seconds the TTS writes, by wrapping Speaker.to_wav."""

    def __init__(self) -> None:
        self.bytes = 0
        self.seconds = 0.0
        self.files = 0
        self.format = ""

    def install(self) -> None:
        from app.easyread.speech import Speaker

        original = Speaker.to_wav
        meter = self

        def to_wav(speaker, text, voice, rate, dest, *args, **kwargs):  # type: ignore[no-untyped-def]
            original(speaker, text, voice, rate, dest, *args, **kwargs)
            info = sf.info(str(dest))
            meter.bytes += Path(dest).stat().st_size
            meter.seconds += info.frames / info.samplerate
            meter.files += 1
            meter.format = f"{info.samplerate} Hz, {info.channels} ch, {info.subtype_info}"

        Speaker.to_wav = to_wav  # type: ignore[method-assign]


def main(argv: list[str] | None = None) -> bool:
    from app.cli import spoken_texts
    from app.db import db
    from app.easyread.audio import load_recordings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2, help="cold+warm rounds (each ~30-60 s)")
    args = parser.parse_args(argv)

    faulthandler.enable()  # the segfault once seen here: say where, if it comes again
    header("audio: KB per second of speech; cold vs warm build (real espeak-ng)")
    meter = WavMeter()
    meter.install()
    with tempfile.TemporaryDirectory(prefix="ev-bench-") as tmp:
        app = make_app(Path(tmp), AUDIO_DIR=str(Path(tmp) / "audio-1"))
        texts = spoken_texts(app)
        voices, rate = app.config["VOICES"], int(app.config["SPEECH_RATE"])
        recordings = load_recordings(Path(app.config["ASSETS_DIR"]))
        store = app.extensions["easyvoice.audio"]
        print(
            f"{len(texts)} spoken texts, {len(dict.fromkeys(texts))} distinct; "
            f"{len(recordings)} human recordings; rate {rate} wpm"
        )

        cold_s: list[float] = []
        warm_s: list[float] = []
        first = None
        warm_synthesised: list[int] = []
        files_changed = False
        for round_ in range(args.rounds):
            if round_:
                store = type(store)(Path(tmp) / f"audio-{round_ + 1}")
            started = time.perf_counter()
            report = store.build(texts, voices, rate, recordings=recordings)
            cold_s.append(time.perf_counter() - started)
            if report.problems:
                for problem in report.problems:
                    print(f"problem: {problem}")
            if first is None:
                first = (report, meter.bytes, meter.seconds, meter.files)
            files_before = sorted(p.name for p in store.directory.glob("*.ogg"))
            times = []
            for _ in range(WARM_REPEATS):
                started = time.perf_counter()
                warm = store.build(texts, voices, rate, recordings=recordings)
                times.append(time.perf_counter() - started)
                warm_synthesised.append(warm.synthesised)
            warm_s.append(median(times))
            if sorted(p.name for p in store.directory.glob("*.ogg")) != files_before:
                files_changed = True  # a warm build wrote .ogg files: counts as a failure
            print(
                f"round {round_ + 1}: cold {cold_s[-1]:.2f} s ({report.synthesised} synthesised, "
                f"{report.seconds_of_speech:.1f} s of speech in {report.bytes_written / 1024:.0f} KB"
                f"{', includes starting the engine' if round_ == 0 else ''}), "
                f"warm {warm_s[-1] * 1000:.1f} ms ({warm.cached} cached, {warm.synthesised} "
                f"synthesised)"
            )
        spoken = [t for t in dict.fromkeys(texts) if t not in recordings]
        cli_dir = Path(tmp) / "cli"
        cli_dir.mkdir()
        cli_s = espeak_command_line(spoken, voices, rate, cli_dir)
        db.dispose(app)

    assert first is not None
    report, wav_bytes, wav_seconds, wav_files = first
    ogg_kbps = report.bytes_written / report.seconds_of_speech / 1024
    wav_kbps = wav_bytes / wav_seconds / 1024
    kb_ok = ogg_kbps < TARGET_KBPS
    print()
    print(
        f"(a) first build: {report.synthesised} texts synthesised, {report.recorded} recorded, "
        f"{report.seconds_of_speech:.1f} s of speech"
    )
    print(
        f"    baseline WAV from the TTS: {wav_bytes / 1024:.0f} KB for {wav_seconds:.1f} s "
        f"({wav_files} files, {meter.format}) = {wav_kbps:.2f} KB/s"
    )
    print(
        f"    subject Ogg/Opus store:    {report.bytes_written / 1024:.0f} KB for "
        f"{report.seconds_of_speech:.1f} s = {ogg_kbps:.2f} KB/s"
    )
    print(f"    ratio Ogg/WAV: {ogg_kbps / wav_kbps:.3f}x (WAV is {wav_kbps / ogg_kbps:.1f}x larger)")
    print(f"    target: < {TARGET_KBPS:.1f} KB/s  -> {verdict(kb_ok)}")

    cold, warmest = median(cold_s), median(warm_s)
    no_synthesis = not files_changed and all(n == 0 for n in warm_synthesised)
    print(
        f"(b) cold build (empty dir): median {cold:.2f} s over {len(cold_s)} rounds "
        f"({min(cold_s):.2f}..{max(cold_s):.2f})"
    )
    print(
        f"    warm build (same dir):   median {warmest * 1000:.1f} ms over {len(warm_s)} rounds "
        f"({min(warm_s) * 1000:.1f}..{max(warm_s) * 1000:.1f})"
    )
    print(f"    ratio cold/warm: {cold / warmest:.0f}x")
    print(
        f"    warm builds synthesised {max(warm_synthesised)} texts at most "
        f"({len(warm_synthesised)} warm builds checked; .ogg files unchanged: "
        f"{not files_changed})"
    )
    print(f"    target: a warm build does no synthesis  -> {verdict(no_synthesis)}")

    per_text = cold / max(1, report.synthesised)
    cli_per_text = cli_s / max(1, len(spoken))
    cli_ok = per_text / cli_per_text <= TARGET_CLI_RATIO
    print(
        f"(c) cold build per synthesised text, encoding included: {per_text * 1000:.1f} ms "
        f"(median cold {cold:.2f} s / {report.synthesised} texts)"
    )
    print(
        f"    baseline espeak-ng command line, same {len(spoken)} texts to WAV: "
        f"{cli_per_text * 1000:.1f} ms a text ({cli_s:.2f} s)"
    )
    print(f"    ratio build/command line: {per_text / cli_per_text:.2f}x")
    print(f"    target: <= {TARGET_CLI_RATIO:.0f}x  -> {verdict(cli_ok)}")
    return kb_ok and no_synthesis and cli_ok


if __name__ == "__main__":
    main()
