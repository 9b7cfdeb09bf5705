"""The stores themselves refuse verdicts that contradict themselves, on SQLite and on
Elasticsearch alike, and record nothing when they do."""

from __future__ import annotations

import pytest

from core.records import ReviewVerdict
from index.store import ItemStore
from index.verdict_rules import InvalidVerdict, verdict_problem
from tests.factories import make_item


def _two(store: ItemStore) -> tuple[str, str]:
    first = make_item("https://a.example/goc", text="Thủy điện xả lũ", label="disaster_hoax")
    second = make_item("https://b.example/ban-sao", text="Thủy điện xả lũ", label="disaster_hoax")
    store.upsert([first, second])
    store.refresh()
    return first.id, second.id


@pytest.mark.parametrize(("fields", "rule"), [
    ({"verdict": "confirmed"}, "needs a misleading label"),
    ({"verdict": "confirmed", "label": "none"}, "needs a misleading label"),
    ({"verdict": "not_misleading", "label": "disaster_hoax"}, "false positive"),
    ({"verdict": "duplicate"}, "needs the id"),
    ({"verdict": "duplicate", "duplicate_of": "khong-co-muc-nay"}, "no item with id"),
    ({"verdict": "needs_expert", "duplicate_of": "ORIGINAL"}, "duplicate only"),
    ({"verdict": "duplicate", "duplicate_of": "SELF"}, "of itself"),
])
def test_a_verdict_the_rules_refuse_is_not_recorded(
    store: ItemStore, fields: dict[str, str], rule: str
) -> None:
    original, copy = _two(store)
    fields = {k: {"ORIGINAL": original, "SELF": copy}.get(v, v) for k, v in fields.items()}
    with pytest.raises(InvalidVerdict, match=rule):
        store.record_verdict(ReviewVerdict(item_id=copy, reviewer="lan", **fields))  # type: ignore[arg-type]
    store.refresh()
    assert store.verdict_history(copy) == [] and store.audit_log() == []
    stored = store.get(copy)
    assert stored is not None and stored.verdict is None


def test_sensible_verdicts_are_recorded(store: ItemStore) -> None:
    original, copy = _two(store)
    store.record_verdict(ReviewVerdict(item_id=copy, verdict="duplicate", duplicate_of=original,
                                       reviewer="lan"))
    store.record_verdict(ReviewVerdict(item_id=original, verdict="confirmed",
                                       label="disaster_hoax", reviewer="lan"))
    store.record_verdict(ReviewVerdict(item_id=original, verdict="not_misleading",
                                       label="opinion", reviewer="minh"))
    store.refresh()
    assert [e.verdict.verdict for e in store.audit_log()] == [
        "not_misleading", "confirmed", "duplicate"]


def test_an_unknown_item_is_still_a_key_error(store: ItemStore) -> None:
    with pytest.raises(KeyError):
        store.record_verdict(ReviewVerdict(item_id="missing", verdict="needs_expert",
                                           reviewer="a"))


def test_the_rules_need_no_store() -> None:
    ok = ReviewVerdict(item_id="a", verdict="needs_expert", reviewer="lan")
    assert verdict_problem(ok) is None
    assert verdict_problem(ok.model_copy(update={"verdict": "confirmed"}))
