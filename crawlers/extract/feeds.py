"""Parse RSS 2.0, Atom and RDF feeds, leniently: real feeds are often not well-formed XML."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin

from lxml import etree

from crawlers.extract.dates import parse_date
from crawlers.extract.metadata import clean


@dataclass(frozen=True)
class FeedEntry:
    """One entry of a feed: where the article is and what the feed says about it."""

    url: str
    title: str = ""
    summary: str = ""
    published: datetime | None = None


# "&" not starting an entity or character reference; CDATA sections are left alone.
_BARE_AMPERSAND = re.compile(rb"&(?!(?:[A-Za-z][A-Za-z0-9]{0,31}|#[0-9]{1,7}|#x[0-9A-Fa-f]{1,6});)")
_CDATA = re.compile(rb"(<!\[CDATA\[.*?\]\]>)", re.S)
# Opening tags of entries, to notice entries the lenient parser lost.
_ENTRY_TAG = re.compile(rb"<(?:[A-Za-z][\w.-]*:)?(?:item|entry)[\s>/]")


def escape_bare_ampersands(body: bytes) -> bytes:
    """Escape raw ``&`` (common in feed links: ``?a=1&b=2``) so the parser keeps them instead of
    reading ``&b`` as a broken entity and dropping it."""
    parts = _CDATA.split(body)
    return b"".join(part if part.startswith(b"<![CDATA[") else _BARE_AMPERSAND.sub(b"&amp;", part)
                    for part in parts)


def count_entry_tags(body: bytes) -> int:
    """How many ``<item>``/``<entry>`` elements the raw feed opens (outside CDATA)."""
    return sum(len(_ENTRY_TAG.findall(part)) for part in _CDATA.split(body)
               if not part.startswith(b"<![CDATA["))


def _parser() -> etree.XMLParser:
    # recover=True reads feeds with raw "&" in attributes; no entities, no network: no XXE.
    return etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)


def _local(tag: object) -> str:
    return etree.QName(tag).localname.lower() if isinstance(tag, str) else ""


def _child_text(node: etree._Element, *names: str) -> str:
    for child in node:
        if _local(child.tag) in names and (child.text or "").strip():
            return clean(child.text or "")
    return ""


def _entry_link(node: etree._Element, base: str) -> str:
    for child in node:
        if _local(child.tag) != "link":
            continue
        href = child.get("href")
        if href and child.get("rel", "alternate") == "alternate":
            return urljoin(base, href.strip())
        if (child.text or "").strip():
            return urljoin(base, child.text.strip())
    guid = _child_text(node, "guid", "id")
    return urljoin(base, guid) if guid.startswith(("http://", "https://", "/")) else ""


def parse_feed(body: bytes, base_url: str) -> list[FeedEntry]:
    """Entries of an RSS/Atom/RDF feed, in feed order; entries without a link are left out."""
    body = escape_bare_ampersands(body)
    root = etree.fromstring(body.lstrip(), _parser()) if body.strip() else None
    if root is None:
        return []
    entries = []
    for node in root.iter():
        if _local(node.tag) not in {"item", "entry"}:
            continue
        url = _entry_link(node, base_url)
        if not url:
            continue
        summary = _child_text(node, "description", "summary", "content")
        if "<" in summary:
            fragment = etree.fromstring(f"<x>{summary}</x>", etree.HTMLParser())
            summary = clean(fragment.xpath("string()")) if fragment is not None else ""
        entries.append(FeedEntry(
            url=url,
            title=_child_text(node, "title"),
            summary=summary,
            published=parse_date(_child_text(node, "pubdate", "published", "updated", "date")),
        ))
    return entries
