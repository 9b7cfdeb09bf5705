"""``kiemchung serve``: run the nightly, report and retraining schedules on this machine.

With no ``PREFECT_API_URL``, ``serve`` starts a real Prefect server of its own (scheduler on,
database under ``DATA_DIR/prefect/``) and stops it on the way out: Prefect's temporary server
runs no scheduler, so nothing would ever fire. With ``PREFECT_API_URL`` set, it serves the
deployments against that server, whose scheduler then does the work.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from core.clock import now_utc
from core.settings import load_settings

if TYPE_CHECKING:
    from prefect.deployments.runner import RunnerDeployment


def register(subparsers: argparse._SubParsersAction) -> None:
    from flows.prefect_server import DEFAULT_PORT

    parser = subparsers.add_parser(
        "serve",
        help="chạy theo lịch (serve the schedules): nightly at 02:00 Asia/Ho_Chi_Minh, reports, "
        "retraining",
        description="Serve the Prefect deployments from this process until interrupted. "
        "Without PREFECT_API_URL it runs a local Prefect server (with its scheduler and UI) "
        "of its own for as long as it runs. For several machines, see flows/README.md.",
    )
    parser.add_argument("--sources", type=Path, help="sources file of the nightly run")
    parser.add_argument("--base-url", metavar="URL",
                        help="replaces {base_url} in the sources file (local sites, tests)")
    parser.add_argument(
        "--next", type=int, metavar="N", dest="show_next",
        help="print the next N run times of each schedule (in Vietnam time) and exit",
    )
    parser.add_argument(
        "--nightly-cron", metavar="CRON", default=None,
        help="when the nightly run fires, in the configured zone (default: 0 2 * * *)",
    )
    parser.add_argument(
        "--prefect-port", type=int, default=DEFAULT_PORT, metavar="PORT",
        help=f"port of the local Prefect server and its UI when PREFECT_API_URL is unset "
        f"(default {DEFAULT_PORT}; 0 picks a free one)",
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
    if args.show_next:
        return _show_next(args, settings.timezone)
    if os.environ.get("PREFECT_API_URL"):
        return _serve(args, where=f"the Prefect server at {os.environ['PREFECT_API_URL']}")
    from flows.prefect_server import LocalPrefectServer, ServerError

    server = LocalPrefectServer(settings.data_dir, port=args.prefect_port)
    print(f"kiemchung serve: starting a local Prefect server (database under {server.home}) ...",
          file=sys.stderr)
    try:
        url = server.start()
    except ServerError as exc:
        print(f"kiemchung serve: {exc}", file=sys.stderr)
        return 1
    try:
        # Before the first import of prefect: every client of this process, and every flow
        # run the served deployments start, talk to this server.
        os.environ["PREFECT_API_URL"] = url
        ui = url.removesuffix("/api")
        return _serve(args, where=f"the local Prefect server at {ui} (UI and API, pid "
                                  f"{server.pid}, log {server.log_path})")
    finally:
        server.stop()
        print("kiemchung serve: local Prefect server stopped", file=sys.stderr)


def _show_next(args: argparse.Namespace, zone: str) -> int:
    from flows.deployments import NIGHTLY_CRON, REPORT_CRONS, RETRAIN_CRON

    crons = {"nightly": args.nightly_cron or NIGHTLY_CRON,
             **{f"report-{k}": c for k, c in REPORT_CRONS.items()},
             "retrain-weekly": RETRAIN_CRON}
    for name, cron in crons.items():
        times = next_runs(cron, zone, args.show_next, now_utc())
        print(f"{name:<16} {cron:<14} " + ", ".join(t.isoformat() for t in times))
    return 0


def _serve(args: argparse.Namespace, *, where: str) -> int:
    settings = load_settings()
    from flows.runtime import prepare

    prepare(settings)
    from prefect import serve

    from flows.deployments import NIGHTLY_CRON, all_deployments

    parameters: dict[str, object] = {}
    if args.sources:
        parameters["sources_file"] = str(args.sources.resolve())
    if args.base_url:
        parameters["base_url"] = args.base_url
    cron = args.nightly_cron or NIGHTLY_CRON
    print(f"kiemchung serve: nightly at `{cron}` {settings.timezone}, reports and retraining, "
          f"on {where}; Ctrl-C stops", file=sys.stderr)
    deployments = all_deployments(settings, parameters, nightly_cron=cron)
    watch = _watch_deployment(args)
    if watch is not None:
        deployments.append(watch)
    # Schedules stay active when serve stops: they are the operator's, not this process's.
    serve(*deployments, pause_on_shutdown=False)
    return 0


def _watch_deployment(args: argparse.Namespace) -> RunnerDeployment | None:
    """The watch of the sources file's ``watch:`` section as an interval deployment, if any."""
    from crawlers.sources import DEFAULT_SOURCES_FILE
    from flows.watch import WatchError, build_plan, watch_deployment, watch_section

    path = args.sources or DEFAULT_SOURCES_FILE
    if not watch_section(path).get("sources"):
        return None
    try:
        plan = build_plan(sources_file=path, base_url=args.base_url)
    except WatchError as exc:
        print(f"kiemchung serve: watch section not served: {exc}", file=sys.stderr)
        return None
    print(f"kiemchung serve: watch {plan.name}: {', '.join(plan.source_ids)} every "
          f"{int(plan.every.total_seconds() // 60)} min", file=sys.stderr)
    return watch_deployment(plan)
