"""``kiemchung crawl``: crawl the listed sources into a JSON Lines file, with a summary."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from core.clock import now_utc, parse_iso
from core.settings import load_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "crawl", help="thu thập bài và bài đăng mới (crawl new articles and posts)",
        description="Crawl the sources of the sources file; only items new since the last "
        "successful crawl of each source, or within --since.",
    )
    parser.add_argument("--source", action="append", dest="sources", metavar="ID",
                        help="only this source id (repeatable)")
    parser.add_argument("--since", help="ISO date/time; Vietnam time when no offset (2025-06-01)")
    parser.add_argument("--sources-file", type=Path, help="default: crawlers/sources.yaml")
    parser.add_argument("--base-url", help="replaces {base_url} in the sources file (demo, tests)")
    parser.add_argument("--out", type=Path,
                        help="output JSON Lines (default: DATA_DIR/crawl/items-<time>.jsonl)")
    parser.add_argument("--no-progress", action="store_true", help="no live progress display")
    parser.set_defaults(handler=run)


def _since(value: str | None) -> datetime | None:
    if not value:
        return None
    return parse_iso(value if "T" in value or " " in value else value + "T00:00:00")


def run(args: argparse.Namespace) -> int:
    from crawlers.runner import CrawlError, crawl
    from crawlers.sources import SourcesError

    settings = load_settings()
    out = args.out or settings.data_dir / "crawl" / f"items-{now_utc():%Y%m%dT%H%M%S}.jsonl"
    try:
        report = crawl(settings, out, source_ids=args.sources, since=_since(args.since),
                       sources_file=args.sources_file, progress=not args.no_progress,
                       base_url=args.base_url)
    except (SourcesError, CrawlError) as exc:
        print(f"kiemchung crawl: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"kiemchung crawl: --since không hợp lệ (invalid): {exc}", file=sys.stderr)
        return 2
    for line in report.summary_lines():
        print(line)
    print(f"Tổng: {report.total_new} mục mới (new items) → {out}")
    return 0 if report.ok else 1
