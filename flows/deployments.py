"""The deployments ``kiemchung serve`` runs on this machine, and ``prefect.yaml`` on a work pool:
the nightly run at 02:00 Vietnam time, the periodic reports, and the weekly retraining."""

from __future__ import annotations

from typing import Any, cast

from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron, Schedule

from core.settings import Settings

#: Vietnam's zone, spelled out: a schedule must never follow the machine's own zone.
SCHEDULE_TIMEZONE = "Asia/Ho_Chi_Minh"
NIGHTLY_CRON = "0 2 * * *"
#: Reports on the first day after their period, once the nightly run of the last day is in.
REPORT_CRONS: dict[str, str] = {
    "month": "0 6 1 * *",
    "half": "0 6 1 1,7 *",
    "year": "30 6 1 1 *",
}
#: Sunday 04:00, after that night's run, when reviewers have had the week to give verdicts.
RETRAIN_CRON = "0 4 * * 0"


def no_overlap() -> ConcurrencyLimitConfig:
    """One run at a time; a run due while one is still going is cancelled, not queued, since
    the running one already fetches everything new and a queue would pile up behind a hang."""
    return ConcurrencyLimitConfig(limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW)


def schedule(cron: str, settings: Settings | None = None) -> Schedule:
    """A cron schedule in the configured zone (Asia/Ho_Chi_Minh unless set otherwise)."""
    zone = settings.timezone if settings else SCHEDULE_TIMEZONE
    return Cron(cron, timezone=zone)


def _deployment(flow: Any, **options: Any) -> RunnerDeployment:
    # ``to_deployment`` is sync or async depending on the caller; these callers are sync.
    return cast(RunnerDeployment, flow.to_deployment(**options))


def nightly_deployment(
    settings: Settings | None = None, parameters: dict[str, Any] | None = None,
    cron: str = NIGHTLY_CRON,
) -> RunnerDeployment:
    from flows.nightly import nightly

    return _deployment(
        nightly,
        name="nightly",
        schedules=[schedule(cron, settings)],
        concurrency_limit=no_overlap(),
        parameters=parameters or {},
        tags=["kiemchung", "nightly"],
        description="Thu thập, phân loại, lưu trữ hằng đêm lúc 02:00 giờ Việt Nam.",
    )


def report_deployments(settings: Settings | None = None) -> list[RunnerDeployment]:
    from flows.reports import periodic_report

    return [
        _deployment(
            periodic_report,
            name=f"report-{kind}",
            schedules=[schedule(cron, settings)],
            concurrency_limit=no_overlap(),
            parameters={"kind": kind},
            tags=["kiemchung", "report"],
        )
        for kind, cron in REPORT_CRONS.items()
    ]


def retrain_deployment(settings: Settings | None = None) -> RunnerDeployment:
    from flows.retrain import retrain

    return _deployment(
        retrain,
        name="retrain-weekly",
        schedules=[schedule(RETRAIN_CRON, settings)],
        concurrency_limit=no_overlap(),
        tags=["kiemchung", "retrain"],
    )


def all_deployments(
    settings: Settings | None = None, nightly_parameters: dict[str, Any] | None = None,
    nightly_cron: str = NIGHTLY_CRON,
) -> list[RunnerDeployment]:
    return [
        nightly_deployment(settings, nightly_parameters, nightly_cron),
        *report_deployments(settings),
        retrain_deployment(settings),
    ]
