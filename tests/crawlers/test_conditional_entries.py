"""Entry pages are asked again with their validators: an unchanged feed costs a 304, a changed
one is read in full, and an error answer is never hidden behind the kept copy."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.settings import Settings
from crawlers.localsite import LocalSite
from crawlers.runner import crawl
from tests.crawlers.conftest import DEMO_SITE, DEMO_SOURCES


class _Recording(LocalSite):
    """The local site, noting each request's conditional headers and the status answered."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.log: list[tuple[str, str | None, int]] = []
        log = self.log
        base = self.server.RequestHandlerClass

        class Handler(base):  # type: ignore[misc, valid-type]
            def send_response(self, code: int, message: str | None = None) -> None:
                log.append((self.path, self.headers.get("If-None-Match"), code))
                super().send_response(code, message)

        self.server.RequestHandlerClass = Handler


@pytest.fixture
def site(tmp_path: Path) -> Iterator[_Recording]:
    root = tmp_path / "site"
    shutil.copytree(DEMO_SITE, root)
    with _Recording(root) as running:
        yield running


def test_an_unchanged_feed_costs_a_304_and_a_changed_one_is_read(
    settings: Settings, site: _Recording, tmp_path: Path
) -> None:
    out = tmp_path / "items.jsonl"
    first = crawl(settings, out, sources_file=DEMO_SOURCES, source_ids=["demo-rss"],
                  base_url=site.base_url)
    assert first.ok and first.per_source["demo-rss"].new > 0
    feed = [entry for entry in site.log if entry[0] == "/rss.xml"]
    assert feed == [("/rss.xml", None, 200)]

    site.log.clear()
    second = crawl(settings, out, sources_file=DEMO_SOURCES, source_ids=["demo-rss"],
                   base_url=site.base_url)
    stats = second.per_source["demo-rss"]
    assert second.ok and stats.new == 0 and stats.failed == 0, second.summary_lines()
    feed = [entry for entry in site.log if entry[0] == "/rss.xml"]
    assert len(feed) == 1 and feed[0][1] is not None and feed[0][2] == 304
    # Stored articles are only re-checked for corrections: asked with their validators, 304.
    articles = [entry for entry in site.log if entry[0].startswith("/bai/")]
    assert len(articles) == first.per_source["demo-rss"].new
    assert all(tag is not None and status == 304 for _path, tag, status in articles)

    # A new item in the feed: the feed is read in full and only the new article fetched.
    rss = site.server.root / "rss.xml"
    article = next((site.server.root / "bai").glob("*.html"))
    copy = article.with_name("tin-moi-trong-dem-2000001.html")
    copy.write_bytes(article.read_bytes().replace(b"<title>", "<title>Tin mới: ".encode(), 1))
    text = rss.read_text("utf-8")
    item = (f"<item><title>Tin mới</title><link>{{base_url}}/bai/{copy.name}</link>"
            f"<pubDate>Thu, 12 Jun 2025 21:00:00 +0700</pubDate></item>")
    rss.write_text(text.replace("<item>", item + "<item>", 1), "utf-8")
    site.log.clear()
    third = crawl(settings, out, sources_file=DEMO_SOURCES, source_ids=["demo-rss"],
                  base_url=site.base_url)
    assert third.ok and third.per_source["demo-rss"].new == 1, third.summary_lines()
    assert [entry[2] for entry in site.log if entry[0] == "/rss.xml"] == [200]
    assert [entry[0] for entry in site.log
            if entry[0].startswith("/bai/") and entry[2] == 200] == [f"/bai/{copy.name}"]

    # The feed breaks: the crawl says so rather than reading the kept copy.
    rss.unlink()
    fourth = crawl(settings, out, sources_file=DEMO_SOURCES, source_ids=["demo-rss"],
                   base_url=site.base_url)
    assert fourth.per_source["demo-rss"].failed >= 1
