"""The per-source summary a crawl run ends with: status, counts, and what was skipped and why."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

SourceStatus = Literal["ok", "partial", "failed", "skipped"]

#: Why something a source listed was not fetched or not stored, with the words the summary uses.
SKIP_REASONS: dict[str, str] = {
    "robots_unreachable": "robots.txt không đọc được (robots.txt unreachable)",
    "robots_forbidden": "robots.txt cấm (forbidden by robots.txt)",
    "cap_reached": "vượt giới hạn (cap reached)",
    "redirect_loop": "chuyển hướng vòng (redirect loop)",
    "extraction_failed": "không trích xuất được (extraction failed)",
    "js_only": "trang chỉ có JavaScript (JavaScript-only page)",
    "refused_address": "địa chỉ bị chặn (refused address)",
    "too_large": "quá lớn (too large)",
    "fetch_failed": "tải lỗi (fetch failed)",
    "feed_entry_unreadable": "mục feed không đọc được (unreadable feed entry)",
    "redirect_to_seen": "chuyển hướng tới trang đã tải (redirect to a page already fetched)",
    "removed": "bài đã bị gỡ (article removed since it was stored)",
}
#: Reasons that are the site's own wish, not a fault: alone they leave a source ok.
BENIGN_REASONS = frozenset({"robots_forbidden", "redirect_to_seen", "removed"})

_STATUS_WORDS = {"ok": "ok", "partial": "một phần (partial)", "failed": "lỗi (failed)",
                 "skipped": "bỏ qua (skipped)"}


class SourceStats(BaseModel):
    """What happened to one source in one run.

    ``status``: ``ok`` (everything listed was fetched or deliberately left), ``partial``
    (something was missed: ``skipped_by`` says what and why), ``failed`` (the source could not
    be crawled: robots.txt unreachable, its feed or sitemap failed, nothing fetched because of
    errors, or everything forbidden by robots.txt), or ``skipped`` (disabled, no API key).
    Only an ``ok`` run moves the source's incremental window (``window_moved``), so whatever
    was missed is fetched by the next run.

    ``fetched``: HTTP responses received (feeds, sitemaps, pages, API calls; not robots.txt).
    ``new``: items written to the output. ``duplicates``: items not written because their
    canonical URL was already stored, plus near-identical copies written linked to the first
    copy (``duplicate_of``). ``failed``: requests or pages that failed, each with a message.
    ``revised``: stored items re-checked and found changed (written again as a new version).
    ``rechecked``: stored articles asked again for corrections (unchanged ones included).
    """

    status: SourceStatus = "ok"
    fetched: int = 0
    new: int = 0
    duplicates: int = 0
    failed: int = 0
    revised: int = 0
    rechecked: int = 0
    skipped: bool = False
    skipped_by: dict[str, int] = Field(default_factory=dict)
    window_moved: bool = False
    messages: list[str] = Field(default_factory=list)

    def skip_words(self) -> str:
        """``skipped_by`` in words, most frequent first."""
        ordered = sorted(self.skipped_by.items(), key=lambda kv: (-kv[1], kv[0]))
        return ", ".join(f"{SKIP_REASONS.get(reason, reason)} {count}"
                         for reason, count in ordered if count)


class CrawlReport(BaseModel):
    """Per-source statistics of a run; ``ok`` when no source failed or was partial."""

    per_source: dict[str, SourceStats] = Field(default_factory=dict)
    exit_code: int = 0

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and all(
            s.status in {"ok", "skipped"} and s.failed == 0 for s in self.per_source.values()
        )

    @property
    def total_new(self) -> int:
        return sum(s.new for s in self.per_source.values())

    def summary_lines(self) -> list[str]:
        """One human-readable line per source (and its first messages), for logs and the CLI."""
        lines = []
        for source_id, stats in sorted(self.per_source.items()):
            line = (f"{source_id}: {_STATUS_WORDS[stats.status]}; tải {stats.fetched}, "
                    f"mới {stats.new}, trùng {stats.duplicates}, lỗi {stats.failed}")
            if stats.rechecked:
                line += f", kiểm lại (rechecked) {stats.rechecked}"
            if stats.revised:
                line += f", sửa đổi (revised) {stats.revised}"
            if stats.skipped_by:
                line += f"; bỏ qua (skipped): {stats.skip_words()}"
            if stats.status in {"partial", "failed"}:
                line += "; mốc thời gian giữ nguyên (window kept)"
            lines.append(line)
            lines.extend(f"    - {message}" for message in stats.messages[:10])
        return lines
