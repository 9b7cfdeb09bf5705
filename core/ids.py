"""Document ids derived from canonical URLs or platform post ids, so re-crawls never duplicate."""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only track the reader; they never change the document.
_TRACKING_PREFIXES = ("utm_", "fbclid", "gclid", "zarsrc", "mc_", "_ga")


def canonical_url(url: str) -> str:
    """Normalise a URL: lower-case scheme and host, no fragment, no tracking parameters,
    no default port, no trailing slash on paths other than the root.

    >>> canonical_url("HTTPS://VnExpress.net/tin-a.html?utm_source=fb#top")
    'https://vnexpress.net/tin-a.html'
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    path = parts.path or "/"
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/")
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not key.lower().startswith(_TRACKING_PREFIXES)
    ]
    return urlunsplit((scheme, host, path, urlencode(sorted(query)), ""))


def doc_id_for_url(url: str) -> str:
    """The id of the document at ``url``: a hash of its canonical form."""
    return hashlib.sha256(canonical_url(url).encode("utf-8")).hexdigest()[:32]


def doc_id_for_post(platform: str, post_id: str) -> str:
    """The id of a social post, from its platform and the platform's own id."""
    key = f"{platform.lower()}:{post_id}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def pseudonymise(value: str, key: str) -> str:
    """A keyed hash of a private individual's handle or name: stable, not reversible.

    The same person gets the same pseudonym across items (so copies can be linked) but no
    one without ``key`` can go back to the name.
    """
    digest = hmac.new(key.encode("utf-8"), value.strip().lower().encode("utf-8"), hashlib.sha256)
    return "anon-" + digest.hexdigest()[:16]
