"""A real three-node Elasticsearch cluster on loopback: one node killed during a nightly run.

Nothing is lost or duplicated, and the cluster is green again once the node is back. Marked
``cluster`` (three nodes take a few minutes to start on a small machine); CI runs it like any
other test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import require
from tests.flows.conftest import REPO_ROOT, SOURCES, GatedSite, store_count, store_ids

ES_SCRIPT = REPO_ROOT / "scripts" / "es_node.py"
# Named per test process, so two runs of the suite on one machine never share nodes.
CLUSTER = f"flows-c3-{os.getpid()}"
DEMO = ["demo-rss", "demo-news-sitemap"]


def _es(*args: str) -> str:
    done = subprocess.run([sys.executable, str(ES_SCRIPT), *args, "--heap", "320m"],
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip()


def _health(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{url}/_cluster/health?timeout=5s", timeout=30) as answer:
        return dict(json.load(answer))


def _wait_for(what: str, check: Any, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"{what} did not happen within {timeout:.0f} s"
        time.sleep(1)


@pytest.fixture
def cluster(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    require(bool(os.environ.get("KIEMCHUNG_TEST_ES_URL")),
            "Elasticsearch tests are off: set KIEMCHUNG_TEST_ES_URL (`make test` does)")
    subprocess.run([sys.executable, str(ES_SCRIPT), "wipe", "--name", CLUSTER, "--nodes", "3"],
                   capture_output=True)
    urls = _es("cluster", "--name", CLUSTER, "--nodes", "3").split()
    monkeypatch.setenv("KIEMCHUNG_ES_URL", ",".join(urls))
    monkeypatch.setenv("KIEMCHUNG_INDEX_PREFIX", "flows-cluster")
    monkeypatch.setenv("KIEMCHUNG_ES_SHARDS", "2")
    monkeypatch.setenv("KIEMCHUNG_ES_REPLICAS", "1")
    try:
        yield urls
    finally:
        subprocess.run([sys.executable, str(ES_SCRIPT), "wipe", "--name", CLUSTER,
                        "--nodes", "3"], capture_output=True)


@pytest.mark.cluster
@pytest.mark.slow
@pytest.mark.timeout(2400)
def test_a_node_killed_during_a_nightly_run_loses_nothing(
    site: GatedSite, data_dir: Path, cluster: list[str]
) -> None:
    from flows.nightly import nightly

    held = site.gate("/news-sitemap.xml")
    result: dict[str, Any] = {}
    thread = threading.Thread(target=lambda: result.update(state=nightly(
        sources_file=str(SOURCES), source_ids=DEMO, base_url=site.base_url, run_key="c3-1",
        return_state=True)), daemon=True)
    thread.start()
    done = data_dir / "runs" / "c3-1" / "demo-rss.processed.done"
    _wait_for("the first source", done.exists)
    first = store_ids()
    assert first == site.expected_ids("rss.xml")

    # The first node listed (the one the client tries first) goes, as when its machine dies.
    _es("kill", "--name", f"{CLUSTER}-1")
    held.set()
    thread.join(timeout=900)
    state = result["state"]
    # Either the two others took the writes, or the items wait on disk and the run says so.
    assert state.is_completed() or state.name == "NotIndexed", state.message
    summary = json.loads((data_dir / "runs" / "c3-1" / "summary.json").read_text("utf-8"))
    counts = {s["source_id"]: (s["new"], s["indexed"], s["spooled"]) for s in summary["sources"]}
    print(f"three-node fault test, during the run (new, indexed, spooled): {counts}")

    _es("start", "--name", f"{CLUSTER}-1")
    _wait_for("green health", lambda: _health(cluster[1])["status"] == "green")
    assert _health(cluster[0])["number_of_nodes"] == 3

    after = nightly(sources_file=str(SOURCES), source_ids=DEMO, base_url=site.base_url,
                    run_key="c3-2", return_state=True)
    assert after.is_completed()
    expected = site.expected_ids("rss.xml", "news-sitemap.xml")
    assert store_ids() == expected
    assert store_count() == len(expected)
    assert not list((data_dir / "spool").glob("*.jsonl"))
    assert _health(cluster[0])["status"] == "green"
    print(f"three-node fault test: {store_count()} of {len(expected)} items, health green")
