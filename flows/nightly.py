"""The nightly pipeline on Prefect: per source, crawl, classify and index; then a run summary.

One night at a time per data directory (``flows.night_lock``). Before the sources, the run
finishes what killed runs left (``flows.recovery``) and writes what earlier runs left on disk
(the spool). The sources run in this process, two at a time, or, with ``source_deployment``,
each as a deployment run on a work pool, spread over its workers (``flows.source_run``).

How a run ends, for operators and for Prefect automations:

- ``Completed``: every source crawled and every item in the store;
- ``Failed``: a source failed or its entry in the sources file is invalid (the message names
  them; every other source was done);
- ``Failed`` named ``NotIndexed``: items could not be written to the store (unreachable, a TLS
  error) and wait on local disk; the message says how many and why.
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture, as_completed
from prefect.states import Failed, State
from prefect.task_runners import ThreadPoolTaskRunner

from core.clock import VIETNAM_TZ, now_utc
from core.settings import Settings, load_settings
from flows.alerting import alert_step
from flows.checkpoints import (
    ENDED_STATES,
    RunDirectory,
    RunRecord,
    read_record,
    write_record,
)
from flows.night_lock import night_lock
from flows.recovery import Recovered, finish_unfinished
from flows.source_list import load_night_sources
from flows.source_run import (  # re-exported: tests and older callers import them from here
    CRAWL_TAG,
    CrawlProcessFailed,
    _is_transient,
    crawl_failed,
    crawl_source,
    process_source,
)
from flows.summary import RunSummary, SourceOutcome
from index.factory import open_store
from index.spool import Spool
from index.store import StoreUnavailable
from nlp.image_text import OcrBudget

__all__ = ["CRAWL_TAG", "CrawlProcessFailed", "_is_transient", "crawl_failed", "crawl_source",
           "process_source", "nightly", "default_run_key", "SourcesFailed", "NOT_INDEXED"]

# Two sources at a time in one process: the machine has two cores, each crawl is polite per
# host anyway. On a work pool, the workers' own limits say how many run at once.
MAX_PARALLEL_SOURCES = 2
#: How often the nightly run looks at the per-source runs it dispatched to a pool.
DISPATCH_POLL_SECONDS = 2.0
#: Name of the final state of a run whose items wait on disk instead of in the store.
NOT_INDEXED = "NotIndexed"


class SourcesFailed(RuntimeError):
    """At least one source failed; the others completed and were indexed."""


@task(name="flush-spool", cache_policy=NO_CACHE)
def flush_spool(settings: Settings) -> tuple[int, list[str]]:
    """Write what earlier runs left on disk while the store was down; returns items written
    and one note per batch that could not be read (moved to ``spool/quarantine/``)."""
    spool = Spool(settings.data_dir / "spool")
    if not spool.pending():
        return 0, []
    try:
        store = open_store(settings)
    except StoreUnavailable as exc:
        get_run_logger().warning("store still unavailable; %d batches wait: %s",
                                 len(spool.pending()), exc)
        return 0, []
    try:
        result = spool.flush(store)
    except StoreUnavailable as exc:
        get_run_logger().warning("store went away while flushing: %s", exc)
        return 0, []
    finally:
        store.close()
    for problem in result.problems:
        get_run_logger().error("spool batch quarantined: %s", problem)
    get_run_logger().info("wrote %d items left by earlier runs", result.written)
    return result.written, result.problems


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


@task(name="finish-unfinished-runs", cache_policy=NO_CACHE)
def finish_unfinished_task(settings: Settings, run_key: str) -> list[Recovered]:
    recovered = finish_unfinished(settings, run_key)
    for done in recovered:
        get_run_logger().warning("%s", done.note())
    return recovered


@task(name="dispatch-sources", cache_policy=NO_CACHE)
def dispatch_sources(
    settings: Settings, run: RunDirectory, deployment: str, source_ids: list[str],
    sources_file: Path, since: datetime | None,
) -> list[SourceOutcome]:
    """Start one ``kiemchung-source`` deployment run per source and wait for them all; any
    worker of the deployment's pool may pick each one up."""
    return asyncio.run(_dispatch(settings, run, deployment, source_ids, sources_file, since))


