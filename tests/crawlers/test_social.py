"""Social sources and file imports through the real Scrapy engine against local API fixtures."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from core.ids import doc_id_for_post, pseudonymise
from core.records import CrawledItem
from core.settings import Settings
from crawlers.localsite import LocalSite
from crawlers.runner import crawl
from tests.crawlers.conftest import FIXTURE_SITE

SOURCES = FIXTURE_SITE / "social_sources.yaml"


def _items(path: Path) -> list[CrawledItem]:
    if not path.exists():
        return []
    return [CrawledItem.model_validate_json(line) for line in path.read_text("utf-8").splitlines()]


def test_sources_without_keys_are_skipped_with_a_message(settings: Settings,
                                                         fixture_site: LocalSite,
                                                         tmp_path: Path) -> None:
    report = crawl(settings, tmp_path / "o.jsonl", sources_file=SOURCES,
                   base_url=fixture_site.base_url, source_ids=["fx-youtube", "fx-facebook"])
    for source_id, variable in (("fx-youtube", "KIEMCHUNG_YOUTUBE_API_KEY"),
                                ("fx-facebook", "KIEMCHUNG_FACEBOOK_TOKEN")):
        stats = report.per_source[source_id]
        assert stats.skipped and stats.new == 0
        assert variable in stats.messages[0]
    assert not [path for path in fixture_site.requests if "youtube" in path or "graph" in path]


def test_social_posts_and_imports(settings: Settings, fixture_site: LocalSite,
                                  tmp_path: Path) -> None:
    keyed = dataclasses.replace(settings, youtube_api_key="yt-test", facebook_token="fb-test")
    out = tmp_path / "social.jsonl"
    report = crawl(keyed, out, sources_file=SOURCES, base_url=fixture_site.base_url)
    items = {item.id: item for item in _items(out)}

    video = items[doc_id_for_post("youtube", "vid00000001")]
    assert video.platform == "youtube" and video.source_kind == "social"
    assert video.author == "Kênh Thời Sự Mẫu"  # a public channel keeps its name
    assert video.published is not None and video.published.tzinfo is not None
    comment = items[doc_id_for_post("youtube", "cmt0000001")]
    assert comment.author == pseudonymise("Nguyễn Văn Bình", "test-key")
    assert comment.metadata["author_id"] == pseudonymise("UCprivateperson1", "test-key")
    assert "Nguyễn Văn Bình" not in out.read_text("utf-8")
    assert report.per_source["fx-youtube"].new == 4  # 2 videos + 2 comments of the first

    page_post = items[doc_id_for_post("facebook", "111_222")]
    assert page_post.author == "Trang Môi Trường Mẫu"
    assert report.per_source["fx-facebook"].new == 1  # the post without a message is left out

    alert = items[doc_id_for_post("telegram", "kenhtinnong/101")]
    assert alert.text == "KHẨN: đập thủy điện sắp vỡ!\nChia sẻ ngay cho người thân."
    assert alert.author == "Kênh Tin Nóng Mẫu"

    imported = items[doc_id_for_post("zalo", "zalo-1")]
    assert imported.source_kind == "import"
    assert imported.author == pseudonymise("Phạm Thị Mai", "test-key")
    assert imported.published is not None
    jsonl = report.per_source["fx-import-jsonl"]
    assert jsonl.new == 2 and jsonl.failed == 2  # a broken line and a row without text
    assert report.per_source["fx-import-csv"].new == 1

    again = crawl(keyed, out, sources_file=SOURCES, base_url=fixture_site.base_url)
    assert sum(stats.new for stats in again.per_source.values()) == 0
    assert len(_items(out)) == len(items)
