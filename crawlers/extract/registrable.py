"""Registrable domains (``vnexpress.net``, ``baomoi.com.vn``) from the Public Suffix List.

A page may name another host as its canonical URL only when both sit under the same
registrable domain (``m.vnexpress.net`` -> ``vnexpress.net``). The list is tldextract's bundled
snapshot: it is never fetched, so extraction opens no connection.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

import tldextract

# No list URLs and no cache directory: the snapshot shipped inside the package, read once.
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@lru_cache(maxsize=4096)
def registrable_domain(host: str) -> str:
    """The domain a registrant holds for ``host``; an IP address or a bare name is itself.

    >>> registrable_domain("m.tuoitre.vn"), registrable_domain("news.baomoi.com.vn")
    ('tuoitre.vn', 'baomoi.com.vn')
    """
    host = host.lower().rstrip(".")
    parts = _EXTRACT(host)
    if parts.domain and parts.suffix:
        return f"{parts.domain}.{parts.suffix}"
    return host


def same_registrable_domain(url_a: str, url_b: str) -> bool:
    """True when both URLs' hosts fall under one registrable domain (ports do not matter)."""
    host_a = urlsplit(url_a).hostname or ""
    host_b = urlsplit(url_b).hostname or ""
    return bool(host_a) and registrable_domain(host_a) == registrable_domain(host_b)
