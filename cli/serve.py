"""``kiemchung serve``: run the nightly, report and retraining schedules on this machine."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from core.clock import now_utc
from core.settings import load_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="chạy theo lịch (serve the schedules): nightly at 02:00 Asia/Ho_Chi_Minh, reports, "
        "retraining",
        description="Serve the Prefect deployments from this process until interrupted. For "
        "several machines, deploy prefect.yaml to a work pool instead.",
    )
    parser.add_argument("--sources", type=Path, help="sources file of the nightly run")
    parser.add_argument(
        "--next", type=int, metavar="N", dest="show_next",
        help="print the next N run times of each schedule (in Vietnam time) and exit",
    )
    parser.set_defaults(handler=run)


def next_runs(cron: str, zone: str, count: int, after: datetime) -> list[datetime]:
    """The next ``count`` times ``cron`` fires in ``zone`` after ``after``, by Prefect's own
    scheduler code, in that zone."""
    from prefect.server.schemas.schedules import CronSchedule

    dates = asyncio.run(CronSchedule(cron=cron, timezone=zone).get_dates(n=count, start=after))
    return [datetime.fromisoformat(d.isoformat()).astimezone(ZoneInfo(zone)) for d in dates]


def run(args: argparse.Namespace) -> int:
    settings = load_settings()
    from flows.runtime import prepare

    prepare(settings)
    from flows.deployments import (
        NIGHTLY_CRON,
        REPORT_CRONS,
        RETRAIN_CRON,
        all_deployments,
    )

    if args.show_next:
        crons = {"nightly": NIGHTLY_CRON, **{f"report-{k}": c for k, c in REPORT_CRONS.items()},
                 "retrain-weekly": RETRAIN_CRON}
        for name, cron in crons.items():
            times = next_runs(cron, settings.timezone, args.show_next, now_utc())
            print(f"{name:<16} {cron:<14} " + ", ".join(t.isoformat() for t in times))
        return 0
    from prefect import serve

    parameters = {"sources_file": str(args.sources.resolve())} if args.sources else {}
    print(f"kiemchung serve: nightly at 02:00 {settings.timezone}; Ctrl-C stops",
          file=sys.stderr)
    serve(*all_deployments(settings, parameters))
    return 0
