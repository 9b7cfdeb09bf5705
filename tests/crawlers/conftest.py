"""Shared fixtures: a local HTTP server for fixture sites and test settings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.settings import Settings
from crawlers.localsite import LocalSite

REPO_ROOT = Path(__file__).resolve().parents[2]
DEMO_SITE = REPO_ROOT / "crawlers" / "demo_site"
DEMO_SOURCES = REPO_ROOT / "crawlers" / "demo_sources.yaml"
FIXTURE_SITE = Path(__file__).with_name("site")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", allow_loopback=True, pseudonym_key="test-key")


@pytest.fixture
def demo_site() -> Iterator[LocalSite]:
    with LocalSite(DEMO_SITE) as site:
        yield site


@pytest.fixture
def fixture_site() -> Iterator[LocalSite]:
    with LocalSite(FIXTURE_SITE) as site:
        yield site
