"""One politeness limit per host for a whole crawl run, whatever the number of sources.

Every crawler of a run (one per source) shares one ``HostLimits``: at most ``concurrency``
requests in flight to a host, and request starts at least ``delay`` seconds apart. When several
sources name the same host, the politest wish wins (the lowest concurrency, the longest delay).
Across processes and workers the same host is serialised by a Prefect global concurrency limit
(``flows.host_slots``).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import DeferredSemaphore
from twisted.internet.task import deferLater


@dataclass(frozen=True)
class HostLimit:
    """How hard one host may be asked: requests in flight, and seconds between starts."""

    concurrency: int
    delay: float

    def politest(self, other: HostLimit) -> HostLimit:
        return HostLimit(min(self.concurrency, other.concurrency), max(self.delay, other.delay))


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def limits_by_host(entries: Iterable[tuple[Iterable[str], HostLimit]]) -> dict[str, HostLimit]:
    """The combined limit of every host the sources' URLs name (``(urls, limit)`` per source)."""
    found: dict[str, HostLimit] = {}
    for urls, limit in entries:
        for url in urls:
            host = host_of(url)
            if host:
                found[host] = found[host].politest(limit) if host in found else limit
    return found


def next_start(now: float, earliest: float, delay: float) -> tuple[float, float]:
    """When a request may start, and the earliest start of the one after it."""
    start = max(now, earliest)
    return start, start + delay


class _Gate:
    def __init__(self, limit: HostLimit) -> None:
        self.limit = limit
        self.slots = DeferredSemaphore(limit.concurrency)
        self.earliest = 0.0


class HostLimits:
    """The run's gates, one per host; only touched from the reactor thread."""

    def __init__(self, known: dict[str, HostLimit] | None = None) -> None:
        self.known = dict(known or {})
        self._gates: dict[str, _Gate] = {}

    def limit_for(self, host: str, fallback: HostLimit) -> HostLimit:
        """The host's combined limit, or ``fallback`` (the asking source's own) if unknown."""
        gate = self._gates.get(host)
        if gate is not None:
            return gate.limit
        return self.known.get(host, fallback)

    async def enter(self, host: str, fallback: HostLimit) -> None:
        """Wait for a free slot and the host's delay; pair every call with ``leave``."""
        gate = self._gates.get(host)
        if gate is None:
            gate = self._gates[host] = _Gate(self.limit_for(host, fallback))
        await maybe_deferred_to_future(gate.slots.acquire())
        now = time.monotonic()
        start, gate.earliest = next_start(now, gate.earliest, gate.limit.delay)
        if start > now:
            from twisted.internet import reactor  # the one Scrapy installed, imported late

            await maybe_deferred_to_future(deferLater(reactor, start - now, lambda: None))

    def leave(self, host: str) -> None:
        gate = self._gates.get(host)
        if gate is not None:
            gate.slots.release()

    def in_flight(self, host: str) -> int:
        gate = self._gates.get(host)
        return 0 if gate is None else gate.limit.concurrency - gate.slots.tokens
