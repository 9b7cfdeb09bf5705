"""Replace private individuals' names and ids with a keyed hash; public pages keep names."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler

from core.ids import pseudonymise
from core.settings import Settings

logger = logging.getLogger(__name__)
DEFAULT_KEY = Settings().pseudonym_key


class PseudonymiseAuthorsPipeline:
    """Items flagged ``_private_author`` get their author (and author id) pseudonymised."""

    def __init__(self, key: str, crawler: Crawler) -> None:
        self.key = key
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PseudonymiseAuthorsPipeline:
        return cls(crawler.settings.get("KC_PSEUDONYM_KEY", DEFAULT_KEY), crawler)

    def process_item(self, item: dict[str, Any], spider: Spider | None = None) -> dict[str, Any]:
        if not item.pop("_private_author", False):
            return item
        assert self.crawler.stats is not None
        if self.key == DEFAULT_KEY and not self.crawler.stats.get_value("kc/default_key_warned"):
            # Anyone who knows the default key can test guesses of a name against its hash.
            logger.warning("KIEMCHUNG_PSEUDONYM_KEY is the default; set a secret of your own "
                           "before crawling social sources (khóa ẩn danh mặc định)")
            self.crawler.stats.set_value("kc/default_key_warned", 1)
        if item.get("author"):
            item["author"] = pseudonymise(item["author"], self.key)
        metadata = item.setdefault("metadata", {})
        for key in ("author_id", "author_channel_id", "author_name"):
            if metadata.get(key):
                metadata[key] = pseudonymise(metadata[key], self.key)
        self.crawler.stats.inc_value("kc/pseudonymised")
        return item
