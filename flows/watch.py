"""Watch mode for emergencies: crawl a few fast sources every few minutes, index only what is
new, detect surges and notify, until an end time.

A cycle is the flow ``watch_cycle``, built from the nightly flow's per-source tasks (crawl with
the source lock, classify with the classifier loaded once per process, spool, index). Cycles
of one watch never overlap (a lock; a deployment also refuses a second run), a source the
nightly run is crawling is skipped for that cycle, and a cycle where nothing changed costs a
conditional request per feed. ``run_watch`` repeats cycles at the interval until the end time
or a stop request (``kiemchung watch --stop``); a Prefect deployment with an interval schedule
(``watch_deployment``) runs the same cycles on a Prefect server's scheduler.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from collections.abc import Callable
from contextlib import ExitStack
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Final, cast

import yaml
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.deployments.runner import RunnerDeployment
from pydantic import BaseModel, Field, field_validator

from core.clock import as_utc, now_utc, parse_iso
from core.settings import Settings, load_settings
from flows.alerting import AlertSummary, alert_step
from flows.checkpoints import RunDirectory
from flows.locks import SourceBusy, hold, source_lock
from flows.summary import SourceOutcome

DEFAULT_EVERY: Final[timedelta] = timedelta(minutes=15)
#: Shorter intervals are refused: the sources are other people's servers.
MIN_EVERY: Final[timedelta] = timedelta(minutes=2)
WATCH_DIR_NAME: Final[str] = "watch"
_DURATION = re.compile(r"^\s*(\d+)\s*([smhd]?)\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "": "minutes", "h": "hours", "d": "days"}


class WatchError(ValueError):
    """A watch cannot start as asked; the message says why."""


def parse_every(text: str) -> timedelta:
    """``15m``, ``1h``, ``90s`` (a bare number is minutes); at least ``MIN_EVERY``.

    >>> parse_every("15m"), parse_every("1h")
    (datetime.timedelta(seconds=900), datetime.timedelta(seconds=3600))
    """
    match = _DURATION.match(str(text))
    if not match:
        raise WatchError(f"--every {text!r}: expected a number and s, m, h or d (e.g. 15m)")
    every = timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    if every < MIN_EVERY:
        raise WatchError(f"--every {text!r}: at least {int(MIN_EVERY.total_seconds() // 60)} "
                         "minutes between cycles (the sources are other people's servers)")
    return every


class WatchPlan(BaseModel):
    """What a watch crawls, how often, until when."""

    name: str = Field(default="watch", pattern=r"^[a-z0-9][a-z0-9_.-]{0,63}$")
    source_ids: list[str] = Field(min_length=1)
    every: timedelta = DEFAULT_EVERY
    until: datetime | None = None
    sources_file: str | None = None
    base_url: str | None = None

    @field_validator("until")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        return None if value is None else as_utc(value)


def watch_section(path: Path) -> dict[str, Any]:
    """The ``watch:`` section of a sources file (``sources``, ``every``, ``until``), or ``{}``."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    section = data.get("watch") or {}
    if not isinstance(section, dict):
        raise WatchError(f"{path}: 'watch' must be a mapping (sources, every, until)")
    unknown = set(section) - {"sources", "every", "until", "name"}
    if unknown:
        raise WatchError(f"{path}: watch: unknown field {', '.join(sorted(unknown))}")
    return section


def build_plan(
    *,
    sources_file: Path | None = None,
    source_ids: list[str] | None = None,
    every: str | None = None,
    until: str | None = None,
    name: str | None = None,
    base_url: str | None = None,
    now: datetime | None = None,
) -> WatchPlan:
    """The watch asked for: options given here win over the sources file's ``watch:`` section.

    ``until`` without an offset is Vietnam time. Unknown sources, an interval under
    ``MIN_EVERY`` and an end time already past are refused with a ``WatchError``.
    """
    from crawlers.sources import DEFAULT_SOURCES_FILE, SourcesError, load_sources

    path = sources_file or DEFAULT_SOURCES_FILE
    section = watch_section(path) if path.is_file() else {}
    ids = source_ids or _id_list(section.get("sources"))
    if not ids:
        raise WatchError("no sources to watch: give --sources ID,... or a 'watch: sources:' "
                         f"list in {path}")
    try:
        load_sources(path, base_url=base_url, only=ids)
    except SourcesError as exc:
        raise WatchError(str(exc)) from exc
    every_text = every or section.get("every")
    end_text = until or section.get("until")
    end = None
    if end_text is not None:
        try:
            end = parse_iso(str(end_text)) if not isinstance(end_text, datetime) \
                else as_utc(end_text)
        except ValueError as exc:
            raise WatchError(f"--until {end_text!r}: not an ISO time "
                             "(e.g. 2026-12-03T18:00, Vietnam time)") from exc
        if end <= (now or now_utc()):
            raise WatchError(f"--until {end_text}: that time has passed")
    return WatchPlan(
        name=name or str(section.get("name") or "watch"), source_ids=ids,
        every=parse_every(str(every_text)) if every_text else DEFAULT_EVERY, until=end,
        sources_file=str(path.resolve()), base_url=base_url,
    )


