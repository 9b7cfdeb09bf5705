"""A recorded storm night replayed through a watch, end to end: the local site, the real Scrapy
engine, the shipped classifier, the real Prefect engine, the store, surge detection, and real
local SMTP and webhook receivers.

Before the night, the store holds 14 replayed quiet days (``alerts.replay``) in which
health_pollution is a busy narrative, about 50 flagged items a day. During the night that
narrative goes on at its usual pace while a rumour that the Sông Tranh 2 dam has burst grows
from 1 to 30 copies. The watch is stopped and started again in the middle of the night.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from alerts.replay import DAILY_MEANS, QuietProfile, quiet_days
from core.clock import VIETNAM_TZ, as_utc, now_utc
from tests.factories import flagged_record
from tests.flows.storm import StormSite, sources_yaml
from tests.receivers import Hook, Mailbox, smtp_server, webhook_receiver

SECRET = "storm-night-webhook-key-0123456789"
#: The busy narrative of the history, flagged at about this many items a day.
STEADY_LABEL = "health_pollution"
STEADY_PER_DAY = 50.0


class FakeClock:
    """Time that moves only when the watch sleeps: three hours replayed in minutes."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def _evening_start() -> datetime:
    """19:00 Vietnam time of the latest evening whose night is over (items' printed times
    must not be later than when they are fetched)."""
    local = (now_utc() - timedelta(hours=5)).astimezone(VIETNAM_TZ)
    start = local.replace(hour=19, minute=0, second=0, microsecond=0)
    if start > local:
        start -= timedelta(days=1)
    return as_utc(start)


@pytest.fixture
def receivers(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Mailbox, Hook]]:
    with smtp_server() as mailbox, webhook_receiver(SECRET) as hook:
        for name, value in {
            "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(mailbox.port), "SMTP_STARTTLS": "false",
            "MAIL_FROM": "kiemchung@example.vn", "MAIL_TO": "truc-ban@example.vn",
            "WEBHOOK_URL": hook.url, "WEBHOOK_SECRET": SECRET,
            "APP_URL": "https://kiemchung.example.vn",
            # The storm desk's routing: surges of any narrative, on both channels.
            "NOTIFY_RULES": "surge: *",
        }.items():
            monkeypatch.setenv(f"KIEMCHUNG_{name}", value)
        yield mailbox, hook


def _load_history(start: datetime) -> int:
    """Fourteen quiet days before the night, written to the store as flagged items."""
    from core.settings import load_settings
    from index.factory import open_store

    profile = QuietProfile(daily_means=tuple({**DAILY_MEANS, STEADY_LABEL: STEADY_PER_DAY}.items()))
    history = [item for item in quiet_days(start - timedelta(days=15), 16, seed=7,
                                           profile=profile) if item.time < start]
    store = open_store(load_settings())
    try:
        assert store.upsert(flagged_record(item) for item in history).ok
    finally:
        store.close()
    return len(history)


@pytest.mark.slow
def test_a_storm_night(
    data_dir: Path, tmp_path: Path, receivers: tuple[Mailbox, Hook]
) -> None:
    from core.settings import load_settings
    from flows.watch import build_plan, request_stop, run_watch
    from index.alert_store import open_alert_store
    from index.factory import open_store

    mailbox, hook = receivers
    start = _evening_start()
    end = start + timedelta(minutes=195)
    storm = StormSite(tmp_path / "site", start)
    sources = tmp_path / "storm-sources.yaml"
    sources.write_text(sources_yaml("15m", end), "utf-8")
    assert _load_history(start) > 600
    settings = load_settings()
    indexed_by: dict[str, datetime] = {}  # item id -> the cycle that indexed it
    sent_at_restart: list[int] = []

    def stored_ids() -> set[str]:
        store = open_store(settings)
        try:
            wanted = [storm.item_id(i) for i in storm.items]
            return {i for i in wanted if store.get(i) is not None}
        finally:
            store.close()

    def before_cycle(moment: datetime) -> None:
        # Everything that had appeared by the previous cycle was indexed by it.
        for item_id in stored_ids() - set(indexed_by):
            indexed_by[item_id] = moment
        storm.publish(moment)

    def before_cycle_first_run(moment: datetime) -> None:
        before_cycle(moment)
        if moment >= start + timedelta(minutes=90):
            request_stop(settings, "bao")  # this cycle finishes, then the watch stops
            sent_at_restart.extend([len(mailbox.messages), len(hook.received)])

    clock = FakeClock(start)
    with storm.site:
        plan = build_plan(sources_file=sources, base_url=storm.base_url, now=start)
        assert plan.source_ids == ["storm-news", "storm-social", "storm-official"]
        first = run_watch(plan, clock=clock, sleep=clock.sleep,
                          before_cycle=before_cycle_first_run)
        clock.sleep(5 * 60)  # the machine restarts
        second = run_watch(plan, clock=clock, sleep=clock.sleep, before_cycle=before_cycle)
        before_cycle(clock())
    cycles = [*first, *second]

    # The watch ran every 15 minutes through the night, stopped by itself at the end time.
    assert [c.at - start for c in first] == [timedelta(minutes=m) for m in range(0, 91, 15)]
    assert [c.at - start for c in second] == [timedelta(minutes=m) for m in range(95, 195, 15)]
    assert not any(c.skipped for c in cycles)
    assert all(s.status == "ok" for c in cycles for s in c.sources)

    # Each item was indexed by the first cycle after it appeared.
    cycle_times = [c.at for c in cycles]
    for item in storm.items:
        appeared = item.at(start)
        first_cycle = min(t for t in cycle_times if t >= appeared)
        picked_by = max(t for t in cycle_times if t < indexed_by[storm.item_id(item)])
        assert picked_by == first_cycle, (item.slug, appeared, picked_by)

    # One surge alert, for the rumour; none for the busy narrative going at its usual pace.
    alerts = open_alert_store(settings)
    store = open_store(settings)
    try:
        found = alerts.alerts()
        rumour_ids = {storm.item_id(i) for i in storm.appeared(end, "rumour")}
        steady_ids = {storm.item_id(i) for i in storm.appeared(end, "steady")}
        records = {i: store.get(i) for i in rumour_ids | steady_ids}
        flagged = {i for i, r in records.items() if r and r.indexed.classification.flagged}
        deliveries = alerts.deliveries()
    finally:
        alerts.close()
        store.close()
    assert len(found) == 1, [a.keys for a in found]
    alert = found[0]
    assert alert.claim_id == "kc-0004" and alert.label == "disaster_hoax"
    assert set(alert.item_ids) == rumour_ids  # every copy, and nothing else
    assert alert.first_detected == start + timedelta(minutes=75)  # at the 5th copy
    assert steady_ids <= flagged and len(steady_ids) >= 9  # flagged, and enough to be tested
    fired = [c for c in cycles if c.alerts and c.alerts.new_alerts]
    assert [c.at for c in fired] == [alert.first_detected]

    # One e-mail and one webhook reached the receivers, before the restart and never again.
    assert sent_at_restart == [1, 1]
    assert len(mailbox.messages) == 1 and len(hook.received) == 1
    mail = mailbox.messages[0]
    assert "Sông Tranh 2" in mail.get_content() or "kc-0004" in mail.get_content()
    assert f"https://kiemchung.example.vn/alerts/{alert.id}" in mail.get_content()
    assert hook.received[0]["url"] == f"https://kiemchung.example.vn/alerts/{alert.id}"
    assert not hook.refused
    assert sorted((d.channel, d.status) for d in deliveries) == [
        ("email", "sent"), ("webhook", "sent")]
