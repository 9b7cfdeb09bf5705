"""A hostile fixture site crawled with the real Scrapy engine: encodings, broken pages, size caps,
gzip bombs, refused redirects, timeouts, robots.txt, pagination and syndicated copies."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path

import pytest

from core.records import CrawledItem
from core.settings import Settings
from crawlers.localsite import LocalSite
from crawlers.report import CrawlReport
from crawlers.runner import crawl
from tests.crawlers.conftest import CP1258_BODY, CP1258_TITLE, FIXTURE_SITE, write_cp1258_page

SOURCES = FIXTURE_SITE / "sources.yaml"


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[tuple[CrawlReport, dict[str, CrawledItem], list[str]]]:
    """One crawl of the whole fixture site, shared by the tests that only read its results."""
    tmp_path = tmp_path_factory.mktemp("hostile")
    root = tmp_path / "site"
    shutil.copytree(FIXTURE_SITE, root)
    write_cp1258_page(root)
    settings = Settings(data_dir=tmp_path / "data", allow_loopback=True)
    out = tmp_path / "items.jsonl"
    with LocalSite(root) as fixture_site:
        report = crawl(settings, out, sources_file=SOURCES, base_url=fixture_site.base_url)
        requests = fixture_site.requests
    items = [CrawledItem.model_validate_json(line) for line in out.read_text("utf-8").splitlines()]
    by_path = {item.canonical_url.split("/", 3)[3]: item for item in items}
    yield report, by_path, requests


def test_undeclared_windows_1258_page_is_decoded_to_nfc(crawled) -> None:
    _report, items, _requests = crawled
    item = items["bai/cp1258-khong-khai-bao-1334567.html"]
    assert item.title == CP1258_TITLE
    assert CP1258_BODY in item.text
    assert item.metadata["encoding"] == "cp1258"


def test_hostile_pages_are_counted_not_fatal(crawled) -> None:
    report, items, requests = crawled
    hostile = report.per_source["fx-hostile"]
    # oversized, gzip bomb, 2 private redirects, file:// redirect, slow, 500, 404, empty page
    assert hostile.failed == 9, hostile.messages
    text = "\n".join(hostile.messages)
    for needle in ("oversized", "gzip-bomb", "10.0.0.1", "169.254.169.254", "slow", "status/500",
                   "khong-ton-tai-8888888", "empty-9234567"):
        assert needle in text
    assert not report.ok
    # the other sources were not disturbed by the hostile one
    assert report.per_source["fx-listing"].failed == 0
    assert "bai/atom-song-hong-1234567.html" in items


def test_malformed_html_still_yields_text(crawled) -> None:
    _report, items, _requests = crawled
    broken = items["bai/broken-markup-8234567.html"]
    assert broken.title.startswith("Trang có mã HTML hỏng")
    assert "Đoạn thứ hai về ô nhiễm không khí" in broken.text
    assert "không phải nội dung" not in broken.text


def test_robots_txt_and_off_site_links_are_respected(crawled) -> None:
    report, items, requests = crawled
    assert not [path for path in requests if path.startswith("/private/")]
    assert any("robots.txt" in message for message in report.per_source["fx-listing"].messages)
    assert not [path for path in items if "ben-ngoai" in path]


def test_listing_follows_pagination_up_to_max_pages(crawled) -> None:
    _report, items, requests = crawled
    assert "bai/listing-page2-rac-nhua-6234567.html" in items
    assert "/listing/page3.html" not in requests  # max_pages: 2


def test_feed_window_and_tracking_parameters(settings: Settings, fixture_site: LocalSite,
                                             tmp_path: Path) -> None:
    from datetime import datetime

    out = tmp_path / "atom.jsonl"
    report = crawl(settings, out, sources_file=SOURCES, base_url=fixture_site.base_url,
                   source_ids=["fx-atom"], since=datetime(2025, 1, 1, tzinfo=UTC))
    items = [CrawledItem.model_validate_json(line) for line in out.read_text("utf-8").splitlines()]
    assert report.ok, report.summary_lines()
    assert sorted(item.canonical_url.rsplit("/", 1)[1] for item in items) == [
        "atom-gio-mua-3234567.html", "atom-song-hong-1234567.html"]
    assert "/bai/khong-ton-tai-cu-1111111.html" not in fixture_site.requests  # before --since
    wind = next(item for item in items if "gio-mua" in item.url)
    assert wind.published is not None
    assert wind.published.isoformat() == "2025-07-01T23:00:00+00:00"  # no offset: Hanoi time


def test_syndicated_copy_is_linked_not_lost(crawled) -> None:
    _report, items, _requests = crawled
    original = items["bai/atom-song-hong-1234567.html"]
    copy = items["bai/syndicated-song-hong-2234567.html"]
    assert copy.duplicate_of == original.id or original.duplicate_of == copy.id
    assert copy.text and original.text


def test_robots_txt_failure_policy(settings: Settings, fixture_root: Path, tmp_path: Path) -> None:
    with LocalSite(fixture_root, robots="error") as site:
        report = crawl(settings, tmp_path / "x.jsonl", sources_file=SOURCES,
                       base_url=site.base_url, source_ids=["fx-atom"])
        assert [path for path in site.requests if path != "/robots.txt"] == []
    stats = report.per_source["fx-atom"]
    assert stats.new == 0 and stats.failed >= 1
    assert any("robots.txt" in message and "HTTP 500" in message for message in stats.messages)
