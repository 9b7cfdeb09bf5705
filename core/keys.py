"""Secret keys: a configured key must be strong; an unset one is made once and kept on disk.

A key nobody configured is generated the first time it is needed and written to
``DATA_DIR/keys/NAME``, readable by its owner only, so every process sharing the data
directory (the web app, the crawler, flow workers) uses the same key and no install shares
a key with another. There is no default key anywhere in the code.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path
from typing import Final

KEYS_DIR: Final = "keys"
MIN_KEY_LENGTH: Final = 32
# A long key made of two or three characters repeated ("aaaa...") is not a secret either.
MIN_DISTINCT_CHARACTERS: Final = 10
HOW_TO_MAKE: Final = "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"


class KeyFileError(RuntimeError):
    """A kept key file cannot be used (others may read it, or it holds a weak key)."""


def new_key() -> str:
    """64 URL-safe characters from the operating system's random source."""
    return secrets.token_urlsafe(48)


def key_problem(value: str) -> str | None:
    """Why ``value`` is not good enough as a secret key, or ``None`` when it is."""
    if not value.strip():
        return "is empty"
    if len(value) < MIN_KEY_LENGTH:
        return f"is too short ({len(value)} characters; at least {MIN_KEY_LENGTH})"
    if len(set(value)) < MIN_DISTINCT_CHARACTERS:
        return f"repeats too few characters ({len(set(value))} different; at least " \
            f"{MIN_DISTINCT_CHARACTERS})"
    return None


def key_path(data_dir: Path, name: str) -> Path:
    return data_dir / KEYS_DIR / name


def stored_key(data_dir: Path, name: str) -> str:
    """The key kept as ``DATA_DIR/keys/NAME``, made now (mode 0600) if there is none yet.

    Safe when several processes start at once: the file appears complete or not at all, and
    whoever comes second reads the first one's key.
    """
    path = key_path(data_dir, name)
    if not path.exists():
        _create(path)
    return _read(path)


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path.parent, 0o700)
    draft = path.with_name(f".{path.name}.{secrets.token_hex(6)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(new_key() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):  # another process was first: keep theirs
            os.link(draft, path)
    finally:
        draft.unlink(missing_ok=True)


def _read(path: Path) -> str:
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyFileError(
            f"{path} can be read by other users (mode {stat.S_IMODE(mode):o}); "
            f"make it private with: chmod 600 {path}"
        )
    value = path.read_text(encoding="utf-8").strip()
    problem = key_problem(value)
    if problem:
        raise KeyFileError(
            f"the key in {path} {problem}; delete the file to have a new one made, or write "
            f"one made with: {HOW_TO_MAKE}"
        )
    return value
