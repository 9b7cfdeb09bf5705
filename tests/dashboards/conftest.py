"""An app on a seeded store with one account per role, and signed-in test clients."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from core.records import Enrichment, IndexedItem
from core.settings import Settings
from dashboards.app import create_app
from dashboards.users import UserStore
from index.factory import open_store
from index.store import ItemStore
from tests.factories import make_item

PASSWORD = "mat-khau-thu-nghiem"
XSS_TITLE = '<script>window.__pwned = 1</script>Tin "nóng"'
XSS_TEXT = (
    'Đập thủy điện đã vỡ <img src=x onerror="window.__pwned=2"> '
    '<a href="javascript:window.__pwned=3">bấm vào đây</a> chia sẻ gấp!'
)


def seed_items() -> list[IndexedItem]:
    base = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
    items = [
        make_item(
            f"https://mxh.example/post/{n}",
            title=f"Tin đồn số {n} về thủy điện",
            text=f"KHẨN: đập thủy điện số {n} đã nứt, nước sắp về, chia sẻ gấp!",
            label="disaster_hoax" if n % 2 else "solution_myth",
            score=0.6 + n / 100,
            source_id="facebook-pages" if n % 3 else "tiktok",
            published=base + timedelta(days=n % 5, hours=n),
        )
        for n in range(12)
    ]
    xss = make_item(
        "javascript:alert(document.domain)//mxh.example/xss",
        title=XSS_TITLE, text=XSS_TEXT, label="disaster_hoax", score=0.99,
        source_id="facebook-pages", published=base,
    )
    xss = xss.model_copy(update={"enrichment": Enrichment(
        claim_sentences=["Đập thủy điện đã vỡ"], known_claims=["kc-0001"],
        provinces=["Nghệ An"], entities=["Bản Vẽ"],
    )})
    copy = make_item(
        "https://other.example/copy", title="Bản sao tin vỡ đập", text="Đập thủy điện đã vỡ",
        label="disaster_hoax", score=0.7, source_id="zalo", duplicate_of=xss.id,
    )
    quiet = make_item("https://vnexpress.example/tin", title="Tin thời tiết", label="none",
                      score=0.9, source_id="vnexpress")
    return [xss, copy, quiet, *items]


@pytest.fixture(params=["sqlite", "elasticsearch"])
def seeded_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ItemStore]:
    """The seeded items on each store: the app must behave the same on both."""
    if request.param == "sqlite":
        settings = Settings(data_dir=tmp_path)
    else:
        settings = Settings(data_dir=tmp_path, es_url=request.getfixturevalue("es_url"),
                            index_prefix=request.getfixturevalue("es_prefix"))
    store = open_store(settings)
    store.upsert(seed_items())
    store.refresh()
    yield store
    store.close()


@pytest.fixture
def users(tmp_path: Path) -> Iterator[UserStore]:
    store = UserStore.in_data_dir(tmp_path)
    for name, role in (("lan", "reviewer"), ("minh", "analyst"), ("quan", "admin")):
        store.add(name, role, PASSWORD)
    yield store
    store.close()


@pytest.fixture
def app(tmp_path: Path, seeded_store: ItemStore, users: UserStore) -> FastAPI:
    return create_app(Settings(data_dir=tmp_path),
                      store=seeded_store, users=users)


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def signed_in(app: FastAPI, name: str) -> TestClient:
    client = TestClient(app, base_url="http://testserver")
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"username": name, "password": PASSWORD,
                                           "csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303, response.text
    client.headers["X-CSRF-Token"] = client.get("/api/me").json()["csrf_token"]
    return client


@pytest.fixture
def reviewer(app: FastAPI) -> TestClient:
    return signed_in(app, "lan")


@pytest.fixture
def analyst(app: FastAPI) -> TestClient:
    return signed_in(app, "minh")


@pytest.fixture
def admin(app: FastAPI) -> TestClient:
    return signed_in(app, "quan")


@pytest.fixture
def store_with_many(seeded_store: ItemStore) -> ItemStore:
    """The seeded store and 60 more items about "tin", so results run to several pages."""
    extra = [make_item(f"https://mxh.example/nhieu/{n}", title=f"Tin số {n}", text="Tin thêm",
                       label="solution_myth", score=0.5 + n / 1000) for n in range(60)]
    assert seeded_store.upsert(extra).ok
    seeded_store.refresh()
    return seeded_store


@pytest.fixture
def many_client(app: FastAPI, store_with_many: ItemStore) -> TestClient:
    return signed_in(app, "minh")
