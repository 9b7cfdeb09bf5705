"""Password checks on threads of their own, few of them, with a short queue.

An argon2 check costs tens of milliseconds of CPU on purpose. Run in the shared thread pool,
a flood of sign-ins would hold every thread and leave the reviewers' pages waiting; so checks
run under a separate limit of half the CPUs (at least one), the queue in front of it holds a
bounded number of attempts, and beyond that a sign-in is answered "busy, try again" at once.
Pages keep the shared pool and at least half the machine, however many guesses arrive.

One client address may hold only a few places (running or waiting) at a time: a guesser who
fires many sign-ins at once is told "busy" beyond its share, and the queue stays open to
everyone else (the login throttle then locks the guesser's address once its failures count).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from typing import Final, TypeVar

from anyio import CapacityLimiter, to_thread

T = TypeVar("T")

#: Attempts that may wait for a free checker before new ones are turned away.
MAX_WAITING: Final = 32
#: Places (running or waiting) one client address may hold at once.
PER_CLIENT: Final = 4


class Busy(RuntimeError):
    """Too many password checks waiting (overall, or from this client); try again shortly."""


class PasswordChecks:
    """Runs password work (hash, verify) with at most ``workers`` at a time.

    Use it from one event loop (the app's): the places per client are counted there."""

    def __init__(self, workers: int | None = None, max_waiting: int = MAX_WAITING,
                 per_client: int = PER_CLIENT) -> None:
        if workers is not None and workers < 1:
            raise ValueError("at least one password checker")
        self.workers = workers or max(1, (os.cpu_count() or 2) // 2)
        self.max_waiting = max_waiting
        self.per_client = per_client
        self._limiter: CapacityLimiter | None = None
        self._held: Counter[str] = Counter()
        self._in_flight = 0

    @property
    def limiter(self) -> CapacityLimiter:
        if self._limiter is None:
            self._limiter = CapacityLimiter(self.workers)
        return self._limiter

    async def run(self, work: Callable[..., T], *args: object, client: str = "-") -> T:
        """``work(*args)`` on a checker thread; ``Busy`` if the queue is already full or
        ``client`` already holds its share of places."""
        # Counted here, not read from the limiter: attempts arriving in one burst all pass
        # before the first of them reaches the limiter's queue.
        if self._in_flight >= self.workers + self.max_waiting:
            raise Busy("too many sign-ins in progress")
        if self._held[client] >= self.per_client:
            raise Busy("too many sign-ins in progress from this address")
        self._in_flight += 1
        self._held[client] += 1
        try:
            return await to_thread.run_sync(work, *args, limiter=self.limiter)
        finally:
            self._in_flight -= 1
            self._held[client] -= 1
            if not self._held[client]:
                del self._held[client]
