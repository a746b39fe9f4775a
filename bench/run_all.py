"""Run every benchmark, each in its own Python process, and sum up the verdicts.

    python bench/run_all.py [--strict]      (or: python -m bench [--strict])

Each script prints its own figures, ratio and PASS/MISS lines; this adds a summary. The exit status
is 1 if a script failed to run, or, with --strict, if any target was missed; otherwise 0. Scripts
run one after another (never in parallel: they would time each other), and each in a fresh process
because the pyttsx3 engine used by audio.py must not be shared or forked.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
SCRIPTS = (
    "render.py",
    "page_bytes.py",
    "audio.py",
    "serving.py",
    "tablets.py",
    "answers.py",
    "dashboard.py",
    "worker_build.py",
)
VERDICT = re.compile(r"-> (PASS|MISS)\b")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench", description="Run every EasyVoice benchmark.")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)

    print(
        f"EasyVoice benchmarks, {time.strftime('%Y-%m-%d %H:%M')}, Python {sys.version.split()[0]}",
        flush=True,
    )
    started = time.perf_counter()
    summary: list[tuple[str, str]] = []
    broken = False
    for script in SCRIPTS:
        print(flush=True)
        run = subprocess.run(
            [sys.executable, str(BENCH / script)],
            cwd=BENCH.parent,
            stdout=subprocess.PIPE,
            text=True,
            check=False,
        )
        sys.stdout.write(run.stdout)
        verdicts = [line.strip() for line in run.stdout.splitlines() if VERDICT.search(line)]
        if run.returncode != 0 or not verdicts:
            broken = True
            summary.append((script, f"FAILED TO RUN (exit status {run.returncode})"))
        summary.extend((script, line) for line in verdicts)

    took = time.perf_counter() - started
    print(f"\n== summary ({took:.0f} s) ==")
    for script, line in summary:
        print(f"{script:<14} {line}")
    missed = any("-> MISS" in line for _, line in summary)
    if broken:
        return 1
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
