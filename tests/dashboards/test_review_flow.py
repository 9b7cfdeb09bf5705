"""The reviewer's day: queue with filters and sorting, item page, verdicts and the audit log."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from index.query import SearchQuery
from index.store import ItemStore
from tests.dashboards.conftest import XSS_TEXT, seed_items


def _queue_ids(html: str) -> list[str]:
    return re.findall(r'<tr class="row" data-id="([^"]+)"', html)


def test_queue_lists_flagged_unreviewed_by_score(reviewer: TestClient) -> None:
    page = reviewer.get("/queue")
    ids = _queue_ids(page.text)
    items = {item.id: item for item in seed_items()}
    assert ids[0] == seed_items()[0].id  # the 0.99 item
    scores = [items[i].classification.score for i in ids]
    assert scores == sorted(scores, reverse=True)
    assert seed_items()[2].id not in ids  # label none: not flagged


def test_queue_filters_and_recency(reviewer: TestClient) -> None:
    ids = _queue_ids(reviewer.get("/queue", params={"source": "tiktok"}).text)
    items = {item.id: item for item in seed_items()}
    assert ids and {items[i].item.source_id for i in ids} == {"tiktok"}
    ids = _queue_ids(reviewer.get("/queue", params={"label": "solution_myth"}).text)
    assert {items[i].classification.label for i in ids} == {"solution_myth"}
    ids = _queue_ids(reviewer.get("/queue", params={"date_from": "2026-11-04",
                                                   "date_to": "2026-11-04"}).text)
    assert ids and all(items[i].item.published.date().isoformat() == "2026-11-04" for i in ids)
    ids = _queue_ids(reviewer.get("/queue", params={"sort": "recency"}).text)
    dates = [items[i].item.published for i in ids]
    assert dates == sorted(dates, reverse=True)


def test_item_page_shows_everything_inert(reviewer: TestClient) -> None:
    xss, copy = seed_items()[0], seed_items()[1]
    html = reviewer.get(f"/items/{xss.id}").text
    assert "<script>window.__pwned" not in html and "&lt;script&gt;" in html
    assert "<img src=x" not in html and 'href="javascript:' not in html
    assert 'id="source-link-unsafe"' in html  # the javascript: URL is shown, never linked
    assert '<mark class="claim">Đập thủy điện đã vỡ</mark>' in html
    assert "kc-0001" in html and "Bản Vẽ" in html  # the known claim, from known_claims.yaml
    assert f"/items/{copy.id}" in html
    assert "thử nghiệm" in html  # the model's reasons
    assert XSS_TEXT not in html


def test_verdict_leaves_the_queue_and_enters_the_audit_log(
    reviewer: TestClient, admin: TestClient, seeded_store: ItemStore
) -> None:
    item_id = seed_items()[0].id
    response = reviewer.post(f"/items/{item_id}/verdict", data={
        "verdict": "confirmed", "label": "disaster_hoax", "note": "EVN bác bỏ <b>tin</b>",
        "evidence": "https://evn.example/bac-bo\nhttps://baochinhphu.example/tin",
        "back": "/queue",
    }, follow_redirects=True)
    assert response.status_code == 200 and 'id="flash"' in response.text
    assert item_id not in _queue_ids(response.text)
    stored = seeded_store.get(item_id)
    assert stored is not None and stored.verdict is not None
    assert stored.verdict.reviewer == "lan" and stored.verdict.evidence[0].startswith("https://")
    assert seeded_store.count(SearchQuery(review_status="confirmed")) == 1
    reviewer.post(f"/items/{item_id}/verdict", data={"verdict": "needs_expert"})
    audit = admin.get("/audit").text
    assert "EVN bác bỏ &lt;b&gt;tin&lt;/b&gt;" in audit
    log = admin.get("/api/audit").json()
    assert [(e["verdict"], e["before_verdict"]) for e in log[:2]] == [
        ("needs_expert", "confirmed"), ("confirmed", None)]


def test_bad_evidence_link_is_refused(reviewer: TestClient) -> None:
    item_id = seed_items()[0].id
    response = reviewer.post(f"/items/{item_id}/verdict", data={
        "verdict": "confirmed", "evidence": "javascript:alert(1)"})
    assert response.status_code == 400


def test_keyboard_bulk_verdict(reviewer: TestClient, seeded_store: ItemStore) -> None:
    ids = [seed_items()[3].id, seed_items()[4].id]
    reviewer.post("/queue/verdicts", data={"verdict": "not_misleading", "item_ids": ids})
    for item_id in ids:
        stored = seeded_store.get(item_id)
        assert stored is not None and stored.verdict is not None
        assert stored.verdict.verdict == "not_misleading"


def test_language_switch(reviewer: TestClient) -> None:
    assert "Hàng đợi" in reviewer.get("/queue").text
    reviewer.post("/lang", data={"lang": "en", "back": "/queue"})
    page = reviewer.get("/queue").text
    assert "Queue" in page and 'lang="en"' in page


def test_verdict_label_must_fit_the_verdict(reviewer: TestClient) -> None:
    item_id = seed_items()[0].id
    assert reviewer.post(f"/items/{item_id}/verdict", data={
        "verdict": "confirmed", "label": "none"}).status_code == 400
    assert reviewer.post(f"/api/items/{item_id}/verdict", json={
        "verdict": "not_misleading", "label": "disaster_hoax"}).status_code == 400
    answer = reviewer.post(f"/api/items/{item_id}/verdict", json={
        "verdict": "not_misleading", "label": "opinion"})
    assert answer.status_code == 201 and answer.json()["label"] == "opinion"
