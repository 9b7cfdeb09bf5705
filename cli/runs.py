"""``kiemchung runs``: every nightly run of this data directory, its state, and what it still
owes the store (items crawled but never stored, items waiting on local disk)."""

from __future__ import annotations

import argparse
import json

from core.clock import VIETNAM_TZ
from core.settings import load_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "runs", help="các lần chạy (list the runs: state, and what is still pending)",
        description="List the nightly runs of this data directory with their state (running, "
        "completed, failed, not_indexed, interrupted, recovered) and what is still pending. "
        "Exit status 1 when something is pending.",
    )
    parser.add_argument("--last", type=int, default=20, metavar="N", help="the last N runs")
    parser.add_argument("--json", action="store_true", help="one JSON document instead of a table")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from flows.run_list import list_runs
    from index.spool import Spool

    settings = load_settings()
    runs = list_runs(settings.data_dir)[-args.last:] if args.last else []
    spool = Spool(settings.data_dir / "spool")
    waiting, quarantined = spool.pending_items(), spool.quarantined()
    if args.json:
        print(json.dumps({"runs": [json.loads(s.model_dump_json()) for s in runs],
                          "spool_items": waiting,
                          "quarantined": [str(p) for p in quarantined]}, ensure_ascii=False))
    else:
        print(f"{'run':<26} {'state':<12} {'started (VN)':<17} {'sources':>8} {'new':>5} "
              f"{'indexed':>7} {'unstored':>8} {'on disk':>7}")
        for s in runs:
            started = (s.started_at.astimezone(VIETNAM_TZ).strftime("%Y-%m-%d %H:%M")
                       if s.started_at else "-")
            print(f"{s.run_key:<26} {s.state:<12} {started:<17} "
                  f"{s.sources_done:>3}/{s.sources:<4} {s.new:>5} {s.indexed:>7} "
                  f"{s.crawled_not_stored:>8} {s.waiting_in_spool:>7}")
            if s.message:
                print(f"    {s.message}")
        print(f"spool: {waiting} items wait in {len(spool.pending())} batches"
              + (f"; {len(quarantined)} unreadable batches in {spool.directory / 'quarantine'}"
                 if quarantined else ""))
        if any(s.state == "interrupted" for s in runs):
            print("interrupted runs are finished by the next run (or `kiemchung run --resume "
                  "KEY`)")
    pending = waiting or quarantined or any(
        s.crawled_not_stored or s.state == "interrupted" for s in runs
    )
    return 1 if pending else 0