async def _dispatch(
    settings: Settings, run: RunDirectory, deployment: str, source_ids: list[str],
    sources_file: Path, since: datetime | None,
) -> list[SourceOutcome]:
    from prefect.client.orchestration import get_client
    from prefect.deployments import arun_deployment

    logger = get_run_logger()
    async with get_client() as client:
        started = {}
        for source_id in source_ids:
            if run.is_done(source_id, "processed"):
                continue
            child = await arun_deployment(
                deployment, client=client, timeout=0, as_subflow=True,
                flow_run_name=f"{run.path.name}-{source_id}",
                parameters={"run_key": run.path.name, "source_id": source_id,
                            "sources_file": str(sources_file),
                            "since": since.isoformat() if since else None},
            )
            started[source_id] = child.id
            logger.info("source %s dispatched as flow run %s", source_id, child.id)
        ended: dict[str, Any] = {}
        while len(ended) < len(started):
            for source_id, child_id in started.items():
                if source_id in ended:
                    continue
                child = await client.read_flow_run(child_id)
                if child.state is not None and child.state.is_final():
                    ended[source_id] = child.state
            if len(ended) < len(started):
                await asyncio.sleep(DISPATCH_POLL_SECONDS)
    outcomes = []
    for source_id in source_ids:
        if run.is_done(source_id, "processed"):
            done = SourceOutcome.model_validate_json(run.detail(source_id, "processed"))
            outcomes.append(done if source_id in started
                            else done.model_copy(update={"resumed": True}))
            continue
        state = ended.get(source_id)
        outcomes.append(SourceOutcome(
            source_id=source_id, status="failed", failed=1,
            messages=[f"flow run of the source ended {getattr(state, 'name', '?')}: "
                      f"{getattr(state, 'message', '')}"],
        ))
    return outcomes


def default_run_key() -> str:
    """The night a run belongs to: the Vietnam date it was scheduled for (today, by hand)."""
    from prefect.runtime import flow_run

    scheduled = flow_run.scheduled_start_time if flow_run.id else None
    moment = scheduled if isinstance(scheduled, datetime) else now_utc()
    return moment.astimezone(VIETNAM_TZ).date().isoformat()


def next_free_key(data_dir: Path, base: str) -> tuple[str, str]:
    """``base``, or ``base.2``, ``base.3`` … when the night ``base`` already ran to its end,
    so a second trigger on the same day crawls again instead of replaying the first run."""
    key, number = base, 1
    while True:
        record = read_record(RunDirectory(data_dir, key)) if (data_dir / "runs" / key).exists() \
            else None
        ended = record is not None and record.state in ENDED_STATES
        ended = ended or (record is None and (data_dir / "runs" / key / "summary.json").exists())
        if not ended:
            break
        number += 1
        key = f"{base}.{number}"
    note = "" if key == base else f"run {base} already ended today; this run is {key}"
    return key, note


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


def _run_sources_here(
    settings: Settings, run: RunDirectory, source_ids: list[str], sources_file: Path,
    since: datetime | None,
) -> list[SourceOutcome]:
    """Every source through crawl and store in this process; the flow's task runner runs
    ``MAX_PARALLEL_SOURCES`` tasks at a time, within one OCR time budget for the run."""
    ocr_budget = OcrBudget(settings.ocr_run_seconds, settings.ocr_item_seconds)
    crawls: dict[PrefectFuture[dict[str, Any]], str] = {
        crawl_source.submit(settings, run, source_id, sources_file, since): source_id
        for source_id in source_ids
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
                                                      ocr_budget)
    outcomes = []
    for source_id in source_ids:
        try:
            outcomes.append(processing[source_id].result())
        except Exception as exc:
            get_run_logger().error("source %s: processing failed: %s", source_id, exc)
            outcomes.append(SourceOutcome(source_id=source_id, status="failed", failed=1,
                                          messages=[f"{type(exc).__name__}: {exc}"]))
    return outcomes


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
    source_deployment: str | None = None,
) -> RunSummary | State:
    """Crawl every enabled source, classify what is new, index it, and publish a summary.

    ``run_key`` names the run; rerunning a key resumes it. Without one, the run is the night
    it was scheduled for (``2026-04-02``; ``2026-04-02.2`` if that night already ran).
    ``source_deployment`` (``kiemchung-source/<name>``) sends each source to a work pool.
    """
    settings = load_settings()
    if run_key:
        key, key_note = run_key, ""
    else:
        key, key_note = next_free_key(settings.data_dir, default_run_key())
    with night_lock(settings.data_dir, key):
        return _night(settings, key, key_note, sources_file, source_ids, base_url, since,
                      source_deployment)


