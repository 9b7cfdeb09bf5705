"""Helpers of the alert tests: flagged items from the replay, written to a real store."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from alerts.signals import FlaggedItem
from core.settings import Settings
from index.alert_store import AlertStore, open_alert_store
from index.factory import open_store
from index.store import ItemStore
from tests.factories import flagged_record as indexed


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
