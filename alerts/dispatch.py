"""Deciding what to send, to whom, and when: rules, the persisted send log, the hourly cap with a
summary of what it held back, and the daily digest.

Exactly once per channel: a message's delivery id comes from its channel, kind and subject
(the alert, or the known claim and day), and the send log in the alert store is checked before
and written right after each send, so a restart never sends it again. A failed send is tried
again by later cycles, ``MAX_ATTEMPTS`` times at most, under the same id (receivers can use it
to drop the rare duplicate of a crash between sending and logging).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from alerts.messages import (
    Message,
    digest_message,
    match_message,
    summary_message,
    surge_message,
)
from alerts.rules import Rule, route
from alerts.signals import FlaggedItem
from core.alerts import Alert, Channel, Delivery, DeliveryStatus
from core.clock import VIETNAM_TZ, as_utc
from index.alert_store import AlertStore

#: A channel is sent at most ``max_per_hour`` messages in any hour, summaries included.
CAP_PERIOD: Final[timedelta] = timedelta(hours=1)
MAX_ATTEMPTS: Final[int] = 5
#: New surges and first matches of a claim are notified within this time; older ones only
#: show on the alerts page (a watch started after a long stop does not send yesterday's news).
FRESH_FOR: Final[timedelta] = timedelta(hours=24)
#: Entries left queued for a digest (the digest hour passed while nothing ran) stay this long.
DIGEST_LOOKBACK: Final[timedelta] = timedelta(days=2)

#: ``send(channel, message, delivery_id)``; raises when the message could not be delivered.
Sender = Callable[[Channel, Message, str], None]


def delivery_id(channel: str, kind: str, subject_id: str) -> str:
    """The id of one message on one channel: the same alert gives the same id, every time."""
    return hashlib.sha256(f"{channel}|{kind}|{subject_id}".encode()).hexdigest()[:32]


@dataclass
class Outcome:
    """What one dispatch did, per delivery status."""

    by_status: dict[str, list[Delivery]] = field(default_factory=dict)

    def add(self, delivery: Delivery) -> None:
        self.by_status.setdefault(delivery.status, []).append(delivery)

    def count(self, status: DeliveryStatus) -> int:
        return len(self.by_status.get(status, []))

    def text(self) -> str:
        return ", ".join(f"{status} {len(d)}" for status, d in sorted(self.by_status.items())) \
            or "nothing to send"


def candidate_messages(
    recent_alerts: Iterable[Alert], items: Sequence[FlaggedItem], at: datetime, app_url: str,
) -> list[Message]:
    """Messages worth sending at ``at``: new surges (not snoozed or acknowledged), then the
    first strong known-claim match of each claim and day, unless a surge alert already covers
    that claim."""
    at = as_utc(at)
    by_id = {item.id: item for item in items}
    messages: list[Message] = []
    covered: set[str] = set()
    for alert in sorted(recent_alerts, key=lambda a: a.first_detected):
        if alert.claim_id:
            covered.add(alert.claim_id)
        if alert.status != "open" or alert.snoozed_at(at) or at - alert.first_detected > FRESH_FOR:
            continue
        messages.append(surge_message(alert, by_id, app_url))
    matches: dict[tuple[str, str], list[FlaggedItem]] = {}
    for item in sorted(items, key=lambda i: (i.time, i.id)):
        if at - item.time > FRESH_FOR:
            continue
        day = item.time.astimezone(VIETNAM_TZ).date().isoformat()
        for claim in item.strong_claims:
            matches.setdefault((claim, day), []).append(item)
    for (claim, _), found in sorted(matches.items(), key=lambda kv: kv[1][0].time):
        if claim not in covered:
            messages.append(match_message(found[0], claim, len(found), app_url))
    return messages


@dataclass
class Dispatcher:
    """Sends messages on the configured channels under the rules, the cap and the send log."""

    store: AlertStore
    send: Sender
    channels: Sequence[Channel]
    rules: Sequence[Rule]
    max_per_hour: int = 10
    digest: bool = False
    digest_hour: int = 7
    zone: ZoneInfo = VIETNAM_TZ
    app_url: str = "http://127.0.0.1:8000"

    def dispatch(self, messages: Sequence[Message], at: datetime) -> Outcome:
        at = as_utc(at)
        outcome = Outcome()
        for channel in self.channels:
            routed = [m for m in messages if channel in route(
                self.rules, m.kind, m.label, m.provinces, m.score, self.channels)]
            if self.digest:
                self._queue(channel, routed, at, outcome)
                self._send_digest(channel, at, outcome)
            else:
                self._send_now(channel, routed, at, outcome)
        return outcome

    # -- immediate messages, capped ----------------------------------------------------------
    def _capacity(self, channel: Channel, at: datetime) -> int:
        sent = self.store.deliveries(channel=channel, status="sent", since=at - CAP_PERIOD,
                                     limit=self.max_per_hour + 1)
        return self.max_per_hour - sum(1 for d in sent if d.at <= at)

    def _send_now(
        self, channel: Channel, routed: Sequence[Message], at: datetime, outcome: Outcome
    ) -> None:
        capacity = self._capacity(channel, at)
        held = sorted(self.store.deliveries(channel=channel, status="held"), key=lambda d: d.at)
        if held and capacity > 0:
            summary = summary_message(held, at, self.app_url)
            done = self._deliver(channel, summary, at, outcome, covers=[d.id for d in held])
            if done.status == "sent":
                capacity -= 1
                for entry in held:
                    self._log(entry.model_copy(update={"status": "summarised"}), outcome)
        for message in routed:
            identity = delivery_id(channel, message.kind, message.subject_id)
            before = self.store.get_delivery(identity)
            if before is not None and (before.status != "failed"
                                       or before.attempts >= MAX_ATTEMPTS):
                continue
            if capacity <= 0:
                self._log(Delivery(id=identity, channel=channel, kind=message.kind,
                                   subject_id=message.subject_id, status="held", at=at,
                                   title=message.subject, url=message.url), outcome)
                continue
            if self._deliver(channel, message, at, outcome, before=before).status == "sent":
                capacity -= 1

    # -- the daily digest --------------------------------------------------------------------
    def _queue(
        self, channel: Channel, routed: Sequence[Message], at: datetime, outcome: Outcome
    ) -> None:
        for message in routed:
            identity = delivery_id(channel, message.kind, message.subject_id)
            if self.store.get_delivery(identity) is None:
                self._log(Delivery(id=identity, channel=channel, kind=message.kind,
                                   subject_id=message.subject_id, status="queued", at=at,
                                   title=message.subject, url=message.url), outcome)

    def _send_digest(self, channel: Channel, at: datetime, outcome: Outcome) -> None:
        local = at.astimezone(self.zone)
        if local.hour < self.digest_hour:
            return
        day = local.date().isoformat()
        message_id = delivery_id(channel, "digest", f"digest:{day}")
        if (done := self.store.get_delivery(message_id)) is not None and done.status == "sent":
            return
        if self._capacity(channel, at) <= 0:
            return
        queued = sorted(self.store.deliveries(channel=channel, status="queued",
                                              since=at - DIGEST_LOOKBACK), key=lambda d: d.at)
        digest = digest_message(queued, day, self.app_url)
        if self._deliver(channel, digest, at, outcome, before=done,
                         covers=[d.id for d in queued]).status == "sent":
            for entry in queued:
                self._log(entry.model_copy(update={"status": "digested"}), outcome)

    # -- one send, logged ----------------------------------------------------------------------
    def _deliver(
        self, channel: Channel, message: Message, at: datetime, outcome: Outcome,
        before: Delivery | None = None, covers: list[str] | None = None,
    ) -> Delivery:
        identity = delivery_id(channel, message.kind, message.subject_id)
        attempts = (before.attempts if before else 0) + 1
        entry = Delivery(id=identity, channel=channel, kind=message.kind,
                         subject_id=message.subject_id, status="sent", at=at,
                         title=message.subject, url=message.url, attempts=attempts,
                         covers=covers or [])
        try:
            self.send(channel, message, identity)
        except Exception as exc:  # one failed channel or message must not stop the others
            entry = entry.model_copy(update={"status": "failed",
                                             "error": f"{type(exc).__name__}: {exc}"[:500]})
        self._log(entry, outcome)
        return entry

    def _log(self, entry: Delivery, outcome: Outcome) -> None:
        self.store.put_delivery(entry)
        outcome.add(entry)

