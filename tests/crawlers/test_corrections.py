"""Corrections: stored articles are asked again (conditional requests) while they are recent;
a changed body comes out as a new version of the same item. Real Scrapy engine, local server."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from core.records import CrawledItem
from core.settings import Settings
from crawlers.fingerprint import content_hash
from crawlers.localsite import LocalSite
from crawlers.runner import crawl
from tests.crawlers.pages import PARAGRAPHS, article_html, sitemap, source, sources_file, write

PAGE = "/bai/nha-may-xa-thai-ra-song-1000077.html"
TITLE = "Nhà máy bị tố xả thải ra sông"
CORRECTED = (PARAGRAPHS[0], "Đính chính: cơ quan chức năng xác nhận mẫu nước đạt chuẩn, nhà máy "
             "không xả thải trái phép như thông tin ban đầu.", PARAGRAPHS[2])


def _items(path: Path) -> list[CrawledItem]:
    return [CrawledItem.model_validate_json(line) for line in path.read_text("utf-8").splitlines()]


def _edit(root: Path, paragraphs: tuple[str, ...]) -> None:
    page = write(root, PAGE.lstrip("/"), article_html(TITLE, paragraphs))
    stamp = page.stat().st_mtime + 60  # a later Last-Modified, as a real edit gives
    os.utime(page, (stamp, stamp))


def test_a_changed_article_is_fetched_again_as_a_new_version(settings: Settings,
                                                             tmp_path: Path) -> None:
    root = tmp_path / "site"
    write(root, PAGE.lstrip("/"), article_html(TITLE))
    write(root, "sitemap.xml", sitemap([PAGE]))
    sources = sources_file(tmp_path / "sources.yaml", source("bao", "sitemap", "/sitemap.xml"))
    out = tmp_path / "items.jsonl"
    with LocalSite(root) as site:
        first = crawl(settings, out, sources_file=sources, base_url=site.base_url)
        unchanged = crawl(settings, out, sources_file=sources, base_url=site.base_url)
        # The page was asked again, with its validators, and answered "not modified".
        assert site.requests.count(PAGE) == 2 and site.server.not_modified.count(PAGE) == 1
        _edit(root, CORRECTED)
        edited = crawl(settings, out, sources_file=sources, base_url=site.base_url)

    assert first.per_source["bao"].new == 1
    assert unchanged.per_source["bao"].new == 0 and unchanged.per_source["bao"].revised == 0
    assert unchanged.per_source["bao"].rechecked == 1
    stats = edited.per_source["bao"]
    assert stats.revised == 1 and stats.new == 0 and stats.status == "ok", edited.summary_lines()
    assert "kiểm lại (rechecked) 1, sửa đổi (revised) 1" in edited.summary_lines()[0]
    original, correction = _items(out)
    assert correction.id == original.id and correction.canonical_url == original.canonical_url
    assert (original.version, correction.version) == (1, 2)
    assert correction.previous_hash == original.content_hash
    assert correction.content_hash == content_hash(correction.text) != original.content_hash
    assert "Đính chính" in correction.text and "Đính chính" not in original.text


def test_only_recent_articles_are_rechecked_and_removed_ones_are_said(settings: Settings,
                                                                      tmp_path: Path) -> None:
    root = tmp_path / "site"
    write(root, PAGE.lstrip("/"), article_html(TITLE))
    write(root, "sitemap.xml", sitemap([PAGE]))
    sources = sources_file(tmp_path / "sources.yaml", source("bao", "sitemap", "/sitemap.xml"))
    out = tmp_path / "items.jsonl"
    with LocalSite(root) as site:
        crawl(settings, out, sources_file=sources, base_url=site.base_url)
        _edit(root, CORRECTED)
        no_window = crawl(replace(settings, recheck_days=0), out, sources_file=sources,
                          base_url=site.base_url)
        assert site.requests.count(PAGE) == 1 and no_window.per_source["bao"].revised == 0
        (root / PAGE.lstrip("/")).unlink()
        gone = crawl(settings, out, sources_file=sources, base_url=site.base_url)
    stats = gone.per_source["bao"]
    assert stats.skipped_by == {"removed": 1} and stats.status == "ok", gone.summary_lines()
    assert any("removed" in message for message in stats.messages)
    assert len(_items(out)) == 1


def test_a_busy_sources_rechecks_are_capped_and_rotate_over_crawls(settings: Settings,
                                                                   tmp_path: Path) -> None:
    root = tmp_path / "site"
    pages = [f"/bai/tin-moi-truong-so-{n}-100010{n}.html" for n in range(3)]
    for n, page in enumerate(pages):
        write(root, page.lstrip("/"), article_html(f"{TITLE} ({n})"))
    write(root, "sitemap.xml", sitemap(pages))
    sources = sources_file(tmp_path / "sources.yaml", source("bao", "sitemap", "/sitemap.xml"))
    out = tmp_path / "items.jsonl"
    capped = replace(settings, recheck_max=2)
    with LocalSite(root) as site:
        crawl(capped, out, sources_file=sources, base_url=site.base_url)
        second = crawl(capped, out, sources_file=sources, base_url=site.base_url)
        after_second = [site.requests.count(page) for page in pages]
        third = crawl(capped, out, sources_file=sources, base_url=site.base_url)
        after_third = [site.requests.count(page) for page in pages]
    # Two of three asked again, and the run says one waits; the next crawl starts with it.
    assert sorted(after_second) == [1, 2, 2]
    assert second.per_source["bao"].rechecked == 2
    assert any("rechecks deferred" in m for m in second.per_source["bao"].messages)
    left_out = after_second.index(1)
    assert after_third[left_out] == 2 and sum(after_third) == sum(after_second) + 2
    assert third.per_source["bao"].rechecked == 2 and len(_items(out)) == 3
