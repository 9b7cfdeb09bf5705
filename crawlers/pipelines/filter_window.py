"""Drop items published before the ``--since`` window."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from core.clock import as_utc


class FilterWindowPipeline:
    """Items with a publication time before ``since`` are dropped; undated items are kept."""

    def __init__(self, since: datetime | None, crawler: Crawler) -> None:
        self.since = as_utc(since) if since else None
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FilterWindowPipeline:
        context = crawler.settings.get("KC_CONTEXT")
        return cls(getattr(context, "since", None), crawler)

    def process_item(self, item: dict[str, Any], spider: Spider | None = None) -> dict[str, Any]:
        published = item.get("published")
        if self.since and isinstance(published, datetime) and as_utc(published) < self.since:
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("kc/out_of_window")
            raise DropItem(f"published {published.isoformat()} before the window")
        return item
