"""Where the app may send a browser back to: paths on this site, never another host."""

from __future__ import annotations

from urllib.parse import urlsplit

MAX_TARGET = 2000


def local_path(target: str | None, default: str) -> str:
    """``target`` if it is a path on this site, else ``default`` (no open redirect).

    Browsers read a backslash as a slash and drop tabs and newlines inside a URL, so
    ``/\\host``, ``/\\t/host`` and ``//host`` would all leave the site: refused, like any
    absolute URL."""
    if not target or len(target) > MAX_TARGET:
        return default
    if any(ch == "\\" or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return default
    if not target.startswith("/") or target.startswith("//"):
        return default
    try:
        parts = urlsplit(target)
    except ValueError:
        return default
    if parts.scheme or parts.netloc:
        return default
    return target
