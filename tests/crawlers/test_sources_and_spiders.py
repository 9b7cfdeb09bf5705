"""The source registry's validation and the spider declarations."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from crawlers.sources import DEFAULT_SOURCES_FILE, SourcesError, load_sources, parse_sources
from crawlers.spiders import all_spiders, spider_for
from crawlers.spiders.base import SourceSpider


def test_default_registry_loads_and_marks_sources_unverified() -> None:
    sources = load_sources(DEFAULT_SOURCES_FILE)
    ids = {source.id for source in sources}
    assert {"baocaobang-xa-hoi", "vnexpress-thoi-su", "youtube-moi-truong"} <= ids
    assert all(not source.verified for source in sources)
    for source in sources:
        spider_for(source.kind, source.spider)  # every source has a spider


@pytest.mark.parametrize(
    ("entry", "needle"),
    [
        ({"id": "a-b", "kind": "rss"}, "source 'a-b'"),
        ({"id": "a-b", "kind": "rss", "urls": ["ftp://x"]}, "field 'urls'"),
        ({"id": "a-b", "kind": "gopher", "urls": ["https://x"]}, "field 'kind'"),
        ({"id": "a-b", "kind": "rss", "urls": ["https://x"], "options": {"delay": -1}},
         "field 'options.delay'"),
        ({"id": "a-b", "kind": "youtube"}, "keywords"),
        ({"id": "A B", "kind": "rss", "urls": ["https://x"]}, "field 'id'"),
        ({"id": "a-b", "kind": "listing", "urls": ["https://x"],
          "options": {"link_pattern": "("}}, "regular expression"),
    ],
)
def test_errors_name_the_source_and_field(entry: dict, needle: str) -> None:
    with pytest.raises(SourcesError) as caught:
        parse_sources({"sources": [entry]})
    assert needle in str(caught.value)


def test_duplicate_ids_and_unknown_selection(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    entry = {"id": "x-1", "kind": "rss", "urls": ["{base_url}/rss.xml"]}
    path.write_text(yaml.safe_dump({"sources": [entry, entry]}), "utf-8")
    with pytest.raises(SourcesError, match="used twice"):
        load_sources(path)
    path.write_text(yaml.safe_dump({"sources": [entry]}), "utf-8")
    assert load_sources(path, base_url="http://127.0.0.1:9")[0].urls == ["http://127.0.0.1:9/rss.xml"]
    with pytest.raises(SourcesError, match="nope"):
        load_sources(path, only=["nope"])


def test_every_spider_imports_and_declares_itself() -> None:
    spiders = all_spiders()
    assert {"feed", "sitemap", "listing", "youtube", "facebook_page", "telegram_channel",
            "file_import", "baocaobang"} <= set(spiders)
    for name, spider in spiders.items():
        assert issubclass(spider, SourceSpider)
        assert spider.name == name and spider.kinds
