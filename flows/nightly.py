"""The nightly pipeline on Prefect: per source, crawl, classify and index; then a run summary."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture, as_completed
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.tasks import exponential_backoff

from core.clock import VIETNAM_TZ, now_utc
from core.records import CrawledItem
from core.settings import Settings, load_settings
from flows.alerting import alert_step
from flows.checkpoints import RunDirectory, read_crawled
from flows.locks import source_lock
from flows.summary import RunSummary, SourceOutcome
from index.factory import open_store
from index.spool import Spool, read_batch
from index.store import StoreUnavailable
from models.enrich import enrich
from models.registry import active_model_dir
from nlp.image_text import OcrBudget, read_item_images

# Two sources at a time: the machine has two cores and each crawl is polite per domain anyway.
# Across workers, the tag's limit (`prefect concurrency-limit create kiemchung-crawl 2`) holds.
MAX_PARALLEL_SOURCES = 2
CRAWL_TAG = "kiemchung-crawl"
# Transient crawler failures (the child process died, the machine ran out of something) are
# retried after 10 s and then 20 s, with jitter so several workers do not retry in step.
CRAWL_RETRIES = 2
CRAWL_BACKOFF_SECONDS = 10


class CrawlProcessFailed(RuntimeError):
    """The crawler process itself failed (not a page): worth a retry."""


class SourcesFailed(RuntimeError):
    """At least one source failed; the others completed and were indexed."""


def _is_transient(task: object, task_run: object, state: Any) -> bool:
    """Retry crawls whose process died or timed out; a bad sources file is not transient."""
    from crawlers.runner import CrawlError
    from crawlers.sources import SourcesError

    try:
        state.result()
    except SourcesError:
        return False
    except (CrawlProcessFailed, CrawlError, TimeoutError, ConnectionError, OSError):
        return True
    except Exception:
        return False
    return False


def crawl_failed(stats: dict[str, Any]) -> bool:
    """A source failed when it had errors and gave nothing; a few bad pages are not a failure."""
    return bool(stats.get("failed")) and not stats.get("new") and not stats.get("skipped")


@task(
    name="crawl-source", task_run_name="crawl-{source_id}", tags=[CRAWL_TAG],
    retries=CRAWL_RETRIES,
    retry_delay_seconds=exponential_backoff(backoff_factor=CRAWL_BACKOFF_SECONDS),
    retry_jitter_factor=0.5, retry_condition_fn=_is_transient, cache_policy=NO_CACHE,
)
def crawl_source(
    settings: Settings,
    run: RunDirectory,
    source_id: str,
    sources_file: Path | None,
    base_url: str | None,
    since: datetime | None,
) -> dict[str, Any]:
    """Crawl one source into the run directory; returns the crawler's statistics for it.

    A source that failed outright is not marked done, so a rerun of the key tries it again.
    """
    from crawlers.runner import crawl

    if run.is_done(source_id, "crawled"):
        return dict(json.loads(run.detail(source_id, "crawled")), resumed=True)
    run.set_aside_interrupted(source_id)
    with source_lock(settings, source_id):  # a watch may be crawling it: never both at once
        report = crawl(
            settings, run.crawl_output(source_id), source_ids=[source_id], since=since,
            sources_file=sources_file, base_url=base_url,
        )
    stats = report.per_source.get(source_id)
    if stats is None:
        raise CrawlProcessFailed(
            f"crawler gave no report for {source_id} (exit {report.exit_code})"
        )
    detail = stats.model_dump()
    if not crawl_failed(detail):
        run.mark(source_id, "crawled", json.dumps(detail))
    return detail


def _write(settings: Settings, spool: Spool, batch: Path, outcome: SourceOutcome) -> None:
    """Flush one spooled batch to the store; an unreachable store leaves it on disk."""
    try:
        store = open_store(settings)
        try:
            result = spool.flush(store, batch)
        finally:
            store.close()
    except StoreUnavailable as exc:
        outcome.spooled = outcome.new
        outcome.messages.append(f"kho không truy cập được, giữ trên đĩa (store unavailable): {exc}")
        get_run_logger().warning("%s: items kept on disk: %s", outcome.source_id, exc)
        return
    outcome.indexed = result.written
    if batch.exists():  # some items failed for a passing reason; the next run writes them
        outcome.spooled = len(read_batch(batch))
        outcome.messages.append(f"{outcome.spooled} items kept on disk for the next run")
    if result.failed:
        outcome.failed += len(result.failed)
        outcome.messages.append(f"{len(result.failed)} items rejected by the store (dead-letter)")


@task(name="process-source", task_run_name="process-{source_id}", cache_policy=NO_CACHE)
def process_source(
    settings: Settings, run: RunDirectory, source_id: str, crawl_detail: dict[str, Any] | None,
    crawl_error: str | None = None, ocr_budget: OcrBudget | None = None, official: bool = False,
) -> SourceOutcome:
    """Classify the source's items, spool them durably, and write them to the store.

    Runs even after a failed crawl: whatever the crawler wrote is already marked seen, so it
    must reach the store now or never.
    """
    if run.is_done(source_id, "processed"):
        done = SourceOutcome.model_validate_json(run.detail(source_id, "processed"))
        return done.model_copy(update={"resumed": True})
    detail = crawl_detail or {}
    failed = crawl_error is not None or crawl_failed(detail)
    outcome = SourceOutcome(
        source_id=source_id,
        status="failed" if failed else ("skipped" if detail.get("skipped") else "ok"),
        fetched=int(detail.get("fetched", 0)),
        failed=int(detail.get("failed", 0)) or int(failed),
        messages=([crawl_error] if crawl_error else []) + list(detail.get("messages", []))[:5],
    )
    items = read_crawled(run.crawl_outputs(source_id))
    if items:
        items = _read_images(settings, items, outcome, ocr_budget)
        # ``enrich`` loads the classifier once and lets threads classify in turn.
        indexed = enrich(
            items, flag_threshold=settings.flag_threshold, artefact_dir=active_model_dir(settings),
            official=official,
        )
        outcome.new = len(indexed)
        outcome.flagged = sum(1 for item in indexed if item.classification.flagged)
        spool = Spool(settings.data_dir / "spool")
        _write(settings, spool, spool.put(f"{run.path.name}-{source_id}", indexed), outcome)
    if run.is_done(source_id, "crawled"):
        run.mark(source_id, "processed", outcome.model_dump_json())
    return outcome


def _read_images(settings: Settings, items: list[CrawledItem], outcome: SourceOutcome,
                 budget: OcrBudget | None) -> list[CrawledItem]:
    """The text of the items' images, within the run's OCR time; a missing Tesseract is said
    once in the summary and the items go on without it."""
    budget = budget or OcrBudget(settings.ocr_run_seconds, settings.ocr_item_seconds)
    items, report = read_item_images(items, settings.data_dir / "images", budget)
    outcome.ocr_images, outcome.ocr_read = report.images, report.read
    outcome.ocr_seconds = report.seconds
    for message in report.messages:
        get_run_logger().warning("%s: %s", outcome.source_id, message)
        outcome.messages.append(message)
    return items


@task(name="flush-spool", cache_policy=NO_CACHE)
def flush_spool(settings: Settings) -> int:
    """Write what earlier runs left on disk while the store was down; returns items written."""
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
        result = spool.flush(store)
    except StoreUnavailable as exc:
        get_run_logger().warning("store went away while flushing: %s", exc)
        return 0
    finally:
        store.close()
    get_run_logger().info("wrote %d items left by earlier runs", result.written)
    return result.written


@task(name="enforce-retention", cache_policy=NO_CACHE)
def enforce_retention_task(settings: Settings) -> int | None:
    """Delete items past ``retention_days``; ``None`` when the store cannot be reached."""
    from index.retention import enforce_retention

    try:
        store = open_store(settings)
    except StoreUnavailable as exc:
        get_run_logger().warning("retention not enforced, store unavailable: %s", exc)
        return None
    try:
        return enforce_retention(store, settings.retention_days, now_utc())
    except StoreUnavailable as exc:
        get_run_logger().warning("retention not enforced, store went away: %s", exc)
        return None
    finally:
        store.close()


def default_run_key() -> str:
    """The night a run belongs to: today's date in Vietnam."""
    return now_utc().astimezone(VIETNAM_TZ).date().isoformat()


