"""``kiemchung search``: the analyst search from the shell (full text, filters, facets, export)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from zoneinfo import ZoneInfo

from core.labels import LABELS
from core.settings import load_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "search", help="search the index (tra cứu): full text, filters, counts, export"
    )
    parser.add_argument("text", nargs="?", default="", help="words; diacritics optional")
    parser.add_argument("--exact", action="store_true", help="match diacritics as written")
    parser.add_argument("--label", action="append", choices=LABELS, default=[])
    parser.add_argument("--source", action="append", default=[])
    parser.add_argument("--flagged", action="store_true", help="flagged items only")
    parser.add_argument(
        "--status", choices=["unreviewed", "confirmed", "not_misleading", "needs_expert",
                             "duplicate"],
    )
    parser.add_argument("--from", dest="date_from", type=date.fromisoformat, help="YYYY-MM-DD")
    parser.add_argument("--to", dest="date_to", type=date.fromisoformat, help="YYYY-MM-DD")
    parser.add_argument("--sort", choices=["relevance", "score", "recency"], default="relevance")
    parser.add_argument("--limit", type=int, default=20, help="items to show (default 20)")
    parser.add_argument(
        "--count-by", choices=["label", "source", "day", "province", "entity"],
        help="print counts of the matching items instead of the items",
    )
    parser.add_argument(
        "--format", choices=["text", "jsonl", "csv", "json"], default="text",
        help="text (default); jsonl, csv or json export every match (--limit ignored)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from dashboards.exports import csv_lines, export_row, json_chunks
    from dashboards.filters import PageFilters
    from index.factory import open_store

    settings = load_settings()
    zone = ZoneInfo(settings.timezone)
    filters = PageFilters(
        q=args.text, exact=args.exact, labels=tuple(args.label), sources=tuple(args.source),
        status=args.status or "", flagged=True if args.flagged else None,
        date_from=args.date_from, date_to=args.date_to, sort=args.sort,
        size=max(1, min(args.limit, 500)), zone=zone,
    )
    store = open_store(settings)
    out = sys.stdout
    try:
        if args.count_by:
            for key, n in store.aggregate(filters.query(paged=False), by=args.count_by,
                                          size=100).items():
                out.write(f"{n:>8}  {key}\n")
            return 0
        if args.format == "csv":
            out.writelines(csv_lines(store, filters.query(paged=False), zone))
            return 0
        if args.format == "json":
            out.writelines(json_chunks(store, filters.query(paged=False), zone))
            return 0
        if args.format == "jsonl":
            for stored in store.scan(filters.query(paged=False)):
                out.write(json.dumps(export_row(stored, zone), ensure_ascii=False) + "\n")
            return 0
        result = store.search(filters.query())
        out.write(f"{result.total} mục (items)\n")
        for hit in result.hits:
            row = export_row(hit.stored, zone)
            flag = "!" if row["flagged"] else " "
            verdict = row["verdict"] or "-"
            out.write(
                f"{flag} {row['score']:.2f} {row['label']:<18} {verdict:<14} "
                f"{row['source_id']:<16} {(row['published'] or '')[:10]}  "
                f"{(row['title'] or '')[:70]}\n"
            )
            out.write(f"    {row['id']}  {row['url']}\n")
            if row["reasons"]:
                out.write("    lý do: " + "; ".join(row["reasons"][:3]) + "\n")
        return 0
    finally:
        store.close()
