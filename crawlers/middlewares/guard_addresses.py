"""Refuse requests to non-HTTP schemes and to hosts the address policy forbids, before anything
(robots.txt included) is sent; also where a redirect points.

Host names are checked where they are resolved (``crawlers.net.resolver``), so the address
checked is the address connected to; this middleware refuses what needs no lookup (a scheme, an
IP literal) and hosts the resolver already refused in this run.
"""

from __future__ import annotations

import logging
from urllib.parse import urljoin, urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.httpobj import urlparse_cached

from crawlers.net.address_policy import url_refusal
from crawlers.net.resolver import RefusedHosts

logger = logging.getLogger(__name__)


class RefusedAddress(IgnoreRequest):
    """The request points somewhere the crawler must never go."""


class GuardAddressesMiddleware:
    """Runs before robots.txt and the download, so nothing at all is sent to a refused host."""

    def __init__(self, allow_loopback: bool, refused: RefusedHosts, crawler: Crawler) -> None:
        self.allow_loopback = allow_loopback
        self.refused = refused
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> GuardAddressesMiddleware:
        context = crawler.settings.get("KC_CONTEXT")
        refused = getattr(context, "refused_hosts", None) or RefusedHosts()
        return cls(crawler.settings.getbool("KC_ALLOW_LOOPBACK"), refused, crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        parts = urlparse_cached(request)
        host = parts.hostname or ""
        reason = (url_refusal(parts.scheme, host, allow_loopback=self.allow_loopback)
                  or self.refused.reason(host))
        if reason:
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("kc/refused")
            logger.warning("Refused %s: %s", request.url, reason)
            raise RefusedAddress(f"refused {request.url}: {reason}")

    def process_response(self, request: Request, response: Response,
                         spider: Spider | None = None) -> Response:
        """A redirect to another scheme (``file:``, ``ftp:``) is refused by name, not left to
        end as an unexplained 3xx."""
        location = response.headers.get(b"Location")
        if 300 <= response.status < 400 and location:
            target = urljoin(request.url, location.decode("latin-1").strip())
            scheme = urlsplit(target).scheme
            if scheme not in {"http", "https"}:
                assert self.crawler.stats is not None
                self.crawler.stats.inc_value("kc/refused")
                raise RefusedAddress(f"refused redirect to {target}: scheme {scheme!r} is not "
                                     "http(s)")
        return response
