"""Where a nightly run keeps its files, and which sources an earlier attempt already finished.

A run is named by its key (the Vietnam-time date of the scheduled night unless told). Each
source leaves a marker when its crawl is complete and another when its items are safely spooled
or indexed, so a rerun of the same key picks up where a crash left it. ``run.json`` says what
state the run is in, for ``kiemchung runs`` and for the next run, which finishes what a killed
one left.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from core.clock import now_utc
from core.records import CrawledItem


class RunDirectory:
    """``data_dir/runs/<run_key>/``: crawl outputs and markers of one nightly run."""

    def __init__(self, data_dir: Path, run_key: str) -> None:
        self.path = data_dir / "runs" / run_key
        self.path.mkdir(parents=True, exist_ok=True)

    def crawl_output(self, source_id: str) -> Path:
        return self.path / f"{source_id}.crawled.jsonl"

    def crawl_outputs(self, source_id: str) -> list[Path]:
        """Every output this source's crawl attempts wrote, the interrupted ones included."""
        return sorted(self.path.glob(f"{source_id}.crawled*.jsonl"))

    def set_aside_interrupted(self, source_id: str) -> None:
        """Keep an interrupted attempt's items (the crawler already counts them as seen)."""
        current = self.crawl_output(source_id)
        if current.exists() and not self.is_done(source_id, "crawled"):
            current.rename(current.with_name(f"{source_id}.crawled.{time.time_ns()}.jsonl"))

    def mark(self, source_id: str, stage: str, detail: str = "") -> None:
        (self.path / f"{source_id}.{stage}.done").write_text(detail, encoding="utf-8")

    def is_done(self, source_id: str, stage: str) -> bool:
        return (self.path / f"{source_id}.{stage}.done").exists()

    def detail(self, source_id: str, stage: str) -> str:
        return (self.path / f"{source_id}.{stage}.done").read_text(encoding="utf-8")


def read_crawled(paths: list[Path]) -> list[CrawledItem]:
    """Items of the given crawl outputs, each id once; a torn last line is ignored."""
    seen: dict[str, CrawledItem] = {}
    for path in paths:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if not line.endswith("\n"):
                    break  # the process died while writing this line
                item = CrawledItem.model_validate_json(line)
                seen.setdefault(item.id, item)
    return list(seen.values())


RunState = Literal["running", "completed", "failed", "not_indexed", "interrupted", "recovered"]
#: States of a run that ended by itself, one way or another.
ENDED_STATES: frozenset[str] = frozenset({"completed", "failed", "not_indexed", "recovered"})


class RunRecord(BaseModel):
    """``run.json`` of a run: what it is doing or how it ended, for ``kiemchung runs``."""

    run_key: str
    state: RunState = "running"
    started_at: datetime = Field(default_factory=now_utc)
    ended_at: datetime | None = None
    pid: int = Field(default_factory=os.getpid)
    host: str = Field(default_factory=socket.gethostname)
    flow_run_id: str | None = None
    message: str = ""
    finished_by: str | None = Field(
        default=None, description="The later run that finished what this one left"
    )


def read_record(run: RunDirectory) -> RunRecord | None:
    path = run.path / "run.json"
    try:
        return RunRecord.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_record(run: RunDirectory, record: RunRecord) -> None:
    """Replace ``run.json`` atomically."""
    partial = run.path / f".run.json.{os.getpid()}.{threading.get_ident()}.partial"
    partial.write_text(record.model_dump_json(indent=2), encoding="utf-8")
    partial.replace(run.path / "run.json")


def run_keys(data_dir: Path) -> list[str]:
    """Keys of every run that left a directory, oldest first by start."""
    root = data_dir / "runs"
    if not root.is_dir():
        return []
    return [p.name for p in sorted(root.iterdir(), key=lambda p: p.stat().st_mtime)
            if p.is_dir()]


def unprocessed_sources(run: RunDirectory) -> list[str]:
    """Sources whose crawl wrote items the run never classified and stored."""
    found = {p.name.split(".crawled")[0] for p in run.path.glob("*.crawled*.jsonl")}
    return sorted(s for s in found if not run.is_done(s, "processed"))
