"""Small builders of test sites: article pages, sitemaps, feeds and sources files."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

PARAGRAPHS = (
    "Sáng nay, Sở Tài nguyên và Môi trường tỉnh Quảng Ngãi cho biết mực nước sông Trà Khúc "
    "đang lên nhanh sau ba ngày mưa lớn liên tục trên diện rộng.",
    "Chính quyền các xã ven sông đã di dời hơn 200 hộ dân ở vùng trũng đến nơi an toàn, đồng "
    "thời bố trí lực lượng trực tại các điểm xung yếu suốt đêm.",
    "Theo đài khí tượng thủy văn khu vực, mưa sẽ giảm dần từ chiều mai nhưng nguy cơ sạt lở "
    "đất ở các huyện miền núi vẫn còn cao trong hai ngày tới.",
)


def article_html(title: str, paragraphs: tuple[str, ...] | list[str] = PARAGRAPHS,
                 published: datetime | None = None, extra_head: str = "") -> str:
    """An ordinary news article page."""
    when = (f'<meta property="article:published_time" content="{published.isoformat()}">'
            if published else "")
    body = "".join(f"<p>{text}</p>" for text in paragraphs)
    return (f'<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{title}</title>'
            f"{when}{extra_head}</head><body><header><nav><a href='/'>Trang chủ</a></nav></header>"
            f"<article><h1>{title}</h1><div class='content'>{body}</div></article>"
            "<footer>Bản quyền thuộc về tòa soạn</footer></body></html>")


def write(root: Path, relative: str, content: str | bytes) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def sitemap(urls: list[str], lastmod: datetime | None = None) -> str:
    """A sitemap of ``urls`` (relative to ``{base_url}``), all with the same lastmod."""
    stamp = f"<lastmod>{lastmod.isoformat()}</lastmod>" if lastmod else ""
    body = "".join(f"<url><loc>{{base_url}}{url}</loc>{stamp}</url>" for url in urls)
    return ('<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</urlset>')


def sources_file(path: Path, *entries: str) -> Path:
    """A sources file whose entries are given as YAML fragments (indented list items)."""
    path.write_text("sources:\n" + "".join(entries), encoding="utf-8")
    return path


def source(source_id: str, kind: str, url: str, **options: object) -> str:
    """One YAML list item for ``sources_file``; ``options`` become its options mapping."""
    opts = {"delay": 0.01, **options}
    rendered = ", ".join(f"{key}: {value}" for key, value in opts.items())
    return (f"  - id: {source_id}\n    kind: {kind}\n    urls: ['{{base_url}}{url}']\n"
            f"    options: {{{rendered}}}\n")
