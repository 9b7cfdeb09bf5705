"""Write each item as one CrawledItem JSON line, flush, then record it in the crawl state."""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from core.records import CrawledItem
from crawlers.context import RunContext

logger = logging.getLogger(__name__)


class WriteJsonlPipeline:
    """The last pipeline: an item counts as seen only once its line is on disk."""

    def __init__(self, context: RunContext, crawler: Crawler) -> None:
        self.context = context
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WriteJsonlPipeline:
        return cls(crawler.settings["KC_CONTEXT"], crawler)

    def process_item(self, item: dict[str, Any], spider: Spider | None = None) -> dict[str, Any]:
        fields = {key: value for key, value in item.items() if not key.startswith("_")}
        assert self.crawler.stats is not None
        try:
            record = CrawledItem(**fields)
        except ValidationError as exc:
            self.crawler.stats.inc_value("kc/failed")
            raise DropItem(f"invalid item from {item.get('url')}: {exc}") from exc
        out = self.context.out()
        out.write(record.model_dump_json() + "\n")
        out.flush()
        for url in dict.fromkeys([record.canonical_url, *item.get("_aliases", [])]):
            self.context.state.record_item(
                canonical_url=url, item_id=record.id, source_id=record.source_id,
                content_hash=record.content_hash, simhash=item.get("_simhash"),
            )
        validators = item.get("_validators")
        if validators is not None and record.content_hash:
            # An article page: kept for the corrections re-check of the next crawls.
            self.context.state.record_version(
                item_id=record.id, url=record.url, source_id=record.source_id,
                content_hash=record.content_hash, version=record.version,
                etag=validators[0], last_modified=validators[1],
            )
        if item.get("_revision"):
            self.crawler.stats.inc_value("kc/revised")
        self.crawler.stats.inc_value("kc/new")
        self.context.emit(f"item {record.source_id}")
        return item
