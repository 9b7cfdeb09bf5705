#!/usr/bin/env python3
"""Run ``kiemchung demo`` N times in a row, each on a fresh data directory, and say how each
ended: exit status and items in the store. The acceptance check of the quick start
(``python3 scripts/demo_repeat.py 10``: ten runs, each 15 items and exit 0).

Standard library only; it runs the project's ``.venv/bin/kiemchung``.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
EXPECTED_ITEMS = 15


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def one_run(number: int) -> tuple[int, int | None]:
    with tempfile.TemporaryDirectory(prefix="kiemchung-demo-") as folder:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("KIEMCHUNG_", "PREFECT_"))}
        env["KIEMCHUNG_DATA_DIR"] = str(Path(folder) / "data")
        done = subprocess.run(
            [str(REPO_ROOT / ".venv" / "bin" / "kiemchung"), "demo", "--port", str(free_port())],
            cwd=folder, env=env, capture_output=True, text=True, timeout=1800,
        )
        found = re.search(r"Items in the store \([^)]*\): (\d+)", done.stdout)
        items = int(found.group(1)) if found else None
        if done.returncode != 0 or items != EXPECTED_ITEMS:
            print(f"--- run {number}: stderr tail ---\n{done.stderr[-3000:]}", file=sys.stderr)
        return done.returncode, items


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("runs", type=int, nargs="?", default=10)
    args = parser.parse_args()
    good = 0
    for number in range(1, args.runs + 1):
        code, items = one_run(number)
        ok = code == 0 and items == EXPECTED_ITEMS
        good += ok
        print(f"run {number:>2}: exit {code}, items {items} {'ok' if ok else 'FAILED'}",
              flush=True)
    print(f"{good} of {args.runs} runs ended with exit 0 and {EXPECTED_ITEMS} items")
    return 0 if good == args.runs else 1


if __name__ == "__main__":
    sys.exit(main())
