"""A source that ``sources.yaml`` marks ``official: true`` reaches the classifier as official,
in the nightly run on the real Prefect engine and real Scrapy, and in a watch cycle."""

from __future__ import annotations

from pathlib import Path

from core.ids import doc_id_for_url
from core.settings import load_settings
from crawlers.localsite import LocalSite
from index.factory import open_store
from models.enrich import enrich
from models.registry import active_model_dir
from tests.crawlers.pages import article_html, sitemap, write

PAGE = "/thong-bao/xa-lu-ho-chua-1000201.html"
TITLE = "Thông báo xả lũ hồ chứa thủy điện"
TEXT = ("KHẨN: đập thủy điện đã nứt, nước sẽ về hạ du trong hai tiếng nữa, bà con sơ tán ngay "
        "và chia sẻ gấp cho người thân!",
        "Người dân các xã ven sông cần di chuyển lên vùng cao trong đêm nay.")


def _sources(path: Path) -> Path:
    path.write_text(
        "sources:\n  - id: cong-thong-tin\n    kind: sitemap\n"
        "    urls: ['{base_url}/sitemap.xml']\n"
        "    official: true\n    options: {delay: 0.01}\n",
        encoding="utf-8",
    )
    return path


def _stored_score(item_id: str) -> tuple[float, object]:
    store = open_store(load_settings())
    try:
        store.refresh()
        stored = store.get(item_id)
    finally:
        store.close()
    assert stored is not None
    return stored.indexed.classification.score, stored.indexed.item


def _scores(item: object) -> tuple[float, float]:
    """The model's score for the stored item read as an official notice, and as news."""
    settings = load_settings()
    official, news = (
        enrich([item], flag_threshold=settings.flag_threshold,  # type: ignore[list-item]
               artefact_dir=active_model_dir(settings), official=flag)[0].classification.score
        for flag in (True, False)
    )
    return official, news


def _site(tmp_path: Path) -> tuple[Path, Path]:
    """The official source's one page, and a sources file marking the source official."""
    root = tmp_path / "site"
    write(root, PAGE.lstrip("/"), article_html(TITLE, TEXT))
    write(root, "sitemap.xml", sitemap([PAGE]))
    return root, _sources(tmp_path / "sources.yaml")


def _assert_stored_as_official(item_id: str) -> None:
    score, item = _stored_score(item_id)
    official, news = _scores(item)
    assert official != news  # the source kind moves this item's score
    assert score == official


def test_items_of_an_official_source_are_classified_as_official(
    data_dir: Path, tmp_path: Path
) -> None:
    from flows.nightly import nightly

    root, sources = _site(tmp_path)
    with LocalSite(root) as site:
        item_id = doc_id_for_url(site.base_url + PAGE)
        assert nightly(sources_file=str(sources), base_url=site.base_url, run_key="dem-o",
                       return_state=True).is_completed()
    _assert_stored_as_official(item_id)


def test_a_watch_cycle_classifies_an_official_source_as_official(
    data_dir: Path, tmp_path: Path
) -> None:
    from flows.watch import watch_cycle

    root, sources = _site(tmp_path)
    with LocalSite(root) as site:
        item_id = doc_id_for_url(site.base_url + PAGE)
        watch_cycle(name="o", sources_file=str(sources), base_url=site.base_url)
    _assert_stored_as_official(item_id)
