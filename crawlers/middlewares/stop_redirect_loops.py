"""Stop a redirect that leads back to a URL of its own chain (A → B → A) and say so.

Without this, the request that closes the loop is dropped by Scrapy's duplicate filter and the
page is lost without a word. Runs just before Scrapy's redirect middleware sees the response.
"""

from __future__ import annotations

from urllib.parse import urljoin

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response

from core.ids import canonical_url

_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


class RedirectLoop(IgnoreRequest):
    """A redirect points back into its own chain."""


class StopRedirectLoopsMiddleware:
    """Raises ``RedirectLoop`` for a redirect to a URL already in the request's chain."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StopRedirectLoopsMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response,
                         spider: Spider | None = None) -> Response:
        location = response.headers.get(b"Location")
        if response.status not in _REDIRECT_STATUSES or not location:
            return response
        target = canonical_url(urljoin(request.url, location.decode("latin-1").strip()))
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if target in {canonical_url(url) for url in chain}:
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("kc/redirect_loops")
            path = " → ".join([*chain, target])
            raise RedirectLoop(f"redirect loop: {path}")
        return response
