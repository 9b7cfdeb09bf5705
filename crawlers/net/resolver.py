"""The crawler's name resolver: answers only with addresses the address policy allows.

Scrapy connects to whatever the reactor's resolver returns, so checking here means the address
that was checked is the address connected to: no second lookup a DNS answer could change in
between (DNS rebinding). It is installed through Scrapy's ``TWISTED_DNS_RESOLVER`` setting. A
refused host gets no address at all, so its request fails with a DNS lookup error; the reason is
kept in the run's ``RefusedHosts`` so the summary can say "refused address" and why.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import Any

from twisted.internet.address import IPv4Address, IPv6Address
from twisted.internet.interfaces import (
    IAddress,
    IHostnameResolver,
    IHostResolution,
    IResolutionReceiver,
)
from zope.interface import implementer, provider

from crawlers.net.address_policy import first_refusal

logger = logging.getLogger(__name__)


class RefusedHosts:
    """Host names the policy refused in this run, with the reason (shared by all crawlers)."""

    def __init__(self) -> None:
        self._reasons: dict[str, str] = {}
        self._lock = threading.Lock()

    def add(self, host: str, reason: str) -> None:
        with self._lock:
            self._reasons[host.lower()] = reason

    def reason(self, host: str) -> str | None:
        with self._lock:
            return self._reasons.get(host.lower())


@provider(IResolutionReceiver)
class _CheckingReceiver:
    """Collects the addresses of one lookup and passes them on only if all are allowed."""

    def __init__(self, receiver: Any, host: str, resolver: GuardedResolver) -> None:
        self.receiver = receiver
        self.host = host
        self.resolver = resolver
        self.addresses: list[IAddress] = []

    def resolutionBegan(self, resolution: IHostResolution) -> None:  # noqa: N802 (Twisted API)
        self.receiver.resolutionBegan(resolution)

    def addressResolved(self, address: IAddress) -> None:  # noqa: N802
        self.addresses.append(address)

    def resolutionComplete(self) -> None:  # noqa: N802
        hosts = [str(getattr(address, "host", "")) for address in self.addresses]
        reason = first_refusal(hosts, allow_loopback=self.resolver.allow_loopback)
        if reason:
            logger.warning("Refused host %s: %s", self.host, reason)
            self.resolver.refused.add(self.host, reason)
        else:
            for address in self.addresses:
                if isinstance(address, IPv4Address | IPv6Address):
                    self.receiver.addressResolved(address)
        self.receiver.resolutionComplete()


@implementer(IHostnameResolver)
class GuardedResolver:
    """Wraps the reactor's own resolver (getaddrinfo in a thread) with the address policy."""

    def __init__(self, reactor: Any, allow_loopback: bool, refused: RefusedHosts) -> None:
        self.reactor = reactor
        self.allow_loopback = allow_loopback
        self.refused = refused
        self.original = reactor.nameResolver

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> GuardedResolver:
        context = crawler.settings.get("KC_CONTEXT")
        refused = getattr(context, "refused_hosts", None) or RefusedHosts()
        return cls(reactor, crawler.settings.getbool("KC_ALLOW_LOOPBACK"), refused)

    def install_on_reactor(self) -> None:
        self.reactor.installNameResolver(self)

    def resolveHostName(  # noqa: N802 (Twisted API)
        self,
        resolutionReceiver: Any,  # noqa: N803 (an IResolutionReceiver)
        hostName: str,  # noqa: N803
        portNumber: int = 0,  # noqa: N803
        addressTypes: Sequence[type[IAddress]] | None = None,  # noqa: N803
        transportSemantics: str = "TCP",  # noqa: N803
    ) -> IHostResolution:
        receiver = _CheckingReceiver(resolutionReceiver, hostName, self)
        return self.original.resolveHostName(
            receiver, hostName, portNumber, addressTypes, transportSemantics
        )
