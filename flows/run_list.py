"""Every run the data directory knows, with its state and what it still owes the store, for
``kiemchung runs``. Reads files only: no Prefect server, no store connection needed."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, Field

from flows.checkpoints import (
    RunDirectory,
    read_record,
    run_keys,
    unprocessed_sources,
)
from flows.night_lock import night_holder
from flows.summary import RunSummary
from index.spool import Spool, read_batch_contents


class RunStatus(BaseModel):
    """One run as ``kiemchung runs`` shows it."""

    run_key: str
    state: str
    started_at: datetime | None = None
    ended_at: datetime | None = None
    sources: int = 0
    sources_done: int = 0
    new: int = 0
    indexed: int = 0
    crawled_not_stored: int = Field(
        default=0, description="Items crawled by sources the run never classified and stored"
    )
    waiting_in_spool: int = Field(default=0, description="Items of this run waiting on disk")
    message: str = ""


def _lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.endswith(b"\n"))


def run_status(data_dir: Path, key: str, running_key: str | None) -> RunStatus:
    run = RunDirectory(data_dir, key)
    record = read_record(run)
    summary_path = run.path / "summary.json"
    summary = (RunSummary.model_validate_json(summary_path.read_text("utf-8"))
               if summary_path.exists() else None)
    if record is not None:
        state = record.state
        if state == "running" and running_key != key:
            state = "interrupted"
    elif summary is not None:
        state = "failed" if summary.failed_sources else "completed"
    else:
        state = "running" if running_key == key else "interrupted"
    pending = unprocessed_sources(run)
    unstored = sum(_lines(p) for s in pending for p in run.crawl_outputs(s))
    spooled = sum(len(read_batch_contents(p).items)
                  for p in Spool(data_dir / "spool").pending() if p.name.startswith(f"{key}-"))
    crawled = {p.name.split(".crawled")[0] for p in run.path.glob("*.crawled*.jsonl")}
    done = {p.name.split(".processed")[0] for p in run.path.glob("*.processed.done")}
    totals = summary.totals if summary else None
    return RunStatus(
        run_key=key, state=state,
        started_at=record.started_at if record else None,
        ended_at=record.ended_at if record else None,
        sources=len(summary.sources) if summary else len(crawled | done),
        sources_done=len(done),
        new=totals.new if totals else 0,
        indexed=totals.indexed if totals else 0,
        crawled_not_stored=unstored if state != "recovered" else 0,
        waiting_in_spool=spooled,
        message=record.message if record else "",
    )


def list_runs(data_dir: Path) -> list[RunStatus]:
    """Every run, oldest first."""
    holder = night_holder(data_dir) if (data_dir / "runs").is_dir() else None
    running_key = str(holder.get("run_key")) if holder else None
    return [run_status(data_dir, key, running_key) for key in run_keys(data_dir)]
