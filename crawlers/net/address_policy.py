"""Which IP addresses any fetch may connect to: globally routable ones only.

Every fetch of Kiểm Chứng (the Scrapy crawler through its resolver, ``kiemchung extract``,
social APIs, images) asks this module about each address a host name resolved to, and about
every redirect hop. ``ipaddress``'s ``is_global`` is the base; the ranges it lets through are
added here: shared address space (100.64.0.0/10, where one cloud keeps its metadata service),
the IETF protocol block 192.0.0.0/24, multicast, local-use NAT64, and IPv6 forms that carry an
IPv4 address inside (IPv4-mapped, 6to4, NAT64), whose embedded address is checked in turn.
Loopback is allowed only when the caller says so (tests and the demo).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_EXTRA_REFUSED = tuple(ipaddress.ip_network(net) for net in (
    "100.64.0.0/10",    # shared address space (carrier NAT; 100.100.100.200 is a metadata API)
    "192.0.0.0/24",     # IETF protocol assignments
    "64:ff9b:1::/48",   # local-use NAT64 (RFC 8215)
))
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class AddressRefused(ValueError):
    """A fetch would connect to an address the policy forbids; the message says which and why."""


def parse_address(text: str) -> IPAddress | None:
    """The address written in ``text`` (brackets and an IPv6 zone allowed), or None."""
    try:
        return ipaddress.ip_address(text.strip().strip("[]").split("%", 1)[0])
    except ValueError:
        return None


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def address_refusal(address: IPAddress, *, allow_loopback: bool = False) -> str | None:
    """Why connecting to ``address`` is refused, or None when it is allowed.

    >>> address_refusal(ipaddress.ip_address("100.100.100.200"))
    '100.100.100.200 is not a public address (100.64.0.0/10)'
    >>> address_refusal(ipaddress.ip_address("::ffff:127.0.0.1"), allow_loopback=True) is None
    True
    """
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            if address.ipv4_mapped is not None:  # connects straight to the IPv4 address
                return address_refusal(embedded, allow_loopback=allow_loopback)
            inner = address_refusal(embedded, allow_loopback=False)
            return f"{address} carries {inner}" if inner else None
    if address.is_loopback:
        return None if allow_loopback else f"{address} is a loopback address"
    for network in _EXTRA_REFUSED:
        if address.version == network.version and address in network:
            return f"{address} is not a public address ({network})"
    if address.is_multicast:
        return f"{address} is a multicast address"
    if not address.is_global:
        return f"{address} is not a public address (private, link-local or reserved)"
    return None


def first_refusal(addresses: Iterable[str], *, allow_loopback: bool = False) -> str | None:
    """The reason to refuse a host whose name resolved to ``addresses`` (any bad answer
    refuses the host: a name that also points inward is not to be trusted), or None."""
    for text in addresses:
        address = parse_address(text)
        if address is None:
            return f"{text!r} is not an IP address"
        reason = address_refusal(address, allow_loopback=allow_loopback)
        if reason:
            return reason
    return None


def url_refusal(scheme: str, host: str, *, allow_loopback: bool = False) -> str | None:
    """Why a URL is refused before any lookup: a scheme other than http(s), no host, or a
    host written as a forbidden IP address. Host names are checked after resolution."""
    if scheme.lower() not in {"http", "https"}:
        return f"scheme {scheme!r} is not http(s)"
    if not host:
        return "the URL has no host"
    address = parse_address(host)
    if address is not None:
        return address_refusal(address, allow_loopback=allow_loopback)
    return None
