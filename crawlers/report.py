"""The per-source summary a crawl run ends with."""

from __future__ import annotations

from pydantic import BaseModel, Field


class SourceStats(BaseModel):
    """What happened to one source in one run.

    ``fetched``: HTTP responses received (feeds, sitemaps, pages, API calls).
    ``new``: items written to the output. ``duplicates``: items not written because their
    canonical URL was already stored, plus near-identical copies written linked to the first
    copy (``duplicate_of``). ``failed``: requests or pages that failed, each with a message.
    """

    fetched: int = 0
    new: int = 0
    duplicates: int = 0
    failed: int = 0
    skipped: bool = False
    messages: list[str] = Field(default_factory=list)


class CrawlReport(BaseModel):
    """Per-source statistics of a run; ``ok`` when no source failed."""

    per_source: dict[str, SourceStats] = Field(default_factory=dict)
    exit_code: int = 0

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and all(s.failed == 0 for s in self.per_source.values())

    @property
    def total_new(self) -> int:
        return sum(s.new for s in self.per_source.values())

    def summary_lines(self) -> list[str]:
        """One human-readable line per source, for logs and the CLI."""
        lines = []
        for source_id, stats in sorted(self.per_source.items()):
            state = "bỏ qua (skipped)" if stats.skipped else (
                "lỗi (failures)" if stats.failed else "ok")
            lines.append(
                f"{source_id}: {state}; tải {stats.fetched}, mới {stats.new}, "
                f"trùng {stats.duplicates}, lỗi {stats.failed}"
            )
            lines.extend(f"    - {message}" for message in stats.messages[:10])
        return lines
