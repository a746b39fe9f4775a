"""Run every benchmark, each in its own Python process, and sum up the verdicts.

    python bench/run_all.py [--strict] [--quick]      (or: python -m bench [--strict] [--quick])

The dashboard is also measured over a year of a large provider (10,000,000 answers on PostgreSQL,
``dashboard.py --large``): filling that database takes about 10 minutes of the run. With
EASYVOICE_BENCH_LARGE_URL set to a database filled before by ``flask demo --answers 10000000
--services 20 --days 365``, that one is measured instead (its kept figures are emptied first, so
the keeping step has every period to count); ``--quick`` leaves the 10,000,000 answers out.

Each script prints its own figures, ratio and PASS/MISS lines; this adds a summary. The exit status
is 1 if a script failed to run, or, with --strict, if any target was missed; otherwise 0. Scripts
run one after another (never in parallel: they would time each other), and each in a fresh process
because the pyttsx3 engine used by audio.py must not be shared or forked.
"""

from __future__ import annotations

import argparse
import os
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


def runs(quick: bool, large_url: str | None) -> list[tuple[str, list[str]]]:
    """Each script with its arguments: the dashboard once more for 10,000,000 answers unless
    ``quick``, on ``large_url`` when one is given (else filled in the run)."""
    out: list[tuple[str, list[str]]] = []
    for script in SCRIPTS:
        if script == "dashboard.py" and not quick:
            if large_url:
                out += [(script, []), (script, ["--large-url", large_url])]
            else:
                out.append((script, ["--large"]))
        else:
            out.append((script, []))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench", description="Run every EasyVoice benchmark.")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--quick", action="store_true", help="no 10,000,000-answer dashboard")
    args = parser.parse_args(argv)

    print(
        f"EasyVoice benchmarks, {time.strftime('%Y-%m-%d %H:%M')}, Python {sys.version.split()[0]}",
        flush=True,
    )
    started = time.perf_counter()
    summary: list[tuple[str, str]] = []
    broken = False
    for script, script_args in runs(args.quick, os.environ.get("EASYVOICE_BENCH_LARGE_URL")):
        print(flush=True)
        run = subprocess.run(
            [sys.executable, str(BENCH / script), *script_args],
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
