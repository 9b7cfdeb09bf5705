"""The surge test on its own: small counts, steady keys, a growing rumour."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alerts.replay import growing_rumour, quiet_days
from alerts.surge import (
    Calibration,
    Period,
    SurgeMethod,
    Timeline,
    evaluate,
    is_surge,
    predictive_tail,
    surging,
    timelines_of,
)

AT = datetime(2026, 11, 2, 14, 0, tzinfo=UTC)  # 21:00 in Vietnam
METHOD = SurgeMethod()


def _steady(per_hour: float, days: float = 15) -> Timeline:
    step = 3600 / per_hour
    end = AT.timestamp()
    return Timeline([end - n * step for n in range(int(days * 24 * per_hour))])


def test_small_counts_never_alarm_even_on_a_key_never_seen_before() -> None:
    period = Period.at(AT, METHOD)
    four_new = Timeline([AT - timedelta(minutes=m) for m in (5, 20, 40, 90)])
    figures = evaluate("claim:kc-new", four_new, period, METHOD)
    assert figures.observed == 4 and figures.p_value < METHOD.alpha
    assert not is_surge(figures, METHOD)  # below MIN_COUNT, however unlikely
    six_new = Timeline([AT - timedelta(minutes=m) for m in (5, 20, 40, 90, 120, 150)])
    assert is_surge(evaluate("claim:kc-new", six_new, period, METHOD), METHOD)


def test_a_steady_key_stays_quiet_however_big_it_is() -> None:
    for rate in (0.5, 2, 10, 40):
        figures = evaluate("label:solution_myth", _steady(rate), Period.at(AT, METHOD), METHOD)
        assert figures.observed >= 1 and not is_surge(figures, METHOD), figures


def test_a_big_key_needs_more_than_a_few_extra_items() -> None:
    period = Period.at(AT, METHOD)
    base = _steady(4)
    extra = Timeline([*base.stamps, *[AT.timestamp() - 60 * n for n in range(1, 6)]])
    assert not is_surge(evaluate("label:disaster_hoax", extra, period, METHOD), METHOD)
    tripled = Timeline([*base.stamps, *[AT.timestamp() - 300 * n for n in range(1, 30)]])
    assert is_surge(evaluate("label:disaster_hoax", tripled, period, METHOD), METHOD)


def test_the_tail_is_exact_for_zero_baselines_and_widens_with_dispersion() -> None:
    expected, p = predictive_tail(0, 0, 336.0, 3.0)
    assert p == 1.0 and 0 < expected < 0.01
    _, tight = predictive_tail(8, 30, 336.0, 3.0, dispersion=1.0)
    _, loose = predictive_tail(8, 30, 336.0, 3.0, dispersion=2.0)
    assert tight < loose


def test_hour_of_day_profile_and_dispersion_come_from_the_baseline() -> None:
    history = quiet_days(AT - timedelta(days=15), 15, seed=3)
    timelines = timelines_of((k, i.time) for i in history for k in i.surge_keys())
    narratives = [t for k, t in timelines.items() if k.startswith("label:")]
    pooled = Timeline(s for t in narratives for s in t.stamps)
    from alerts.surge import calibrate

    calibration = calibrate(pooled, narratives, Period.at(AT, METHOD), METHOD)
    assert calibration.dispersion >= 1.0
    # 02:00-05:00 in Vietnam (19-22 UTC) is quieter than 08:00-11:00 (01-04 UTC).
    night = calibration.busyness(19 * 3600.0, 22 * 3600.0)
    morning = calibration.busyness(25 * 3600.0, 28 * 3600.0)
    assert night < 0.6 < 1.3 < morning
    assert Calibration().busyness(0.0, 7200.0) == 1.0


def test_a_growing_rumour_is_caught_early_and_the_quiet_keys_are_not() -> None:
    start = AT - timedelta(hours=6)
    history = quiet_days(AT - timedelta(days=15), 15, seed=1)
    rumour = growing_rumour(start, claim_id="kc-storm", provinces=("Huế",))
    timelines = timelines_of((k, i.time) for i in [*history, *rumour] for k in i.surge_keys())
    first_alarm = None
    moment = start
    while moment <= AT:
        keys = {f.key for f in surging(timelines, moment, METHOD)}
        if "claim:kc-storm" in keys and first_alarm is None:
            first_alarm = moment
        assert keys <= {"claim:kc-storm", "province:Huế", "label:disaster_hoax"}, keys
        moment += timedelta(minutes=15)
    assert first_alarm is not None
    copies_out = sum(1 for item in rumour if item.time <= first_alarm)
    assert copies_out <= 8
