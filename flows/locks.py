"""Locks every flow on one data directory shares: one crawl of a source at a time (nightly run,
watch cycles and manual runs alike), one cycle of a watch at a time, one notification
dispatcher at a time.

They are ``flock`` locks on files under ``data_dir/locks/``: they hold across processes and
threads on one machine (and on a shared disk that supports ``flock``), and the system releases
them when the holder dies, so a killed run never leaves a source locked. A lock's file names
who holds it (process, host, since when) for ``kiemchung watch --status`` and the logs.

The nightly flow takes the source lock with one line around its crawl::

    with source_lock(settings, source_id):
        report = crawl(...)
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Final

from core.clock import now_utc
from core.settings import Settings

LOCK_DIR_NAME: Final[str] = "locks"
#: How often a waiting holder tries again; locks are held for minutes, not milliseconds.
POLL_SECONDS: Final[float] = 0.5
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")


def lock_path(settings: Settings, name: str) -> Path:
    directory = settings.data_dir / LOCK_DIR_NAME
    directory.mkdir(parents=True, exist_ok=True)
    return directory / f"{_UNSAFE.sub('_', name)}.lock"


def _try(handle: IO[str], mode: int = fcntl.LOCK_EX) -> bool:
    try:
        fcntl.flock(handle.fileno(), mode | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


@contextmanager
def hold(
    settings: Settings, name: str, *, wait: bool | float = True, what: str = ""
) -> Iterator[bool]:
    """Hold the lock ``name`` for the ``with`` block; yields whether it was acquired.

    ``wait`` True waits as long as it takes, a number waits that many seconds, False does not
    wait. The block runs either way: check the value (``source_lock`` raises instead).
    """
    path = lock_path(settings, name)
    handle = path.open("a+", encoding="utf-8")
    try:
        acquired = _try(handle)
        deadline = None if wait is True else time.monotonic() + float(wait or 0)
        while not acquired and wait is not False:
            if deadline is not None and time.monotonic() >= deadline:
                break
            time.sleep(POLL_SECONDS)
            acquired = _try(handle)
        if acquired:
            handle.seek(0)
            handle.truncate()
            handle.write(json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                                     "since": now_utc().isoformat(), "what": what or name}))
            handle.flush()
        yield acquired
    finally:
        handle.close()  # closing the file releases the lock


def holder(settings: Settings, name: str) -> dict[str, str] | None:
    """Who holds ``name`` now (as the holder wrote it), or ``None`` when it is free."""
    path = lock_path(settings, name)
    with path.open("a+", encoding="utf-8") as handle:
        if _try(handle, fcntl.LOCK_SH):  # shared: probes never block each other
            return None  # free (and released again as the file closes)
        handle.seek(0)
        try:
            data = json.loads(handle.read() or "{}")
        except ValueError:
            data = {}
    return {key: str(value) for key, value in data.items()} or {"what": name}


class SourceBusy(RuntimeError):
    """Another run is crawling this source now."""


def source_lock_name(source_id: str) -> str:
    return f"source-{source_id}"


@contextmanager
def source_lock(
    settings: Settings, source_id: str, *, wait: bool | float = True, what: str = "crawl"
) -> Iterator[None]:
    """One crawl of ``source_id`` at a time across every flow; raises ``SourceBusy`` when it
    could not be had within ``wait``."""
    with hold(settings, source_lock_name(source_id), wait=wait,
              what=f"{what} {source_id}") as acquired:
        if not acquired:
            raise SourceBusy(f"source {source_id} is being crawled by another run")
        yield


def source_busy(settings: Settings, source_id: str) -> dict[str, str] | None:
    """Who crawls ``source_id`` now, or ``None``."""
    return holder(settings, source_lock_name(source_id))
