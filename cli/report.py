"""``kiemchung report``: a leadership report for a month, half year or year, as HTML and PDF."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from core.settings import load_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report",
        help="báo cáo định kỳ (periodic report): HTML and PDF with charts",
        description="Counts by narrative, source and province, the trend, and the items "
        "reviewers confirmed as misleading, for one period.",
    )
    parser.add_argument(
        "--period", required=True,
        help="2026-03 (a month), 2026-H1 or 2026-H2 (a half year), 2026 (a year)",
    )
    parser.add_argument("--output", type=Path, help="directory (default: DATA_DIR/reports)")
    parser.add_argument("--no-pdf", action="store_true", help="HTML only")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from index.factory import open_store
    from reports.gather import gather
    from reports.period import PeriodError, parse_period
    from reports.render import write_report

    settings = load_settings()
    try:
        period = parse_period(args.period, ZoneInfo(settings.timezone))
    except PeriodError as exc:
        print(f"kiemchung report: {exc}", file=sys.stderr)
        return 2
    store = open_store(settings)
    try:
        data = gather(store, period)
    finally:
        store.close()
    files = write_report(data, args.output or settings.data_dir / "reports", pdf=not args.no_pdf)
    print(f"{period.title_vi}: {data.total} bài, {data.flagged} bị gắn cờ, "
          f"{data.confirmed_total} xác nhận sai lệch")
    print(files.html)
    if files.pdf:
        print(files.pdf)
    return 0
