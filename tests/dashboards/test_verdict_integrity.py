"""Verdicts that make sense, through the form, the keyboard queue and the API, on both stores:
confirmed needs a misleading label, a duplicate needs an existing item."""

from __future__ import annotations

from fastapi.testclient import TestClient

from index.store import ItemStore
from tests.dashboards.conftest import seed_items


def test_confirmed_without_a_label_is_refused_by_form_and_api(
    reviewer: TestClient, seeded_store: ItemStore
) -> None:
    item_id = seed_items()[0].id
    assert reviewer.post(f"/items/{item_id}/verdict", data={"verdict": "confirmed"}
                         ).status_code == 400
    answer = reviewer.post(f"/api/items/{item_id}/verdict", json={"verdict": "confirmed"})
    assert answer.status_code == 400 and "misleading label" in answer.json()["detail"]
    assert reviewer.post(f"/api/items/{item_id}/verdict", json={
        "verdict": "confirmed", "label": "opinion"}).status_code == 400
    assert seeded_store.verdict_history(item_id) == []
    assert reviewer.post(f"/api/items/{item_id}/verdict", json={
        "verdict": "confirmed", "label": "disaster_hoax"}).status_code == 201


def test_a_duplicate_needs_an_existing_item(reviewer: TestClient,
                                            seeded_store: ItemStore) -> None:
    item_id, original = seed_items()[1].id, seed_items()[0].id
    for body in ({"verdict": "duplicate"}, {"verdict": "duplicate", "duplicate_of": ""},
                 {"verdict": "duplicate", "duplicate_of": "khong-co-muc-nay"},
                 {"verdict": "duplicate", "duplicate_of": item_id},
                 {"verdict": "needs_expert", "duplicate_of": original}):
        answer = reviewer.post(f"/api/items/{item_id}/verdict", json=body)
        assert answer.status_code == 400, body
        assert reviewer.post(f"/items/{item_id}/verdict", data=body).status_code == 400, body
    assert seeded_store.verdict_history(item_id) == []
    answer = reviewer.post(f"/api/items/{item_id}/verdict", json={
        "verdict": "duplicate", "duplicate_of": original})
    assert answer.status_code == 201
    # The form takes the original's id or a link to its page.
    reviewer.post(f"/items/{item_id}/verdict", data={
        "verdict": "duplicate", "duplicate_of": f"http://testserver/items/{original}?back=/"})
    history = seeded_store.verdict_history(item_id)
    assert [v.duplicate_of for v in history] == [original, original]


def test_the_d_key_needs_the_duplicated_item(reviewer: TestClient,
                                             seeded_store: ItemStore) -> None:
    picked, original = [seed_items()[3].id, seed_items()[4].id], seed_items()[0].id
    assert reviewer.post("/queue/verdicts", data={
        "verdict": "duplicate", "item_ids": picked}).status_code == 400
    assert reviewer.post("/queue/verdicts", data={
        "verdict": "duplicate", "item_ids": picked, "duplicate_of": "khong-co"}).status_code == 400
    # All or nothing: one of the picked items is the original itself.
    assert reviewer.post("/queue/verdicts", data={
        "verdict": "duplicate", "item_ids": [*picked, original],
        "duplicate_of": original}).status_code == 400
    assert all(seeded_store.verdict_history(i) == [] for i in picked)
    reviewer.post("/queue/verdicts", data={"verdict": "duplicate", "item_ids": picked,
                                           "duplicate_of": original})
    for item_id in picked:
        stored = seeded_store.get(item_id)
        assert stored is not None and stored.verdict is not None
        assert (stored.verdict.verdict, stored.verdict.duplicate_of) == ("duplicate", original)


def test_the_queue_page_asks_for_the_duplicate_target(reviewer: TestClient) -> None:
    page = reviewer.get("/queue").text
    assert 'id="duplicate-dialog"' in page and 'name="duplicate_of"' in page


def test_the_keyboard_confirm_takes_the_model_s_misleading_label(
    reviewer: TestClient, seeded_store: ItemStore
) -> None:
    flagged, quiet = seed_items()[0].id, seed_items()[2].id  # disaster_hoax; label none
    assert reviewer.post("/queue/verdicts", data={
        "verdict": "confirmed", "item_ids": [flagged, quiet]}).status_code == 400
    assert seeded_store.verdict_history(flagged) == []
    reviewer.post("/queue/verdicts", data={"verdict": "confirmed", "item_ids": [flagged]})
    stored = seeded_store.get(flagged)
    assert stored is not None and stored.verdict is not None
    assert stored.verdict.label == "disaster_hoax"
