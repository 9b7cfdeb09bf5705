"""Telegram public channels through their web preview pages (https://t.me/s/<channel>)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

import scrapy
from scrapy.http import Response

from crawlers.extract.social import telegram_messages
from crawlers.spiders.social import SocialSpider


class TelegramChannelSpider(SocialSpider):
    """Reads the newest messages of each channel preview; no API key needed."""

    name = "telegram_channel"
    kinds: ClassVar[frozenset[str]] = frozenset({"telegram_channel"})
    generic: ClassVar[bool] = True

    def start_requests_for_source(self) -> Iterable[scrapy.Request]:
        for url in self.source.urls:
            yield self.entry_request(url, self.parse_preview)

    def parse_preview(self, response: Response) -> Iterable[dict[str, Any]]:
        messages = telegram_messages(response.body, response.url)
        if not messages:
            self.note(f"không thấy tin nào (no messages) {response.url}")
        for post in messages:
            if self.too_old(post.published):
                continue
            item = self.post_item(post)
            if item is not None:
                yield item
