"""Per-host request slots shared by every crawl process that uses one data directory.

A host with a limit of N requests in flight has N lock files; a request holds one of them
(``flock``) while it is on the wire, whichever process or worker sends it. The kernel lets go of
a dead process's locks, so a killed worker never keeps a host blocked. A small file per host
holds the earliest time the next request may start, so the host's delay also holds across
processes. Nightly workers share the data directory (``Settings.data_dir``), so this is one
limit per host across tasks and workers.
"""

from __future__ import annotations

import fcntl
import os
import re
import struct
from pathlib import Path

_UNSAFE = re.compile(r"[^a-z0-9.-]")


class HostSlots:
    """Lock files under ``directory``: ``<host>.<i>.slot`` and ``<host>.next``."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory

    def _path(self, host: str, suffix: str) -> Path:
        return self.directory / f"{_UNSAFE.sub('_', host.lower()) or '_'}.{suffix}"

    def try_take(self, host: str, slots: int) -> int | None:
        """A held slot (an open descriptor), or None when all ``slots`` are taken elsewhere."""
        for index in range(slots):
            fd = os.open(self._path(host, f"{index}.slot"), os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            return fd
        return None

    @staticmethod
    def give_back(fd: int) -> None:
        os.close(fd)  # closing the descriptor drops its lock

    def reserve_start(self, host: str, now: float, delay: float) -> float:
        """When a request to ``host`` may start (wall-clock seconds), and book the next one
        ``delay`` seconds after it."""
        fd = os.open(self._path(host, "next"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # held for a read and a write only
            raw = os.pread(fd, 8, 0)
            earliest = struct.unpack("<d", raw)[0] if len(raw) == 8 else 0.0
            start = max(now, earliest)
            os.pwrite(fd, struct.pack("<d", start + delay), 0)
            return start
        finally:
            os.close(fd)