def _id_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = value.split(",")
    return [str(part).strip() for part in value if str(part).strip()]


class CycleSummary(BaseModel):
    """One watch cycle: per source what it gave, what was busy, what the alert step did."""

    name: str
    at: datetime
    run_key: str = ""
    sources: list[SourceOutcome] = Field(default_factory=list)
    busy: list[str] = Field(default_factory=list, description="Sources another run was crawling")
    finished_earlier: list[str] = Field(default_factory=list)
    alerts: AlertSummary | None = None
    skipped: str | None = None
    seconds: float = 0.0

    def text(self) -> str:
        if self.skipped:
            return f"watch {self.name} {self.at:%Y-%m-%d %H:%M}Z: skipped ({self.skipped})"
        parts = [f"{s.source_id}: new {s.new}, flagged {s.flagged}"
                 + (" FAILED" if s.status == "failed" else "") for s in self.sources]
        parts += [f"{source}: busy (another run is crawling it)" for source in self.busy]
        text = (f"watch {self.name} {self.at:%Y-%m-%d %H:%M}Z in {self.seconds:.0f}s: "
                + "; ".join(parts))
        return text + (f"\n  {self.alerts.text()}" if self.alerts else "")


def _watch_dir(settings: Settings) -> Path:
    directory = settings.data_dir / WATCH_DIR_NAME
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _finish_earlier_cycles(
    settings: Settings, name: str, current: str, sources_file: Path | None = None
) -> list[str]:
    """Process what an interrupted earlier cycle crawled but did not index (its URLs are
    already marked seen, so no later crawl would bring them back)."""
    from flows.nightly import process_source

    finished = []
    for directory in sorted((settings.data_dir / "runs").glob(f"watch-{name}-*")):
        if directory.name == current or not directory.is_dir():
            continue
        run = RunDirectory(settings.data_dir, directory.name)
        split_cycle_output(run)
        for output in sorted(directory.glob("*.crawled*.jsonl")):
            source_id = output.name.split(".crawled")[0]
            if not run.is_done(source_id, "processed"):
                process_source(settings, run, source_id, None, sources_file=sources_file)
                run.mark(source_id, "processed")
                finished.append(f"{directory.name}/{source_id}")
        _remove_if_done(run)
    return finished


def _remove_if_done(run: RunDirectory) -> None:
    """A cycle's directory goes once every source in it is processed: 96 cycles a day."""
    sources = {p.name.split(".crawled")[0] for p in run.path.glob("*.crawled*.jsonl")}
    if all(run.is_done(source_id, "processed") for source_id in sources):
        shutil.rmtree(run.path, ignore_errors=True)


#: The crawler's output of one cycle, all watched sources together, before it is split.
CYCLE_OUTPUT: Final[str] = "_cycle.jsonl"


def split_cycle_output(run: RunDirectory) -> list[str]:
    """Move the items of the cycle's crawl into one file per source (``<source>.crawled.*``),
    as the per-source processing reads them; a line torn by a killed crawler is dropped."""
    combined = run.path / CYCLE_OUTPUT
    if not combined.exists():
        return []
    by_source: dict[str, list[str]] = {}
    with combined.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.endswith("\n"):
                break
            source_id = json.loads(line).get("source_id", "")
            by_source.setdefault(source_id, []).append(line)
    stamp = time.time_ns()
    for source_id, lines in by_source.items():
        target = run.crawl_output(source_id)
        if target.exists():  # an earlier split of this cycle: keep it, add beside it
            target = target.with_name(f"{source_id}.crawled.{stamp}.jsonl")
        partial = target.with_suffix(".partial")
        partial.write_text("".join(lines), encoding="utf-8")
        partial.replace(target)
    combined.unlink()
    return sorted(by_source)


