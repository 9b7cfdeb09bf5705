"""Password checks on threads of their own, few of them, with a short queue.

An argon2 check costs tens of milliseconds of CPU on purpose. Run in the shared thread pool,
a flood of sign-ins would hold every thread and leave the reviewers' pages waiting; so checks
run under a separate limit of half the CPUs (at least one), the queue in front of it holds a
bounded number of attempts, and beyond that a sign-in is answered "busy, try again" at once.
Pages keep the shared pool and at least half the machine, however many guesses arrive.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Final, TypeVar

from anyio import CapacityLimiter, to_thread

T = TypeVar("T")

#: Attempts that may wait for a free checker before new ones are turned away.
MAX_WAITING: Final = 32


class Busy(RuntimeError):
    """Too many password checks waiting; the client should try again shortly."""


class PasswordChecks:
    """Runs password work (hash, verify) with at most ``workers`` at a time."""

    def __init__(self, workers: int | None = None, max_waiting: int = MAX_WAITING) -> None:
        self.workers = workers or max(1, (os.cpu_count() or 2) // 2)
        self.max_waiting = max_waiting
        self._limiter: CapacityLimiter | None = None

    @property
    def limiter(self) -> CapacityLimiter:
        if self._limiter is None:
            self._limiter = CapacityLimiter(self.workers)
        return self._limiter

    async def run(self, work: Callable[..., T], *args: object) -> T:
        """``work(*args)`` on a checker thread; ``Busy`` if the queue is already full."""
        if self.limiter.statistics().tasks_waiting >= self.max_waiting:
            raise Busy("too many sign-ins in progress")
        return await to_thread.run_sync(work, *args, limiter=self.limiter)
