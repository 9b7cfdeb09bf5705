"""After a run or a watch cycle: detect surges, store the alerts, and notify under the rules.

Thin tasks over ``alerts``. Delivery is a task of its own, so a webhook or SMTP server that
answers "try later" is retried by Prefect with back-off; one failed message or channel never
stops the others. One dispatcher at a time per data directory (a lock), so a nightly run and a
watch finishing together never both send.

The nightly flow calls it with one line once its items are indexed::

    alert_step(settings, now_utc())
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final
from zoneinfo import ZoneInfo

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.tasks import exponential_backoff
from pydantic import BaseModel, Field

from alerts.channels import (
    DeliveryFailed,
    EmailChannel,
    WebhookChannel,
    configured_channels,
    send_on,
)
from alerts.detect import Detection, detect
from alerts.dispatch import FRESH_FOR, Dispatcher, candidate_messages
from alerts.messages import Message
from alerts.rules import parse_rules
from core.alerts import Channel
from core.clock import as_utc
from core.settings import Settings, SettingsError
from flows.locks import hold
from index.alert_store import open_alert_store
from index.factory import open_store
from index.store import StoreUnavailable

#: A refused or unreachable receiver is tried again after about 5, 10 and 20 s.
DELIVERY_RETRIES: Final[int] = 3
DELIVERY_BACKOFF_SECONDS: Final[float] = 5.0
NOTIFY_LOCK: Final[str] = "notify"


class AlertSummary(BaseModel):
    """What the alert step of one run or cycle did."""

    at: datetime
    new_alerts: list[str] = Field(default_factory=list)
    grown_alerts: list[str] = Field(default_factory=list)
    surging_keys: list[str] = Field(default_factory=list)
    deliveries: dict[str, int] = Field(default_factory=dict)
    messages: list[str] = Field(default_factory=list)

    def text(self) -> str:
        sent = ", ".join(f"{k} {v}" for k, v in sorted(self.deliveries.items())) or "none"
        return (f"alerts: {len(self.new_alerts)} new, {len(self.grown_alerts)} grown; "
                f"surging {', '.join(self.surging_keys) or 'nothing'}; notifications: {sent}")


def _is_transient(task: object, task_run: object, state: Any) -> bool:
    try:
        state.result()
    except DeliveryFailed as exc:
        return exc.transient
    except Exception:
        return False
    return False


@task(name="deliver", task_run_name="deliver-{channel}-{delivery_id}", retries=DELIVERY_RETRIES,
      retry_delay_seconds=exponential_backoff(backoff_factor=DELIVERY_BACKOFF_SECONDS),
      retry_jitter_factor=0.5, retry_condition_fn=_is_transient, cache_policy=NO_CACHE)
def deliver(
    channels: dict[str, EmailChannel | WebhookChannel], channel: Channel, message: Message,
    delivery_id: str, user_agent: str,
) -> None:
    """Send one message on one channel; transient refusals are retried with back-off."""
    send_on(channels, channel, message, delivery_id, user_agent)


@task(name="detect-surges", cache_policy=NO_CACHE)
def detect_surges(settings: Settings, at: datetime) -> Detection | None:
    """Test every key at ``at`` and store what surges; ``None`` when the store is unreachable."""
    try:
        items, alerts = open_store(settings), open_alert_store(settings)
    except StoreUnavailable as exc:
        get_run_logger().warning("surge detection skipped, store unavailable: %s", exc)
        return None
    try:
        return detect(items, alerts, at)
    except StoreUnavailable as exc:
        get_run_logger().warning("surge detection stopped, store went away: %s", exc)
        return None
    finally:
        items.close()
        alerts.close()


def notify(settings: Settings, detection: Detection) -> dict[str, int]:
    """Send what the detection calls for, under the rules, the cap and the send log."""
    channels = configured_channels(settings)
    if not channels:
        return {}
    rules = parse_rules(settings.notify_rules)
    with hold(settings, NOTIFY_LOCK, what="notifications"):
        alerts = open_alert_store(settings)
        try:
            recent = alerts.alerts(detected_since=detection.at - FRESH_FOR)
            messages = candidate_messages(recent, detection.items, detection.at, settings.app_url)

            def send(channel: Channel, message: Message, delivery_id: str) -> None:
                deliver(channels, channel, message, delivery_id, settings.user_agent)

            names: list[Channel] = [c for c in ("email", "webhook") if c in channels]
            dispatcher = Dispatcher(
                store=alerts, send=send, channels=names, rules=rules,
                max_per_hour=settings.notify_max_per_hour, digest=settings.notify_digest,
                digest_hour=settings.notify_digest_hour, zone=ZoneInfo(settings.timezone),
                app_url=settings.app_url,
            )
            outcome = dispatcher.dispatch(messages, detection.at)
        finally:
            alerts.close()
    return {status: len(entries) for status, entries in outcome.by_status.items()}


def alert_step(settings: Settings, at: datetime) -> AlertSummary:
    """Detect, store and notify at ``at``; never raises for a store or a channel that is
    down (the log says so, and the next cycle catches up)."""
    at = as_utc(at)
    summary = AlertSummary(at=at)
    detection = detect_surges(settings, at)
    if detection is None:
        summary.messages.append("kho không truy cập được, chưa dò tăng đột biến "
                                "(store unavailable, no surge detection)")
        return summary
    summary.new_alerts = [a.id for a in detection.new]
    summary.grown_alerts = [a.id for a in detection.grown]
    summary.surging_keys = [f.key for f in detection.surges]
    try:
        summary.deliveries = notify(settings, detection)
    except StoreUnavailable as exc:
        summary.messages.append(f"chưa gửi thông báo, kho không truy cập được: {exc}")
    except SettingsError as exc:  # `kiemchung watch` checks these up front; a run goes on
        get_run_logger().error("notifications not sent, bad setting: %s", exc)
        summary.messages.append(f"chưa gửi thông báo, cấu hình sai (bad setting): {exc}")
    get_run_logger().info("%s", summary.text())
    return summary

