"""A crawled URL counts as seen for other runs only once its item is stored."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from crawlers.state import CrawlState


def _record(state: CrawlState, url: str, item_id: str) -> None:
    state.record_item(canonical_url=url, item_id=item_id, source_id="s", content_hash=None,
                      simhash=None)


def test_urls_of_a_run_wait_until_their_items_are_stored(tmp_path: Path) -> None:
    crawling = CrawlState.in_dir(tmp_path, pending_run="night-1")
    _record(crawling, "https://a.vn/1", "id-1")
    _record(crawling, "https://a.vn/2", "id-2")
    crawling.mark_success("s", datetime(2026, 4, 2, tzinfo=UTC))

    assert crawling.has_url("https://a.vn/1")  # the same run never fetches it twice
    other = CrawlState.in_dir(tmp_path, pending_run="night-2")
    plain = CrawlState.in_dir(tmp_path)
    # Killed here, before storing: a later run must fetch both pages again.
    assert not other.has_url("https://a.vn/1") and not plain.has_url("https://a.vn/2")
    assert plain.last_success("s") is None
    assert plain.unstored() == 2

    assert plain.mark_stored(["id-1"]) == 1
    plain.confirm_success("s")
    assert other.has_url("https://a.vn/1") and not other.has_url("https://a.vn/2")
    assert plain.last_success("s") == datetime(2026, 4, 2, tzinfo=UTC)
    assert plain.unstored() == 1
    for state in (crawling, other, plain):
        state.close()


def test_a_crawl_without_a_run_marks_urls_seen_at_once(tmp_path: Path) -> None:
    state = CrawlState.in_dir(tmp_path)
    _record(state, "https://a.vn/1", "id-1")
    assert CrawlState.in_dir(tmp_path).has_url("https://a.vn/1")
    state.close()
