"""Read article metadata from JSON-LD, OpenGraph, ``<meta>`` tags and microdata."""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import html as lxml_html

from core.text import collapse_spaces, nfc

_ARTICLE_TYPES = {"newsarticle", "article", "reportagenewsarticle", "blogposting", "webpage",
                  "analysisnewsarticle", "opinionnewsarticle", "backgroundnewsarticle"}


@dataclass
class PageMetadata:
    """What a page says about itself, before any choice between sources."""

    meta: dict[str, str] = field(default_factory=dict)  # name/property -> content (first wins)
    jsonld: list[dict[str, Any]] = field(default_factory=list)  # article-like objects
    canonical: str | None = None
    lang: str | None = None
    title_tag: str | None = None


def clean(value: Any) -> str:
    """Unescape entities (twice: some sites double-escape JSON-LD), collapse spaces, NFC."""
    text = str(value)
    for _ in range(2):
        if "&" not in text:
            break
        text = html.unescape(text)
    return nfc(collapse_spaces(text))


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, list):
        for child in node:
            yield from _walk(child)
    elif isinstance(node, dict):
        yield node
        if "@graph" in node:
            yield from _walk(node["@graph"])


def _types(node: dict[str, Any]) -> set[str]:
    kind = node.get("@type", "")
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).lower() for k in kinds}


def read_metadata(tree: lxml_html.HtmlElement) -> PageMetadata:
    """Collect metadata from a parsed page."""
    found = PageMetadata()
    for node in tree.iter("meta"):
        key = (node.get("property") or node.get("name") or node.get("itemprop") or "").strip()
        content = node.get("content")
        if key and content and key.lower() not in found.meta:
            found.meta[key.lower()] = clean(content)
    for script in tree.xpath('//script[contains(@type, "ld+json")]'):
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            data = json.loads(raw, strict=False)
        except ValueError:
            continue  # broken JSON-LD is common; the other sources still count
        for node in _walk(data):
            dated = node.get("headline") or node.get("datePublished")
            if _types(node) & _ARTICLE_TYPES and dated:
                found.jsonld.append(node)
    link = tree.xpath('//link[@rel="canonical"]/@href')
    if link and link[0].strip():
        found.canonical = link[0].strip()
    lang = tree.xpath("/html/@lang")
    if lang and lang[0].strip():
        found.lang = lang[0].strip()
    title = tree.findtext(".//title")
    if title:
        found.title_tag = clean(title)
    return found


def jsonld_value(found: PageMetadata, key: str) -> Any:
    """The first non-empty ``key`` among the page's article-like JSON-LD objects."""
    for node in found.jsonld:
        value = node.get(key)
        if value:
            return value
    return None


def jsonld_names(value: Any) -> list[str]:
    """Names out of a JSON-LD author/section value (string, object or list of them)."""
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        if isinstance(item, dict):
            item = item.get("name")
        if item and isinstance(item, str) and clean(item):
            names.append(clean(item))
    return names
