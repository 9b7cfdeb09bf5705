"""Hold every request to a host behind the run's shared per-host limit (``HostLimits``).

Installed last before the download (after redirects, retries and the cache), so its
``process_response`` and ``process_exception`` run first on the way back and the slot is always
given back, whatever a later middleware makes of the answer.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.utils.httpobj import urlparse_cached

from crawlers.net.host_limits import HostLimit, HostLimits

_HELD = "kc_host_slot"


class ShareHostLimitsMiddleware:
    """Scrapy limits each crawler on its own; this makes the limit one per host for the run."""

    def __init__(self, limits: HostLimits, crawler: Crawler) -> None:
        self.limits = limits
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ShareHostLimitsMiddleware:
        context = crawler.settings.get("KC_CONTEXT")
        limits = getattr(context, "host_limits", None) or HostLimits()
        return cls(limits, crawler)

    def _own_limit(self) -> HostLimit:
        source = getattr(self.crawler.spider, "source", None)
        if source is None:
            return HostLimit(concurrency=1, delay=1.0)
        return HostLimit(source.options.concurrency, source.options.delay)

    async def process_request(self, request: Request) -> None:
        host = (urlparse_cached(request).hostname or "").lower()
        token = await self.limits.enter(host, self._own_limit())
        request.meta[_HELD] = (host, token)

    def _give_back(self, request: Request) -> None:
        held = request.meta.pop(_HELD, None)
        if held is not None:
            self.limits.leave(*held)

    def process_response(self, request: Request, response: Response) -> Response:
        self._give_back(request)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._give_back(request)
