"""Before a night starts: finish what runs that were killed left behind, and say so.

A run killed between its crawl and its store leaves crawl outputs nobody classified and stored.
Their URLs are not counted as seen yet (``CrawlState.mark_stored``), so a later crawl fetches
them again while they are still listed; but an item that has left its feed by then would be lost.
So the next run, holding the data directory alone, classifies and stores every such output,
marks the old run ``recovered`` (``finished_by`` names it) and reports it in its summary.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from core.clock import now_utc
from core.settings import Settings
from flows.checkpoints import (
    ENDED_STATES,
    RunDirectory,
    RunRecord,
    read_record,
    run_keys,
    unprocessed_sources,
    write_record,
)
from flows.source_run import store_crawled
from flows.summary import SourceOutcome


@dataclass(frozen=True)
class Recovered:
    """One unfinished run this run finished."""

    run_key: str
    sources: list[str]
    items: int
    indexed: int
    spooled: int

    def note(self) -> str:
        return (f"run {self.run_key} had been interrupted: {self.items} items it crawled "
                f"({', '.join(self.sources) or 'none'}) were classified and stored now "
                f"({self.indexed} indexed, {self.spooled} waiting on disk)")


def is_unfinished(run: RunDirectory) -> bool:
    """The run never ended by itself (killed, crashed, the machine lost)."""
    record = read_record(run)
    if record is not None:
        return record.state not in ENDED_STATES
    return not (run.path / "summary.json").exists()  # a run from before run.json existed


def finish_unfinished(settings: Settings, current_key: str) -> list[Recovered]:
    """Finish every unfinished run but ``current_key``; the caller holds the nightly lock."""
    recovered: list[Recovered] = []
    for key in run_keys(settings.data_dir):
        if key == current_key:
            continue
        run = RunDirectory(settings.data_dir, key)
        if not is_unfinished(run):
            continue
        outcomes = [
            store_crawled(settings, run, source_id, SourceOutcome(source_id=source_id))
            for source_id in unprocessed_sources(run)
        ]
        for outcome in outcomes:  # stored: set the outputs aside, so nothing takes them twice
            for number, path in enumerate(run.crawl_outputs(outcome.source_id)):
                path.rename(path.with_name(f"{outcome.source_id}.recovered-{number}.jsonl"))
        done = Recovered(
            run_key=key, sources=[o.source_id for o in outcomes],
            items=sum(o.new for o in outcomes), indexed=sum(o.indexed for o in outcomes),
            spooled=sum(o.spooled for o in outcomes),
        )
        record = read_record(run) or RunRecord(
            run_key=key, started_at=datetime.fromtimestamp(run.path.stat().st_mtime, UTC)
        )
        write_record(run, record.model_copy(update={
            "state": "recovered", "finished_by": current_key, "ended_at": now_utc(),
            "message": done.note(),
        }))
        recovered.append(done)
    return recovered
