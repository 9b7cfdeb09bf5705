"""Conditional requests for entry pages (feeds, sitemaps, listing pages, API pages): every crawl
asks again with ``If-None-Match`` / ``If-Modified-Since`` from the last answer, and a ``304 Not
Modified`` is answered from the kept copy, so a frequent watch cycle costs the site a few
hundred bytes when nothing changed.

A policy for Scrapy's own ``HttpCacheMiddleware``: only entry requests are kept, only answers
that carry a validator (``ETag`` or ``Last-Modified``), and a kept copy is never used without
asking the site first (no freshness heuristics: a watch must not miss a new item because a
feed looked fresh for another hour). An error answer is never hidden behind the kept copy.
Article pages are not kept: they are fetched once and marked seen.
"""

from __future__ import annotations

from scrapy.extensions.httpcache import RFC2616Policy
from scrapy.http import Request, Response


class RevalidateEntriesPolicy(RFC2616Policy):
    """Keep entry pages with validators; always revalidate; use the copy only on a 304."""

    def should_cache_request(self, request: Request) -> bool:
        return bool(request.meta.get("kc_entry")) and super().should_cache_request(request)

    def should_cache_response(self, response: Response, request: Request) -> bool:
        has_validator = b"ETag" in response.headers or b"Last-Modified" in response.headers
        return (response.status == 200 and has_validator
                and super().should_cache_response(response, request))

    def is_cached_response_fresh(self, cachedresponse: Response, request: Request) -> bool:
        self._set_conditional_validators(request, cachedresponse)
        return False

    def is_cached_response_valid(
        self, cachedresponse: Response, response: Response, request: Request
    ) -> bool:
        return response.status == 304
