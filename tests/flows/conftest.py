"""Fixtures of the flow tests: the Prefect test harness, the demo site with gates, settings."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.ids import doc_id_for_url

REPO_ROOT = Path(__file__).resolve().parents[2]
DEMO_SITE = REPO_ROOT / "crawlers" / "demo_site"
SOURCES = Path(__file__).with_name("fixtures") / "sources.yaml"


@pytest.fixture(scope="session", autouse=True)
def prefect_harness() -> Iterator[None]:
    """One temporary Prefect server and database for the whole session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield


class GatedSite:
    """The demo site on 127.0.0.1, where a request for a gated path waits until it is opened.

    This is how a test stops Elasticsearch or kills a worker at a known point of a run:
    the second source's feed is held until the first source is done.
    """

    def __init__(self, root: Path = DEMO_SITE) -> None:
        from crawlers.localsite import LocalSite

        self.site = LocalSite(root)
        self.gates: dict[str, threading.Event] = {}
        handler = self.site.server.RequestHandlerClass
        gates = self.gates

        class _Gated(handler):  # type: ignore[misc, valid-type]
            def do_GET(self) -> None:  # noqa: N802
                gate = gates.get(self.path.split("?")[0])
                if gate is not None:
                    gate.wait(timeout=120)
                super().do_GET()

        self.site.server.RequestHandlerClass = _Gated

    def gate(self, path: str) -> threading.Event:
        self.gates[path] = threading.Event()
        return self.gates[path]

    @property
    def base_url(self) -> str:
        return self.site.base_url

    @property
    def requests(self) -> list[str]:
        return self.site.requests

    def expected_ids(self, *feeds: str) -> set[str]:
        """Ids of every article the given feeds link to, read from the files themselves."""
        links: set[str] = set()
        for feed in feeds:
            text = (DEMO_SITE / feed).read_text(encoding="utf-8")
            links |= set(re.findall(r"\{base_url\}(/bai/[^<\s\"]+\.html)", text))
        return {doc_id_for_url(self.base_url + link) for link in links}


@pytest.fixture
def site() -> Iterator[GatedSite]:
    gated = GatedSite()
    gated.site.start()
    try:
        yield gated
    finally:
        for gate in gated.gates.values():
            gate.set()
        gated.site.stop()


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Settings for one test: its own data directory, loopback crawling allowed, SQLite store."""
    directory = tmp_path / "data"
    monkeypatch.setenv("KIEMCHUNG_DATA_DIR", str(directory))
    monkeypatch.setenv("KIEMCHUNG_ALLOW_LOOPBACK", "true")
    monkeypatch.delenv("KIEMCHUNG_ES_URL", raising=False)
    monkeypatch.delenv("KIEMCHUNG_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)  # no stray kiemchung.toml
    return directory


@pytest.fixture
def es_data_dir(
    data_dir: Path, es_url: str, es_prefix: str, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """As ``data_dir``, with the store on the real Elasticsearch node under a fresh prefix."""
    monkeypatch.setenv("KIEMCHUNG_ES_URL", es_url)
    monkeypatch.setenv("KIEMCHUNG_INDEX_PREFIX", es_prefix)
    return data_dir


def store_ids() -> set[str]:
    """Ids of every item in the configured store (read through the store interface)."""
    from core.settings import load_settings
    from index.factory import open_store
    from index.query import SearchQuery

    store = open_store(load_settings())
    try:
        store.refresh()
        ids: set[str] = set()
        offset = 0
        while True:
            page = store.search(SearchQuery(sort="recency", offset=offset, size=500))
            ids |= {hit.stored.id for hit in page.hits}
            offset += 500
            if offset >= page.total:
                return ids
    finally:
        store.close()


def store_count() -> int:
    from core.settings import load_settings
    from index.factory import open_store

    store = open_store(load_settings())
    try:
        store.refresh()
        return store.count()
    finally:
        store.close()
