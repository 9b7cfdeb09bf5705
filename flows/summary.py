"""The run summary of a nightly run: per source fetched, new, flagged, failed; as text and Markdown."""

from __future__ import annotations

from pydantic import BaseModel, Field


class SourceOutcome(BaseModel):
    source_id: str
    fetched: int = 0
    new: int = 0
    flagged: int = 0
    failed: int = 0
    indexed: int = 0
    spooled: int = Field(default=0, description="Kept on local disk until the store is back")
    skipped: bool = False
    resumed: bool = Field(default=False, description="Finished by an earlier attempt of this run")
    messages: list[str] = Field(default_factory=list)


class RunSummary(BaseModel):
    run_key: str
    sources: list[SourceOutcome] = Field(default_factory=list)
    flushed_from_spool: int = 0
    store: str = ""

    @property
    def failed_sources(self) -> list[str]:
        return [s.source_id for s in self.sources if s.failed and not s.new]

    @property
    def totals(self) -> SourceOutcome:
        total = SourceOutcome(source_id="total")
        for outcome in self.sources:
            for name in ("fetched", "new", "flagged", "failed", "indexed", "spooled"):
                setattr(total, name, getattr(total, name) + getattr(outcome, name))
        return total

    def markdown(self) -> str:
        rows = [
            f"# Kết quả chạy đêm {self.run_key}",
            "",
            f"Kho dữ liệu: {self.store}. Ghi bù từ hàng đợi cục bộ: {self.flushed_from_spool}.",
            "",
            "| nguồn | tải về | mới | gắn cờ | lỗi | đã lưu | chờ lưu | ghi chú |",
            "|---|---:|---:|---:|---:|---:|---:|---|",
        ]
        for s in [*self.sources, self.totals]:
            note = "bỏ qua" if s.skipped else ("đã xong từ lần trước" if s.resumed else "")
            if s.messages:
                note = (note + "; " if note else "") + "; ".join(s.messages[:3])
            rows.append(
                f"| {s.source_id} | {s.fetched} | {s.new} | {s.flagged} | {s.failed} "
                f"| {s.indexed} | {s.spooled} | {note} |"
            )
        return "\n".join(rows)

    def text(self) -> str:
        lines = [f"Run {self.run_key} ({self.store}):"]
        for s in self.sources:
            lines.append(
                f"  {s.source_id:<24} fetched {s.fetched:>4}  new {s.new:>4}  "
                f"flagged {s.flagged:>3}  failed {s.failed:>3}  spooled {s.spooled:>3}"
                + ("  (resumed)" if s.resumed else "")
            )
        t = self.totals
        lines.append(
            f"  {'TOTAL':<24} fetched {t.fetched:>4}  new {t.new:>4}  "
            f"flagged {t.flagged:>3}  failed {t.failed:>3}  spooled {t.spooled:>3}"
        )
        return "\n".join(lines)
