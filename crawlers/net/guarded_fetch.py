"""Fetch one URL outside Scrapy (``kiemchung extract``, images, one-off API calls), guarded.

Each hop of the redirect chain is checked the same way: the scheme must be http(s), the host
name is resolved once, every address it resolved to must pass the address policy, and the
connection goes to that checked address (the Host header and TLS server name stay the host
name), so no second DNS lookup can send it elsewhere. One deadline covers the whole chain
(lookups, connects, reads) and the body is refused past a size cap. Proxies from the
environment are ignored: a proxy would resolve names out of the policy's sight.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from crawlers.net.address_policy import AddressRefused, first_refusal, url_refusal

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK = 65_536


class FetchError(OSError):
    """The fetch failed for a reason other than the policy (network, deadline, size, status)."""


@dataclass(frozen=True)
class FetchLimits:
    """Bounds of one guarded fetch."""

    deadline_seconds: float = 30.0
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5


@dataclass
class Fetched:
    """The final response of a fetch and the chain of URLs that led to it."""

    url: str
    status: int
    body: bytes
    content_type: str | None
    chain: list[str] = field(default_factory=list)


class _PinnedConnection(http.client.HTTPConnection):
    """An HTTP connection to a host name, made to one address chosen in advance."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedTLSConnection(_PinnedConnection):
    """The same over TLS, verifying the certificate for the host name (SNI)."""

    def __init__(self, host: str, port: int, address: str, timeout: float,
                 context: ssl.SSLContext) -> None:
        super().__init__(host, port, address, timeout)
        self.context = context

    def connect(self) -> None:
        super().connect()
        self.sock = self.context.wrap_socket(self.sock, server_hostname=self.host)


class _Deadline:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.ends = time.monotonic() + seconds

    def left(self) -> float:
        remaining = self.ends - time.monotonic()
        if remaining <= 0:
            raise FetchError(f"deadline of {self.seconds:g} s passed")
        return remaining


def _resolve(host: str, port: int, deadline: _Deadline) -> list[str]:
    """Every address ``host`` resolves to, looked up once, within the deadline."""
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        future = pool.submit(socket.getaddrinfo, host, port, 0, socket.SOCK_STREAM)
        infos = future.result(timeout=deadline.left())
    except FutureTimeout as exc:
        raise FetchError(f"DNS lookup of {host} passed the deadline") from exc
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"cannot resolve {host}: {exc}") from exc
    finally:
        pool.shutdown(wait=False)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _open(url: str, headers: dict[str, str], allow_loopback: bool, deadline: _Deadline,
          ) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
    parts = urlsplit(url)
    host = parts.hostname or ""
    reason = url_refusal(parts.scheme, host, allow_loopback=allow_loopback)
    if reason:
        raise AddressRefused(f"refused {url}: {reason}")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise FetchError(f"bad port in {url}") from exc
    addresses = _resolve(host, port, deadline)
    reason = first_refusal(addresses, allow_loopback=allow_loopback)
    if reason:
        raise AddressRefused(f"refused {url}: {host} resolves to {reason}")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    errors = []
    for address in addresses:
        connection: http.client.HTTPConnection
        if parts.scheme == "https":
            connection = _PinnedTLSConnection(host, port, address, deadline.left(),
                                              ssl.create_default_context())
        else:
            connection = _PinnedConnection(host, port, address, deadline.left())
        try:
            connection.request("GET", path, headers=headers)
            return connection, connection.getresponse()
        except (OSError, http.client.HTTPException) as exc:
            connection.close()
            errors.append(f"{address}: {exc}")
    raise FetchError(f"cannot fetch {url}: {'; '.join(errors)}")


def _read(response: http.client.HTTPResponse, url: str, limits: FetchLimits,
          deadline: _Deadline, connection: http.client.HTTPConnection) -> bytes:
    declared = response.getheader("Content-Length")
    if declared and declared.isdigit() and int(declared) > limits.max_bytes:
        raise FetchError(f"{url} is too large: {declared} bytes (cap {limits.max_bytes})")
    chunks: list[bytes] = []
    size = 0
    while True:
        if connection.sock is not None:
            connection.sock.settimeout(deadline.left())
        chunk = response.read(_CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limits.max_bytes:
            raise FetchError(f"{url} is too large: over {limits.max_bytes} bytes")
        chunks.append(chunk)


def guarded_get(url: str, *, user_agent: str, allow_loopback: bool = False,
                limits: FetchLimits | None = None) -> Fetched:
    """GET ``url`` under the address policy, following redirects hop by hop.

    Raises ``AddressRefused`` when any hop points somewhere forbidden, ``FetchError`` for a
    network failure, the deadline, the size cap, too many redirects or a loop.
    """
    limits = limits or FetchLimits()
    deadline = _Deadline(limits.deadline_seconds)
    headers = {"User-Agent": user_agent, "Accept-Encoding": "identity",
               "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    chain: list[str] = []
    current = url
    while True:
        chain.append(current)
        connection, response = _open(current, headers, allow_loopback, deadline)
        try:
            location = response.getheader("Location")
            if response.status in _REDIRECTS and location:
                target = urljoin(current, location.strip())
                if target in chain:
                    raise FetchError(f"redirect loop: {' → '.join([*chain, target])}")
                if len(chain) > limits.max_redirects:
                    raise FetchError(f"more than {limits.max_redirects} redirects from {url}")
                current = target
                continue
            try:
                body = _read(response, current, limits, deadline, connection)
            except TimeoutError as exc:
                raise FetchError(f"deadline of {limits.deadline_seconds:g} s passed") from exc
            return Fetched(url=current, status=response.status, body=body,
                           content_type=response.getheader("Content-Type"), chain=chain)
        finally:
            connection.close()
