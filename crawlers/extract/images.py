"""Find the images worth reading on a page: an article's lead image. No network here."""

from __future__ import annotations

from urllib.parse import urljoin

from lxml import html as lxml_html

from crawlers.extract.encoding import decode_html

_LEAD_IMAGE_XPATHS = (
    '//meta[@property="og:image"]/@content',
    '//meta[@name="og:image"]/@content',
    '//meta[@name="twitter:image"]/@content',
    '//link[@rel="image_src"]/@href',
)


def http_url(base: str, candidate: str | None) -> str | None:
    """``candidate`` made absolute against ``base``; ``None`` unless it is http(s)."""
    if not candidate or not candidate.strip():
        return None
    url = urljoin(base, candidate.strip())
    return url if url.startswith(("http://", "https://")) else None


def lead_image_url(body: bytes, url: str) -> str | None:
    """The article's lead image as the page declares it (Open Graph, Twitter card), or None.

    >>> lead_image_url(b'<meta property="og:image" content="/anh/thong-bao.jpg">',
    ...                "https://baocaobang.vn/bai/1.html")
    'https://baocaobang.vn/anh/thong-bao.jpg'
    """
    try:
        tree = lxml_html.document_fromstring(decode_html(body).text or "<html/>")
    except (ValueError, lxml_html.etree.ParserError):
        return None
    for xpath in _LEAD_IMAGE_XPATHS:
        for value in tree.xpath(xpath):
            found = http_url(url, str(value))
            if found:
                return found
    return None
