"""The generic sitemap spider: sitemap indexes, sitemaps and Google News sitemaps."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

import scrapy
from scrapy.http import Response

from crawlers.extract.sitemaps import SITEMAP_MAX_BYTES, SitemapTooLarge, parse_sitemap
from crawlers.spiders.base import SourceSpider

_MAX_CHILD_SITEMAPS = 20


class SitemapSpider(SourceSpider):
    """Follows child sitemaps (newest first by lastmod) and fetches new article URLs."""

    name = "sitemap"
    kinds: ClassVar[frozenset[str]] = frozenset({"sitemap", "news_sitemap"})
    generic: ClassVar[bool] = True

    def start_requests_for_source(self) -> Iterable[scrapy.Request]:
        for url in self.source.urls:
            yield self.sitemap_request(url)

    def sitemap_request(self, url: str) -> scrapy.Request:
        """A sitemap may be as large as the protocol allows, whatever the page size cap."""
        return self.entry_request(url, self.parse_sitemap, download_maxsize=SITEMAP_MAX_BYTES,
                                  download_warnsize=SITEMAP_MAX_BYTES)

    def parse_sitemap(self, response: Response) -> Iterable[scrapy.Request]:
        try:
            entries = parse_sitemap(response.body, SITEMAP_MAX_BYTES)
        except SitemapTooLarge as exc:
            self.fail(f"sitemap quá lớn (too large) {response.url}: {exc}", "too_large")
            return
        except (OSError, ValueError) as exc:
            self.fail(f"sitemap hỏng (broken sitemap) {response.url}: {exc}")
            return
        if not entries:
            self.fail(f"sitemap rỗng (empty sitemap) {response.url}")
            return
        children = [entry for entry in entries
                    if entry.is_sitemap and not self.too_old(entry.lastmod, lastmod=True)]
        children.sort(key=lambda e: e.lastmod.timestamp() if e.lastmod else 0.0, reverse=True)
        for child in children[:_MAX_CHILD_SITEMAPS]:
            yield self.sitemap_request(child.url)
        if len(children) > _MAX_CHILD_SITEMAPS:
            left = len(children) - _MAX_CHILD_SITEMAPS
            self.skip("cap_reached", left)
            self.note(f"{response.url}: đọc {_MAX_CHILD_SITEMAPS} sitemap con mới nhất, {left} "
                      "sitemap con để lần sau (child sitemap cap reached)")
        for entry in entries:
            if entry.is_sitemap:
                continue
            if self.too_old(entry.published) or self.too_old(entry.lastmod, lastmod=True):
                self.stats_inc("kc/out_of_window")
                continue
            request = self.article_request(entry.url, title=entry.title, published=entry.published)
            if request is not None:
                yield request
