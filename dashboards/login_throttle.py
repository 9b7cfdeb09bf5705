"""Sign-in throttling: failed passwords counted per account and per client address.

More than ``limit`` failures within ``window`` seconds locks that account (or address) for a
back-off that starts at ``window`` and doubles with each further lock, up to ``max_backoff``.
While locked, sign-in is refused before any password is checked, even the right one, so a
guesser learns nothing and costs no hashing. A successful sign-in clears the account's count.
The counts live in the app's memory: a restart forgets them, and nothing else needs them.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

ACCOUNT_LIMIT: Final = 10
# Several people may share an office's address; an address alone gets more tries.
ADDRESS_LIMIT: Final = 30
WINDOW_SECONDS: Final = 60.0
MAX_BACKOFF_SECONDS: Final = 15 * 60.0
# Tracked keys beyond this are forgotten oldest first, so a flood of made-up names and
# addresses cannot grow the table without bound.
MAX_TRACKED: Final = 50_000


@dataclass
class _Record:
    failures: deque[float] = field(default_factory=deque)
    locked_until: float = 0.0
    locks: int = 0
    last_seen: float = 0.0


class LoginThrottle:
    """Counts failed sign-ins and says how long an account or address must wait."""

    def __init__(
        self,
        *,
        account_limit: int = ACCOUNT_LIMIT,
        address_limit: int = ADDRESS_LIMIT,
        window: float = WINDOW_SECONDS,
        max_backoff: float = MAX_BACKOFF_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.account_limit = account_limit
        self.address_limit = address_limit
        self.window = window
        self.max_backoff = max_backoff
        self.clock = clock
        self._records: dict[tuple[str, str], _Record] = {}
        self._lock = threading.Lock()

    def wait_seconds(self, account: str, address: str) -> float:
        """Seconds before this account may try from this address again (0: it may now)."""
        now = self.clock()
        with self._lock:
            waits = [
                record.locked_until - now
                for record in (self._records.get(key) for key in _keys(account, address))
                if record is not None
            ]
        return max([0.0, *waits])

    def failed(self, account: str, address: str) -> None:
        """One wrong password: counted for the account and for the address."""
        now = self.clock()
        with self._lock:
            for key, limit in zip(
                _keys(account, address), (self.account_limit, self.address_limit), strict=True
            ):
                record = self._records.get(key)
                if record is None:
                    record = self._records[key] = _Record()
                self._count(record, now, limit)
            if len(self._records) > MAX_TRACKED:
                self._forget_oldest()

    def succeeded(self, account: str) -> None:
        """The right password: the account starts afresh (its address keeps its count)."""
        with self._lock:
            self._records.pop(("account", account.lower()), None)

    def _count(self, record: _Record, now: float, limit: int) -> None:
        record.last_seen = now
        if now - record.locked_until > self.max_backoff * 2:
            record.locks = 0  # a long quiet spell: the next lock starts short again
        record.failures.append(now)
        while record.failures and record.failures[0] <= now - self.window:
            record.failures.popleft()
        if len(record.failures) >= limit:
            backoff = min(self.window * 2**record.locks, self.max_backoff)
            record.locked_until = now + backoff
            record.locks += 1
            record.failures.clear()

    def _forget_oldest(self) -> None:
        by_age = sorted(self._records.items(), key=lambda pair: pair[1].last_seen)
        for key, _record in by_age[: len(by_age) - MAX_TRACKED // 2]:
            del self._records[key]


def _keys(account: str, address: str) -> tuple[tuple[str, str], tuple[str, str]]:
    return ("account", account.lower()), ("address", address)