def _night(
    settings: Settings, key: str, key_note: str, sources_file: str | None,
    source_ids: list[str] | None, base_url: str | None, since: datetime | None,
    source_deployment: str | None,
) -> RunSummary | State:
    from prefect.runtime import flow_run

    run = RunDirectory(settings.data_dir, key)
    earlier = read_record(run)
    record = RunRecord(run_key=key, flow_run_id=str(flow_run.id) if flow_run.id else None,
                       started_at=earlier.started_at if earlier else now_utc())
    write_record(run, record)
    notes = [key_note] if key_note else []
    if earlier is not None and earlier.state not in ENDED_STATES:
        notes.append(f"resumed run {key}, which had been interrupted")
    recovered = finish_unfinished_task(settings, key)
    notes.extend(done.note() for done in recovered)
    flushed, quarantined = flush_spool(settings)
    night = load_night_sources(Path(sources_file) if sources_file else None, base_url=base_url,
                               only=source_ids, run_dir=run.path)
    for problem in night.bad.values():
        get_run_logger().error("%s", problem)
    assert night.file is not None
    ids = [source.id for source in night.sources]
    if source_deployment:
        outcomes = dispatch_sources(settings, run, source_deployment, ids, night.file, since)
    else:
        outcomes = _run_sources_here(settings, run, ids, night.file, since)
    outcomes += [SourceOutcome(source_id=name, status="failed", failed=1, messages=[problem])
                 for name, problem in night.bad.items()]
    spool = Spool(settings.data_dir / "spool")
    summary = RunSummary(
        run_key=key,
        sources=outcomes,
        flushed_from_spool=flushed,
        waiting_in_spool=len(spool.pending()),
        waiting_items=spool.pending_items(),
        quarantined=quarantined,
        notes=notes,
        recovered_items=sum(done.items for done in recovered),
        expired=enforce_retention_task(settings),
        store="Elasticsearch" if settings.uses_elasticsearch else f"SQLite {settings.sqlite_path}",
    )
    alert_step(settings, now_utc())  # surges and notifications over what is now indexed
    publish(summary, run)
    return _final_state(run, record, summary)


def _final_state(run: RunDirectory, record: RunRecord, summary: RunSummary) -> RunSummary | State:
    """Record how the run ended in ``run.json`` and give Prefect the matching state."""
    ended = record.model_copy(update={"ended_at": now_utc()})
    if summary.failed_sources:
        message = f"sources failed: {', '.join(summary.failed_sources)}"
        if summary.waiting_items:
            message += f"; {summary.waiting_items} items wait on disk, not in the store"
        write_record(run, ended.model_copy(update={"state": "failed", "message": message}))
        raise SourcesFailed(message)
    if summary.waiting_items or summary.quarantined:
        reasons = sorted({m for s in summary.sources for m in s.messages if "store" in m})
        message = (f"{summary.waiting_items} items wait on disk in {summary.waiting_in_spool} "
                   f"spool batches, not in the store"
                   + (f" ({reasons[0]})" if reasons else "")
                   + (f"; {len(summary.quarantined)} unreadable batches quarantined"
                      if summary.quarantined else ""))
        write_record(run, ended.model_copy(update={"state": "not_indexed", "message": message}))
        return Failed(name=NOT_INDEXED, message=message, data=summary)
    write_record(run, ended.model_copy(update={"state": "completed", "message": ""}))
    return summary


def read_summary(run: RunDirectory) -> RunSummary | None:
    path = run.path / "summary.json"
    if not path.exists():
        return None
    return RunSummary.model_validate(json.loads(path.read_text("utf-8")))
