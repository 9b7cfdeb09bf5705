"""Schedules: 02:00 in Asia/Ho_Chi_Minh whatever the machine's zone, no overlapping runs, and
prefect.yaml deploying the same schedules to a work pool."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import yaml

from tests.flows.conftest import REPO_ROOT

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def machine_in_new_york(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The machine's own zone set far from Vietnam, so a schedule that follows it would fail."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _next_two_am_in_vietnam(after: datetime) -> datetime:
    local = after.astimezone(VN)
    candidate = local.replace(hour=2, minute=0, second=0, microsecond=0)
    return candidate if candidate > local else candidate + timedelta(days=1)


def _scheduled_runs(deployment_id: object) -> list[datetime]:
    """Ask the server to schedule the deployment, then read the runs it created."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId
    from prefect.client.schemas.sorting import FlowRunSort

    async def go() -> list[datetime]:
        async with get_client() as client:
            response = await client._client.post(
                f"/deployments/{deployment_id}/schedule", json={"min_runs": 3, "max_runs": 3}
            )
            response.raise_for_status()
            runs = await client.read_flow_runs(
                deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id])),
                sort=FlowRunSort.EXPECTED_START_TIME_ASC,
            )
        return [run.expected_start_time for run in runs if run.expected_start_time]

    return asyncio.run(go())


def test_nightly_runs_at_two_in_vietnam_and_never_overlaps(machine_in_new_york: None) -> None:
    from prefect.client.orchestration import get_client

    from flows.deployments import nightly_deployment

    before = datetime.now(VN)
    deployment_id = nightly_deployment().apply()
    with get_client(sync_client=True) as client:
        stored = client.read_deployment(deployment_id)
    cron = stored.schedules[0].schedule
    assert cron.cron == "0 2 * * *" and cron.timezone == "Asia/Ho_Chi_Minh"  # type: ignore[union-attr]
    assert stored.global_concurrency_limit is not None
    assert stored.global_concurrency_limit.limit == 1
    assert stored.concurrency_options is not None
    assert stored.concurrency_options.collision_strategy == "CANCEL_NEW"

    runs = _scheduled_runs(deployment_id)
    assert runs, "the server scheduled no run"
    first = runs[0].astimezone(VN)
    assert first == _next_two_am_in_vietnam(before)
    assert all((r.astimezone(VN).hour, r.astimezone(VN).minute) == (2, 0) for r in runs)
    # 02:00 in Vietnam is 19:00 UTC the day before, every day: Vietnam keeps no summer time.
    assert all(r.astimezone(ZoneInfo("UTC")).hour == 19 for r in runs)


def test_serve_prints_next_runs_in_vietnam_time() -> None:
    from cli.serve import next_runs

    after = datetime(2026, 3, 31, 20, 0, tzinfo=ZoneInfo("UTC"))  # 03:00 on 1 April in Vietnam
    times = next_runs("0 2 * * *", "Asia/Ho_Chi_Minh", 2, after)
    assert [t.isoformat() for t in times] == ["2026-04-02T02:00:00+07:00",
                                              "2026-04-03T02:00:00+07:00"]


def test_prefect_yaml_deploys_the_same_schedules_to_a_work_pool(tmp_path: object) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectAlreadyExists
    from prefect.settings import PREFECT_API_URL

    from flows.deployments import NIGHTLY_CRON, REPORT_CRONS, RETRAIN_CRON, SCHEDULE_TIMEZONE

    declared = yaml.safe_load((REPO_ROOT / "prefect.yaml").read_text("utf-8"))
    crons = {d["name"]: d["schedules"][0]["cron"] for d in declared["deployments"]
             if d.get("schedules")}
    assert crons == {"nightly": NIGHTLY_CRON, "retrain-weekly": RETRAIN_CRON,
                     **{f"report-{k}": c for k, c in REPORT_CRONS.items()}}

    # The pool may exist already from an earlier test run against the same server.
    with get_client(sync_client=True) as client, contextlib.suppress(ObjectAlreadyExists):
        client.create_work_pool(WorkPoolCreate(name="kiemchung", type="process"))
    env = dict(os.environ, PREFECT_API_URL=str(PREFECT_API_URL.value()),
               KIEMCHUNG_HOME=str(REPO_ROOT))
    done = subprocess.run(
        [sys.executable, "-m", "prefect", "--no-prompt", "deploy", "--all"],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    with get_client(sync_client=True) as client:
        nightly = client.read_deployment_by_name("kiemchung-nightly/nightly")
        half = client.read_deployment_by_name("kiemchung-report/report-half")
    assert nightly.work_pool_name == "kiemchung"
    schedule = nightly.schedules[0].schedule
    assert schedule.cron == NIGHTLY_CRON  # type: ignore[union-attr]
    assert schedule.timezone == SCHEDULE_TIMEZONE  # type: ignore[union-attr]
    assert nightly.global_concurrency_limit is not None
    assert nightly.global_concurrency_limit.limit == 1
    assert half.parameters == {"kind": "half"}
    # The pool's nightly run spreads its sources over the workers as runs of this deployment.
    assert nightly.parameters == {"source_deployment": "kiemchung-source/source"}
    assert {d["name"]: d["entrypoint"] for d in declared["deployments"]}["source"] == \
        "flows/source_run.py:source_night"
