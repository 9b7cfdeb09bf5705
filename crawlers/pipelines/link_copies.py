"""Fingerprint the body and link a near-identical copy (syndication) to the first one seen."""

from __future__ import annotations

from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler

from crawlers.context import RunContext
from crawlers.fingerprint import content_hash, simhash


class LinkCopiesPipeline:
    """Copies are kept, with ``duplicate_of`` naming the first copy, so nothing is lost."""

    def __init__(self, context: RunContext, crawler: Crawler) -> None:
        self.context = context
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LinkCopiesPipeline:
        return cls(crawler.settings["KC_CONTEXT"], crawler)

    def process_item(self, item: dict[str, Any], spider: Spider | None = None) -> dict[str, Any]:
        text = item.get("text") or ""
        if not text.strip():
            return item
        item["content_hash"] = content_hash(text)
        item["_simhash"] = simhash(text)
        first = self.context.state.find_copy(item["content_hash"], item["_simhash"])
        if first and first != item["id"]:
            item["duplicate_of"] = first
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("kc/linked_copies")
        return item
