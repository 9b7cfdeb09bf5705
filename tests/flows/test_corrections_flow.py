"""Two nights of the real pipeline with a stealth edit in between: the corrected article is
crawled again, re-classified, stored as version 2 beside version 1, and back in the queue."""

from __future__ import annotations

import os
from pathlib import Path

from core.ids import doc_id_for_url
from core.records import ReviewVerdict
from core.settings import load_settings
from crawlers.localsite import LocalSite
from index.factory import open_store
from index.query import SearchQuery
from models.enrich import enrich
from models.registry import active_model_dir
from tests.crawlers.pages import article_html, sitemap, write

PAGE = "/bai/dap-thuy-dien-vo-1000099.html"
TITLE = "Đập thủy điện ở Quảng Nam có nguy cơ vỡ"
HOAX = ("KHẨN: đập thủy điện Sông Tranh đã nứt toang, nước sẽ về hạ du trong hai tiếng nữa, bà "
        "con sơ tán ngay và chia sẻ gấp cho người thân!",
        "Nhiều người dân các xã ven sông đã hoảng loạn chạy lên đồi trong đêm.")
CORRECTED = ("Đính chính: Công ty thủy điện Sông Tranh khẳng định đập vẫn vận hành an toàn, không "
             "có vết nứt nào; thông tin đập vỡ lan truyền trên mạng là sai sự thật.",
             "Ban chỉ huy phòng chống thiên tai tỉnh đề nghị người dân chỉ theo dõi thông báo "
             "chính thức.")


def test_a_stealth_edit_is_crawled_reclassified_kept_and_requeued(data_dir: Path,
                                                                 tmp_path: Path) -> None:
    from flows.nightly import nightly

    root = tmp_path / "site"
    page = write(root, PAGE.lstrip("/"), article_html(TITLE, HOAX))
    write(root, "sitemap.xml", sitemap([PAGE]))
    sources = tmp_path / "sources.yaml"
    sources.write_text("sources:\n  - id: bao-tinh\n    kind: sitemap\n"
                       "    urls: ['{base_url}/sitemap.xml']\n    options: {delay: 0.01}\n",
                       encoding="utf-8")
    with LocalSite(root) as site:
        item_id = doc_id_for_url(site.base_url + PAGE)
        first = nightly(sources_file=str(sources), base_url=site.base_url, run_key="dem-1",
                        return_state=True)
        assert first.is_completed()
        store = open_store(load_settings())
        try:
            before = store.get(item_id)
            assert before is not None and before.indexed.item.version == 1
            store.record_verdict(ReviewVerdict(item_id=item_id, verdict="confirmed",
                                               label="disaster_hoax", reviewer="lan",
                                               note="EVN bác bỏ"))
        finally:
            store.close()

        write(root, PAGE.lstrip("/"), article_html(TITLE, CORRECTED))
        stamp = page.stat().st_mtime + 60
        os.utime(page, (stamp, stamp))
        second = nightly(sources_file=str(sources), base_url=site.base_url, run_key="dem-2",
                         return_state=True)
        assert second.is_completed()

    store = open_store(load_settings())
    try:
        store.refresh()
        after = store.get(item_id)
        queue = {hit.stored.id for hit in store.search(
            SearchQuery(review_status="unreviewed")).hits}
        assert store.count() == 1
    finally:
        store.close()
    assert after is not None
    assert after.indexed.item.version == 2 and "Đính chính" in after.indexed.item.text
    assert [r.text for r in after.indexed.revisions] == [before.indexed.item.text]
    # Re-classified: the stored classification is the model's answer for the new text.
    settings = load_settings()
    fresh = enrich([after.indexed.item], flag_threshold=settings.flag_threshold,
                   artefact_dir=active_model_dir(settings))[0].classification
    assert after.indexed.classification.score == fresh.score
    assert after.indexed.classification.score != before.indexed.classification.score
    # The verdict stays; the material change puts the item back in the queue.
    assert after.verdict is not None and after.verdict.verdict == "confirmed"
    assert after.indexed.edited_after_review and item_id in queue
