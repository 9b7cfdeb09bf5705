"""Child-process entry point: ``python -m crawlers.run --job JOB.json`` runs the Scrapy engine.

Twisted's reactor cannot restart inside a long-lived process, so ``crawlers.runner.crawl``
starts this module in a fresh process for every crawl.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import fields
from datetime import datetime
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess

from core.clock import now_utc, parse_iso
from core.settings import Settings
from crawlers.context import RunContext
from crawlers.net.host_limits import HostLimit, HostLimits, limits_by_host
from crawlers.net.host_slots import HostSlots
from crawlers.report import BENIGN_REASONS, CrawlReport, SourceStats, SourceStatus
from crawlers.scrapy_settings import base_settings, source_settings
from crawlers.sources import Source, load_sources
from crawlers.spiders import spider_for
from crawlers.spiders.base import SourceSpider
from crawlers.state import CrawlState

#: Lock files of the per-host slots, shared by every crawl process using the data directory.
HOST_SLOTS = "host_slots"
_MISSING_KEY_HELP = {
    "youtube_api_key": "KIEMCHUNG_YOUTUBE_API_KEY",
    "facebook_token": "KIEMCHUNG_FACEBOOK_TOKEN",
}


def settings_to_json(settings: Settings) -> dict[str, Any]:
    """Settings as plain JSON values (paths as strings)."""
    return {spec.name: (str(value) if isinstance(value := getattr(settings, spec.name), Path)
                        else value) for spec in fields(settings)}


def settings_from_json(data: dict[str, Any]) -> Settings:
    values: dict[str, Any] = {}
    for spec in fields(Settings):
        if spec.name in data:
            value = data[spec.name]
            values[spec.name] = Path(value) if isinstance(spec.default, Path) else value
    return Settings(**values)


def _skip_reason(source: Source, spider: type[SourceSpider], settings: Settings) -> str | None:
    if not source.enabled:
        return "nguồn đang tắt (source disabled in the sources file)"
    needed = spider.required_setting
    if needed and not getattr(settings, needed):
        variable = _MISSING_KEY_HELP.get(needed, needed)
        return f"thiếu khóa API, bỏ qua (no API key: set {variable})"
    return None


def _stats_of(crawler: Crawler, spider: SourceSpider | None) -> SourceStats:
    assert crawler.stats is not None
    value = crawler.stats.get_value
    responses = int(value("downloader/response_count", 0))
    responses -= int(value("robotstxt/response_count", 0))
    messages = list(spider.messages) if spider is not None else []
    failed = int(value("kc/failed", 0))
    if value("kc/robots_unreachable", 0) and not failed:
        failed = 1  # the whole host was off limits: this source did not crawl
    deferred = int(value("kc/recheck_deferred", 0))
    if deferred:
        messages.append(f"{deferred} bài để lần sau mới kiểm lại (rechecks deferred: "
                        f"KIEMCHUNG_RECHECK_MAX)")
    truncated = int(value("kc/text_truncated", 0))
    if truncated:
        messages.append(f"{truncated} bài bị cắt ở giới hạn độ dài (text cap reached)")
    skipped_by = {key.removeprefix("kc/skip/"): int(count)
                  for key, count in crawler.stats.get_stats().items()
                  if key.startswith("kc/skip/") and count}
    return SourceStats(
        fetched=max(responses, 0),
        new=int(value("kc/new", 0)) - int(value("kc/revised", 0)),
        revised=int(value("kc/revised", 0)),
        rechecked=int(value("kc/revised", 0)) + int(value("kc/unchanged", 0))
        + int(value("kc/skip/removed", 0)),
        duplicates=int(value("kc/duplicates", 0)) + int(value("kc/linked_copies", 0))
        + int(value("kc/skipped_seen", 0)),
        failed=failed,
        skipped_by=skipped_by,
        messages=messages,
    )


def source_status(stats: SourceStats, spider: SourceSpider | None, finish_reason: str | None
                  ) -> SourceStatus:
    """ok, partial or failed, from what the crawl of one source met (see ``SourceStats``)."""
    if finish_reason != "finished" or spider is None:
        return "failed"
    problems = {reason: count for reason, count in stats.skipped_by.items()
                if reason not in BENIGN_REASONS}
    got_something = stats.new or stats.duplicates or stats.revised
    if stats.skipped_by.get("robots_unreachable") or spider.entry_forbidden:
        return "failed"
    if spider.entry_failed and not got_something:
        return "failed"
    if stats.failed and not got_something:
        return "failed"  # nothing fetched because of errors
    if stats.skipped_by.get("robots_forbidden") and not got_something and not problems:
        return "failed"  # everything it listed is forbidden by robots.txt
    if problems or stats.failed or spider.entry_failed:
        return "partial"
    return "ok"


def run_job(job: dict[str, Any]) -> CrawlReport:
    """Run the crawl a job file describes and return its report."""
    settings = settings_from_json(job["settings"])
    sources_file = Path(job["sources_file"]) if job.get("sources_file") else None
    sources = load_sources(sources_file, base_url=job.get("base_url"), only=job.get("source_ids"))
    since: datetime | None = parse_iso(job["since"]) if job.get("since") else None
    context = RunContext(
        settings=settings,
        state=CrawlState.in_dir(settings.data_dir, pending_run=job.get("pending_run")),
        out_path=Path(job["out_path"]), since=since, started=now_utc(),
        events=sys.stdout if job.get("progress") else None,
        host_limits=HostLimits(limits_by_host(
            (source.urls, HostLimit(source.options.concurrency, source.options.delay))
            for source in sources if source.enabled), HostSlots(settings.data_dir / HOST_SLOTS)),
    )
    report = CrawlReport()
    process = CrawlerProcess(settings=base_settings(settings, context))
    running: list[tuple[Source, Crawler]] = []
    for source in sources:
        spider_cls = spider_for(source.kind, source.spider)
        reason = _skip_reason(source, spider_cls, settings)
        if reason:
            report.per_source[source.id] = SourceStats(status="skipped", skipped=True,
                                                       messages=[reason])
            continue
        # Each source gets its own rate, timeout and size cap through a per-source subclass.
        per_source = type(f"{spider_cls.__name__}_{len(running)}", (spider_cls,),
                          {"custom_settings": source_settings(source)})
        crawler = process.create_crawler(per_source)
        process.crawl(crawler, source=source, context=context)
        running.append((source, crawler))
    try:
        if running:
            process.start()
        for source, crawler in running:
            spider = crawler.spider if isinstance(crawler.spider, SourceSpider) else None
            stats = _stats_of(crawler, spider)
            assert crawler.stats is not None
            reason = crawler.stats.get_value("finish_reason")
            stats.status = source_status(stats, spider, reason)
            if reason != "finished":
                stats.messages.append(f"crawl dừng giữa chừng (stopped: {reason})")
            if stats.status == "failed":
                stats.failed = max(stats.failed, 1)
            if stats.status == "ok":
                # Only a complete crawl moves the window: what a partial or failed one missed
                # must still be inside it next time.
                assert context.started is not None
                context.state.mark_success(source.id, context.started)
                stats.window_moved = True
            report.per_source[source.id] = stats
    finally:
        context.close()
    return report


def die_with_parent(parent_pid: int | None) -> None:
    """End this crawl at once if the process that started it dies (a killed worker).

    A rerun will crawl again; an orphan still appending to the same output would race with it.
    Killing is safe: a URL counts as seen only after its line is written and flushed, and a torn
    last line is ignored by the reader.
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    if parent_pid is not None and os.getppid() != parent_pid:
        os._exit(1)  # the parent died before we could ask to follow it


def main(argv: Sequence[str] | None = None) -> int:
    parent = os.environ.get("KIEMCHUNG_CRAWL_PARENT")
    die_with_parent(int(parent) if parent else None)
    parser = argparse.ArgumentParser(prog="python -m crawlers.run", description=__doc__)
    parser.add_argument("--job", required=True, type=Path, help="JSON job file from the runner")
    args = parser.parse_args(argv)
    job = json.loads(args.job.read_text(encoding="utf-8"))
    report = run_job(job)
    Path(job["report_path"]).write_text(report.model_dump_json(indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
