"""Nothing is lost without a word: a killed run that nobody resumes, a store that cannot be
reached. ``kiemchung runs`` lists what is pending; ``kiemchung run`` exits with a status an
operator can act on."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.flows.conftest import REPO_ROOT, SOURCES, GatedSite, store_ids

HELD_ARTICLE = "/bai/le-hoi-am-thuc-pho-co-cuoi-tuan-1000115.html"  # only in the news sitemap


def _env() -> dict[str, str]:
    from prefect.settings import PREFECT_API_URL

    return dict(os.environ, PREFECT_API_URL=str(PREFECT_API_URL.value()))


def _kiemchung(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cli.main", *args], cwd=REPO_ROOT, env=_env(),
                          capture_output=True, text=True, timeout=900)


def _runs() -> tuple[int, dict[str, Any]]:
    done = _kiemchung("runs", "--json")
    return done.returncode, dict(json.loads(done.stdout))


def _lines(path: Path) -> int:
    return path.read_text("utf-8").count("\n") if path.exists() else 0


@pytest.mark.slow
def test_a_killed_run_that_nobody_resumes_loses_nothing(site: GatedSite, data_dir: Path) -> None:
    held = site.gate(HELD_ARTICLE)
    worker = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "run", "--sources", str(SOURCES),
         "--source", "demo-news-sitemap", "--base-url", site.base_url],
        cwd=REPO_ROOT, env=_env(), start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 300
        while True:  # every article but the held one is crawled and written to the run's file
            outputs = list((data_dir / "runs").glob("*/demo-news-sitemap.crawled.jsonl"))
            if outputs and _lines(outputs[0]) >= 14:
                break
            assert worker.poll() is None and time.monotonic() < deadline, "crawl never got far"
            time.sleep(0.2)
        os.killpg(worker.pid, signal.SIGKILL)  # the machine is lost, crawler child included
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
        held.set()
    killed_key = outputs[0].parent.name
    assert store_ids() == set()

    status, listed = _runs()
    assert status == 1  # something is pending
    (killed,) = listed["runs"]
    assert killed["run_key"] == killed_key
    assert killed["state"] == "interrupted"
    assert killed["crawled_not_stored"] == 14

    # The next night is a new run: it finishes the killed one first and says so.
    time.sleep(1.1)  # manual run keys have a one-second resolution
    done = _kiemchung("run", "--sources", str(SOURCES), "--source", "demo-news-sitemap",
                      "--base-url", site.base_url)
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"run {killed_key} had been interrupted: 14 items" in done.stdout
    assert store_ids() == site.expected_ids("news-sitemap.xml")

    status, listed = _runs()
    assert status == 0
    states = {run["run_key"]: run for run in listed["runs"]}
    assert states[killed_key]["state"] == "recovered"
    assert states[killed_key]["crawled_not_stored"] == 0
    assert [run["state"] for key, run in states.items() if key != killed_key] == ["completed"]


def test_a_run_whose_items_could_not_be_indexed_says_so(
    site: GatedSite, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as probe:  # a port where nothing listens: Elasticsearch is down
        probe.bind(("127.0.0.1", 0))
        dead = probe.getsockname()[1]
    monkeypatch.setenv("KIEMCHUNG_ES_URL", f"http://127.0.0.1:{dead}")

    done = _kiemchung("run", "--sources", str(SOURCES), "--source", "demo-rss",
                      "--base-url", site.base_url)

    expected = len(site.expected_ids("rss.xml"))
    assert done.returncode == 3, done.stderr[-3000:]
    assert "NotIndexed" in done.stderr
    assert f"{expected} items wait on disk" in done.stderr
    assert "unreachable" in done.stderr
    status, listed = _runs()
    assert status == 1
    assert listed["spool_items"] == expected
    (run,) = listed["runs"]
    assert run["state"] == "not_indexed"
    assert run["waiting_in_spool"] == expected
