"""Items per day are counted on the configured zone's calendar, the same on both stores:
an item posted at 20:30 UTC on 9 May is on 10 May in Vietnam and on 9 May in Berlin."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.settings import Settings
from index.factory import open_store
from index.query import SearchQuery
from tests.factories import make_item


@pytest.fixture(params=["sqlite", "elasticsearch"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    if request.param == "sqlite":
        return Settings(data_dir=tmp_path)
    return Settings(data_dir=tmp_path, es_url=request.getfixturevalue("es_url"),
                    index_prefix=request.getfixturevalue("es_prefix"))


def test_days_are_the_configured_zones(settings: Settings) -> None:
    late = make_item("https://z.example/1", published=datetime(2026, 5, 9, 20, 30, tzinfo=UTC))
    noon = make_item("https://z.example/2", published=datetime(2026, 5, 9, 12, 0, tzinfo=UTC))
    vietnam = open_store(replace(settings, timezone="Asia/Ho_Chi_Minh"))
    berlin = open_store(replace(settings, timezone="Europe/Berlin"))
    try:
        assert vietnam.upsert([late, noon]).ok
        vietnam.refresh()
        assert vietnam.aggregate(by="day") == {"2026-05-09": 1, "2026-05-10": 1}
        assert berlin.aggregate(by="day") == {"2026-05-09": 2}
        assert berlin.facets(SearchQuery(), by=("day",)) == {"day": {"2026-05-09": 2}}
    finally:
        vietnam.close()
        berlin.close()
