"""``kiemchung run``: run the nightly flow once, now, on the real Prefect engine."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path

from core.clock import as_utc, now_utc
from core.settings import load_settings
from flows.summary import RunSummary  # plain data: importing it does not start Prefect


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "run", help="chạy ngay một lần (run the nightly pipeline once now: crawl, classify, index)"
    )
    parser.add_argument(
        "--sources", type=Path, help="sources file (default: crawlers/sources.yaml)"
    )
    parser.add_argument("--source", action="append", dest="source_ids", metavar="ID",
                        help="only this source (repeatable)")
    parser.add_argument("--base-url", metavar="URL",
                        help="replaces {base_url} in the sources file (local sites, tests)")
    parser.add_argument("--since", help="only items published after this ISO date")
    parser.add_argument("--resume", dest="run_key", metavar="RUN_KEY",
                        help="resume an interrupted run (its key is printed when it starts)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    settings = load_settings()
    since = as_utc(datetime.fromisoformat(args.since)) if args.since else None
    summary, ok = run_nightly(
        settings_dir=settings.data_dir, sources_file=args.sources, source_ids=args.source_ids,
        base_url=args.base_url, since=since, run_key=args.run_key,
    )
    print(summary.text() if summary else "the run ended before writing its summary")
    return 0 if ok else 1


def manual_run_key() -> str:
    """A fresh key for a run started by hand, so it never resumes an earlier one by accident."""
    return "manual-" + now_utc().strftime("%Y%m%dT%H%M%S")


def run_nightly(
    *,
    settings_dir: Path,
    sources_file: Path | None = None,
    source_ids: list[str] | None = None,
    base_url: str | None = None,
    since: datetime | None = None,
    run_key: str | None = None,
) -> tuple[RunSummary | None, bool]:
    """Run the flow; return its summary (None if it ended before writing one) and whether
    every source succeeded."""
    from flows.runtime import prepare

    prepare(load_settings())
    from flows.nightly import nightly

    key = run_key or manual_run_key()
    print(f"kiemchung: run {key} (resume it with `kiemchung run --resume {key}`)",
          file=sys.stderr)
    state = nightly(
        sources_file=str(sources_file) if sources_file else None,
        source_ids=source_ids, base_url=base_url, since=since, run_key=key,
        return_state=True,
    )
    summary_file = settings_dir / "runs" / key / "summary.json"
    summary = None
    if summary_file.exists():
        summary = RunSummary.model_validate(json.loads(summary_file.read_text("utf-8")))
    if not state.is_completed():
        print(f"kiemchung: run {key} ended {state.name}: {state.message}", file=sys.stderr)
    return summary, state.is_completed()
