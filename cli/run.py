"""``kiemchung run``: run the nightly flow once, now, on the real Prefect engine.

Exit status, for scripts and schedulers: 0 every source crawled and every item in the store;
1 a source failed (or its entry in the sources file is invalid); 2 bad usage (an unknown
``--resume`` key); 3 items could not be written to the store and wait on local disk;
4 another run holds the data directory.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from core.clock import as_utc, now_utc
from core.settings import load_settings
from flows.summary import RunSummary  # plain data: importing it does not start Prefect

EXIT_OK = 0
EXIT_SOURCES_FAILED = 1
EXIT_USAGE = 2
EXIT_NOT_INDEXED = 3
EXIT_REFUSED = 4


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "run", help="chạy ngay một lần (run the nightly pipeline once now: crawl, classify, index)",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
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
                        help="resume an interrupted run (its key is printed when it starts; "
                        "`kiemchung runs` lists them)")
    parser.add_argument("--work-pool-deployment", dest="source_deployment",
                        metavar="FLOW/DEPLOYMENT",
                        help="send each source to this deployment of the kiemchung-source flow "
                        "on a work pool (see flows/README.md)")
    parser.set_defaults(handler=run)


@dataclass(frozen=True)
class RunOutcome:
    """How a run ended: its key, its summary (if it wrote one), the exit status, in words."""

    run_key: str
    summary: RunSummary | None
    exit_code: int
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.exit_code == EXIT_OK


def run(args: argparse.Namespace) -> int:
    settings = load_settings()
    if args.run_key and not (settings.data_dir / "runs" / args.run_key).is_dir():
        from flows.checkpoints import run_keys

        known = run_keys(settings.data_dir)[-5:]
        print(f"kiemchung run: no run {args.run_key!r} in {settings.data_dir / 'runs'}; nothing "
              f"was started. Recent runs: {', '.join(known) or 'none'} (`kiemchung runs`)",
              file=sys.stderr)
        return EXIT_USAGE
    since = as_utc(datetime.fromisoformat(args.since)) if args.since else None
    outcome = run_nightly(
        settings_dir=settings.data_dir, sources_file=args.sources, source_ids=args.source_ids,
        base_url=args.base_url, since=since, run_key=args.run_key,
        source_deployment=args.source_deployment,
    )
    print(outcome.summary.text() if outcome.summary
          else "the run ended before writing its summary")
    return outcome.exit_code


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
    source_deployment: str | None = None,
) -> RunOutcome:
    """Run the flow (unless another run holds the data directory) and say how it ended."""
    from flows.night_lock import night_holder

    key = run_key or manual_run_key()
    holder = night_holder(settings_dir)
    if holder is not None:
        message = (f"another run holds {settings_dir} (run {holder.get('run_key')}, pid "
                   f"{holder.get('pid')} on {holder.get('host')}, since {holder.get('since')}); "
                   "this one was not started")
        print(f"kiemchung: {message}", file=sys.stderr)
        return RunOutcome(key, None, EXIT_REFUSED, message)
    from flows.runtime import prepare

    prepare(load_settings())
    from flows.checkpoints import RunDirectory
    from flows.night_lock import RunRefused
    from flows.nightly import NOT_INDEXED, nightly, read_summary

    print(f"kiemchung: run {key} (resume it with `kiemchung run --resume {key}`)",
          file=sys.stderr)
    state = nightly(
        sources_file=str(sources_file) if sources_file else None,
        source_ids=source_ids, base_url=base_url, since=since, run_key=key,
        source_deployment=source_deployment, return_state=True,
    )
    summary = read_summary(RunDirectory(settings_dir, key))
    if state.is_completed():
        return RunOutcome(key, summary, EXIT_OK)
    message = f"run {key} ended {state.name}: {state.message}"
    print(f"kiemchung: {message}", file=sys.stderr)
    if state.name == NOT_INDEXED:
        return RunOutcome(key, summary, EXIT_NOT_INDEXED, message)
    try:
        state.result()
    except RunRefused:
        return RunOutcome(key, summary, EXIT_REFUSED, message)
    except Exception:
        pass
    return RunOutcome(key, summary, EXIT_SOURCES_FAILED, message)
