"""``kiemchung watch``: crawl a few fast sources every few minutes during an emergency.

    kiemchung watch --sources ID,... --every 15m --until 2026-12-03T18:00
    kiemchung watch --status
    kiemchung watch --stop [--name NAME]

The watch runs in this process until its end time, ``--stop`` from another terminal, or
Ctrl-C; each cycle is a flow run on the real Prefect engine (flows/watch.py). Without
``--sources`` the ``watch:`` section of the sources file says what to watch.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pydantic import ValidationError

from core.settings import Settings, load_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "watch",
        help="theo dõi nhanh khi khẩn cấp (watch mode: crawl fast sources every few minutes, "
        "detect surges, notify, until an end time)",
        description="Crawl the chosen sources every few minutes, index only what is new, detect "
        "surges and send notifications, until --until, --stop or Ctrl-C. See flows/README.md.",
    )
    parser.add_argument("--sources", metavar="ID,...",
                        help="ids of the sources to watch, comma-separated (default: the "
                        "sources file's 'watch:' section)")
    parser.add_argument("--every", metavar="DURATION",
                        help="time between cycles: 15m, 1h, 90s (default 15m, at least 2m)")
    parser.add_argument("--until", metavar="TIME",
                        help="end time, ISO 8601; without an offset it is Vietnam time")
    parser.add_argument("--name", help="name of the watch (default 'watch'): several watches "
                        "with different names may run at once")
    parser.add_argument("--sources-file", type=Path, dest="sources_file",
                        help="sources file (default: crawlers/sources.yaml)")
    parser.add_argument("--base-url", metavar="URL",
                        help="replaces {base_url} in the sources file (local sites, tests)")
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--stop", action="store_true",
                        help="ask the running watch to stop after its current cycle")
    action.add_argument("--status", action="store_true",
                        help="the watches of this data directory, running or not")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from flows.watch import request_stop, watch_status

    settings = load_settings()
    if args.status:
        found = watch_status(settings)
        if not found:
            print("no watch has run on this data directory")
        for status in found:
            print(json.dumps(status, ensure_ascii=False, indent=2, default=str))
        return 0
    if args.stop:
        name = args.name or "watch"
        path = request_stop(settings, name)
        print(f"kiemchung watch: asked watch {name!r} to stop after its current cycle ({path})")
        return 0
    return _watch(args)


def _watch(args: argparse.Namespace) -> int:
    from flows.watch import WatchError, build_plan

    try:
        plan = build_plan(
            sources_file=args.sources_file,
            source_ids=[s.strip() for s in args.sources.split(",") if s.strip()]
            if args.sources else None,
            every=args.every, until=args.until, name=args.name, base_url=args.base_url,
        )
    except (WatchError, ValidationError) as exc:
        print(f"kiemchung watch: {exc}", file=sys.stderr)
        return 2
    settings = load_settings()
    _check_notifications(settings)
    from flows.runtime import prepare

    prepare(settings)
    from flows.watch import WatchAlreadyRunning, run_watch

    end = plan.until.isoformat() if plan.until else "--stop or Ctrl-C"
    print(f"kiemchung watch: {plan.name}: {', '.join(plan.source_ids)} every "
          f"{int(plan.every.total_seconds() // 60)} min until {end} "
          f"(stop it with `kiemchung watch --stop --name {plan.name}`)", file=sys.stderr)
    try:
        summaries = run_watch(plan)
    except WatchAlreadyRunning as exc:
        print(f"kiemchung watch: {exc}", file=sys.stderr)
        return 1
    failed = sum(1 for s in summaries if s.skipped and s.skipped.startswith("failed"))
    print(f"kiemchung watch: {plan.name} stopped after {len(summaries)} cycles"
          + (f", {failed} failed" if failed else ""), file=sys.stderr)
    return 0


def _check_notifications(settings: Settings) -> None:
    """Bad notification settings stop the watch before its first cycle, not in the night."""
    from alerts.channels import configured_channels
    from alerts.rules import parse_rules

    parse_rules(settings.notify_rules)
    if not configured_channels(settings):
        print("kiemchung watch: no notification channel configured (KIEMCHUNG_SMTP_HOST, "
              "KIEMCHUNG_WEBHOOK_URL): alerts only show in the app", file=sys.stderr)

