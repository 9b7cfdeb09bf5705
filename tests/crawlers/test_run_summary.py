"""A run's summary tells the whole truth, and only a complete crawl moves a source's window.

Each case is a small site on loopback crawled by the real Scrapy engine."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from core.clock import now_utc
from core.records import CrawledItem
from core.settings import Settings
from crawlers.localsite import LocalSite
from crawlers.runner import crawl
from crawlers.state import CrawlState
from tests.crawlers.pages import article_html, sitemap, source, sources_file, write


def _items(path: Path) -> list[CrawledItem]:
    if not path.exists():
        return []
    return [CrawledItem.model_validate_json(line) for line in path.read_text("utf-8").splitlines()]


@pytest.mark.parametrize("outage", ["error", "slow"])
def test_robots_outage_keeps_the_window_so_the_next_run_fetches_the_missed_article(
    outage: str, settings: Settings, tmp_path: Path
) -> None:
    """The sequence of the bug: a good run five days ago; tonight robots.txt answers 500 (or
    times out); tomorrow it is back. The article published two days ago must be fetched then."""
    root = tmp_path / "site"
    two_days_ago = now_utc() - timedelta(days=2)
    write(root, "bai/lu-song-tra-khuc-1000001.html",
          article_html("Lũ trên sông Trà Khúc lên nhanh", published=two_days_ago))
    write(root, "sitemap.xml", sitemap(["/bai/lu-song-tra-khuc-1000001.html"], two_days_ago))
    sources = sources_file(tmp_path / "sources.yaml", source("tin", "sitemap", "/sitemap.xml",
                                                            timeout=1.0))
    good_run = now_utc() - timedelta(days=5)
    state = CrawlState.in_dir(settings.data_dir)
    state.mark_success("tin", good_run)
    state.close()
    out = tmp_path / "items.jsonl"
    with LocalSite(root, robots=outage) as site:
        site.server.slow_seconds = 3.0
        tonight = crawl(settings, out, sources_file=sources, base_url=site.base_url)
        stats = tonight.per_source["tin"]
        assert stats.status == "failed", tonight.summary_lines()
        assert stats.skipped_by.get("robots_unreachable", 0) >= 1
        assert not stats.window_moved and not tonight.ok
        assert [path for path in site.requests if path != "/robots.txt"] == []
        state = CrawlState.in_dir(settings.data_dir)
        assert state.last_success("tin") == good_run
        state.close()

        site.server.robots = "file"
        tomorrow = crawl(settings, out, sources_file=sources, base_url=site.base_url)
    assert tomorrow.per_source["tin"].status == "ok", tomorrow.summary_lines()
    assert [item.url.rsplit("/", 1)[1] for item in _items(out)] == [
        "lu-song-tra-khuc-1000001.html"]
    assert tomorrow.per_source["tin"].window_moved


def test_a_source_wholly_forbidden_by_robots_is_failed(settings: Settings,
                                                       tmp_path: Path) -> None:
    root = tmp_path / "site"
    write(root, "robots.txt", "User-agent: *\nDisallow: /\n")
    write(root, "bai/tin-1000001.html", article_html("Tin bị cấm"))
    write(root, "sitemap.xml", sitemap(["/bai/tin-1000001.html"]))
    sources = sources_file(tmp_path / "sources.yaml", source("cam", "sitemap", "/sitemap.xml"))
    with LocalSite(root) as site:
        report = crawl(settings, tmp_path / "o.jsonl", sources_file=sources,
                       base_url=site.base_url)
    stats = report.per_source["cam"]
    assert stats.status == "failed", report.summary_lines()
    assert stats.skipped_by == {"robots_forbidden": 1}
    assert not stats.window_moved and not report.ok


def test_redirect_loop_is_named_not_dropped(settings: Settings, tmp_path: Path) -> None:
    root = tmp_path / "site"
    write(root, "bai/tin-1000001.html", article_html("Tin bình thường"))
    write(root, "sitemap.xml", sitemap(["/bai/tin-1000001.html", "/_special/loop-a"]))
    sources = sources_file(tmp_path / "sources.yaml", source("vong", "sitemap", "/sitemap.xml"))
    with LocalSite(root) as site:
        report = crawl(settings, tmp_path / "o.jsonl", sources_file=sources,
                       base_url=site.base_url)
    stats = report.per_source["vong"]
    assert stats.status == "partial", report.summary_lines()
    assert stats.skipped_by == {"redirect_loop": 1}
    assert any("loop-a" in message and "loop-b" in message for message in stats.messages)
    assert stats.new == 1 and not stats.window_moved


def test_feed_entries_lost_are_counted_and_raw_ampersands_kept(settings: Settings,
                                                              tmp_path: Path) -> None:
    root = tmp_path / "site"
    write(root, "bai/tin-1000001.html", article_html("Tin có tham số"))
    write(root, "rss.xml",
          '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>T</title>'
          "<item><title>Có liên kết</title>"
          "<link>{base_url}/bai/tin-1000001.html?id=7&amp;src=rss&page=2</link></item>"
          "<item><title>Không có liên kết</title><description>mất</description></item>"
          "</channel></rss>")
    sources = sources_file(tmp_path / "sources.yaml", source("rss", "rss", "/rss.xml"))
    with LocalSite(root) as site:
        report = crawl(settings, tmp_path / "o.jsonl", sources_file=sources,
                       base_url=site.base_url)
        requested = site.requests
    stats = report.per_source["rss"]
    assert "/bai/tin-1000001.html?id=7&src=rss&page=2" in requested
    assert stats.new == 1
    assert stats.status == "partial", report.summary_lines()
    assert stats.skipped_by == {"feed_entry_unreadable": 1}


def test_max_items_cap_is_noted_and_keeps_the_window(settings: Settings, tmp_path: Path) -> None:
    root = tmp_path / "site"
    pages = [f"/bai/tin-so-{n}-100000{n}.html" for n in range(1, 4)]
    for n, page in enumerate(pages, start=1):
        write(root, page.lstrip("/"), article_html(f"Tin số {n}",
                                                   [f"Đoạn riêng của tin số {n}.", *PARAS]))
    write(root, "sitemap.xml", sitemap(pages))
    sources = sources_file(tmp_path / "sources.yaml",
                           source("gioi-han", "sitemap", "/sitemap.xml", max_items=1))
    out = tmp_path / "o.jsonl"
    with LocalSite(root) as site:
        first = crawl(settings, out, sources_file=sources, base_url=site.base_url)
        stats = first.per_source["gioi-han"]
        assert stats.new == 1 and stats.status == "partial", first.summary_lines()
        assert stats.skipped_by == {"cap_reached": 2}
        assert any("max_items=1" in message for message in stats.messages)
        crawl(settings, out, sources_file=sources, base_url=site.base_url)
        third = crawl(settings, out, sources_file=sources, base_url=site.base_url)
    assert len(_items(out)) == 3
    assert third.per_source["gioi-han"].status == "ok", third.summary_lines()


PARAS = ("Đoạn thứ hai giống nhau ở mọi tin, nói về thời tiết và mực nước các sông lớn.",)
