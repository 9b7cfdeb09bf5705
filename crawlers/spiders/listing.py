"""The generic listing-page spider: section pages with pagination."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

import scrapy
from scrapy.http import Response

from crawlers.extract.links import listing_links
from crawlers.spiders.base import SourceSpider


class ListingSpider(SourceSpider):
    """Reads article links off listing pages, following "next page" up to ``max_pages``.

    Site spiders subclass this and declare ``link_selector``/``link_pattern``/``rules``.
    """

    name = "listing"
    kinds: ClassVar[frozenset[str]] = frozenset({"listing"})
    generic: ClassVar[bool] = True
    link_selector: ClassVar[str] = ""
    link_pattern: ClassVar[str] = ""
    next_selector: ClassVar[str] = ""

    def start_requests_for_source(self) -> Iterable[scrapy.Request]:
        for url in self.source.urls:
            yield self.entry_request(url, self.parse_listing, kc_page=1)

    def parse_listing(self, response: Response) -> Iterable[scrapy.Request]:
        options = self.source.options
        links, next_url = listing_links(
            response.body, response.url,
            link_selector=options.link_selector or self.link_selector,
            link_pattern=options.link_pattern or self.link_pattern,
            next_selector=options.next_page_selector or self.next_selector,
        )
        if not links:
            self.note(f"trang danh sách không có liên kết bài (no article links) {response.url}")
        fresh = 0
        for url in links:
            request = self.article_request(url)
            if request is not None:
                fresh += 1
                yield request
        page = int(response.meta.get("kc_page", 1))
        # A page with nothing new means the rest is older still: stop paginating.
        if next_url and fresh and page < options.max_pages:
            yield self.entry_request(next_url, self.parse_listing, kc_page=page + 1)
