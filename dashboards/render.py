"""Crawled text made inert for the page: escaped, claim sentences marked, links checked.

Nothing crawled reaches a template as markup except what passes through here: our own ``<mark>``
around escaped text, and search highlights cleaned again by ``nh3`` (tags: ``mark`` only).
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import nh3
from markupsafe import Markup

from core.text import nfc

_SAFE_SCHEMES = frozenset({"http", "https"})
#: One sanitizer, built once: ``nh3.clean`` builds its configuration on every call, which was
#: half its cost on a page of 25 hits (about 100 fragments).
_MARKS_ONLY = nh3.Cleaner(tags={"mark"}, attributes={})


def safe_url(url: str | None) -> str | None:
    """``url`` if it is an absolute http(s) link, else ``None`` (``javascript:``, ``data:``...)."""
    if not url:
        return None
    candidate = url.strip()
    # Browsers drop control characters and spaces inside a scheme ("java\tscript:").
    if any(ord(ch) < 0x21 or ord(ch) == 0x7F for ch in candidate):
        return None
    try:
        parts = urlsplit(candidate)
    except ValueError:  # "http://[" and other broken hosts
        return None
    if parts.scheme.lower() not in _SAFE_SCHEMES or not parts.netloc:
        return None
    return candidate


def mark_sentences(text: str, sentences: list[str]) -> Markup:
    """``text`` escaped, with each claim sentence found in it inside ``<mark class="claim">``."""
    body = nfc(text)
    spans: list[tuple[int, int]] = []
    for sentence in sentences:
        needle = nfc(sentence).strip()
        if not needle:
            continue
        for match in re.finditer(re.escape(needle), body):
            spans.append(match.span())
    spans.sort()
    parts: list[str] = []
    cursor = 0
    for start, end in spans:
        if start < cursor:
            continue
        parts.append(html.escape(body[cursor:start]))
        parts.append('<mark class="claim">' + html.escape(body[start:end]) + "</mark>")
        cursor = end
    parts.append(html.escape(body[cursor:]))
    return Markup("".join(parts))


#: What ``index.highlight`` makes: text without angle brackets, bare ``<mark>`` pairs in it.
_ESCAPED_WITH_MARKS = re.compile(r"[^<>]*(?:<mark>[^<>]*</mark>[^<>]*)*")


def clean_highlight(fragment: str) -> Markup:
    """A store's highlight fragment (already escaped) cleaned once more: only ``<mark>`` stays.

    A fragment that is provably inert already (no angle bracket outside bare, unnested
    ``<mark>`` pairs, so no other tag and no attribute) is kept as it is; anything else goes
    through the sanitizer. Most fragments are the first kind, and the check costs a tenth of
    the sanitizer.
    """
    if _ESCAPED_WITH_MARKS.fullmatch(fragment):
        return Markup(fragment)
    return Markup(_MARKS_ONLY.clean(fragment))
