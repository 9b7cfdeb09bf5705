"""robots.txt with a stated policy for when robots.txt itself fails.

Policy (after RFC 9309 §2.3.1): a 4xx answer means there are no rules, so the site may be
crawled; a 5xx answer or a network failure means the rules are unreachable, so nothing on that
host is fetched in this run. Either case is logged and counted.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import Request, Response
from twisted.internet.defer import Deferred

logger = logging.getLogger(__name__)


class _DisallowAll:
    """A robots parser that forbids everything."""

    def allowed(self, url: str | bytes, user_agent: str | bytes) -> bool:
        return False


class RobotsPolicyMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware with the policy above."""

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        if response.status >= 500:
            self._disallow(netloc, f"robots.txt answered HTTP {response.status}")
            self._stats.inc_value("robotstxt/response_count")
            return
        if 400 <= response.status < 500:
            logger.info("robots.txt of %s answered HTTP %s: no rules, crawling allowed",
                        netloc, response.status)
            self._stats.inc_value("kc/robots_missing")
        await super()._parse_robots(response, netloc, request)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        self._disallow(netloc, f"robots.txt unreachable ({type(exc).__name__}: {exc})")

    def _disallow(self, netloc: str, why: str) -> None:
        message = f"{netloc}: {why}; policy: nothing on this host is fetched in this run"
        logger.warning(message)
        self._stats.inc_value("kc/robots_unreachable")
        spider = self.crawler.spider
        if spider is not None and hasattr(spider, "note"):
            spider.note(message)
        deferred = self._parsers[netloc]
        parser: Any = _DisallowAll()
        self._parsers[netloc] = parser
        if isinstance(deferred, Deferred):
            deferred.callback(parser)
