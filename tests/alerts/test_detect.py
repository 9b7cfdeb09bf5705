"""Detection over a real store: one alert per rumour, grown across cycles, none for steady keys,
and a reviewer's acknowledgement kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alerts.detect import detect, gather, group_surges
from alerts.replay import growing_rumour, quiet_days
from alerts.signals import FlaggedItem, appearance_time, strong_claims
from core.alerts import SurgeFigures
from core.records import ReviewVerdict
from tests.alerts.conftest import put

STORM = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)  # 19:00 in Vietnam


def _cycles(start: datetime, end: datetime, every: timedelta = timedelta(minutes=15)):
    moment = start
    while moment <= end:
        yield moment
        moment += every


def test_one_rumour_makes_one_alert_that_grows(stores) -> None:
    items, alerts = stores
    put(items, quiet_days(STORM - timedelta(days=15), 15, seed=7))
    rumour = growing_rumour(STORM, copies=30, hours=5, claim_id="kc-0004",
                            provinces=("Đà Nẵng",))
    put(items, rumour)
    new, grown = [], []
    for moment in _cycles(STORM, STORM + timedelta(hours=6)):
        found = detect(items, alerts, moment)
        new += found.new
        grown += found.grown
    assert len(new) == 1, [a.keys for a in new]
    alert = alerts.get(new[0].id)
    assert alert is not None
    assert alert.keys[0] == "claim:kc-0004" and "province:Đà Nẵng" in alert.keys
    assert alert.claim_id == "kc-0004" and alert.provinces == ["Đà Nẵng"]
    assert alert.label == "disaster_hoax"
    rumour_ids = {item.id for item in rumour}
    assert set(alert.item_ids) <= rumour_ids and len(alert.item_ids) >= 25
    assert alert.first_detected < alert.last_detected and grown
    assert alert.started == min(item.time for item in rumour)


def test_acknowledged_alerts_keep_their_state_as_they_grow(stores) -> None:
    items, alerts = stores
    put(items, quiet_days(STORM - timedelta(days=15), 15, seed=8))
    put(items, growing_rumour(STORM, copies=30, hours=4, claim_id="kc-0002",
                              provinces=("Lào Cai",)))
    first = None
    for moment in _cycles(STORM, STORM + timedelta(hours=5)):
        found = detect(items, alerts, moment)
        if found.new and first is None:
            first = found.new[0]
            alerts.acknowledge(first.id, "lan", moment)
    assert first is not None
    final = alerts.get(first.id)
    assert final is not None and final.status == "acknowledged"
    assert len(final.item_ids) > len(first.item_ids)
    assert len(alerts.alerts()) == 1


def test_a_reviewers_not_misleading_takes_items_out_of_the_count(stores) -> None:
    items, alerts = stores
    rumour = growing_rumour(STORM, copies=12, hours=2, claim_id="kc-0009", provinces=())
    put(items, rumour)
    for item in rumour[:8]:
        items.record_verdict(ReviewVerdict(item_id=item.id, verdict="not_misleading",
                                           reviewer="lan"))
    at = STORM + timedelta(hours=2, minutes=30)
    assert len(gather(items, at)) == 4
    assert not detect(items, alerts, at).new


def test_two_rumours_of_one_narrative_stay_two_alerts() -> None:
    def figures(key: str, observed: int) -> SurgeFigures:
        return SurgeFigures(key=key, observed=observed, expected=0.5, baseline_count=3,
                            p_value=1e-9, window_hours=3, baseline_hours=336)

    members = {
        "claim:a": {f"a{n}" for n in range(8)},
        "claim:b": {f"b{n}" for n in range(6)},
        "province:Huế": {f"a{n}" for n in range(8)},
        "label:disaster_hoax": {f"a{n}" for n in range(8)} | {f"b{n}" for n in range(6)},
    }
    groups = group_surges(
        [figures("label:disaster_hoax", 14), figures("claim:b", 6), figures("claim:a", 8),
         figures("province:Huế", 8)], members,
    )
    assert [[f.key for f in g] for g in groups] == [
        ["claim:a", "province:Huế", "label:disaster_hoax"], ["claim:b"],
    ]


def test_appearance_time_and_strong_matches() -> None:
    fetched = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
    assert appearance_time(None, fetched) == fetched
    assert appearance_time(fetched - timedelta(hours=3), fetched) == fetched - timedelta(hours=3)
    assert appearance_time(fetched + timedelta(days=300), fetched) == fetched  # a wrong date
    reasons = ["Nhãn: Tin giả",
               "Giống tin sai đã kiểm chứng: \u201cx\u201d (kc-0004, rất giống, 0.71)",
               "Giống tin sai đã kiểm chứng: \u201cy\u201d (kc-0001, gần giống, 0.40)"]
    assert strong_claims(reasons) == ("kc-0004",)
    item = FlaggedItem(id="1", time=fetched, label="disaster_hoax", score=0.9, claim_id="kc-1",
                       provinces=("Huế", "Đà Nẵng"))
    assert item.surge_keys() == ["label:disaster_hoax", "claim:kc-1", "province:Huế",
                                 "province:Đà Nẵng"]
