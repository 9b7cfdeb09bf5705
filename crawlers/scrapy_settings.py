"""Scrapy settings for a run: polite defaults, our middlewares and the pipeline order."""

from __future__ import annotations

from typing import Any

from core.settings import Settings
from crawlers.context import RunContext
from crawlers.sources import Source

ITEM_PIPELINES: dict[str, int] = {
    "crawlers.pipelines.normalise_text.NormaliseTextPipeline": 100,
    "crawlers.pipelines.pseudonymise_authors.PseudonymiseAuthorsPipeline": 150,
    "crawlers.pipelines.filter_window.FilterWindowPipeline": 200,
    "crawlers.pipelines.drop_seen.DropSeenPipeline": 300,
    "crawlers.pipelines.fetch_images.FetchImagesPipeline": 350,
    "crawlers.pipelines.link_copies.LinkCopiesPipeline": 400,
    "crawlers.pipelines.write_jsonl.WriteJsonlPipeline": 500,
}

DOWNLOADER_MIDDLEWARES: dict[str, int | None] = {
    "crawlers.middlewares.guard_addresses.GuardAddressesMiddleware": 50,
    # Scrapy's RobotsTxtMiddleware stays at its default 100; our policy runs right after it.
    "crawlers.middlewares.robots_policy.RobotsPolicyMiddleware": 110,
    # Responses pass middlewares in decreasing order: this sees a redirect before Scrapy's
    # RedirectMiddleware (600) follows it.
    "crawlers.middlewares.stop_redirect_loops.StopRedirectLoopsMiddleware": 610,
    # Last before the download and first on the way back: every slot it takes is given back.
    "crawlers.middlewares.share_host_limits.ShareHostLimitsMiddleware": 960,
}


def user_agent(settings: Settings) -> str:
    """Our User-Agent, always naming the contact URL from settings."""
    agent = settings.user_agent
    if settings.contact_url and settings.contact_url not in agent:
        agent = f"{agent} (+{settings.contact_url})"
    return agent


def base_settings(settings: Settings, context: RunContext) -> dict[str, Any]:
    """Settings every crawler of a run shares."""
    return {
        "BOT_NAME": "kiemchung",
        "USER_AGENT": user_agent(settings),
        "ROBOTSTXT_OBEY": True,
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
        "AUTOTHROTTLE_MAX_DELAY": 60.0,
        "CONCURRENT_REQUESTS": 8,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
        "COOKIES_ENABLED": False,
        # Retries belong to the scheduler (Prefect): a URL that failed is not marked seen,
        # so the next run tries it again.
        "RETRY_ENABLED": False,
        "REDIRECT_MAX_TIMES": 5,
        "DOWNLOAD_TIMEOUT": 30,
        "DOWNLOAD_MAXSIZE": 5 * 1024 * 1024,
        "DOWNLOAD_WARNSIZE": 2 * 1024 * 1024,
        "DNS_TIMEOUT": 20,
        # Every host name is resolved by the address policy's resolver; a proxy would resolve
        # names itself, out of the policy's sight, so none is used.
        "TWISTED_DNS_RESOLVER": "crawlers.net.resolver.GuardedResolver",
        "HTTPPROXY_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "INFO",
        "HTTPERROR_ALLOW_ALL": False,
        "ITEM_PIPELINES": ITEM_PIPELINES,
        "DOWNLOADER_MIDDLEWARES": DOWNLOADER_MIDDLEWARES,
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
        "KC_CONTEXT": context,
        "KC_ALLOW_LOOPBACK": settings.allow_loopback,
        "KC_PSEUDONYM_KEY": settings.pseudonym_key,
        # Feeds, sitemaps and listing pages are asked with their validators (a watch's cycle
        # costs a 304 when nothing changed); see crawlers/revalidate_entries.py.
        "HTTPCACHE_ENABLED": True,
        "HTTPCACHE_POLICY": "crawlers.revalidate_entries.RevalidateEntriesPolicy",
        "HTTPCACHE_DIR": str(settings.data_dir / "httpcache"),
    }


def source_settings(source: Source) -> dict[str, Any]:
    """The per-source part: rate, concurrency, timeout and size cap from its options."""
    options = source.options
    max_bytes = int(options.max_body_mb * 1024 * 1024)
    return {
        "DOWNLOAD_DELAY": options.delay,
        "AUTOTHROTTLE_START_DELAY": max(options.delay, 0.01),
        "CONCURRENT_REQUESTS_PER_DOMAIN": options.concurrency,
        "DOWNLOAD_TIMEOUT": options.timeout,
        "DOWNLOAD_MAXSIZE": max_bytes,
        "DOWNLOAD_WARNSIZE": max_bytes // 2,
    }
