"""Helpers of the alert tests: flagged items from the replay, written to a real store."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from alerts.signals import FlaggedItem
from core.records import Classification, CrawledItem, Enrichment, IndexedItem
from core.settings import Settings
from index.alert_store import AlertStore, open_alert_store
from index.factory import open_store
from index.store import ItemStore


def indexed(item: FlaggedItem, *, strong: bool = False) -> IndexedItem:
    """A stored item that counts as ``item`` does (same time, label, claim, provinces)."""
    reasons = [f"Nhãn: {item.label}"]
    if item.claim_id:
        strength = "rất giống" if strong else "gần giống"
        reasons.append(f"Giống tin sai đã kiểm chứng: \u201c...\u201d "
                       f"({item.claim_id}, {strength}, 0.61)")
    url = f"https://tin.example.vn/{item.id}.html"
    return IndexedItem(
        item=CrawledItem(id=item.id, url=url, canonical_url=url, source_id=item.source_id or "s",
                         title=item.title or f"Tin {item.id}", text="Nội dung.",
                         published=item.time, fetched_at=item.time),
        enrichment=Enrichment(provinces=list(item.provinces),
                              known_claims=[item.claim_id] if item.claim_id else []),
        classification=Classification(label=item.label, flagged=True, score=item.score,
                                      relevant=True, reasons=reasons, model_version="test"),
    )


@pytest.fixture
def stores(tmp_path: Path) -> Iterator[tuple[ItemStore, AlertStore]]:
    settings = Settings(data_dir=tmp_path)
    items, alerts = open_store(settings), open_alert_store(settings)
    yield items, alerts
    items.close()
    alerts.close()


def put(store: ItemStore, items: Iterable[FlaggedItem], *, strong: bool = False) -> None:
    report = store.upsert(indexed(item, strong=strong) for item in items)
    assert report.ok
