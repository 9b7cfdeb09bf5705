"""The demo site crawled twice with the real Scrapy engine: each item stored exactly once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.ids import doc_id_for_url
from core.records import CrawledItem
from core.settings import Settings
from crawlers.localsite import LocalSite
from crawlers.runner import crawl
from tests.crawlers.conftest import DEMO_SITE, DEMO_SOURCES

ARTICLE_COUNT = len(list((DEMO_SITE / "bai").glob("*.html")))


def _items(path: Path) -> list[CrawledItem]:
    return [CrawledItem.model_validate_json(line) for line in path.read_text("utf-8").splitlines()]


def test_two_crawls_store_each_article_once_and_refetch_nothing(settings, demo_site: LocalSite,
                                                                  tmp_path: Path) -> None:
    out = tmp_path / "items.jsonl"
    first = crawl(settings, out, sources_file=DEMO_SOURCES, base_url=demo_site.base_url)
    items = _items(out)
    assert first.ok, first.summary_lines()
    assert len(items) == ARTICLE_COUNT
    assert len({item.canonical_url for item in items}) == ARTICLE_COUNT
    assert sum(stats.new for stats in first.per_source.values()) == ARTICLE_COUNT
    article_requests = [p for p in demo_site.requests if p.startswith("/bai/")]
    assert len(article_requests) == ARTICLE_COUNT  # feed and sitemap overlap, fetched once

    before = len(demo_site.requests)
    second = crawl(settings, out, sources_file=DEMO_SOURCES, base_url=demo_site.base_url)
    assert second.ok, second.summary_lines()
    assert len(_items(out)) == ARTICLE_COUNT
    assert all(stats.new == 0 for stats in second.per_source.values())
    # Each article is only re-checked for corrections, once, and answered "not modified".
    again = sorted(p for p in demo_site.requests[before:] if p.startswith("/bai/"))
    assert again == sorted(article_requests)
    assert sorted(p for p in demo_site.server.not_modified if p.startswith("/bai/")) == again
    assert sum(stats.rechecked for stats in second.per_source.values()) == ARTICLE_COUNT


def test_items_carry_ids_dates_and_clean_text(settings, demo_site: LocalSite,
                                              tmp_path: Path) -> None:
    out = tmp_path / "items.jsonl"
    crawl(settings, out, sources_file=DEMO_SOURCES, base_url=demo_site.base_url,
          source_ids=["demo-rss"])
    items = _items(out)
    assert items
    for item in items:
        assert item.id == doc_id_for_url(item.canonical_url)
        assert item.published is not None and item.published.tzinfo is not None
        assert item.title and item.text and item.lead
        assert item.title not in item.text.splitlines()[0]  # headline not repeated in body
        assert "Tin liên quan" not in item.text  # the related box is not body text
        assert item.source_id == "demo-rss"
    dam = next(item for item in items if "1000101" in item.url)
    assert dam.published.isoformat() == "2025-06-12T00:30:00+00:00"  # 07:30 in Hanoi
    assert dam.author == "Hoàng Minh"
    assert dam.section == "Thời sự"
    assert json.loads(out.read_text("utf-8").splitlines()[0])["language"] == "vi"


def test_a_relative_data_dir_means_the_caller_s_directory(
    tmp_path: Path, demo_site: LocalSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The crawl runs in a child process started elsewhere; its state must land beside the
    caller's data, or the next crawl from there would not know what it already has."""
    monkeypatch.chdir(tmp_path)
    settings = Settings(data_dir=Path("data"), allow_loopback=True)
    report = crawl(settings, tmp_path / "out.jsonl", sources_file=DEMO_SOURCES,
                   base_url=demo_site.base_url)
    assert report.total_new > 0
    assert (tmp_path / "data" / "crawl_state.sqlite3").exists()
