"""The verdict audit log, paged and filtered by reviewer, verdict and time, with counts, on
SQLite and on Elasticsearch alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.records import ReviewVerdict
from index.store import ItemStore
from tests.factories import make_item

START = datetime(2026, 11, 1, 0, 30, tzinfo=UTC)


def _log(store: ItemStore) -> list[ReviewVerdict]:
    items = [make_item(f"https://a.example/{n}", text="Thủy điện xả lũ", label="disaster_hoax")
             for n in range(6)]
    store.upsert(items)
    recorded = []
    for n in range(30):
        kind = ("needs_expert", "confirmed", "not_misleading")[n % 3]
        verdict = ReviewVerdict(
            item_id=items[n % 6].id, verdict=kind,  # type: ignore[arg-type]
            label="disaster_hoax" if kind == "confirmed" else None,
            reviewer=("lan", "minh")[n % 2], at=START + timedelta(hours=7 * n),
        )
        store.record_verdict(verdict)
        recorded.append(verdict)
    store.refresh()
    return recorded


def test_filters_and_counts_agree(store: ItemStore) -> None:
    recorded = _log(store)
    assert store.audit_count() == 30
    by_lan = store.audit_log(reviewer="lan", size=100)
    assert len(by_lan) == store.audit_count(reviewer="lan") == 15
    assert {e.verdict.reviewer for e in by_lan} == {"lan"}
    confirmed = store.audit_log(verdict="confirmed", size=100)
    assert len(confirmed) == store.audit_count(verdict="confirmed") == 10
    assert {e.verdict.verdict for e in confirmed} == {"confirmed"}
    both = store.audit_log(reviewer="minh", verdict="confirmed", size=100)
    assert {(e.verdict.reviewer, e.verdict.verdict) for e in both} == {("minh", "confirmed")}
    assert len(both) == store.audit_count(reviewer="minh", verdict="confirmed") == 5
    since, until = START + timedelta(hours=70), START + timedelta(hours=140)
    window = store.audit_log(since=since, until=until, size=100)
    expected = [v for v in recorded if since <= v.at < until]
    assert [e.verdict.at for e in window] == sorted((v.at for v in expected), reverse=True)
    assert store.audit_count(since=since, until=until) == len(expected) == 10
    assert store.audit_count(since=START + timedelta(days=100)) == 0


def test_paging_reaches_the_oldest_entry(store: ItemStore) -> None:
    recorded = _log(store)
    seen = []
    for page in range(4):
        seen += [e.verdict.at for e in store.audit_log(offset=page * 8, size=8)]
    assert seen == sorted((v.at for v in recorded), reverse=True)
