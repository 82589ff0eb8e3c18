"""Resident memory of one fresh process after N runs: `python -m bench.memory_probe --persistence memory`.

Runs the 1-channel brief through the whole workflow in this process and prints one JSON object,
{"rss_mb": {"<run>": MB, ...}}, read from /proc/self/status (VmRSS) after a full garbage collection.
Started by `bench.cli` with the bench's environment (settings, database, media directory).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.memory_probe")
    parser.add_argument("--persistence", choices=["memory", "db"], required=True)
    parser.add_argument("--marks", default="100,2000", help="Run counts after which to read the RSS.")
    parser.add_argument("--channels", type=int, default=1)
    args = parser.parse_args(argv)
    marks = sorted({int(m) for m in args.marks.split(",")})
    os.environ["AICMO_PERSISTENCE"] = args.persistence

    import django

    django.setup()
    from bench import briefs
    from bench.sections import run_intake

    text = json.dumps(briefs.brief(args.channels))
    readings: dict[str, float] = {}
    done = 0
    for mark in marks:
        while done < mark:
            run_intake(text)
            done += 1
        gc.collect()
        readings[str(mark)] = round(rss_mb(), 2)
    json.dump({"rss_mb": readings}, sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
