"""The nightly pipeline on Prefect: per source, crawl, classify and index; then a run summary."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.artifacts import create_markdown_artifact
from prefect.task_runners import ThreadPoolTaskRunner

from core.clock import VIETNAM_TZ, now_utc
from core.settings import Settings, load_settings
from flows.checkpoints import RunDirectory, read_crawled
from flows.summary import RunSummary, SourceOutcome
from index.factory import open_store
from index.spool import Spool
from index.store import StoreUnavailable
from models.enrich import enrich

# Two sources at a time: the machine has two cores and each crawl is polite per domain anyway.
MAX_PARALLEL_SOURCES = 2


class CrawlProcessFailed(RuntimeError):
    """The crawler process itself failed (not a page): worth a retry."""


class SourcesFailed(RuntimeError):
    """At least one source failed; the others completed and were indexed."""


def _is_transient(task: object, task_run: object, state: object) -> bool:
    """Retry crawls whose process died or timed out; a bad sources file is not transient."""
    from crawlers.runner import CrawlError

    try:
        state.result()  # type: ignore[attr-defined]
    except (CrawlProcessFailed, CrawlError, TimeoutError, ConnectionError, OSError):
        return True
    except Exception:
        return False
    return False


@task(
    retries=2, retry_delay_seconds=[5, 30], retry_condition_fn=_is_transient,
    cache_policy=NO_CACHE,
)
def crawl_source(
    settings: Settings,
    run: RunDirectory,
    source_id: str,
    sources_file: Path | None,
    base_url: str | None,
    since: datetime | None,
) -> dict[str, object]:
    """Crawl one source into the run directory; returns the crawler's statistics for it."""
    from crawlers.runner import crawl

    if run.is_done(source_id, "crawled"):
        return dict(json.loads(run.detail(source_id, "crawled")), resumed=True)
    run.set_aside_interrupted(source_id)
    report = crawl(
        settings, run.crawl_output(source_id), source_ids=[source_id], since=since,
        sources_file=sources_file, base_url=base_url,
    )
    stats = report.per_source.get(source_id)
    if stats is None:
        raise CrawlProcessFailed(f"crawler gave no report for {source_id} (exit {report.exit_code})")
    detail = stats.model_dump()
    run.mark(source_id, "crawled", json.dumps(detail))
    return detail


@task(cache_policy=NO_CACHE)
def process_source(settings: Settings, run: RunDirectory, source_id: str) -> SourceOutcome:
    """Classify the source's new items, spool them durably, and write them to the store."""
    crawl_detail = json.loads(run.detail(source_id, "crawled"))
    outcome = SourceOutcome(
        source_id=source_id,
        fetched=crawl_detail.get("fetched", 0),
        failed=crawl_detail.get("failed", 0),
        skipped=crawl_detail.get("skipped", False),
        messages=list(crawl_detail.get("messages", []))[:5],
    )
    if run.is_done(source_id, "processed"):
        return SourceOutcome.model_validate_json(run.detail(source_id, "processed")).model_copy(
            update={"resumed": True}
        )
    items = read_crawled(run.crawl_outputs(source_id))
    indexed = enrich(items, flag_threshold=settings.flag_threshold)
    outcome.new = len(indexed)
    outcome.flagged = sum(1 for item in indexed if item.classification.flagged)
    spool = Spool(settings.data_dir / "spool")
    batch = spool.put(f"{run.path.name}-{source_id}", indexed)
    try:
        store = open_store(settings)
        try:
            result = spool.flush(store, batch)
        finally:
            store.close()
        outcome.indexed = result.written
        if result.failed:
            outcome.failed += len(result.failed)
            outcome.messages.append(f"{len(result.failed)} items rejected by the store")
    except StoreUnavailable as exc:
        outcome.spooled = len(indexed)
        outcome.messages.append(f"store unavailable, items kept on disk: {exc}")
        get_run_logger().warning("%s: %s", source_id, exc)
    run.mark(source_id, "processed", outcome.model_dump_json())
    return outcome


@task(cache_policy=NO_CACHE)
def flush_spool(settings: Settings) -> int:
    """Write what earlier runs left on disk while the store was down."""
    spool = Spool(settings.data_dir / "spool")
    if not spool.pending():
        return 0
    try:
        store = open_store(settings)
    except StoreUnavailable as exc:
        get_run_logger().warning("store still unavailable; %d batches wait: %s",
                                 len(spool.pending()), exc)
        return 0
    try:
        return spool.flush(store).written
    except StoreUnavailable as exc:
        get_run_logger().warning("store went away while flushing: %s", exc)
        return 0
    finally:
        store.close()


def default_run_key() -> str:
    """The night a run belongs to: today's date in Vietnam."""
    return now_utc().astimezone(VIETNAM_TZ).date().isoformat()


@flow(
    name="kiemchung-nightly",
    task_runner=ThreadPoolTaskRunner(max_workers=MAX_PARALLEL_SOURCES),
    log_prints=True,
)
def nightly(
    sources_file: str | None = None,
    source_ids: list[str] | None = None,
    base_url: str | None = None,
    since: datetime | None = None,
    run_key: str | None = None,
) -> RunSummary:
    """Crawl every enabled source, classify what is new, index it, and publish a summary."""
    from crawlers.sources import load_sources

    settings = load_settings()
    logger = get_run_logger()
    key = run_key or default_run_key()
    run = RunDirectory(settings.data_dir, key)
    path = Path(sources_file) if sources_file else None
    sources = [
        s for s in load_sources(path, base_url=base_url, only=source_ids) if s.enabled
    ]
    flushed = flush_spool(settings)
    crawls = {
        s.id: crawl_source.submit(settings, run, s.id, path, base_url, since) for s in sources
    }
    outcomes: list[SourceOutcome] = []
    for source_id, crawl_future in crawls.items():
        try:
            crawl_future.result()
        except Exception as exc:  # one failing source must not stop the others
            logger.error("source %s failed: %s", source_id, exc)
            outcomes.append(SourceOutcome(source_id=source_id, failed=1, messages=[str(exc)]))
            continue
        outcomes.append(process_source(settings, run, source_id))
    summary = RunSummary(
        run_key=key,
        sources=outcomes,
        flushed_from_spool=flushed,
        store="Elasticsearch" if settings.uses_elasticsearch else f"SQLite {settings.sqlite_path}",
    )
    create_markdown_artifact(
        key="nightly-summary", markdown=summary.markdown(), description=f"Nightly run {key}"
    )
    logger.info("%s", summary.text())
    (run.path / "summary.json").write_text(summary.model_dump_json(indent=2), encoding="utf-8")
    if summary.failed_sources:
        raise SourcesFailed(f"sources failed: {', '.join(summary.failed_sources)}")
    return summary
