"""The shared base of every spider: source, run context, article requests, failure accounting."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable
from datetime import datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import DNSLookupError
from twisted.python.failure import Failure

from core.clock import as_utc, now_utc
from core.ids import canonical_url, doc_id_for_url
from crawlers.context import RunContext
from crawlers.extract.article import ExtractionError, JavaScriptOnlyPage, extract_article
from crawlers.extract.images import lead_image_url
from crawlers.extract.sites import SiteRules
from crawlers.fingerprint import content_hash
from crawlers.middlewares.guard_addresses import RefusedAddress
from crawlers.middlewares.robots_policy import RobotsUnavailable
from crawlers.middlewares.stop_redirect_loops import RedirectLoop
from crawlers.report import SKIP_REASONS
from crawlers.sources import Source
from crawlers.state import PageVersion

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
        self.entry_failed = False  # a feed, sitemap or API entry point itself failed
        self.entry_forbidden = False  # robots.txt forbids a feed, sitemap or listing page
        self.requested_items = 0
        self.cap_noted = False
        self.window_start = context.since
        last = context.state.last_success(source.id)
        self.last_success = last

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> SourceSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._on_spider_error, signal=signals.spider_error)
        crawler.signals.connect(spider._on_request_dropped, signal=signals.request_dropped)
        return spider

    # -- accounting -----------------------------------------------------------------------
    def note(self, message: str) -> None:
        """Add a line to this source's summary (bounded, so a broken site cannot flood it)."""
        if len(self.messages) < _MAX_MESSAGES:
            self.messages.append(message)
        elif len(self.messages) == _MAX_MESSAGES:
            self.messages.append("… (more messages in the log)")

    def fail(self, message: str, reason: str = "fetch_failed") -> None:
        """A page or request failed: counted as a failure and as skipped for ``reason``."""
        self.stats_inc("kc/failed")
        self.skip(reason)
        logger.warning("%s: %s", self.source.id, message)
        self.note(message)

    def skip(self, reason: str, count: int = 1) -> None:
        """Count ``count`` things not fetched or not stored, for ``reason`` (a key of
        ``crawlers.report.SKIP_REASONS``)."""
        self.stats_inc(f"kc/skip/{reason}", count)

    def stats_inc(self, key: str, count: int = 1) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(key, count)

    def _on_spider_error(self, failure: Failure, response: Response, spider: scrapy.Spider) -> None:
        if spider is self:
            self.fail(f"lỗi xử lý (parse error) {response.url}: {failure.getErrorMessage()}")

    def _on_request_dropped(self, request: scrapy.Request, spider: scrapy.Spider) -> None:
        if spider is self and request.meta.get("redirect_urls"):
            # A redirect to a URL this crawl already requested: that page is fetched anyway.
            self.skip("redirect_to_seen")

    def on_error(self, failure: Failure) -> None:
        """Errback of every request: count it under its reason, and say which URL and why."""
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        entry = request is not None and bool(request.meta.get("kc_entry"))
        kind = failure.type.__name__ if failure.type is not None else "Error"
        text = failure.getErrorMessage() or kind
        reason = self._failure_reason(failure, url, text)
        if reason == "removed":
            self.skip(reason)
            self.note(f"bài đã bị gỡ khỏi trang (article removed since it was stored): {url}")
            return
        if reason == "robots_forbidden":
            self.skip(reason)
            if entry:
                self.entry_forbidden = True
            self.note(f"robots.txt cấm (forbidden by robots.txt): {url}")
            return
        if entry:
            self.entry_failed = True
        if reason == "robots_unreachable":
            self.stats_inc("kc/robots_blocked_requests")
            self.skip(reason)
            return  # the robots policy noted it once for the host
        if reason == "refused_address":
            host = urlsplit(url).hostname or ""
            text = self.context.refused_hosts.reason(host) or text
        self.fail(f"{SKIP_REASONS[reason]}: {url}: {kind}: {text}", reason)

    def _failure_reason(self, failure: Failure, url: str, text: str) -> str:
        request = getattr(failure, "request", None)
        if (request is not None and request.meta.get("kc_recheck")
                and isinstance(failure.value, HttpError)
                and failure.value.response.status in {404, 410}):
            return "removed"

        if failure.check(RobotsUnavailable):
            return "robots_unreachable"
        if failure.check(RefusedAddress):
            return "refused_address"
        if failure.check(RedirectLoop) or "max redirections" in text:
            return "redirect_loop"
        if "Forbidden by robots.txt" in text:
            return "robots_forbidden"
        if failure.check(DNSLookupError) and self.context.refused_hosts.reason(
                urlsplit(url).hostname or ""):
            return "refused_address"
        if "max size" in text.lower() or "DOWNLOAD_MAXSIZE" in text:
            return "too_large"
        return "fetch_failed"

    # -- requests -------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Any]:
        for request in self.start_requests_for_source():
            yield request
        for request in self.recheck_requests():
            yield request

    # -- corrections ----------------------------------------------------------------------
    def recheck_requests(self) -> Iterable[scrapy.Request]:
        """Conditional requests for this source's articles first fetched within the last
        ``recheck_days``: a 304 or the same body is no news; a changed body is a new version."""
        days = self.context.settings.recheck_days
        started = self.context.started or now_utc()
        if days <= 0:
            return
        pages, deferred = self.context.state.pages_to_recheck(
            self.source.id, started - timedelta(days=days), started,
            limit=self.context.settings.recheck_max)
        if deferred:
            self.stats_inc("kc/recheck_deferred", deferred)
        for page in pages:
            headers = {}
            if page.etag:
                headers["If-None-Match"] = page.etag
            if page.last_modified:
                headers["If-Modified-Since"] = page.last_modified
            yield scrapy.Request(page.url, callback=self.parse_recheck, errback=self.on_error,
                                 headers=headers, dont_filter=True,
                                 meta={"kc_recheck": page, "handle_httpstatus_list": [304]})

    def parse_recheck(self, response: Response) -> Iterable[dict[str, Any]]:
        page: PageVersion = response.meta["kc_recheck"]
        etag, modified = _validators(response)
        if response.status == 304:
            self.stats_inc("kc/unchanged")
            self.context.state.mark_checked(page.item_id, etag, modified)
            return
        for item in self.parse_article(response):
            if content_hash(item["text"]) == page.content_hash:
                self.stats_inc("kc/unchanged")
                self.context.state.mark_checked(page.item_id, etag, modified)
                continue
            # The same story under the same id, whatever its canonical link says now.
            item["id"] = page.item_id
            item["version"] = page.version + 1
            item["previous_hash"] = page.content_hash
            item["_revision"] = True
            self.note(f"bài đã sửa (article changed), phiên bản {page.version + 1}: {page.url}")
            yield item

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
            if not self.cap_noted:
                self.cap_noted = True
                self.note(f"đạt giới hạn max_items={self.source.options.max_items}: các bài còn "
                          "lại để lần sau (cap reached; the rest waits for the next run)")
            self.skip("cap_reached")
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
            self.fail(f"trang rỗng (empty page) {response.url}", "extraction_failed")
            return
        try:
            article = extract_article(
                response.body, response.url, rules=self.site_rules(),
                content_type=(response.headers.get("Content-Type") or b"").decode("latin-1"),
            )
        except JavaScriptOnlyPage as exc:
            self.fail(f"trang chỉ có JavaScript (JavaScript-only page) {response.url}: {exc}",
                      "js_only")
            return
        except ExtractionError as exc:
            self.fail(f"không trích xuất được (extraction failed) {response.url}: {exc}",
                      "extraction_failed")
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
        if article.warnings:
            metadata["extraction_notes"] = "; ".join(article.warnings)
        copy_of = None
        if article.canonical_elsewhere:
            # Another site's URL does not decide this page's id: it is kept as a copy of it.
            metadata["canonical_elsewhere"] = article.canonical_elsewhere
            copy_of = doc_id_for_url(article.canonical_elsewhere)
            self.stats_inc("kc/canonical_elsewhere")
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
            "duplicate_of": copy_of,
            "_aliases": sorted(aliases),
            "_validators": _validators(response),
            "_image_urls": [u for u in [lead_image_url(response.body, response.url)] if u],
        }


def _validators(response: Response) -> tuple[str | None, str | None]:
    """The response's ``ETag`` and ``Last-Modified``, for the next conditional request."""
    def header(name: bytes) -> str | None:
        value = response.headers.get(name)
        return value.decode("latin-1") if value else None

    return header(b"ETag"), header(b"Last-Modified")
