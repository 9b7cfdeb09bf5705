"""Where a nightly run keeps its files, and which sources an earlier attempt already finished.

A run is named by its key (the Vietnam-time date of the scheduled night unless told). Each
source leaves a marker when its crawl is complete and another when its items are safely spooled
or indexed, so a rerun of the same key picks up where a crash left it.
"""

from __future__ import annotations

import time
from pathlib import Path

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
