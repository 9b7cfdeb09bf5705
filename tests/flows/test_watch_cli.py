"""``kiemchung watch`` as an operator runs it: the plan from options and from the sources file's
``watch:`` section, refusals, start and ``--stop`` from another process, ``--status``, and the
interval deployment on the Prefect server."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawlers.localsite import LocalSite
from tests.flows.conftest import DEMO_SITE, REPO_ROOT, SOURCES

NOW = datetime(2026, 12, 3, 1, 0, tzinfo=UTC)


def _sources_with_watch(tmp_path: Path, section: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(SOURCES.read_text("utf-8") + section, "utf-8")
    return path


def test_the_plan_comes_from_options_or_the_watch_section(tmp_path: Path) -> None:
    from flows.watch import build_plan

    path = _sources_with_watch(tmp_path, (
        "watch:\n  name: bao-so-13\n  sources: [demo-rss, demo-news-sitemap]\n"
        "  every: 10m\n  until: 2026-12-03T18:00\n"))
    plan = build_plan(sources_file=path, now=NOW)
    assert plan.name == "bao-so-13"
    assert plan.source_ids == ["demo-rss", "demo-news-sitemap"]
    assert plan.every == timedelta(minutes=10)
    assert plan.until == datetime(2026, 12, 3, 11, 0, tzinfo=UTC)  # 18:00 in Vietnam
    # Options win over the section.
    plan = build_plan(sources_file=path, source_ids=["demo-rss"], every="1h",
                      until="2026-12-03T09:00:00+00:00", now=NOW)
    assert (plan.source_ids, plan.every, plan.until) == (
        ["demo-rss"], timedelta(hours=1), datetime(2026, 12, 3, 9, 0, tzinfo=UTC))


@pytest.mark.parametrize(("options", "says"), [
    ({"source_ids": ["no-such-source"]}, "no source with id 'no-such-source'"),
    ({"source_ids": ["demo-rss"], "every": "30s"}, "at least 2 minutes"),
    ({"source_ids": ["demo-rss"], "every": "soon"}, "expected a number"),
    ({"source_ids": ["demo-rss"], "until": "2026-12-02T08:00"}, "that time has passed"),
    ({"source_ids": ["demo-rss"], "until": "tomorrow"}, "not an ISO time"),
    ({}, "no sources to watch"),
])
def test_a_watch_that_cannot_run_is_refused(options: dict[str, object], says: str) -> None:
    from flows.watch import WatchError, build_plan

    with pytest.raises(WatchError, match=says):
        build_plan(sources_file=SOURCES, now=NOW, **options)  # type: ignore[arg-type]


@pytest.mark.slow
def test_start_a_watch_and_stop_it_from_another_terminal(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "KIEMCHUNG_"))}
    env.update(KIEMCHUNG_DATA_DIR=str(data_dir), KIEMCHUNG_ALLOW_LOOPBACK="true",
               HOME=str(tmp_path), PYTHONPATH=str(REPO_ROOT),
               # a busy test machine can take minutes to start the temporary Prefect server
               PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="600")
    until = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    command = [sys.executable, "-m", "cli.main", "watch"]
    log_path = tmp_path / "watch.log"
    with LocalSite(DEMO_SITE) as site, log_path.open("wb") as log:
        watch = subprocess.Popen(
            [*command, "--sources", "demo-rss", "--every", "15m", "--until", until,
             "--name", "demo", "--sources-file", str(SOURCES), "--base-url", site.base_url],
            cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 900
            while "watch demo " not in log_path.read_text("utf-8", "replace"):
                assert watch.poll() is None, log_path.read_text("utf-8", "replace")[-3000:]
                assert time.monotonic() < deadline, log_path.read_text("utf-8")[-3000:]
                time.sleep(1)
            # A second watch of the same name is refused while the first runs.
            again = subprocess.run([*command, "--sources", "demo-rss", "--name", "demo",
                                    "--sources-file", str(SOURCES), "--base-url", site.base_url],
                                   cwd=tmp_path, env=env, capture_output=True, text=True,
                                   timeout=300)
            assert again.returncode == 1 and "already running" in again.stderr
            status = subprocess.run([*command, "--status"], cwd=tmp_path, env=env,
                                    capture_output=True, text=True, timeout=120)
            assert '"running": true' in status.stdout and '"name": "demo"' in status.stdout
            stop = subprocess.run([*command, "--stop", "--name", "demo"], cwd=tmp_path, env=env,
                                  capture_output=True, text=True, timeout=120)
            assert stop.returncode == 0, stop.stderr
            assert watch.wait(timeout=60) == 0
        finally:
            if watch.poll() is None:
                os.killpg(watch.pid, 9)
                watch.wait()
    output = log_path.read_text("utf-8")
    assert "stopped after 1 cycles" in output
    assert "demo-rss: new 10, flagged" in output
    status = subprocess.run([*command, "--status"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120)
    assert '"running": false' in status.stdout


def test_the_watch_deployment_runs_every_interval_one_at_a_time(tmp_path: Path) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.sorting import FlowRunSort

    from flows.watch import build_plan, watch_deployment

    path = _sources_with_watch(tmp_path, "watch:\n  sources: [demo-rss]\n  every: 15m\n")
    deployment_id = watch_deployment(build_plan(sources_file=path)).apply()
    with get_client(sync_client=True) as client:
        stored = client.read_deployment(deployment_id)
    assert stored.name == "watch-watch"
    assert stored.schedules[0].schedule.interval == timedelta(minutes=15)  # type: ignore[union-attr]
    assert stored.global_concurrency_limit is not None
    assert stored.global_concurrency_limit.limit == 1
    assert stored.concurrency_options is not None
    assert stored.concurrency_options.collision_strategy == "CANCEL_NEW"
    assert stored.parameters["source_ids"] == ["demo-rss"]

    async def scheduled() -> list[datetime]:
        from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId

        async with get_client() as client:
            answer = await client._client.post(f"/deployments/{deployment_id}/schedule",
                                               json={"min_runs": 3, "max_runs": 3})
            answer.raise_for_status()
            runs = await client.read_flow_runs(
                deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id])),
                sort=FlowRunSort.EXPECTED_START_TIME_ASC)
        return [datetime.fromisoformat(r.expected_start_time.isoformat())
                for r in runs if r.expected_start_time]

    runs = asyncio.run(scheduled())
    assert len(runs) >= 3
    assert {later - earlier for earlier, later in zip(runs, runs[1:], strict=False)} == {
        timedelta(minutes=15)}
