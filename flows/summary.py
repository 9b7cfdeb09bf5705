"""A nightly run's summary: per source fetched, new, flagged, failed; as text and Markdown."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

SourceStatus = Literal["ok", "failed", "skipped"]


class SourceOutcome(BaseModel):
    """What one source gave in one run, from crawl to store."""

    source_id: str
    status: SourceStatus = "ok"
    fetched: int = 0
    new: int = 0
    flagged: int = 0
    failed: int = 0
    indexed: int = 0
    spooled: int = Field(default=0, description="Kept on local disk until the store is back")
    resumed: bool = Field(default=False, description="Finished by an earlier attempt of this run")
    messages: list[str] = Field(default_factory=list)
    ran_on: str = Field(default="", description="Host and process that crawled and stored it")
    ocr_images: int = Field(default=0, description="Images of new items given to OCR")
    ocr_read: int = Field(default=0, description="Images in which OCR read text")
    ocr_seconds: float = Field(default=0.0, description="Time OCR took for this source")

    @property
    def skipped(self) -> bool:
        return self.status == "skipped"


class RunSummary(BaseModel):
    """Every source's outcome, what the spool gave back, and where items went."""

    run_key: str
    sources: list[SourceOutcome] = Field(default_factory=list)
    flushed_from_spool: int = 0
    waiting_in_spool: int = Field(default=0, description="Batches still on disk after the run")
    waiting_items: int = Field(default=0, description="Items in those batches, not in the store")
    quarantined: list[str] = Field(
        default_factory=list, description="Unreadable spool batches moved aside, with the reason"
    )
    recovered_items: int = Field(
        default=0, description="Items of interrupted earlier runs this run classified and stored"
    )
    notes: list[str] = Field(
        default_factory=list, description="What the run did besides its sources, in words"
    )
    expired: int | None = Field(
        default=None, description="Items past the retention period deleted; None: not checked"
    )
    store: str = ""

    @property
    def failed_sources(self) -> list[str]:
        return [s.source_id for s in self.sources if s.status == "failed"]

    @property
    def totals(self) -> SourceOutcome:
        total = SourceOutcome(source_id="total")
        for outcome in self.sources:
            for name in ("fetched", "new", "flagged", "failed", "indexed", "spooled",
                         "ocr_images", "ocr_read", "ocr_seconds"):
                setattr(total, name, getattr(total, name) + getattr(outcome, name))
        return total

    def ocr_line(self) -> str:
        """OCR's share of the run, in Vietnamese and English, for both renderings."""
        t = self.totals
        return (f"Đọc chữ trong ảnh (OCR): {t.ocr_images} ảnh, có chữ {t.ocr_read}, "
                f"mất {t.ocr_seconds:.1f} giây (images {t.ocr_images}, with text {t.ocr_read}, "
                f"{t.ocr_seconds:.1f} s)")

    def _note(self, s: SourceOutcome) -> str:
        parts = {"failed": ["LỖI (failed)"], "skipped": ["bỏ qua (skipped)"], "ok": []}[s.status]
        if s.resumed:
            parts.append("đã xong từ lần trước (resumed)")
        parts.extend(m.replace("|", "/").replace("\n", " ")[:200] for m in s.messages[:3])
        return "; ".join(parts)

    def markdown(self) -> str:
        rows = [
            f"# Kết quả chạy đêm {self.run_key}",
            "",
            f"Kho dữ liệu (store): {self.store}. Ghi bù từ hàng đợi cục bộ (flushed from spool): "
            f"{self.flushed_from_spool}. Lô còn chờ (batches waiting): {self.waiting_in_spool} "
            f"({self.waiting_items} bài chưa vào kho, items not in the store). "
            f"Xoá do hết hạn lưu trữ (expired by retention): "
            f"{'chưa kiểm tra' if self.expired is None else self.expired}.",
            "",
            "| nguồn (source) | tải về (fetched) | mới (new) | gắn cờ (flagged) | lỗi (failed) "
            "| đã lưu (indexed) | chờ lưu (spooled) | ghi chú |",
            "|---|---:|---:|---:|---:|---:|---:|---|",
        ]
        for s in [*self.sources, self.totals]:
            rows.append(
                f"| {s.source_id} | {s.fetched} | {s.new} | {s.flagged} | {s.failed} "
                f"| {s.indexed} | {s.spooled} | {self._note(s) if s.source_id != 'total' else ''} |"
            )
        rows += ["", self.ocr_line() + "."]
        if self.failed_sources:
            rows += ["", f"**Nguồn lỗi (failed sources): {', '.join(self.failed_sources)}**"]
        if self.waiting_items:
            rows += ["", f"**{self.waiting_items} bài chờ trên đĩa, chưa vào kho "
                         f"(items wait on local disk, not in the store)**"]
        rows += [""] + [f"- {note}" for note in [*self.notes, *self.quarantined]]
        return "\n".join(rows)

    def text(self) -> str:
        lines = [f"Run {self.run_key} ({self.store}):"]
        for s in self.sources:
            lines.append(
                f"  {s.source_id:<24} fetched {s.fetched:>4}  new {s.new:>4}  "
                f"flagged {s.flagged:>3}  failed {s.failed:>3}  spooled {s.spooled:>3}"
                + ("  FAILED" if s.status == "failed" else "")
                + ("  (skipped)" if s.skipped else "")
                + ("  (resumed)" if s.resumed else "")
            )
        t = self.totals
        lines.append(
            f"  {'TOTAL':<24} fetched {t.fetched:>4}  new {t.new:>4}  "
            f"flagged {t.flagged:>3}  failed {t.failed:>3}  spooled {t.spooled:>3}"
        )
        lines.append(
            f"  flushed from spool {self.flushed_from_spool}, "
            f"batches waiting {self.waiting_in_spool} ({self.waiting_items} items not in the "
            f"store), "
            f"expired by retention {'not checked' if self.expired is None else self.expired}"
        )
        lines.append(f"  {self.ocr_line()}")
        lines.extend(f"  note: {note}" for note in self.notes)
        lines.extend(f"  QUARANTINED: {problem}" for problem in self.quarantined)
        return "\n".join(lines)
