"""One nightly run per data directory at a time: a kernel file lock,
``DATA_DIR/locks/nightly.lock``.

``flock`` locks go away with the process that holds them, however it ends, so a killed run never
leaves a stale lock behind; the holder's details are written into the lock file for the message
the next one prints.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from core.clock import now_utc

#: ``night_holder`` (``kiemchung runs``, ``kiemchung run``) takes the lock for an instant to
#: look; a run starting in that instant waits this long rather than be refused.
PROBE_GRACE_SECONDS = 3.0
_POLL_SECONDS = 0.05


class RunRefused(RuntimeError):
    """Another nightly run holds this data directory; the message names it."""


def locks_dir(data_dir: Path) -> Path:
    path = data_dir / "locks"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _try_lock(handle: IO[str]) -> bool:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _lock_within(handle: IO[str], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not _try_lock(handle):
        if time.monotonic() >= deadline:
            return False
        time.sleep(_POLL_SECONDS)
    return True


def night_holder(data_dir: Path) -> dict[str, Any] | None:
    """Who holds the nightly lock of ``data_dir`` now (``None`` when nobody does)."""
    path = locks_dir(data_dir) / "nightly.lock"
    with path.open("a+", encoding="utf-8") as handle:
        if _try_lock(handle):
            fcntl.flock(handle, fcntl.LOCK_UN)
            return None
        handle.seek(0)
        try:
            return dict(json.loads(handle.read() or "{}"))
        except ValueError:
            return {}


@contextmanager
def night_lock(data_dir: Path, run_key: str) -> Iterator[None]:
    """Hold the data directory for one nightly run; ``RunRefused`` at once if another has it."""
    path = locks_dir(data_dir) / "nightly.lock"
    handle = path.open("a+", encoding="utf-8")
    try:
        if not _lock_within(handle, PROBE_GRACE_SECONDS):
            handle.seek(0)
            raise RunRefused(
                f"another run holds {data_dir} ({_describe(handle.read())}); it was not "
                "started twice. Wait for it to end (`kiemchung runs` lists runs)."
            )
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"run_key": run_key, "pid": os.getpid(),
                                 "host": socket.gethostname(),
                                 "since": now_utc().isoformat()}))
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        handle.close()


def _describe(text: str) -> str:
    try:
        info = json.loads(text or "{}")
    except ValueError:
        return "a run"
    if not info:
        return "a run"
    return (f"run {info.get('run_key')}, pid {info.get('pid')} on {info.get('host')}, "
            f"since {info.get('since')}")
