"""Drop items whose canonical URL an earlier crawl (or another source this run) stored."""

from __future__ import annotations

from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from crawlers.context import RunContext


class DropSeenPipeline:
    """Exactly-once by canonical URL: the state decides, so it holds across runs."""

    def __init__(self, context: RunContext, crawler: Crawler) -> None:
        self.context = context
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DropSeenPipeline:
        return cls(crawler.settings["KC_CONTEXT"], crawler)

    def process_item(self, item: dict[str, Any], spider: Spider | None = None) -> dict[str, Any]:
        if item.get("_revision"):
            return item  # a stored article re-checked and changed: its new version goes on
        urls = [item["canonical_url"], *item.get("_aliases", [])]
        if any(self.context.state.has_url(url) for url in urls):
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("kc/duplicates")
            raise DropItem(f"already stored: {item['canonical_url']}")
        return item