@task(name="crawl-watched", cache_policy=NO_CACHE)
def crawl_watched(
    settings: Settings, run: RunDirectory, source_ids: list[str], sources_file: Path | None,
    base_url: str | None,
) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Crawl every watched source that no other run is crawling, in one crawler process
    (one start-up per cycle, not one per source), holding each one's source lock throughout.

    Returns the crawler's statistics per source and the sources left alone because busy.
    """
    from crawlers.runner import crawl
    from flows.nightly import crawl_failed

    busy: list[str] = []
    with ExitStack() as locks:
        free = []
        for source_id in source_ids:
            try:
                locks.enter_context(source_lock(settings, source_id, wait=False, what="watch"))
            except SourceBusy:
                busy.append(source_id)
                continue
            free.append(source_id)
        if not free:
            return {}, busy
        try:
            report = crawl(settings, run.path / CYCLE_OUTPUT, source_ids=free,
                           sources_file=sources_file, base_url=base_url)
        finally:
            split_cycle_output(run)  # whatever was crawled is seen: it must be processed
    details: dict[str, dict[str, Any]] = {}
    for source_id in free:
        stats = report.per_source.get(source_id)
        if stats is None:
            details[source_id] = {"failed": 1, "messages": [
                f"crawler gave no report for {source_id} (exit {report.exit_code})"]}
            continue
        details[source_id] = stats.model_dump()
        if not crawl_failed(details[source_id]):
            run.mark(source_id, "crawled", json.dumps(details[source_id]))
    return details, busy


@flow(name="kiemchung-watch", log_prints=True)
def watch_cycle(
    name: str = "watch",
    source_ids: list[str] | None = None,
    sources_file: str | None = None,
    base_url: str | None = None,
    until: datetime | None = None,
    at: datetime | None = None,
) -> CycleSummary:
    """One cycle: crawl each watched source that is not busy, index what is new, detect surges
    and notify. ``at`` is the cycle's time (now unless given: replays inject it)."""
    from crawlers.sources import load_sources
    from flows.nightly import flush_spool, process_source

    settings = load_settings()
    started = time.monotonic()
    moment = as_utc(at) if at else now_utc()
    summary = CycleSummary(name=name, at=moment)
    if until is not None and moment >= as_utc(until):
        summary.skipped = "the watch has ended"
        return summary
    with hold(settings, f"watch-{name}", wait=False, what=f"watch cycle {name}") as alone:
        if not alone:
            summary.skipped = "the previous cycle is still running"
            get_run_logger().warning("watch %s: %s", name, summary.skipped)
            return summary
        path = Path(sources_file) if sources_file else None
        sources = [s.id for s in load_sources(path, base_url=base_url, only=source_ids or None)
                   if s.enabled]
        summary.run_key = f"watch-{name}-{moment:%Y%m%dT%H%M%S}"
        summary.finished_earlier = _finish_earlier_cycles(settings, name, summary.run_key, path)
        run = RunDirectory(settings.data_dir, summary.run_key)
        flush_spool(settings)
        error = None
        try:
            details, summary.busy = crawl_watched(settings, run, sources, path, base_url)
        except Exception as exc:  # the crawler process failed: process what it wrote
            get_run_logger().error("watch %s: crawl failed: %s", name, exc)
            details, error = {}, f"{type(exc).__name__}: {exc}"
        for source_id in sources:
            if source_id in summary.busy:
                continue
            outcome = process_source(settings, run, source_id, details.get(source_id), error,
                                     sources_file=path)
            run.mark(source_id, "processed", outcome.model_dump_json())
            summary.sources.append(outcome)
        _remove_if_done(run)
        summary.alerts = alert_step(settings, moment)
    summary.seconds = time.monotonic() - started
    get_run_logger().info("%s", summary.text())
    return summary


# -- the loop ------------------------------------------------------------------------------
def _stop_file(settings: Settings, name: str) -> Path:
    return _watch_dir(settings) / f"{name}.stop"


def request_stop(settings: Settings, name: str) -> Path:
    """Ask the running watch ``name`` to stop after its current cycle."""
    path = _stop_file(settings, name)
    path.write_text(now_utc().isoformat(), encoding="utf-8")
    return path


