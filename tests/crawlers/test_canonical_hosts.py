"""A page's rel=canonical decides its id only within its own registrable domain.

Two sites on loopback: an aggregator on 127.0.0.1 whose page names the outlet's article on
127.0.0.2 as canonical, and the outlet. Crawled by the real Scrapy engine, aggregator first."""

from __future__ import annotations

from pathlib import Path

from core.ids import canonical_url, doc_id_for_url
from core.records import CrawledItem
from core.settings import Settings
from crawlers.localsite import LocalSite
from crawlers.runner import crawl
from tests.crawlers.pages import article_html, write

OUTLET_PAGE = "/bai/ca-chet-hang-loat-tren-song-1000042.html"
AGGREGATOR_PAGE = "/tong-hop/ca-chet-hang-loat-2000042.html"
AMP_PAGE = "/amp/nuoc-bien-dang-1000043.html"
MAIN_PAGE = "/bai/nuoc-bien-dang-1000043.html"


def _items(path: Path) -> list[CrawledItem]:
    return [CrawledItem.model_validate_json(line) for line in path.read_text("utf-8").splitlines()]


def _sitemap(urls: list[str]) -> str:
    body = "".join(f"<url><loc>{url}</loc></url>" for url in urls)
    return ('<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</urlset>')


def _sources(path: Path, *entries: tuple[str, str]) -> Path:
    text = "sources:\n" + "".join(
        f"  - id: {source_id}\n    kind: sitemap\n    urls: ['{url}']\n"
        "    options: {delay: 0.01}\n"
        for source_id, url in entries)
    path.write_text(text, encoding="utf-8")
    return path


def test_cross_site_canonical_is_a_copy_and_the_outlet_article_is_still_crawled(
        settings: Settings, tmp_path: Path) -> None:
    aggregator_root, outlet_root = tmp_path / "aggregator", tmp_path / "outlet"
    with LocalSite(aggregator_root, host="127.0.0.1") as aggregator, \
            LocalSite(outlet_root, host="127.0.0.2") as outlet:
        outlet_url = outlet.base_url + OUTLET_PAGE
        write(aggregator_root, AGGREGATOR_PAGE.lstrip("/"), article_html(
            "Cá chết hàng loạt trên sông (tổng hợp)",
            ["Trang tổng hợp đăng lại tóm tắt: cá chết trắng một đoạn sông dài hai cây số, "
             "người dân lo ngại nguồn nước bị ô nhiễm từ khu công nghiệp gần đó."],
            extra_head=f'<link rel="canonical" href="{outlet_url}">'))
        # Same host, another path: an AMP page naming its main article is trusted.
        write(aggregator_root, AMP_PAGE.lstrip("/"), article_html(
            "Nước biển dâng ở Cà Mau", ["Bản AMP của bài về nước biển dâng ở Cà Mau, nơi bờ "
                                        "biển bị xói lở hàng chục mét mỗi năm."],
            extra_head=f'<link rel="canonical" href="{aggregator.base_url}{MAIN_PAGE}">'))
        write(aggregator_root, "sitemap.xml", _sitemap(
            [aggregator.base_url + AGGREGATOR_PAGE, aggregator.base_url + AMP_PAGE]))
        write(outlet_root, OUTLET_PAGE.lstrip("/"), article_html(
            "Cá chết hàng loạt trên sông Bưởi"))
        write(outlet_root, "sitemap.xml", _sitemap([outlet_url]))
        sources = _sources(tmp_path / "sources.yaml",
                           ("tong-hop", aggregator.base_url + "/sitemap.xml"),
                           ("bao", outlet.base_url + "/sitemap.xml"))
        out = tmp_path / "items.jsonl"
        first = crawl(settings, out, sources_file=sources, source_ids=["tong-hop"])
        second = crawl(settings, out, sources_file=sources, source_ids=["bao"])
        outlet_requests = outlet.requests

    assert first.per_source["tong-hop"].new == 2, first.summary_lines()
    assert OUTLET_PAGE in outlet_requests, second.summary_lines()
    by_url = {item.url.rsplit("/", 1)[1]: item for item in _items(out)}
    copy = by_url[AGGREGATOR_PAGE.rsplit("/", 1)[1]]
    real = by_url[OUTLET_PAGE.rsplit("/", 1)[1]]
    amp = by_url[AMP_PAGE.rsplit("/", 1)[1]]
    # The aggregator's page keeps its own id and says whose copy it is.
    assert copy.id == doc_id_for_url(aggregator.base_url + AGGREGATOR_PAGE)
    assert copy.canonical_url == canonical_url(aggregator.base_url + AGGREGATOR_PAGE)
    assert copy.duplicate_of == doc_id_for_url(outlet_url)
    assert copy.metadata["canonical_elsewhere"] == canonical_url(outlet_url)
    # The outlet's article is stored under its own id with its own text.
    assert real.id == doc_id_for_url(outlet_url) and "sông Trà Khúc" in real.text
    assert second.per_source["bao"].new == 1 and second.per_source["bao"].duplicates == 0
    # Within one registrable domain the canonical link still decides the id.
    assert amp.id == doc_id_for_url(aggregator.base_url + MAIN_PAGE)
    assert "canonical_elsewhere" not in amp.metadata


def test_registrable_domains_come_from_the_bundled_list() -> None:
    """Multi-label Vietnamese suffixes are known without fetching the Public Suffix List."""
    from crawlers.extract.registrable import registrable_domain, same_registrable_domain

    assert registrable_domain("news.baomoi.com.vn") == "baomoi.com.vn"
    assert registrable_domain("m.tuoitre.vn") == "tuoitre.vn"
    assert same_registrable_domain("https://m.vnexpress.net/a", "https://vnexpress.net:443/b")
    assert not same_registrable_domain("https://baomoi.com.vn/a", "https://gov.vn/b")
    assert not same_registrable_domain("https://a.com.vn/x", "https://b.com.vn/x")
