"""The generic RSS/Atom spider: read the feed, fetch each new article."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

import scrapy
from scrapy.http import Response

from crawlers.extract.feeds import count_entry_tags, parse_feed
from crawlers.spiders.base import SourceSpider


class FeedSpider(SourceSpider):
    """Feeds of a source, then their articles (skipping stored ones before fetching)."""

    name = "feed"
    kinds: ClassVar[frozenset[str]] = frozenset({"rss", "atom"})
    generic: ClassVar[bool] = True

    def start_requests_for_source(self) -> Iterable[scrapy.Request]:
        for url in self.source.urls:
            yield self.entry_request(url, self.parse_feed)

    def parse_feed(self, response: Response) -> Iterable[scrapy.Request]:
        entries = parse_feed(response.body, response.url)
        lost = count_entry_tags(response.body) - len(entries)
        if lost > 0:
            # Entries without a link, or that the lenient parser could not recover.
            self.skip("feed_entry_unreadable", lost)
            self.note(f"{lost} mục feed không đọc được (unreadable feed entries: no link or "
                      f"broken markup) {response.url}")
        if not entries:
            self.fail(f"feed không có mục nào (feed has no entries) {response.url}")
            return
        for entry in entries:
            if self.too_old(entry.published):
                self.stats_inc("kc/out_of_window")
                continue
            request = self.article_request(entry.url, title=entry.title, summary=entry.summary,
                                           published=entry.published)
            if request is not None:
                yield request
