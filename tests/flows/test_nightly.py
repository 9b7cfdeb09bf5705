"""The whole nightly flow on the real Prefect engine, real Scrapy, real Elasticsearch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.flows.conftest import SOURCES, GatedSite, store_count, store_ids

DEMO_FEEDS = ("rss.xml", "news-sitemap.xml")


def _summary(data_dir: Path, key: str) -> dict:
    return json.loads((data_dir / "runs" / key / "summary.json").read_text("utf-8"))


def _artifact_markdown(key: str) -> str:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    with get_client(sync_client=True) as client:
        found = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key]))
        )
    return "\n".join(str(artifact.data) for artifact in found)


def test_nightly_into_elasticsearch_survives_a_source_that_times_out(
    site: GatedSite, es_data_dir: Path
) -> None:
    from flows.nightly import nightly

    state = nightly(
        sources_file=str(SOURCES), base_url=site.base_url, run_key="night-1", return_state=True
    )

    # The slow source failed, so the run says so; the other two were indexed all the same.
    assert state.is_failed()
    assert "slow-feed" in str(state.message)
    summary = _summary(es_data_dir, "night-1")
    by_source = {s["source_id"]: s for s in summary["sources"]}
    assert by_source["slow-feed"]["status"] == "failed"
    assert by_source["demo-rss"]["status"] == "ok"
    assert by_source["demo-news-sitemap"]["status"] == "ok"
    expected = site.expected_ids(*DEMO_FEEDS)
    assert store_ids() == expected
    assert sum(s["new"] for s in summary["sources"]) == len(expected)
    assert sum(s["indexed"] for s in summary["sources"]) == len(expected)
    assert summary["waiting_in_spool"] == 0
    markdown = _artifact_markdown("nightly-summary")
    assert "night-1" in markdown and "slow-feed" in markdown and "demo-rss" in markdown

    # A second night finds nothing new and writes no duplicate.
    again = nightly(
        sources_file=str(SOURCES), source_ids=["demo-rss", "demo-news-sitemap"],
        base_url=site.base_url, run_key="night-2", return_state=True,
    )
    assert again.is_completed()
    assert sum(s["new"] for s in _summary(es_data_dir, "night-2")["sources"]) == 0
    assert store_count() == len(expected)


def test_rerun_of_a_finished_key_redoes_nothing(site: GatedSite, data_dir: Path) -> None:
    from flows.nightly import nightly

    kwargs = dict(sources_file=str(SOURCES), source_ids=["demo-rss"], base_url=site.base_url,
                  run_key="night-r")
    assert nightly(**kwargs, return_state=True).is_completed()
    asked = len(site.requests)
    assert nightly(**kwargs, return_state=True).is_completed()
    assert len(site.requests) == asked  # no page fetched again
    summary = _summary(data_dir, "night-r")
    assert summary["sources"][0]["resumed"] is True
    assert store_ids() == site.expected_ids("rss.xml")


def test_only_transient_crawl_errors_are_retried() -> None:
    from prefect.states import Failed

    from crawlers.runner import CrawlError
    from crawlers.sources import SourcesError
    from flows.nightly import CrawlProcessFailed, _is_transient

    def failed_with(exc: Exception) -> object:
        return Failed(data=exc)

    assert _is_transient(None, None, failed_with(CrawlError("crawler process died")))
    assert _is_transient(None, None, failed_with(CrawlProcessFailed("no report")))
    assert _is_transient(None, None, failed_with(TimeoutError("slow machine")))
    assert not _is_transient(None, None, failed_with(SourcesError("bad field 'kind'")))
    assert not _is_transient(None, None, failed_with(ValueError("a bug")))


def test_nightly_enforces_retention(
    site: GatedSite, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.nightly import nightly

    # The demo articles are from June 2025: with a 30-day retention they expire at once.
    monkeypatch.setenv("KIEMCHUNG_RETENTION_DAYS", "30")
    state = nightly(sources_file=str(SOURCES), source_ids=["demo-rss"], base_url=site.base_url,
                    run_key="night-old", return_state=True)
    assert state.is_completed()
    summary = _summary(data_dir, "night-old")
    assert summary["sources"][0]["indexed"] == len(site.expected_ids("rss.xml"))
    assert summary["expired"] == len(site.expected_ids("rss.xml"))
    assert store_count() == 0
