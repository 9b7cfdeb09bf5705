"""Sitemaps are capped at the protocol's own limit (50 MB uncompressed), not the page cap,
and a child-sitemap cap that is reached is said. Real Scrapy engine, local server."""

from __future__ import annotations

import gzip
from datetime import timedelta
from pathlib import Path

from core.clock import now_utc
from core.settings import Settings
from crawlers.localsite import LocalSite
from crawlers.runner import crawl
from crawlers.state import CrawlState
from tests.crawlers.pages import article_html, source, sources_file, write

_URLSET = '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'


def _entry(path: str, lastmod: str) -> str:
    return f"<url><loc>{{base_url}}{path}</loc><lastmod>{lastmod}</lastmod></url>"


def test_a_full_50000_url_sitemap_beyond_the_page_cap_is_read(settings: Settings,
                                                              tmp_path: Path) -> None:
    root = tmp_path / "site"
    old = (now_utc() - timedelta(days=30)).isoformat()
    fresh = now_utc().isoformat()
    entries = [_entry(f"/bai/tin-luu-tru-so-{n:05d}-ve-moi-truong-va-nang-luong-{1000000 + n}"
                      ".html", old) for n in range(49_999)]
    entries.append(_entry("/bai/tin-moi-nhat-2000001.html", fresh))
    body = f'<?xml version="1.0" encoding="UTF-8"?>{_URLSET}{"".join(entries)}</urlset>'
    assert len(body.encode()) > 5 * 1024 * 1024  # beyond the default 5 MB page cap
    write(root, "sitemap.xml", body)
    write(root, "bai/tin-moi-nhat-2000001.html", article_html("Tin mới nhất về hạn mặn"))
    sources = sources_file(tmp_path / "sources.yaml", source("lon", "sitemap", "/sitemap.xml"))
    state = CrawlState.in_dir(settings.data_dir)
    state.mark_success("lon", now_utc() - timedelta(days=2))  # the 49,999 others are older
    state.close()
    with LocalSite(root) as site:
        report = crawl(settings, tmp_path / "o.jsonl", sources_file=sources,
                       base_url=site.base_url)
    stats = report.per_source["lon"]
    assert stats.status == "ok", report.summary_lines()
    assert stats.new == 1 and stats.skipped_by == {}


def test_a_gzipped_sitemap_inflating_past_50_mb_is_refused_and_said(settings: Settings,
                                                                    tmp_path: Path) -> None:
    root = tmp_path / "site"
    entry = _entry("/bai/tin-1000001.html", now_utc().isoformat())
    padding = "<!--" + " " * (51 * 1024 * 1024) + "-->"
    xml = f'<?xml version="1.0" encoding="UTF-8"?>{_URLSET}{entry}{padding}</urlset>'
    write(root, "sitemap.xml.gz", gzip.compress(xml.encode(), compresslevel=9))
    sources = sources_file(tmp_path / "sources.yaml",
                           source("nen", "sitemap", "/sitemap.xml.gz"))
    with LocalSite(root) as site:
        report = crawl(settings, tmp_path / "o.jsonl", sources_file=sources,
                       base_url=site.base_url)
    stats = report.per_source["nen"]
    assert stats.status == "failed", report.summary_lines()
    assert stats.skipped_by == {"too_large": 1}


def test_the_child_sitemap_cap_is_noted_and_keeps_the_window(settings: Settings,
                                                             tmp_path: Path) -> None:
    root = tmp_path / "site"
    children = "".join(f"<sitemap><loc>{{base_url}}/sitemap-{n}.xml</loc></sitemap>"
                       for n in range(22))
    write(root, "sitemap-index.xml", '<?xml version="1.0" encoding="UTF-8"?>'
          f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{children}'
          "</sitemapindex>")
    entry = _entry("/bai/tin-1000001.html", now_utc().isoformat())
    for n in range(22):
        write(root, f"sitemap-{n}.xml", f'<?xml version="1.0"?>{_URLSET}{entry}</urlset>')
    write(root, "bai/tin-1000001.html", article_html("Tin trong sitemap con"))
    sources = sources_file(tmp_path / "sources.yaml",
                           source("chi-muc", "sitemap", "/sitemap-index.xml"))
    with LocalSite(root) as site:
        report = crawl(settings, tmp_path / "o.jsonl", sources_file=sources,
                       base_url=site.base_url)
    stats = report.per_source["chi-muc"]
    assert stats.skipped_by.get("cap_reached") == 2, report.summary_lines()
    assert any("child sitemap cap" in message for message in stats.messages)
    assert stats.new == 1
    assert stats.status == "partial" and not stats.window_moved
