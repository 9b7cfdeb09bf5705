"""Runs tests/e2e/review.mjs (playwright-core, Debian's Chromium) against the app served by
uvicorn on 127.0.0.1 over a real Elasticsearch index, then checks the index itself."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import uvicorn

from core.records import Enrichment
from core.settings import Settings
from dashboards.app import create_app
from dashboards.users import UserStore
from index.factory import open_store
from index.query import SearchQuery
from index.store import ItemStore
from tests.conftest import REPO_ROOT, require
from tests.dashboards.conftest import PASSWORD, seed_items
from tests.factories import make_item

E2E_DIR = Path(__file__).resolve().parent
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("KIEMCHUNG_CHROMIUM", "/usr/bin/chromium")

pytestmark = [pytest.mark.browser, pytest.mark.elasticsearch, pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def es_store(es_url: str, es_prefix: str, tmp_path: Path) -> Iterator[ItemStore]:
    store = open_store(Settings(data_dir=tmp_path, es_url=es_url, index_prefix=es_prefix))
    extra = [
        make_item(f"https://mxh.example/myth/{n}", title=f"Xe điện gây ô nhiễm {n}",
                  text="Xe điện gây ô nhiễm gấp mười lần xe xăng.", label="solution_myth",
                  score=0.55 + n / 100, source_id="tiktok",
                  published=datetime(2026, 11, 3, n, tzinfo=UTC))
        for n in range(3)
    ]
    enriched = [
        item.model_copy(update={"enrichment": Enrichment(provinces=["Quảng Nam"])})
        if not item.enrichment.provinces else item
        for item in seed_items()
    ]
    assert store.upsert(enriched + extra).ok
    store.refresh()
    yield store
    store.close()


@pytest.fixture
def served(es_store: ItemStore, tmp_path: Path) -> Iterator[str]:
    users = UserStore.in_data_dir(tmp_path)
    for name, role in (("lan", "reviewer"), ("minh", "analyst"), ("quan", "admin")):
        users.add(name, role, PASSWORD)
    app = create_app(Settings(data_dir=tmp_path),
                     store=es_store, users=users)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    users.close()


def test_review_ui_in_a_real_browser(served: str, es_store: ItemStore) -> None:
    require(Path(CHROMIUM).exists(), f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    require(shutil.which("node") is not None, "no node on PATH")
    require((E2E_DIR / "node_modules" / "playwright-core").is_dir(),
            "run `npm ci` in tests/e2e (scripts/test.sh does)")
    xss, target = seed_items()[0], seed_items()[2]
    env = {
        **os.environ, "KC_BASE_URL": served, "KC_PASSWORD": PASSWORD, "KC_XSS_ID": xss.id,
        "KC_TARGET_ID": target.id, "KC_SCREENSHOTS": str(SCREENSHOTS), "KC_CHROMIUM": CHROMIUM,
    }
    run = subprocess.run(["node", str(E2E_DIR / "review.mjs")], env=env, cwd=E2E_DIR,
                         capture_output=True, text=True, timeout=240)
    print(run.stdout)
    print(run.stderr)
    assert run.returncode == 0, run.stdout + run.stderr
    # The verdict recorded in the browser is in the Elasticsearch index, with its audit entry.
    reviewed = next(line.split("=", 1)[1] for line in run.stdout.splitlines()
                    if line.startswith("VERDICT_ITEM="))
    es_store.refresh()
    stored = es_store.get(reviewed)
    assert stored is not None and stored.verdict is not None
    assert stored.verdict.verdict == "confirmed" and stored.verdict.reviewer == "lan"
    assert stored.verdict.evidence == ["https://evn.example/thong-cao"]
    assert es_store.count(SearchQuery(review_status="confirmed")) == 1
    assert es_store.audit_log(item_id=reviewed)[0].verdict == stored.verdict
    # Neither the analyst nor the cross-site page changed the target item.
    assert es_store.verdict_history(target.id) == []
    # The d key recorded a duplicate naming the item typed into its question.
    copy_id, original_id = next(line.split("=", 1)[1] for line in run.stdout.splitlines()
                                if line.startswith("DUPLICATE=")).split(":")
    duplicate = es_store.get(copy_id)
    assert duplicate is not None and duplicate.verdict is not None
    assert (duplicate.verdict.verdict, duplicate.verdict.duplicate_of) == ("duplicate",
                                                                           original_id)
    assert (SCREENSHOTS / "04-hostile-item.png").stat().st_size > 0
    # The verdict the e key recorded and the u key took back: unreviewed again, both logged.
    undone = next(line.split("=", 1)[1] for line in run.stdout.splitlines()
                  if line.startswith("UNDONE="))
    back = es_store.get(undone)
    assert back is not None and back.verdict is None
    assert [entry.verdict.undoes is not None for entry in es_store.audit_log(item_id=undone)] \
        == [True, False]
    for page in ("queue", "item", "search", "charts"):
        for width in (1366, 390):
            assert (SCREENSHOTS / f"{page}-{width}.png").stat().st_size > 0
