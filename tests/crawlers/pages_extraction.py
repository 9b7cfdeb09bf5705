"""Pages that defeat a precision-oriented extractor, or hold their text only in scripts."""

from __future__ import annotations

import json

from tests.crawlers.pages import PARAGRAPHS

LONG_BODY = [
    f"{text} (Phần {n}: diễn biến tại {place}.)"
    for n, place in enumerate(("Sơn Tịnh", "Tư Nghĩa", "Mộ Đức", "Đức Phổ", "Ba Tơ", "Minh Long",
                               "Sơn Hà", "Trà Bồng", "Bình Sơn", "Nghĩa Hành"), start=1)
    for text in PARAGRAPHS
]


def _menu(count: int) -> str:
    return "".join(f"<li><a href='/chuyen-muc/muc-{n}'>Chuyên mục số {n}</a></li>"
                   for n in range(count))


def aside_article(title: str) -> str:
    """About 20 KB: a template that marks both columns, the article's too, as ``<aside>``.
    trafilatura with ``favor_precision`` returns nothing for it (measured), as for the real
    20 KB article of issue 12."""
    side = "".join(f"<li><a href='/bai/lien-quan-{n}-20000{n}.html'>Tin liên quan số {n} về "
                   "thời tiết và thiên tai</a></li>" for n in range(40))
    body = "".join(f"<p>{text}</p>" for text in LONG_BODY)
    return (f"<!doctype html><html lang='vi'><head><meta charset='utf-8'><title>{title}</title>"
            f"</head><body><div class='menu'><ul>{_menu(110)}</ul></div>"
            f"<main><aside class='detail'><h1>{title}</h1>{body}</aside>"
            f"<aside class='col-side'><ul>{side}</ul></aside></main>"
            "<div class='site-info'>Giấy phép số 123/GP-BTTTT. Liên hệ quảng cáo.</div>"
            "</body></html>")


def javascript_only(title: str) -> str:
    """A single-page application shell: a title, a mount point and a bundle."""
    return (f"<!doctype html><html lang='vi'><head><meta charset='utf-8'><title>{title}</title>"
            "<script src='/static/app.8f3a.js' defer></script></head>"
            "<body><div id='root'></div><noscript>Vui lòng bật JavaScript để đọc bài."
            "</noscript></body></html>")


def structured_only(title: str) -> str:
    """Text rendered by a script, but stated in the page's JSON-LD ``articleBody``."""
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
            "datePublished": "2025-06-12T07:30:00+07:00", "articleBody": "\n".join(PARAGRAPHS)}
    return (f"<!doctype html><html lang='vi'><head><meta charset='utf-8'><title>{title}</title>"
            f"<script type='application/ld+json'>{json.dumps(data, ensure_ascii=False)}</script>"
            "<script src='/static/app.js'></script></head>"
            f"<body><div id='app'><h1>{title}</h1></div></body></html>")


def title_only(title: str) -> str:
    """A page with a headline and nothing else: no body anywhere, no script."""
    return (f"<!doctype html><html lang='vi'><head><meta charset='utf-8'><title>{title}</title>"
            f"</head><body><h1>{title}</h1></body></html>")
