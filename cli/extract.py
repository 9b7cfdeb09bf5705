"""``kiemchung extract``: print what the extractor reads from one page, as JSON (for debugging
a source)."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from core.settings import load_settings

_MAX_BYTES = 10 * 1024 * 1024


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "extract", help="trích xuất một trang bài viết thành JSON (extract one article page)")
    parser.add_argument("target", metavar="PATH_OR_URL", help="a saved HTML file or an http(s) URL")
    parser.add_argument("--url", help="the page's original URL (picks the site's rules)")
    parser.set_defaults(handler=run)


def _fetch(url: str, user_agent: str, allow_loopback: bool) -> tuple[bytes, str | None]:
    """The page at ``url``, every redirect hop checked by the crawler's address policy."""
    from crawlers.net.guarded_fetch import FetchLimits, guarded_get

    fetched = guarded_get(url, user_agent=user_agent, allow_loopback=allow_loopback,
                          limits=FetchLimits(deadline_seconds=30, max_bytes=_MAX_BYTES))
    if not 200 <= fetched.status < 300:
        raise ValueError(f"{fetched.url} answered HTTP {fetched.status}")
    return fetched.body, fetched.content_type


def run(args: argparse.Namespace) -> int:
    from crawlers.extract.article import ExtractionError, extract_article
    from crawlers.scrapy_settings import user_agent

    settings = load_settings()
    target: str = args.target
    try:
        if target.startswith(("http://", "https://")):
            page, content_type = _fetch(target, user_agent(settings), settings.allow_loopback)
            url = args.url or target
        else:
            page, content_type = Path(target).read_bytes(), None
            url = args.url or Path(target).resolve().as_uri()
        article = extract_article(page, url, content_type=content_type)
    except (OSError, ValueError, ExtractionError) as exc:
        print(f"kiemchung extract: {exc}", file=sys.stderr)
        return 1
    record = asdict(article)
    record["published"] = article.published.isoformat() if article.published else None
    json.dump(record, sys.stdout, ensure_ascii=False, indent=2)
    print()
    return 0
