"""Refuse requests to non-HTTP schemes and to private, link-local or (unless allowed) loopback
addresses, including where a redirect points."""

from __future__ import annotations

import ipaddress
import logging
import socket
from functools import lru_cache

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached

logger = logging.getLogger(__name__)


class RefusedAddress(IgnoreRequest):
    """The request points somewhere the crawler must never go."""


@lru_cache(maxsize=4096)
def _addresses(host: str) -> tuple[str, ...]:
    try:
        return tuple({str(info[4][0]) for info in socket.getaddrinfo(host, None)})
    except (socket.gaierror, UnicodeError):
        return ()  # let the downloader report the DNS failure itself


def refusal(url_host: str, scheme: str, allow_loopback: bool) -> str | None:
    """Why a request to ``scheme://url_host`` is refused, or None when it is allowed."""
    if scheme not in {"http", "https"}:
        return f"scheme {scheme!r} is not http(s)"
    host = url_host.strip("[]")
    try:
        candidates: tuple[str, ...] = (str(ipaddress.ip_address(host)),)
    except ValueError:
        candidates = _addresses(host)
    for text in candidates:
        address = ipaddress.ip_address(text.split("%")[0])
        if address.is_loopback:
            if not allow_loopback:
                return f"{host} is a loopback address"
            continue
        if (address.is_private or address.is_link_local or address.is_multicast
                or address.is_reserved or address.is_unspecified):
            return f"{host} ({address}) is a private or link-local address"
    return None


class GuardAddressesMiddleware:
    """Runs before robots.txt and the download, so nothing at all is sent to a refused host."""

    def __init__(self, allow_loopback: bool, crawler: Crawler) -> None:
        self.allow_loopback = allow_loopback
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> GuardAddressesMiddleware:
        return cls(crawler.settings.getbool("KC_ALLOW_LOOPBACK"), crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        parts = urlparse_cached(request)
        reason = refusal(parts.hostname or "", parts.scheme, self.allow_loopback)
        if reason:
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("kc/refused")
            logger.warning("Refused %s: %s", request.url, reason)
            raise RefusedAddress(f"refused {request.url}: {reason}")
