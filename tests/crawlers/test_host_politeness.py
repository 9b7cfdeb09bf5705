"""Politeness is one limit per host for the whole run, not one per source.

Six sources on one host (the same local server) crawled together by the real Scrapy engine;
the server holds each answer a moment and counts how many it was answering at once."""

from __future__ import annotations

import threading
from pathlib import Path

from core.settings import Settings
from crawlers.localsite import LocalSite
from crawlers.net.host_limits import HostLimit, limits_by_host, next_start
from crawlers.runner import crawl
from tests.crawlers.pages import article_html, sitemap, source, sources_file, write


def test_six_sources_on_one_host_keep_to_the_hosts_single_limit(settings: Settings,
                                                                 tmp_path: Path) -> None:
    root = tmp_path / "site"
    entries = []
    for n in range(6):
        pages = [f"/bai/nguon-{n}-tin-{k}-10000{n}{k}.html" for k in range(3)]
        for k, page in enumerate(pages):
            write(root, page.lstrip("/"), article_html(
                f"Tin {k} của nguồn {n}", [f"Nguồn {n} đưa tin số {k} về mưa lớn ở miền Trung "
                                           f"và mực nước sông dâng cao (mã {n}{k}).",
                                           "Người dân được khuyến cáo theo dõi dự báo."]))
        write(root, f"sitemap-{n}.xml", sitemap(pages))
        # One of them asks for a single request at a time: the politest wish holds for all.
        extra = {"concurrency": 1} if n == 3 else {}
        entries.append(source(f"nguon-{n}", "sitemap", f"/sitemap-{n}.xml", **extra))
    sources = sources_file(tmp_path / "sources.yaml", *entries)
    with LocalSite(root) as site:
        site.server.hold_seconds = 0.1
        report = crawl(settings, tmp_path / "o.jsonl", sources_file=sources,
                       base_url=site.base_url)
        most_at_once = site.server.max_in_flight
    assert [stats.new for stats in report.per_source.values()] == [3] * 6, report.summary_lines()
    assert most_at_once == 1


def test_two_crawl_processes_on_one_host_share_its_limit(settings: Settings,
                                                         tmp_path: Path) -> None:
    """What two nightly tasks (or two workers on one data directory) do: each crawls one source
    in its own process, at the same time, on the same host."""
    root = tmp_path / "site"
    entries = []
    for n in range(2):
        pages = [f"/bai/tien-trinh-{n}-tin-{k}-20000{n}{k}.html" for k in range(4)]
        for k, page in enumerate(pages):
            write(root, page.lstrip("/"), article_html(
                f"Tin {k} của tiến trình {n}", [f"Bài số {k} của nguồn {n} về xâm nhập mặn ở "
                                                f"đồng bằng sông Cửu Long (mã {n}{k}).",
                                                "Nông dân được khuyên trữ nước ngọt."]))
        write(root, f"sitemap-{n}.xml", sitemap(pages))
        entries.append(source(f"tien-trinh-{n}", "sitemap", f"/sitemap-{n}.xml", concurrency=1))
    sources = sources_file(tmp_path / "sources.yaml", *entries)
    reports = {}
    with LocalSite(root) as site:
        site.server.hold_seconds = 0.1

        def run(n: int) -> None:
            reports[n] = crawl(settings, tmp_path / f"o{n}.jsonl", sources_file=sources,
                               source_ids=[f"tien-trinh-{n}"], base_url=site.base_url)

        threads = [threading.Thread(target=run, args=(n,)) for n in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        most_at_once = site.server.max_in_flight
    assert [reports[n].per_source[f"tien-trinh-{n}"].new for n in range(2)] == [4, 4]
    assert most_at_once == 1


def test_the_politest_wish_of_the_sources_on_a_host_wins() -> None:
    limits = limits_by_host([
        (["https://vnexpress.net/rss/a.rss"], HostLimit(2, 0.5)),
        (["https://vnexpress.net/sitemap.xml", "https://e.vnexpress.net/x"], HostLimit(1, 0.2)),
        (["https://tuoitre.vn/rss"], HostLimit(2, 1.0)),
    ])
    assert limits == {"vnexpress.net": HostLimit(1, 0.5), "e.vnexpress.net": HostLimit(1, 0.2),
                      "tuoitre.vn": HostLimit(2, 1.0)}


def test_starts_on_a_host_are_spaced_by_its_delay() -> None:
    earliest = 0.0
    starts = []
    for now in (10.0, 10.0, 10.1, 13.0):
        start, earliest = next_start(now, earliest, 1.0)
        starts.append(start)
    assert starts == [10.0, 11.0, 12.0, 13.0]
