"""One source of one night: crawl it, classify what is new, spool it durably, write it to the
store, and only then count its URLs as seen.

The nightly flow runs these tasks in its own process, or, given a work pool, dispatches
``source_night`` (the ``kiemchung-source`` flow) per source as a deployment run that any worker
of the pool may pick up. Either way a crawl first takes one of its host's crawl slots
(``flows.host_slots.host_slot``), so spreading a night over workers never makes the crawler less
polite to a site than one machine would be.
"""

from __future__ import annotations

import json
import os
import socket
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.tasks import exponential_backoff

from core.records import CrawledItem
from core.settings import Settings, load_settings
from flows.checkpoints import RunDirectory, read_crawled
from flows.host_slots import host_slot
from flows.locks import source_lock
from flows.source_list import RUN_SOURCES_FILE
from flows.summary import SourceOutcome
from index.factory import open_store
from index.spool import Spool, read_batch_contents
from index.store import StoreUnavailable
from models.enrich import enrich
from models.registry import active_model_dir
from nlp.image_text import OcrBudget, read_item_images

CRAWL_TAG = "kiemchung-crawl"
# Transient crawler failures (the child process died, the machine ran out of something) are
# retried after 10 s and then 20 s, with jitter so several workers do not retry in step.
CRAWL_RETRIES = 2
CRAWL_BACKOFF_SECONDS = 10
#: Crawls at once per host, across every process and worker sharing the data directory: as
#: many as one machine runs (two sources at a time), so a site sees no more than it did from
#: one machine, however many workers the pool has.
CRAWLS_PER_HOST = 2


class CrawlProcessFailed(RuntimeError):
    """The crawler process itself failed (not a page): worth a retry."""


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


def source_host(sources_file: Path, source_id: str) -> str:
    """The site a source's crawl talks to (host, and port when one is written; its first URL
    or API base), for its crawl slot."""
    from crawlers.sources import load_sources

    source = load_sources(sources_file, only=[source_id])[0]
    for address in [*source.urls, source.options.api_base]:
        parts = urlsplit(address)
        if parts.hostname:
            return parts.hostname + (f"_{parts.port}" if parts.port else "")
    return f"source-{source.id}"


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
    sources_file: Path,
    since: datetime | None,
) -> dict[str, Any]:
    """Crawl one source into the run directory; returns the crawler's statistics for it.

    ``sources_file`` is the run's own resolved copy (``flows.source_list``). A source that
    failed outright is not marked done, so a rerun of the key tries it again. The crawler
    counts the items as seen only once ``process_source`` has stored them.
    """
    from crawlers.runner import crawl

    if run.is_done(source_id, "crawled"):
        return dict(json.loads(run.detail(source_id, "crawled")), resumed=True)
    host = source_host(sources_file, source_id)
    # A watch may be crawling the source: never both at once. Then one of its site's slots.
    with source_lock(settings, source_id), host_slot(settings.data_dir, host, CRAWLS_PER_HOST):
        run.set_aside_interrupted(source_id)
        report = crawl(
            settings, run.crawl_output(source_id), source_ids=[source_id], since=since,
            sources_file=sources_file, pending_run=run.path.name,
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
        outcome.spooled = len(read_batch_contents(batch).items)
        outcome.messages.append(f"{outcome.spooled} items kept on disk for the next run")
    if result.failed:
        outcome.failed += len(result.failed)
        outcome.messages.append(f"{len(result.failed)} items rejected by the store (dead-letter)")


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


def run_sources_file(run: RunDirectory, sources_file: Path | None = None) -> Path | None:
    """The sources file a run's items came from: the one given, else the run's own resolved
    copy (a nightly run writes one), else None (the project's ``sources.yaml``)."""
    if sources_file is not None:
        return sources_file
    copy = run.path / RUN_SOURCES_FILE
    return copy if copy.exists() else None


def store_crawled(
    settings: Settings, run: RunDirectory, source_id: str, outcome: SourceOutcome,
    ocr_budget: OcrBudget | None = None, sources_file: Path | None = None,
) -> SourceOutcome:
    """Read the images of what the source's crawl attempts wrote, classify it, spool it
    durably, mark its URLs seen, and write it to the store (or leave it spooled). Fills in
    ``outcome``.

    Items of a source the sources file marks ``official: true`` are classified as official
    notices (``run_sources_file`` says which file)."""
    from crawlers.sources import is_official_source
    from crawlers.state import CrawlState

    items = read_crawled(run.crawl_outputs(source_id))
    if items:
        items = _read_images(settings, items, outcome, ocr_budget)
        official = is_official_source(source_id, run_sources_file(run, sources_file))
        # ``enrich`` loads the classifier once and lets threads classify in turn.
        indexed = enrich(
            items, flag_threshold=settings.flag_threshold,
            artefact_dir=active_model_dir(settings), official=official,
        )
        outcome.new = len(indexed)
        outcome.flagged = sum(1 for item in indexed if item.classification.flagged)
        spool = Spool(settings.data_dir / "spool")
        batch = spool.put(f"{run.path.name}-{source_id}", indexed)
        # Durable now: from here on, a crash loses nothing, so the URLs count as seen.
        state = CrawlState.in_dir(settings.data_dir)
        try:
            state.mark_stored(item.id for item in items)
        finally:
            state.close()
        _write(settings, spool, batch, outcome)
    if run.is_done(source_id, "crawled"):
        state = CrawlState.in_dir(settings.data_dir)
        try:
            state.confirm_success(source_id)
        finally:
            state.close()
    return outcome


@task(name="process-source", task_run_name="process-{source_id}", cache_policy=NO_CACHE)
def process_source(
    settings: Settings, run: RunDirectory, source_id: str, crawl_detail: dict[str, Any] | None,
    crawl_error: str | None = None, ocr_budget: OcrBudget | None = None,
    sources_file: Path | None = None,
) -> SourceOutcome:
    """Classify the source's items, spool them durably, and write them to the store.

    Runs even after a failed crawl: whatever the crawler wrote before failing is kept.
    ``sources_file``: the file the source was crawled from, when the run has no copy of its
    own (a watch cycle).
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
        ran_on=f"{socket.gethostname()}:{os.getppid()}",
    )
    store_crawled(settings, run, source_id, outcome, ocr_budget, sources_file)
    if run.is_done(source_id, "crawled"):
        run.mark(source_id, "processed", outcome.model_dump_json())
    return outcome


def run_source(
    settings: Settings, run: RunDirectory, source_id: str, sources_file: Path,
    since: datetime | None,
) -> SourceOutcome:
    """Crawl and process one source in the calling flow, one failure never raising."""
    try:
        detail, error = crawl_source(settings, run, source_id, sources_file, since), None
    except Exception as exc:  # one failing source must not stop the others
        get_run_logger().error("source %s failed: %s", source_id, exc)
        detail, error = None, f"{type(exc).__name__}: {exc}"
    return process_source(settings, run, source_id, detail, error, sources_file=sources_file)


@flow(name="kiemchung-source", flow_run_name="{run_key}-{source_id}", log_prints=True)
def source_night(
    run_key: str, source_id: str, sources_file: str, since: datetime | None = None
) -> SourceOutcome:
    """One source of the night ``run_key``, on whichever worker of the pool picked it up.

    The nightly run that dispatched it reads the outcome from the run directory (the data
    directory is shared by every worker of a pool).
    """
    settings = load_settings()
    run = RunDirectory(settings.data_dir, run_key)
    return run_source(settings, run, source_id, Path(sources_file), since)
