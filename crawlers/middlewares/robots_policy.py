"""What to do when robots.txt itself cannot be read, on top of Scrapy's own robots.txt handling.

Policy (after RFC 9309 §2.3.1): a 4xx answer means there are no rules, so the site may be
crawled; a 5xx answer or a network failure means the rules are unreachable, so nothing on that
host is fetched in this run (and the source's window does not move, see ``crawlers.run``).

Scrapy's ``RobotsTxtMiddleware`` fetches and applies robots.txt; it parses a 5xx body as if it
were rules and treats an unreachable robots.txt as "no rules". This middleware runs right after
it and uses only public interfaces: the ``response_received`` signal tells it what each
robots.txt request answered, and by the time a request reaches it, Scrapy's middleware has
awaited the robots.txt of its host, so "no answer recorded" means the fetch failed.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.httpobj import urlparse_cached

from crawlers.middlewares.guard_addresses import RefusedAddress
from crawlers.net.resolver import RefusedHosts

logger = logging.getLogger(__name__)


class RobotsUnavailable(IgnoreRequest):
    """The host's robots.txt could not be read; nothing on it is fetched in this run."""


def _robots_netloc(request: Request) -> str | None:
    """The host a robots.txt request was made for, or None for any other request."""
    if not request.meta.get("dont_obey_robotstxt"):
        return None
    first = (request.meta.get("redirect_urls") or [request.url])[0]
    parts = urlsplit(first)
    return parts.netloc if parts.path == "/robots.txt" else None


class RobotsPolicyMiddleware:
    """Refuses requests to hosts whose robots.txt answered 5xx or could not be fetched."""

    def __init__(self, crawler: Crawler, refused: RefusedHosts) -> None:
        self.crawler = crawler
        self.refused = refused
        self.answers: dict[str, int] = {}
        self.reported: set[str] = set()
        crawler.signals.connect(self._on_response, signal=signals.response_received)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RobotsPolicyMiddleware:
        context = crawler.settings.get("KC_CONTEXT")
        return cls(crawler, getattr(context, "refused_hosts", None) or RefusedHosts())

    def _on_response(self, response: Response, request: Request, spider: Spider) -> None:
        netloc = _robots_netloc(request)
        if netloc is None:
            return
        self.answers[netloc] = response.status
        if 400 <= response.status < 500:
            logger.info("robots.txt of %s answered HTTP %s: no rules, crawling allowed",
                        netloc, response.status)
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("kc/robots_missing")

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if request.meta.get("dont_obey_robotstxt") or not self.crawler.settings.getbool(
                "ROBOTSTXT_OBEY"):
            return
        parts = urlparse_cached(request)
        if parts.scheme not in {"http", "https"}:
            return
        status = self.answers.get(parts.netloc)
        if status is not None and status < 500:
            return
        refused = self.refused.reason(parts.hostname or "")
        if refused:  # robots.txt failed because the address is refused: say that instead
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("kc/refused")
            raise RefusedAddress(f"refused {request.url}: {refused}")
        why = (f"robots.txt answered HTTP {status}" if status is not None
               else "robots.txt unreachable (no answer)")
        if parts.netloc not in self.reported:
            self.reported.add(parts.netloc)
            message = f"{parts.netloc}: {why}; policy: nothing on this host is fetched in this run"
            logger.warning(message)
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("kc/robots_unreachable")
            spider_now = self.crawler.spider
            if spider_now is not None and hasattr(spider_now, "note"):
                spider_now.note(message)
        raise RobotsUnavailable(f"{why}: {request.url}")
