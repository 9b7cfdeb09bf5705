"""A run never loses or doubles work by accident: an unknown ``--resume`` key, a second run on
the same data directory, a second trigger on the same day, a bad entry in the sources file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import yaml

from tests.flows.conftest import REPO_ROOT, SOURCES, GatedSite, store_ids


def _kiemchung(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    from prefect.settings import PREFECT_API_URL

    env = dict(os.environ, PREFECT_API_URL=str(PREFECT_API_URL.value()))
    return subprocess.run([sys.executable, "-m", "cli.main", *args], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def _summary(data_dir: Path, key: str) -> dict[str, Any]:
    return dict(json.loads((data_dir / "runs" / key / "summary.json").read_text("utf-8")))


def test_resume_with_an_unknown_key_refuses_and_starts_nothing(
    site: GatedSite, data_dir: Path
) -> None:
    done = _kiemchung("run", "--sources", str(SOURCES), "--source", "demo-rss",
                      "--base-url", site.base_url, "--resume", "2026-13-40")
    assert done.returncode == 2, done.stderr[-2000:]
    assert "no run '2026-13-40'" in done.stderr
    assert site.requests == []  # nothing crawled
    assert not (data_dir / "runs" / "2026-13-40").exists()


def test_a_second_run_on_the_same_data_directory_is_refused_clearly(
    site: GatedSite, data_dir: Path
) -> None:
    from flows.night_lock import night_holder
    from flows.nightly import nightly

    held = site.gate("/news-sitemap.xml")  # this source waits up to 120 s for its feed
    result: dict[str, Any] = {}
    first = threading.Thread(target=lambda: result.update(state=nightly(
        sources_file=str(SOURCES), source_ids=["demo-news-sitemap"], base_url=site.base_url,
        run_key="first", return_state=True)), daemon=True)
    first.start()
    try:
        deadline = time.monotonic() + 300
        while not (data_dir / "runs" / "first").is_dir():
            assert time.monotonic() < deadline, "the first run never started"
            time.sleep(0.2)
        assert (night_holder(data_dir) or {}).get("run_key") == "first"

        second = _kiemchung("run", "--sources", str(SOURCES), "--source", "demo-news-sitemap",
                            "--base-url", site.base_url)
        assert second.returncode == 4, second.stderr[-2000:]
        assert "another run holds" in second.stderr and "run first" in second.stderr
    finally:
        held.set()
        first.join(timeout=300)
    # Only the first run fetched the feed (a request is logged once its gate opens).
    assert site.requests.count("/news-sitemap.xml") == 1
    assert [p.name for p in (data_dir / "runs").iterdir()] == ["first"]
    assert result["state"].is_completed()
    assert night_holder(data_dir) is None  # released when the run ended
    assert store_ids() == site.expected_ids("news-sitemap.xml")


def test_a_second_trigger_on_the_same_day_crawls_again(site: GatedSite, data_dir: Path) -> None:
    from flows.nightly import default_run_key, nightly

    kwargs = dict(sources_file=str(SOURCES), source_ids=["demo-rss"], base_url=site.base_url)
    assert nightly(**kwargs, return_state=True).is_completed()
    assert nightly(**kwargs, return_state=True).is_completed()

    day = default_run_key()
    first, second = _summary(data_dir, day), _summary(data_dir, f"{day}.2")
    assert first["sources"][0]["new"] == len(site.expected_ids("rss.xml"))
    # The second trigger looked at the feed again instead of replaying the first run's counts.
    assert site.requests.count("/rss.xml") == 2
    assert second["sources"][0]["resumed"] is False
    assert second["sources"][0]["new"] == 0
    assert any("already ended today" in note for note in second["notes"])


def test_a_bad_source_entry_disables_that_source_only(
    site: GatedSite, data_dir: Path, tmp_path: Path
) -> None:
    from flows.nightly import nightly

    entries = yaml.safe_load(SOURCES.read_text("utf-8"))["sources"][:2]
    entries.append({"id": "hong", "name": "Nguồn khai sai", "kind": "rss",
                    "urls": ["{base_url}/rss.xml"], "options": {"delay": "nhanh"}})
    sources = tmp_path / "sources.yaml"
    sources.write_text(yaml.safe_dump({"sources": entries}, allow_unicode=True), "utf-8")

    state = nightly(sources_file=str(sources), base_url=site.base_url, run_key="bad-entry",
                    return_state=True)

    assert state.is_failed()  # loudly: the run says which source was disabled
    assert "hong" in str(state.message)
    by_source = {s["source_id"]: s for s in _summary(data_dir, "bad-entry")["sources"]}
    assert by_source["hong"]["status"] == "failed"
    assert "options.delay" in by_source["hong"]["messages"][0]
    assert by_source["demo-rss"]["status"] == "ok"
    assert by_source["demo-news-sitemap"]["status"] == "ok"
    assert store_ids() == site.expected_ids("rss.xml", "news-sitemap.xml")
