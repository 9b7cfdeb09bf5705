"""``kiemchung export claimreview --since DATE``: confirmed verdicts as schema.org ClaimReview."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from core.settings import load_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export", help="export reviewed claims (xuất kết luận) for other fact-checkers"
    )
    kinds = parser.add_subparsers(dest="export_kind", metavar="KIND", required=True)
    claimreview = kinds.add_parser(
        "claimreview",
        help="confirmed verdicts with a rebuttal link as schema.org ClaimReview JSON-LD",
    )
    claimreview.add_argument("--since", type=date.fromisoformat,
                             help="verdicts given on this day or later (YYYY-MM-DD)")
    claimreview.add_argument("--jsonl", action="store_true",
                             help="one ClaimReview per line instead of one JSON array")
    claimreview.set_defaults(handler=run_claimreview)


def run_claimreview(args: argparse.Namespace) -> int:
    from dashboards.claimreview import claim_reviews
    from index.factory import open_store

    settings = load_settings()
    store = open_store(settings)
    try:
        reviews = claim_reviews(store, args.since, organisation_url=settings.contact_url)
        if args.jsonl:
            for review in reviews:
                sys.stdout.write(json.dumps(review, ensure_ascii=False) + "\n")
        else:
            json.dump(list(reviews), sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
    finally:
        store.close()
    return 0
