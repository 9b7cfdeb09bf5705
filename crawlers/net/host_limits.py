"""One politeness limit per host for a whole crawl run, whatever the number of sources.

Every crawler of a run (one per source) shares one ``HostLimits``: at most ``concurrency``
requests in flight to a host, and request starts at least ``delay`` seconds apart. When several
sources name the same host, the politest wish wins (the lowest concurrency, the longest delay).
Across processes and workers sharing a data directory, the same limit holds through lock files
(``crawlers.net.host_slots``): a slot is taken there too, and the delay is booked there.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import DeferredSemaphore
from twisted.internet.task import deferLater

from crawlers.net.host_slots import HostSlots

#: How often a request waiting for a slot another process holds looks again.
_POLL_SECONDS = 0.05


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
    """The run's gates, one per host; only touched from the reactor thread. With ``shared``,
    the limits also hold against other crawl processes using the same lock files."""

    def __init__(self, known: dict[str, HostLimit] | None = None,
                 shared: HostSlots | None = None) -> None:
        self.known = dict(known or {})
        self.shared = shared
        self._gates: dict[str, _Gate] = {}

    def limit_for(self, host: str, fallback: HostLimit) -> HostLimit:
        """The host's combined limit, or ``fallback`` (the asking source's own) if unknown."""
        gate = self._gates.get(host)
        if gate is not None:
            return gate.limit
        return self.known.get(host, fallback)

    async def enter(self, host: str, fallback: HostLimit) -> int | None:
        """Wait for a free slot and the host's delay. Returns the token to give to ``leave``
        (the shared slot held, if any); every call must be paired with ``leave``."""
        gate = self._gates.get(host)
        if gate is None:
            gate = self._gates[host] = _Gate(self.limit_for(host, fallback))
        await maybe_deferred_to_future(gate.slots.acquire())
        token = None
        try:
            if self.shared is not None:
                while (token := self.shared.try_take(host, gate.limit.concurrency)) is None:
                    await _sleep(_POLL_SECONDS)
                now = time.time()
                start = self.shared.reserve_start(host, now, gate.limit.delay)
            else:
                now = time.monotonic()
                start, gate.earliest = next_start(now, gate.earliest, gate.limit.delay)
            if start > now:
                await _sleep(start - now)
        except BaseException:
            self.leave(host, token)
            raise
        return token

    def leave(self, host: str, token: int | None) -> None:
        if token is not None and self.shared is not None:
            self.shared.give_back(token)
        gate = self._gates.get(host)
        if gate is not None:
            gate.slots.release()


async def _sleep(seconds: float) -> None:
    from twisted.internet import reactor  # the one Scrapy installed, imported late

    await maybe_deferred_to_future(deferLater(reactor, seconds, lambda: None))