def publish(summary: RunSummary, run: RunDirectory) -> None:
    """The summary as a Prefect artifact, a log record and ``summary.json`` in the run directory."""
    create_markdown_artifact(
        key="nightly-summary", markdown=summary.markdown(),
        description=f"Nightly run {summary.run_key}",
    )
    get_run_logger().info("%s", summary.text())
    partial = run.path / "summary.json.partial"
    partial.write_text(summary.model_dump_json(indent=2), encoding="utf-8")
    partial.replace(run.path / "summary.json")


@flow(
    name="kiemchung-nightly",
    task_runner=ThreadPoolTaskRunner(max_workers=MAX_PARALLEL_SOURCES),  # type: ignore[arg-type]
    log_prints=True,
)
def nightly(
    sources_file: str | None = None,
    source_ids: list[str] | None = None,
    base_url: str | None = None,
    since: datetime | None = None,
    run_key: str | None = None,
) -> RunSummary:
    """Crawl every enabled source, classify what is new, index it, and publish a summary.

    ``run_key`` names the run; rerunning a key resumes it. The final state is Failed when a
    source failed, after every other source was indexed and the summary published.
    """
    from crawlers.sources import load_sources, official_source_ids

    settings = load_settings()
    key = run_key or default_run_key()
    run = RunDirectory(settings.data_dir, key)
    path = Path(sources_file) if sources_file else None
    sources = [s for s in load_sources(path, base_url=base_url, only=source_ids) if s.enabled]
    official = official_source_ids(sources)  # weighed as official notices by the classifier
    flushed = flush_spool(settings)
    ocr_budget = OcrBudget(settings.ocr_run_seconds, settings.ocr_item_seconds)
    crawls: dict[PrefectFuture[dict[str, Any]], str] = {
        crawl_source.submit(settings, run, s.id, path, base_url, since): s.id for s in sources
    }
    processing: dict[str, PrefectFuture[SourceOutcome]] = {}
    for future in as_completed(list(crawls)):
        source_id = crawls[future]
        try:
            detail, error = future.result(), None
        except Exception as exc:  # one failing source must not stop the others
            get_run_logger().error("source %s failed: %s", source_id, exc)
            detail, error = None, f"{type(exc).__name__}: {exc}"
        processing[source_id] = process_source.submit(settings, run, source_id, detail, error,
                                                      ocr_budget, source_id in official)
    outcomes = []
    for source in sources:
        try:
            outcomes.append(processing[source.id].result())
        except Exception as exc:
            get_run_logger().error("source %s: processing failed: %s", source.id, exc)
            outcomes.append(SourceOutcome(source_id=source.id, status="failed", failed=1,
                                          messages=[f"{type(exc).__name__}: {exc}"]))
    summary = RunSummary(
        run_key=key,
        sources=outcomes,
        flushed_from_spool=flushed,
        waiting_in_spool=len(Spool(settings.data_dir / "spool").pending()),
        expired=enforce_retention_task(settings),
        store="Elasticsearch" if settings.uses_elasticsearch else f"SQLite {settings.sqlite_path}",
    )
    alert_step(settings, now_utc())  # surges and notifications over what is now indexed
    publish(summary, run)
    if summary.failed_sources:
        raise SourcesFailed(f"sources failed: {', '.join(summary.failed_sources)}")
    return summary
