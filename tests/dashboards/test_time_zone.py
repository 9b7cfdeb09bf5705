"""Every date the app shows, filters on and exports is on the configured zone's clock, and the
zone is named (issue 13: an item posted 06:00 on 10 May in Vietnam showed as 9 May and could
not be found by filtering on the day shown)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from core.records import ReviewVerdict
from core.settings import Settings
from dashboards.app import create_app
from dashboards.users import UserStore
from index.store import ItemStore
from tests.dashboards.conftest import signed_in
from tests.factories import make_item

#: 06:00 on 10 May in Vietnam is 23:00 on 9 May in UTC.
POSTED = datetime(2026, 5, 9, 23, 0, tzinfo=UTC)
EARLY = make_item("https://sang-som.example/tin", title="Tin đăng lúc sáu giờ sáng",
                  text="Đập thủy điện nứt, chia sẻ gấp!", label="disaster_hoax", score=0.95,
                  source_id="sang-som", published=POSTED)


def _app(tmp_path: Path, store: ItemStore, users: UserStore, zone: str) -> FastAPI:
    store.upsert([EARLY])
    store.record_verdict(ReviewVerdict(item_id=EARLY.id, verdict="needs_expert",
                                       reviewer="quan", at=POSTED))
    store.refresh()
    return create_app(Settings(data_dir=tmp_path, timezone=zone), store=store, users=users)


def test_pages_filters_and_exports_use_the_configured_zone(
    tmp_path: Path, seeded_store: ItemStore, users: UserStore
) -> None:
    admin = signed_in(_app(tmp_path, seeded_store, users, "Asia/Ho_Chi_Minh"), "quan")
    page = admin.get("/search", params={"source": "sang-som"}).text
    assert "2026-05-10" in page and "2026-05-09" not in page
    assert "Asia/Ho_Chi_Minh (UTC+07:00)" in page  # the zone is named
    item = admin.get(f"/items/{EARLY.id}").text
    assert "2026-05-10 06:00" in item and "UTC" not in item.split("time-zone")[0]
    # The day shown finds it; the UTC day does not.
    shown = {"source": "sang-som", "date_from": "2026-05-10", "date_to": "2026-05-10"}
    assert admin.get("/api/items", params=shown).json()["total"] == 1
    utc_day = {**shown, "date_from": "2026-05-09", "date_to": "2026-05-09"}
    assert admin.get("/api/items", params=utc_day).json()["total"] == 0
    assert EARLY.item.title in admin.get("/search", params=shown).text
    # Exports: ISO 8601 with the offset, on the same clock.
    rows = json.loads(admin.get("/api/export", params={"format": "json",
                                                       "source": "sang-som"}).text)
    assert rows[0]["published"] == "2026-05-10T06:00:00+07:00"
    assert rows[0]["reviewed_at"] == "2026-05-10T06:00:00+07:00"
    text = admin.get("/api/export", params={"format": "csv", "source": "sang-som"}).text
    [row] = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert row["published"] == "2026-05-10T06:00:00+07:00"
    audit = admin.get("/audit", params={"date_from": "2026-05-10", "date_to": "2026-05-10"})
    assert "2026-05-10 06:00:00" in audit.text


def test_another_zone_moves_every_date(
    tmp_path: Path, seeded_store: ItemStore, users: UserStore
) -> None:
    client: TestClient = signed_in(_app(tmp_path, seeded_store, users, "UTC"), "quan")
    page = client.get("/search", params={"source": "sang-som"}).text
    assert "2026-05-09" in page and "UTC (UTC+00:00)" in page
    day = {"source": "sang-som", "date_from": "2026-05-09", "date_to": "2026-05-09"}
    assert client.get("/api/items", params=day).json()["total"] == 1
    rows = json.loads(client.get("/api/export", params={"format": "json",
                                                        "source": "sang-som"}).text)
    assert rows[0]["published"] == "2026-05-09T23:00:00+00:00"
