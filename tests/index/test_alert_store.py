"""The alert store contract, on SQLite and on the real Elasticsearch node."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.alerts import Alert, Delivery, SurgeFigures
from core.settings import Settings
from index.alert_store import AlertStore, open_alert_store

T0 = datetime(2026, 11, 2, 13, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "elasticsearch"])
def alert_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[AlertStore]:
    if request.param == "sqlite":
        settings = Settings(data_dir=tmp_path)
    else:
        settings = Settings(
            data_dir=tmp_path, es_url=request.getfixturevalue("es_url"),
            index_prefix=request.getfixturevalue("es_prefix"),
        )
    store = open_alert_store(settings)
    store.ensure_schema()  # twice is fine
    yield store
    store.close()


def _alert(alert_id: str = "a1", at: datetime = T0, items: int = 6) -> Alert:
    return Alert(
        id=alert_id, keys=["province:Đà Nẵng", "label:disaster_hoax"], label="disaster_hoax",
        provinces=["Đà Nẵng"], first_detected=T0, last_detected=at, started=T0 - timedelta(hours=2),
        item_ids=[f"item-{n}" for n in range(items)], peak_observed=items,
        figures=[SurgeFigures(key="province:Đà Nẵng", observed=items, expected=0.2,
                              baseline_count=3, p_value=1e-9, window_hours=3,
                              baseline_hours=336)],
    )


def test_a_later_detection_keeps_what_a_reviewer_did(alert_store: AlertStore) -> None:
    alert_store.save_detection(_alert())
    acknowledged = alert_store.acknowledge("a1", "lan", T0 + timedelta(minutes=5))
    assert acknowledged.status == "acknowledged" and acknowledged.acknowledged_by == "lan"

    alert_store.save_detection(_alert(at=T0 + timedelta(minutes=15), items=12))

    again = alert_store.get("a1")
    assert again is not None
    assert again.status == "acknowledged" and again.acknowledged_by == "lan"
    assert len(again.item_ids) == 12 and again.last_detected == T0 + timedelta(minutes=15)
    assert again.figures[0].observed == 12  # figures are what detection wrote last
    assert alert_store.get("nope") is None


def test_snooze_reopen_and_listing(alert_store: AlertStore) -> None:
    alert_store.save_detection(_alert("old", at=T0 - timedelta(days=3)))
    alert_store.save_detection(_alert("new", at=T0))
    snoozed = alert_store.snooze("new", T0 + timedelta(hours=4), "lan", T0)
    assert snoozed.status == "snoozed" and snoozed.snoozed_at(T0 + timedelta(hours=1))
    assert not snoozed.snoozed_at(T0 + timedelta(hours=5))

    assert [a.id for a in alert_store.alerts()] == ["new", "old"]
    assert [a.id for a in alert_store.alerts(detected_since=T0 - timedelta(days=1))] == ["new"]
    assert [a.id for a in alert_store.alerts(status="snoozed")] == ["new"]
    assert [a.id for a in alert_store.alerts(status="open")] == ["old"]
    assert alert_store.reopen("new").status == "open"
    with pytest.raises(KeyError):
        alert_store.acknowledge("missing", "lan", T0)


def test_the_send_log_is_kept_by_id(alert_store: AlertStore) -> None:
    first = Delivery(id="d1", channel="email", kind="surge", subject_id="a1", status="sent",
                     at=T0, title="Đột biến", attempts=1)
    alert_store.put_delivery(first)
    alert_store.put_delivery(first.model_copy(update={"attempts": 2}))  # same id: replaced
    alert_store.put_delivery(Delivery(id="d2", channel="webhook", kind="surge",
                                      subject_id="a1", status="held", at=T0 + timedelta(1)))
    assert alert_store.get_delivery("d1") == first.model_copy(update={"attempts": 2})
    assert alert_store.get_delivery("d3") is None
    assert [d.id for d in alert_store.deliveries()] == ["d2", "d1"]
    assert [d.id for d in alert_store.deliveries(channel="email")] == ["d1"]
    assert [d.id for d in alert_store.deliveries(status="held")] == ["d2"]
    assert [d.id for d in alert_store.deliveries(since=T0 + timedelta(hours=1))] == ["d2"]
