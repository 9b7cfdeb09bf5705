"""The ``store`` fixture: every test that takes it runs once on SQLite and once on Elasticsearch."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.settings import Settings
from index.factory import open_store
from index.store import ItemStore


@pytest.fixture(params=["sqlite", "elasticsearch"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ItemStore]:
    if request.param == "sqlite":
        settings = Settings(data_dir=tmp_path)
    else:
        settings = Settings(
            data_dir=tmp_path,
            es_url=request.getfixturevalue("es_url"),
            index_prefix=request.getfixturevalue("es_prefix"),  # dropped, templates too
        )
    opened = open_store(settings)
    yield opened
    opened.close()
