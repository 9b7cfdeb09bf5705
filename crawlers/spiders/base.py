"""The shared base of every spider: source, run context, article requests, failure accounting."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable
from datetime import datetime, timedelta
from typing import Any, ClassVar

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from twisted.python.failure import Failure

from core.clock import as_utc, now_utc
from core.ids import canonical_url, doc_id_for_url
from crawlers.context import RunContext
from crawlers.extract.article import ExtractionError, extract_article
from crawlers.extract.images import lead_image_url
from crawlers.extract.sites import SiteRules
from crawlers.sources import Source

logger = logging.getLogger(__name__)

# A sitemap's lastmod may lag the real publication a little; keep a day's margin.
_LASTMOD_GRACE = timedelta(days=1)
_MAX_MESSAGES = 50


class SourceSpider(scrapy.Spider):
    """Crawls one source. Subclasses implement ``start_requests_for_source`` and may declare
    ``rules`` (extraction selectors) or override ``article_item``."""

    name: str = ""
    kinds: ClassVar[frozenset[str]] = frozenset()
    generic: ClassVar[bool] = False  # the default spider of its kinds
    rules: ClassVar[SiteRules | None] = None
    #: Name of the Settings attribute this spider cannot run without (API keys).
    required_setting: ClassVar[str] = ""

    def __init__(self, source: Source, context: RunContext, **kwargs: Any) -> None:
        super().__init__(name=source.id, **kwargs)
        self.source = source
        self.context = context
        self.messages: list[str] = []
        self.entry_failed = False  # the feed, sitemap or API entry point itself failed
        self.requested_items = 0
        self.window_start = context.since
        last = context.state.last_success(source.id)
        self.last_success = last

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> SourceSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._on_spider_error, signal=signals.spider_error)
        return spider

    # -- accounting -----------------------------------------------------------------------
    def note(self, message: str) -> None:
        """Add a line to this source's summary (bounded, so a broken site cannot flood it)."""
        if len(self.messages) < _MAX_MESSAGES:
            self.messages.append(message)
        elif len(self.messages) == _MAX_MESSAGES:
            self.messages.append("… (more messages in the log)")

    def fail(self, message: str) -> None:
        self.stats_inc("kc/failed")
        logger.warning("%s: %s", self.source.id, message)
        self.note(message)

    def stats_inc(self, key: str, count: int = 1) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(key, count)

    def _on_spider_error(self, failure: Failure, response: Response, spider: scrapy.Spider) -> None:
        if spider is self:
            self.fail(f"lỗi xử lý (parse error) {response.url}: {failure.getErrorMessage()}")

    def on_error(self, failure: Failure) -> None:
        """Errback of every request: count it, and say which URL and why."""
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        kind = failure.type.__name__ if failure.type is not None else "Error"
        text = failure.getErrorMessage() or kind
        if "Forbidden by robots.txt" in text:
            self.stats_inc("kc/robots_forbidden")
            self.note(f"robots.txt cấm (forbidden by robots.txt): {url}")
            return
        if request is not None and request.meta.get("kc_entry"):
            self.entry_failed = True
        self.fail(f"tải lỗi (fetch failed) {url}: {kind}: {text}")

    # -- requests -------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        for request in self.start_requests_for_source():
            yield request

    def start_requests_for_source(self) -> Iterable[scrapy.Request]:
        raise NotImplementedError

    def entry_request(self, url: str, callback: Any, **meta: Any) -> scrapy.Request:
        """A request for a feed, sitemap, listing or API page (not an item)."""
        return scrapy.Request(url, callback=callback, errback=self.on_error,
                              meta={"kc_entry": True, **meta}, dont_filter=True)

    def too_old(self, moment: datetime | None, *, lastmod: bool = False) -> bool:
        """True when an entry's date puts it before the window (``--since``, or for sitemap
        lastmod the last successful crawl) so its page need not be fetched."""
        if moment is None:
            return False
        start = self.window_start
        if lastmod and start is None and self.last_success is not None:
            start = self.last_success - _LASTMOD_GRACE
        return start is not None and as_utc(moment) < as_utc(start)

    def claim(self, url: str) -> bool:
        """True if ``url`` is new to the state and to this run; then it is ours to fetch."""
        canonical = canonical_url(url)
        if canonical in self.context.claimed or self.context.state.has_url(canonical):
            self.stats_inc("kc/skipped_seen")
            return False
        if self.requested_items >= self.source.options.max_items:
            self.stats_inc("kc/over_max_items")
            return False
        self.context.claimed.add(canonical)
        self.requested_items += 1
        return True

    def article_request(self, url: str, **hints: Any) -> scrapy.Request | None:
        """A request for an article page unless it is already stored or claimed."""
        if not self.claim(url):
            return None
        return scrapy.Request(url, callback=self.parse_article, errback=self.on_error,
                              meta={"kc_hints": hints})

    # -- items ----------------------------------------------------------------------------
    def site_rules(self) -> SiteRules | None:
        """Extraction overrides: the spider's declaration, then the source's options."""
        options = self.source.options
        from_source = SiteRules(
            title=options.title_selector, lead=options.lead_selector, body=options.body_selector,
            drop=tuple(options.drop_selectors), author=options.author_selector,
            published=options.date_selector,
        )
        return (self.rules or SiteRules()).merged(from_source)

    def parse_article(self, response: Response) -> Iterable[dict[str, Any]]:
        if not response.body.strip():
            self.fail(f"trang rỗng (empty page) {response.url}")
            return
        try:
            article = extract_article(
                response.body, response.url, rules=self.site_rules(),
                content_type=(response.headers.get("Content-Type") or b"").decode("latin-1"),
            )
        except ExtractionError as exc:
            self.fail(f"không trích xuất được (extraction failed) {response.url}: {exc}")
            return
        for warning in article.warnings:
            self.note(f"{response.url}: {warning}")
        hints = response.meta.get("kc_hints", {})
        aliases = {canonical_url(response.url), canonical_url(response.request.url)
                   if response.request else canonical_url(response.url)}
        aliases.discard(article.canonical_url)
        metadata = {"encoding": article.encoding}
        if article.legacy_encoding:
            metadata["legacy_encoding"] = article.legacy_encoding
        yield {
            "id": doc_id_for_url(article.canonical_url),
            "url": response.url,
            "canonical_url": article.canonical_url,
            "source_id": self.source.id,
            "source_kind": "news",
            "title": article.title or hints.get("title", ""),
            "text": article.text,
            "lead": article.lead or hints.get("summary", ""),
            "published": article.published or hints.get("published"),
            "fetched_at": now_utc(),
            "author": article.author,
            "section": article.section,
            "language": article.language or "vi",
            "metadata": metadata,
            "_aliases": sorted(aliases),
            "_image_urls": [u for u in [lead_image_url(response.body, response.url)] if u],
        }
