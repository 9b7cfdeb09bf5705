"""Run a crawl in a child process and return its per-source report (the lead's entry point)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from core.clock import as_utc, now_utc
from core.settings import Settings
from crawlers.report import CrawlReport
from crawlers.run import settings_to_json
from crawlers.sources import DEFAULT_SOURCES_FILE, load_sources

_REPO_ROOT = Path(__file__).resolve().parent.parent


class CrawlError(RuntimeError):
    """The crawl process could not run at all (bad sources file, crash before the report)."""


def crawl(
    settings: Settings,
    out_path: Path,
    *,
    source_ids: Sequence[str] | None = None,
    since: datetime | None = None,
    sources_file: Path | None = None,
    progress: bool = False,
    base_url: str | None = None,
    pending_run: str | None = None,
) -> CrawlReport:
    """Crawl the sources (all enabled ones, or ``source_ids``) into ``out_path`` (JSON Lines of
    ``CrawledItem``, appended and flushed item by item) with the real Scrapy engine in a child
    process. ``base_url`` replaces ``{base_url}`` in the sources file's URLs. With
    ``pending_run`` (a run key) the written items count as seen for other runs only once the
    caller stores them and calls ``CrawlState.mark_stored`` (the nightly run does)."""
    sources_file = sources_file or DEFAULT_SOURCES_FILE
    # Validate here too, so a bad file fails fast with the named source and field.
    load_sources(sources_file, base_url=base_url, only=source_ids)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    log_dir = settings.data_dir / "logs"
    log_dir.mkdir(exist_ok=True)
    stamp = now_utc().strftime("%Y%m%dT%H%M%S%f")
    with tempfile.TemporaryDirectory(prefix="kiemchung-crawl-") as tmp:
        job_path = Path(tmp) / "job.json"
        report_path = Path(tmp) / "report.json"
        job = {
            "settings": settings_to_json(settings),
            "out_path": str(Path(out_path).resolve()),
            "sources_file": str(Path(sources_file).resolve()),
            "source_ids": list(source_ids) if source_ids else None,
            "since": as_utc(since).isoformat() if since else None,
            "base_url": base_url,
            "report_path": str(report_path),
            "progress": progress,
            "pending_run": pending_run,
        }
        job_path.write_text(json.dumps(job), encoding="utf-8")
        env = dict(os.environ)
        env["KIEMCHUNG_CRAWL_PARENT"] = str(os.getpid())
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_REPO_ROOT), env.get("PYTHONPATH")]))
        log_path = log_dir / f"crawl-{stamp}.log"
        with log_path.open("w", encoding="utf-8") as log:
            child = subprocess.Popen(
                [sys.executable, "-m", "crawlers.run", "--job", str(job_path)],
                stdout=subprocess.PIPE, stderr=log, text=True, env=env, cwd=str(_REPO_ROOT),
            )
            _follow(child, progress)
            code = child.wait()
        if not report_path.exists():
            tail = log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
            raise CrawlError(
                f"crawl process exited with {code} before its report; log {log_path}:\n{tail}"
            )
        report = CrawlReport.model_validate_json(report_path.read_text(encoding="utf-8"))
    report.exit_code = code
    return report


def _follow(child: subprocess.Popen[str], progress: bool) -> None:
    """Read the child's progress lines; show a live count when ``progress``."""
    assert child.stdout is not None
    if not progress:
        for _line in child.stdout:
            pass
        return
    from rich.console import Console

    counts: dict[str, int] = {}
    console = Console(stderr=True)
    with console.status("Đang thu thập (crawling)…") as status:
        for line in child.stdout:
            kind, _, source_id = line.strip().partition(" ")
            if kind == "item":
                counts[source_id] = counts.get(source_id, 0) + 1
                total = sum(counts.values())
                status.update(f"Đang thu thập (crawling): {total} bài mới; {source_id}: "
                              f"{counts[source_id]}")

