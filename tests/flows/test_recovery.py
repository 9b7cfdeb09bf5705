"""Recovery: Elasticsearch stopped in the middle of a run, and the worker killed in the middle."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import require
from tests.flows.conftest import REPO_ROOT, SOURCES, GatedSite, store_count, store_ids

ES_SCRIPT = REPO_ROOT / "scripts" / "es_node.py"
# Named per test process: two test runs on one machine must not stop each other's node.
NODE = f"flows-test-{os.getpid()}"
DEMO = ["demo-rss", "demo-news-sitemap"]


def _wait_for(path: Path, what: str, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout:.0f} s")
        time.sleep(0.2)


def _es(action: str, port: int) -> str:
    done = subprocess.run(
        [sys.executable, str(ES_SCRIPT), action, "--name", NODE, "--port", str(port),
         "--heap", "512m"],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


@pytest.fixture
def own_node(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """A single-node Elasticsearch of this test's own, which it may stop and start again."""
    # Same switch as every Elasticsearch test, though this one runs a node of its own.
    require(
        bool(os.environ.get("KIEMCHUNG_TEST_ES_URL")),
        "Elasticsearch tests are off: set KIEMCHUNG_TEST_ES_URL (`make test` does)",
    )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    subprocess.run([sys.executable, str(ES_SCRIPT), "wipe", "--name", NODE], capture_output=True)
    url = _es("start", port)
    monkeypatch.setenv("KIEMCHUNG_ES_URL", url)
    monkeypatch.setenv("KIEMCHUNG_INDEX_PREFIX", "flows-outage")
    try:
        yield port
    finally:
        subprocess.run([sys.executable, str(ES_SCRIPT), "wipe", "--name", NODE],
                       capture_output=True)


def _in_thread(**kwargs: Any) -> tuple[threading.Thread, dict[str, Any]]:
    from flows.nightly import nightly

    result: dict[str, Any] = {}

    def target() -> None:
        result["state"] = nightly(**kwargs, return_state=True)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread, result


@pytest.mark.slow
def test_elasticsearch_outage_mid_run_loses_and_duplicates_nothing(
    site: GatedSite, data_dir: Path, own_node: int
) -> None:
    held = site.gate("/news-sitemap.xml")
    thread, result = _in_thread(sources_file=str(SOURCES), source_ids=DEMO,
                                base_url=site.base_url, run_key="outage-1")
    _wait_for(data_dir / "runs" / "outage-1" / "demo-rss.processed.done", "the first source")
    indexed_before_outage = store_count()
    assert indexed_before_outage > 0
    _es("stop", own_node)
    held.set()  # the second source now crawls and meets a dead store
    thread.join(timeout=300)
    # No source failed, but items wait on disk: the run says so, in a state of its own.
    state = result["state"]
    assert state.is_failed() and state.name == "NotIndexed"
    assert "items wait on disk" in str(state.message)
    spool = data_dir / "spool"
    assert list(spool.glob("*.jsonl")), "the second source's items must wait on disk"

    _es("start", own_node)  # same port, same data
    from flows.nightly import nightly

    after = nightly(sources_file=str(SOURCES), source_ids=DEMO, base_url=site.base_url,
                    run_key="outage-2", return_state=True)
    assert after.is_completed()
    assert not list(spool.glob("*.jsonl"))
    assert not list((spool / "dead-letter").glob("*.jsonl"))
    expected = site.expected_ids("rss.xml", "news-sitemap.xml")
    assert store_ids() == expected
    assert store_count() == len(expected)


@pytest.mark.slow
def test_worker_killed_mid_run_then_rerun_resumes(site: GatedSite, data_dir: Path) -> None:
    from prefect.settings import PREFECT_API_URL

    held = site.gate("/news-sitemap.xml")
    env = dict(os.environ, PREFECT_API_URL=str(PREFECT_API_URL.value()))
    worker = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "run", "--sources", str(SOURCES),
         "--source", "demo-rss", "--source", "demo-news-sitemap",
         "--base-url", site.base_url],
        cwd=REPO_ROOT, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 300
        while not (done := list((data_dir / "runs").glob("*/demo-rss.processed.done"))):
            assert time.monotonic() < deadline, "the first source never finished"
            time.sleep(0.2)
        key = done[0].parent.name
        # The whole worker goes, its crawler child included, as when a machine is lost.
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
    held.set()
    first_pass = store_ids()
    assert first_pass == site.expected_ids("rss.xml")
    rss_fetches = site.requests.count("/rss.xml")

    from flows.nightly import nightly

    state = nightly(sources_file=str(SOURCES), source_ids=DEMO, base_url=site.base_url,
                    run_key=key, return_state=True)
    assert state.is_completed()
    assert site.requests.count("/rss.xml") == rss_fetches  # the finished source was not redone
    expected = site.expected_ids("rss.xml", "news-sitemap.xml")
    assert store_ids() == expected
    assert store_count() == len(expected)
