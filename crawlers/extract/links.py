"""Find article links and the next page on a listing (section) page."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml import html as lxml_html

from crawlers.extract.encoding import decode_html

# Article URLs of Vietnamese outlets: a slug of several words ending in a long numeric id
# ("...-4672302.html", "...-post874982.html", "...-d538952.html"), or a dated path
# ("/20150323/slug/724115.html"). Section pages ("/topic/ha-noi-26482", "/kinh-doanh-d3/") fail.
DEFAULT_ARTICLE_PATTERN = (
    r"/[a-z0-9]+(?:-[a-z0-9]+){1,}-(?:\d{6,}|post\d{4,}|d\d{4,})(?:\.[a-z]{2,4})?/?$"
    r"|/\d{8}/[a-z0-9-]+/\d{5,}\.html?$"
)
_NEXT_WORDS = ("trang sau", "tiếp", "sau »", "next", "»", "›")


def listing_links(
    page: bytes, url: str, *, link_selector: str = "", link_pattern: str = "",
    next_selector: str = "",
) -> tuple[list[str], str | None]:
    """Article URLs on the listing page at ``url`` (same site, in page order, once each), and
    the URL of the next page if the page links one."""
    tree = lxml_html.document_fromstring(decode_html(page).text or "<html/>")
    pattern = re.compile(link_pattern or DEFAULT_ARTICLE_PATTERN)
    anchors = _select(tree, link_selector) if link_selector else tree.iter("a")
    host = urlsplit(url).hostname
    found: dict[str, None] = {}
    for anchor in anchors:
        href = anchor.get("href")
        if not href:
            continue
        absolute = urljoin(url, href.strip()).split("#")[0]
        parts = urlsplit(absolute)
        if parts.scheme not in {"http", "https"} or parts.hostname != host:
            continue
        if pattern.search(parts.path):
            found[absolute] = None
    return list(found), _next_page(tree, url, next_selector)


def _select(tree: lxml_html.HtmlElement, selector: str) -> list[lxml_html.HtmlElement]:
    try:
        chosen = tree.cssselect(selector)
    except (etree.XPathError, ValueError, SyntaxError):
        return []
    anchors: list[lxml_html.HtmlElement] = []
    for element in chosen:
        anchors.extend([element] if element.tag == "a" else element.iter("a"))
    return anchors


def _next_page(tree: lxml_html.HtmlElement, url: str, next_selector: str) -> str | None:
    candidates = _select(tree, next_selector) if next_selector else []
    if not candidates:
        candidates = tree.xpath('//a[@rel="next"] | //link[@rel="next"]')
    if not candidates:
        candidates = [a for a in tree.iter("a")
                      if (a.text_content() or "").strip().lower() in _NEXT_WORDS]
    for element in candidates:
        href = element.get("href")
        if href and urljoin(url, href.strip()).rstrip("/") != url.rstrip("/"):
            return urljoin(url, href.strip())
    return None
