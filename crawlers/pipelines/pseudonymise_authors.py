"""Replace private individuals' names and ids with a keyed hash; public pages keep names."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler

from core.ids import pseudonymise

logger = logging.getLogger(__name__)


class PseudonymiseAuthorsPipeline:
    """Items flagged ``_private_author`` get their author (and author id) pseudonymised."""

    def __init__(self, key: str | None, crawler: Crawler) -> None:
        self.key = key
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PseudonymiseAuthorsPipeline:
        # Settings.pseudonym_key: configured, or made once and kept in the data directory.
        return cls(crawler.settings.get("KC_PSEUDONYM_KEY"), crawler)

    def process_item(self, item: dict[str, Any], spider: Spider | None = None) -> dict[str, Any]:
        if not item.pop("_private_author", False):
            return item
        assert self.crawler.stats is not None
        if not self.key:
            # Never a name in the clear, and never a hash anyone could recompute.
            raise ValueError("no pseudonymisation key: settings come from load_settings(), "
                             "which sets KIEMCHUNG_PSEUDONYM_KEY or the kept key")
        if item.get("author"):
            item["author"] = pseudonymise(item["author"], self.key)
        metadata = item.setdefault("metadata", {})
        for key in ("author_id", "author_channel_id", "author_name"):
            if metadata.get(key):
                metadata[key] = pseudonymise(metadata[key], self.key)
        self.crawler.stats.inc_value("kc/pseudonymised")
        return item
