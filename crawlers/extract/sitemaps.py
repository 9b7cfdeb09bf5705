"""Parse XML sitemaps, sitemap indexes and Google News sitemaps."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from crawlers.extract.dates import parse_date
from crawlers.extract.metadata import clean

_GZIP_MAGIC = b"\x1f\x8b"
#: The sitemap protocol's own limit on one file, uncompressed (sitemaps.org: 50 MB, 50,000 URLs).
SITEMAP_MAX_BYTES = 50 * 1024 * 1024


class SitemapTooLarge(ValueError):
    """A sitemap (or what a gzipped one inflates to) is beyond the size cap."""


@dataclass(frozen=True)
class SitemapEntry:
    """A ``<url>`` (article) or ``<sitemap>`` (child sitemap) of a sitemap file."""

    url: str
    is_sitemap: bool = False
    lastmod: datetime | None = None
    title: str = ""
    published: datetime | None = None


def inflate(body: bytes, max_size: int) -> bytes:
    """Un-gzip a ``.xml.gz`` body, refusing to inflate past ``max_size`` bytes."""
    if not body.startswith(_GZIP_MAGIC):
        return body
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    data = inflater.decompress(body, max_size + 1)
    if len(data) > max_size or inflater.unconsumed_tail:
        raise SitemapTooLarge(f"sitemap inflates beyond {max_size} bytes")
    return data


def _local(tag: object) -> str:
    return etree.QName(tag).localname.lower() if isinstance(tag, str) else ""


def parse_sitemap(body: bytes, max_size: int = SITEMAP_MAX_BYTES) -> list[SitemapEntry]:
    """Entries of a sitemap; news-sitemap titles and publication dates are kept."""
    data = inflate(body, max_size)
    if len(data) > max_size:
        raise SitemapTooLarge(f"sitemap is {len(data)} bytes, beyond {max_size}")
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
    root = etree.fromstring(data.lstrip(), parser) if data.strip() else None
    if root is None:
        return []
    entries = []
    for node in root:
        kind = _local(node.tag)
        if kind not in {"url", "sitemap"}:
            continue
        fields: dict[str, str] = {}
        for child in node.iter():
            name = _local(child.tag)
            if name and name not in fields and (child.text or "").strip():
                fields[name] = (child.text or "").strip()
        if not fields.get("loc"):
            continue
        entries.append(SitemapEntry(
            url=fields["loc"],
            is_sitemap=kind == "sitemap",
            lastmod=parse_date(fields.get("lastmod")),
            title=clean(fields.get("title", "")),
            published=parse_date(fields.get("publication_date")),
        ))
    return entries
