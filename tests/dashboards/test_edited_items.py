"""A reviewed item whose article was then corrected: back in the queue, marked as edited, the
difference shown on its page, the old verdict still there. Both stores, the real app."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from index.spool import Spool
from index.store import ItemStore
from tests.dashboards.conftest import seed_items


def _queue_ids(html: str) -> list[str]:
    return re.findall(r'<tr class="row" data-id="([^"]+)"', html)


def test_a_corrected_item_comes_back_to_the_reviewer_with_its_difference(
        reviewer: TestClient, seeded_store: ItemStore, tmp_path: Path) -> None:
    item = seed_items()[5]
    response = reviewer.post(f"/items/{item.id}/verdict", data={
        "verdict": "confirmed", "label": item.classification.label, "note": "Tin bịa",
    }, follow_redirects=False)
    assert response.status_code == 303
    seeded_store.refresh()
    assert item.id not in _queue_ids(reviewer.get("/queue").text)

    # The page was edited: a night's crawl brings version 2 through the spool.
    new_text = item.item.text.replace("đã nứt, nước sắp về", "không hề nứt, nước vẫn ổn định")
    corrected = item.model_copy(update={"item": item.item.model_copy(update={
        "text": new_text, "version": 2, "content_hash": "v2",
        "previous_hash": item.item.content_hash})})
    spool = Spool(tmp_path / "spool")
    spool.flush(seeded_store, spool.put("night", [corrected]))
    seeded_store.refresh()

    queue = reviewer.get("/queue").text
    assert item.id in _queue_ids(queue)
    row = queue[queue.index(f'data-id="{item.id}"'):]
    row = row[:row.index("</tr>")]
    assert 'class="tag tag-edited"' in row and "Đã sửa" in row

    page = reviewer.get(f"/items/{item.id}").text
    assert 'id="edit-diff"' in page and 'id="edited-after-review"' in page
    assert ("<del>đã </del><ins>không hề </ins>nứt, nước <del>sắp về, </del>"
            "<ins>vẫn ổn định, </ins>chia sẻ gấp!") in page
    current = re.search(r'id="current-verdict">([^<]+)<', page)
    assert current is not None and current.group(1) != "Chưa duyệt"  # the verdict stays
