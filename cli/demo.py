"""``kiemchung demo``: the whole nightly job, once, against the bundled demo site on 127.0.0.1."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path

from core.settings import load_settings
from index.query import SearchQuery

DEMO_PORT = 8765
DEMO_SITE_DIR = Path(__file__).resolve().parent.parent / "crawlers" / "demo_site"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="chạy thử trên trang demo (crawl the bundled demo site, classify, index)",
    )
    parser.add_argument(
        "--port", type=int, default=DEMO_PORT,
        help=f"port of the demo site (default {DEMO_PORT}); keep it the same between runs, "
        "since the site's URLs, and so the items' ids, include it",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from crawlers.localsite import LocalSite
    from crawlers.sources import DEMO_SOURCES_FILE

    # The demo site lives on 127.0.0.1; the crawler refuses loopback unless told otherwise.
    os.environ["KIEMCHUNG_ALLOW_LOOPBACK"] = "true"
    settings = replace(load_settings(), allow_loopback=True)
    from cli.run import run_nightly
    from index.factory import open_store

    print("Kiểm Chứng demo: serving the demo site on 127.0.0.1 ...", file=sys.stderr)
    try:
        site = LocalSite(DEMO_SITE_DIR, port=args.port)
    except OSError as exc:
        print(f"kiemchung demo: cannot serve the demo site on port {args.port} ({exc}); "
              "choose another with --port", file=sys.stderr)
        return 2
    with site:
        print(f"  demo site: {site.base_url}", file=sys.stderr)
        outcome = run_nightly(
            settings_dir=settings.data_dir, sources_file=DEMO_SOURCES_FILE,
            base_url=site.base_url,
        )
    summary = outcome.summary
    store = open_store(settings)
    try:
        total = store.count()
        flagged = store.count(_flagged())
        by_label = store.count_by_label()
    finally:
        store.close()
    where = settings.es_url or str(settings.sqlite_path)
    crawled = summary.totals.new if summary else 0
    print()
    print("=== Kiểm Chứng demo ===")
    print(f"Items crawled this run: {crawled} new (the per-source summary is logged above)")
    print(f"Items in the store ({where}): {total}")
    print(f"Items flagged for review: {flagged}")
    print("By label: " + ", ".join(f"{k} {v}" for k, v in sorted(by_label.items())))
    print()
    print("Look at them:")
    print("  .venv/bin/kiemchung search --flagged        # flagged items, with their reasons")
    print("  .venv/bin/kiemchung search 'thuy dien'      # full text, diacritics optional")
    print("  .venv/bin/kiemchung review                  # the review web UI on 127.0.0.1:8000")
    return outcome.exit_code


def _flagged() -> SearchQuery:
    return SearchQuery(flagged=True)
