"""Real scale-out: one night's sources spread over the workers of a Prefect work pool."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.flows.conftest import DEMO_SITE, store_ids

SITES = 4


@pytest.fixture
def sites() -> Iterator[list[str]]:
    """Four copies of the demo site, each its own server (so its own crawl slot)."""
    from crawlers.localsite import LocalSite

    started = [LocalSite(DEMO_SITE).start() for _ in range(SITES)]
    try:
        yield [site.base_url for site in started]
    finally:
        for site in started:
            site.stop()


@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_a_nights_sources_run_on_both_workers_of_the_pool(
    sites: list[str], data_dir: Path, tmp_path: Path
) -> None:
    from flows.nightly import nightly
    from flows.work_pool import deploy_source_flow, local_workers

    sources = tmp_path / "sources.yaml"
    sources.write_text(yaml.safe_dump({"sources": [
        {"id": f"site-{number}", "name": f"Trang {number}", "kind": "rss",
         "urls": [f"{base}/rss.xml"], "options": {"delay": 0.05}}
        for number, base in enumerate(sites, start=1)
    ]}), "utf-8")
    deployment = deploy_source_flow("test-pool")

    with local_workers("test-pool", 2, limit=1, poll_seconds=1):
        state = nightly(sources_file=str(sources), run_key="pool-1",
                        source_deployment=deployment, return_state=True)

    assert state.is_completed(), state.message
    summary = json.loads((data_dir / "runs" / "pool-1" / "summary.json").read_text("utf-8"))
    assert [s["status"] for s in summary["sources"]] == ["ok"] * SITES
    workers = {s["ran_on"] for s in summary["sources"]}
    assert len(workers) == 2, workers  # each worker ran sources, none idled
    assert sum(s["indexed"] for s in summary["sources"]) == SITES * 10
    assert len(store_ids()) == SITES * 10
