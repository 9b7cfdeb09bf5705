"""Crawl slots per host under ``DATA_DIR/locks/``: a bounded number of crawls of one host at
once, across every process and every worker that shares the data directory.

``flock`` locks go away with the process that holds them, however it ends, so a killed crawl
never keeps a slot.
"""

from __future__ import annotations

import fcntl
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from flows.night_lock import locks_dir

#: How often a crawl waiting for a host slot tries again.
SLOT_POLL_SECONDS = 0.5


@contextmanager
def host_slot(data_dir: Path, host: str, slots: int) -> Iterator[int]:
    """Wait for one of ``slots`` crawl slots of ``host`` and hold it; yields the slot number.

    Every crawl of a source on that host takes a slot, whichever process or worker runs it, so
    spreading a night over workers never sends a host more crawls at once than it would get
    from one machine.
    """
    name = re.sub(r"[^A-Za-z0-9_.-]", "_", host.lower()) or "unknown"
    folder = locks_dir(data_dir)
    while True:
        for number in range(max(slots, 1)):
            handle = (folder / f"host-{name}.{number}.lock").open("a", encoding="utf-8")
            if _try_slot(handle):
                try:
                    yield number
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)
                    handle.close()
                return
            handle.close()
        time.sleep(SLOT_POLL_SECONDS)


def _try_slot(handle: IO[str]) -> bool:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True