def _write_status(settings: Settings, plan: WatchPlan, **fields: Any) -> None:
    path = _watch_dir(settings) / f"{plan.name}.json"
    status = {"plan": plan.model_dump(mode="json"), **fields}
    partial = path.with_suffix(".json.partial")
    partial.write_text(json.dumps(status, ensure_ascii=False, indent=2, default=str), "utf-8")
    partial.replace(path)


def watch_status(settings: Settings) -> list[dict[str, Any]]:
    """Every watch this data directory knows: its plan, last cycle, and whether it runs now."""
    found = []
    for path in sorted(_watch_dir(settings).glob("*.json")):
        status = json.loads(path.read_text("utf-8"))
        name = path.stem
        status["running"] = bool(hold_info := _loop_holder(settings, name))
        status["holder"] = hold_info
        found.append(status)
    return found


def _loop_holder(settings: Settings, name: str) -> dict[str, str] | None:
    from flows.locks import holder

    return holder(settings, f"watch-loop-{name}")


class WatchAlreadyRunning(RuntimeError):
    """A watch of this name already runs on this data directory."""


def run_watch(
    plan: WatchPlan,
    *,
    clock: Callable[[], datetime] = now_utc,
    sleep: Callable[[float], None] = time.sleep,
    before_cycle: Callable[[datetime], None] | None = None,
    max_cycles: int | None = None,
) -> list[CycleSummary]:
    """Run cycles every ``plan.every`` until ``plan.until``, a stop request or ``max_cycles``.

    The next cycle starts ``every`` after the previous one started, or at once when a cycle
    took longer (never two at a time). ``clock`` and ``sleep`` are injectable so a recorded
    night can be replayed without waiting.
    """
    settings = load_settings()
    stop = _stop_file(settings, plan.name)
    summaries: list[CycleSummary] = []
    with hold(settings, f"watch-loop-{plan.name}", wait=False,
              what=f"watch {plan.name}") as alone:
        if not alone:
            raise WatchAlreadyRunning(f"watch {plan.name!r} is already running on "
                                      f"{settings.data_dir}; stop it with kiemchung watch --stop")
        stop.unlink(missing_ok=True)  # a request left from an earlier watch of this name
        _write_status(settings, plan, started=clock().isoformat(), last_cycle=None)
        while max_cycles is None or len(summaries) < max_cycles:
            moment = as_utc(clock())
            if (plan.until and moment >= plan.until) or stop.exists():
                break
            if before_cycle is not None:
                before_cycle(moment)
            state = watch_cycle(name=plan.name, source_ids=plan.source_ids,
                                sources_file=plan.sources_file, base_url=plan.base_url,
                                until=plan.until, at=moment, return_state=True)
            if state.is_completed():
                summaries.append(state.result())
                print(summaries[-1].text(), flush=True)
            else:  # a cycle that failed is logged; the next cycle tries again
                print(f"watch {plan.name}: cycle at {moment:%H:%M}Z ended {state.name}: "
                      f"{state.message}", flush=True)
                summaries.append(CycleSummary(name=plan.name, at=moment,
                                              skipped=f"failed: {state.message}"))
            _write_status(settings, plan, last_cycle=summaries[-1].model_dump(mode="json"))
            next_at = moment + plan.every
            while (now := as_utc(clock())) < next_at and not stop.exists():
                if plan.until and now >= plan.until:
                    break
                sleep(min(1.0, (next_at - now).total_seconds()))
        stop.unlink(missing_ok=True)
    return summaries


def watch_deployment(plan: WatchPlan) -> RunnerDeployment:
    """The same cycles as a Prefect deployment on an interval schedule (needs a Prefect server
    that runs schedules); a run due while the previous one still runs is cancelled."""
    from flows.deployments import no_overlap

    return cast(RunnerDeployment, watch_cycle.to_deployment(
        name=f"watch-{plan.name}", interval=plan.every, concurrency_limit=no_overlap(),
        parameters={"name": plan.name, "source_ids": plan.source_ids,
                    "sources_file": plan.sources_file, "base_url": plan.base_url,
                    "until": plan.until.isoformat() if plan.until else None},
        tags=["kiemchung", "watch"],
        description="Theo dõi nhanh khi khẩn cấp (watch mode): thu thập các nguồn nhanh theo "
                    "chu kỳ ngắn, dò tăng đột biến, gửi thông báo.",
    ))
