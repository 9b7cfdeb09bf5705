"""The surge test: is a key's count of flagged items in the last hours out of line with its own
recent baseline? Pure: times in, figures out.

Method: a Poisson test that carries the baseline's own uncertainty (Gamma-Poisson), adjusted
for the hour of day and for stories arriving in clumps. Items of one key (a narrative, a known
false claim, a province) arrive at an unknown rate of λ per hour. With a weak Gamma prior worth
``PRIOR_ITEMS`` items in ``PRIOR_HOURS`` hours (one a day) and S items in the B hours of
baseline, λ is Gamma(PRIOR_ITEMS + S, PRIOR_HOURS + B) distributed, so the count in the next
window of w hours is negative binomial, exactly, with no normal approximation. Two
corrections, both estimated from the baseline of all flagged items at each detection:

- hour of day: news has a daily rhythm (quiet at 03:00, busy at 08:00), so the window counts
  as w·f hours, f being how busy those hours of the day were over the baseline (shrunk
  towards 1 when there is little data);
- clumps: outlets copy each other, so items come in bursts and counts vary more than a
  Poisson's. The dispersion φ (Pearson χ² per window of the narratives' counts, at least 1)
  scales the counts down before the test, as a quasi-Poisson model does.

A key surges when all three hold: the p-value P(X >= observed) is below ``ALPHA``; at least
``MIN_COUNT`` items are in the window (a few items never alarm, whatever the baseline); the
window holds at least ``MIN_RATIO`` times what was expected (a big key growing by some percent
is news, not a surge).

Why it copes with small counts: the tail is exact; with S = 0 the prediction is still proper
(the prior keeps the expected count above zero); with few baseline items the predictive
distribution is wider than a Poisson at the point estimate, so not knowing a rare key's rate
well does not turn into false alarms. The false-alarm rate on 90 replayed quiet days is
measured by ``bench/surge_bench.py`` and written in ``alerts/README.md``.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from scipy.stats import nbinom

from core.alerts import SurgeFigures
from core.clock import as_utc

#: The window a surge is counted in: long enough to hold a rumour's first hours of spread,
#: short enough that an evening's rumour is not diluted by the afternoon.
WINDOW_HOURS: Final[float] = 3.0
#: The baseline: two weeks before the window, so weekdays and weekends are both in it.
BASELINE_DAYS: Final[float] = 14.0
#: The prior: as if one item a day had been seen (weak; two weeks of data outweigh it).
PRIOR_ITEMS: Final[float] = 1.0
PRIOR_HOURS: Final[float] = 24.0
#: Strict, because about 80 keys are tested every 15 minutes. On 450 replayed quiet days
#: (bench/surge_bench.py, alerts/README.md) 1e-6 gave 14 false-alarm episodes and 1e-7 gave 4
#: (0.27 per 30 days), both catching each injected rumour by its 5th or 6th copy.
ALPHA: Final[float] = 1e-7
MIN_COUNT: Final[int] = 5
MIN_RATIO: Final[float] = 3.0


#: Shrinks the hour-of-day profile towards flat: worth this many items per hour of day.
PROFILE_SHRINK: Final[float] = 10.0
#: Narratives with fewer baseline items than this tell little about the dispersion.
DISPERSION_MIN_ITEMS: Final[int] = 20
#: A storm in the baseline can make the counts look wild; beyond this the test would go deaf.
MAX_DISPERSION: Final[float] = 4.0

_HOUR = 3600.0


@dataclass(frozen=True)
class SurgeMethod:
    """The test's parameters; the defaults are the documented method."""

    window_hours: float = WINDOW_HOURS
    baseline_days: float = BASELINE_DAYS
    prior_items: float = PRIOR_ITEMS
    prior_hours: float = PRIOR_HOURS
    alpha: float = ALPHA
    min_count: int = MIN_COUNT
    min_ratio: float = MIN_RATIO

    @property
    def window(self) -> timedelta:
        return timedelta(hours=self.window_hours)

    @property
    def lookback(self) -> timedelta:
        """How far back from the detection time items are needed: baseline and window."""
        return timedelta(hours=self.window_hours, days=self.baseline_days)


class Timeline:
    """The sorted appearance times of one key's items, as POSIX seconds, for fast counting."""

    def __init__(self, times: Iterable[datetime | float]) -> None:
        self.stamps = sorted(
            float(t) if isinstance(t, float | int) else as_utc(t).timestamp() for t in times
        )

    def count(self, start: float, end: float) -> int:
        """Items with ``start < t <= end``."""
        return bisect_right(self.stamps, end) - bisect_right(self.stamps, start)

    def __len__(self) -> int:
        return len(self.stamps)


@dataclass(frozen=True)
class Period:
    """The window and the baseline of one detection, as POSIX seconds."""

    window_start: float
    end: float
    baseline_start: float

    @classmethod
    def at(
        cls, moment: datetime, method: SurgeMethod, history_start: datetime | None = None
    ) -> Period:
        end = as_utc(moment).timestamp()
        window_start = end - method.window_hours * _HOUR
        baseline_start = window_start - method.baseline_days * 24 * _HOUR
        if history_start is not None:
            baseline_start = min(max(baseline_start, as_utc(history_start).timestamp()),
                                 window_start)
        return cls(window_start, end, baseline_start)

    @property
    def baseline_hours(self) -> float:
        return (self.window_start - self.baseline_start) / _HOUR


@dataclass(frozen=True)
class Calibration:
    """How busy each hour of the day is (24 factors of mean 1, UTC hours) and how clumped the
    counts are (the dispersion, at least 1). Estimated once per detection from all keys."""

    hourly: tuple[float, ...] = (1.0,) * 24
    dispersion: float = 1.0

    def busyness(self, start: float, end: float) -> float:
        """Mean of the hourly factors over (start, end]."""
        total, moment = 0.0, start
        while moment < end:
            step = min(end, (moment // _HOUR + 1) * _HOUR) - moment
            total += step * self.hourly[int(moment // _HOUR) % 24]
            moment += step
        return total / (end - start) if end > start else 1.0


def calibrate(
    pooled: Timeline, narratives: Iterable[Timeline], period: Period,
    method: SurgeMethod = SurgeMethod(),
) -> Calibration:
    """The hour-of-day profile of every flagged item of the baseline, and the dispersion of the
    narratives' counts in consecutive windows of the baseline around that profile."""
    hours = period.baseline_hours
    first = bisect_right(pooled.stamps, period.baseline_start)
    in_baseline = pooled.stamps[first:bisect_right(pooled.stamps, period.window_start)]
    if not in_baseline or hours < 24:
        return Calibration()
    per_hour = [0] * 24
    for stamp in in_baseline:
        per_hour[int(stamp // _HOUR) % 24] += 1
    mean = len(in_baseline) / 24
    hourly = tuple((n + PROFILE_SHRINK) / (mean + PROFILE_SHRINK) for n in per_hour)
    flat = Calibration(hourly=hourly)
    width = method.window_hours * _HOUR
    chi2, windows = 0.0, 0
    for timeline in narratives:
        total = timeline.count(period.baseline_start, period.window_start)
        if total < DISPERSION_MIN_ITEMS:
            continue
        rate = total / (hours * _HOUR)
        end = period.window_start
        while end - width >= period.baseline_start:
            expected = rate * width * flat.busyness(end - width, end)
            observed = timeline.count(end - width, end)
            chi2 += (observed - expected) ** 2 / expected
            windows += 1
            end -= width
    dispersion = chi2 / windows if windows else 1.0
    return Calibration(hourly=hourly, dispersion=min(max(dispersion, 1.0), MAX_DISPERSION))


def predictive_tail(
    observed: int, baseline_count: int, baseline_hours: float, window_hours: float,
    method: SurgeMethod = SurgeMethod(), dispersion: float = 1.0,
) -> tuple[float, float]:
    """(expected count in the window, P(count >= observed)) under the Gamma-Poisson prediction,
    ``window_hours`` being the window's length already weighted by its busyness.

    >>> expected, p = predictive_tail(6, 0, 336.0, 3.0)
    >>> round(expected, 4), p < 1e-7
    (0.0083, True)
    """
    exposure = method.prior_hours + baseline_hours
    expected = window_hours * (method.prior_items + baseline_count) / exposure
    scaled = math.floor(observed / dispersion)
    if scaled <= 0:
        return expected, 1.0
    shape = method.prior_items + baseline_count / dispersion
    p_value = float(nbinom.sf(scaled - 1, shape, exposure / (exposure + window_hours)))
    return expected, min(1.0, max(0.0, p_value))


def evaluate(
    key: str, timeline: Timeline, period: Period, method: SurgeMethod = SurgeMethod(),
    calibration: Calibration = Calibration(),
) -> SurgeFigures:
    """The key's figures for ``period``: items in the window against the baseline's prediction."""
    observed = timeline.count(period.window_start, period.end)
    baseline_count = timeline.count(period.baseline_start, period.window_start)
    weighted = method.window_hours * calibration.busyness(period.window_start, period.end)
    expected, p_value = predictive_tail(
        observed, baseline_count, period.baseline_hours, weighted, method, calibration.dispersion
    )
    return SurgeFigures(
        key=key, observed=observed, expected=round(expected, 6), baseline_count=baseline_count,
        p_value=p_value, window_hours=method.window_hours,
        baseline_hours=max(round(period.baseline_hours, 3), 1e-3),
        dispersion=round(calibration.dispersion, 4),
    )


def is_surge(figures: SurgeFigures, method: SurgeMethod = SurgeMethod()) -> bool:
    """The three conditions of the method."""
    return (
        figures.observed >= method.min_count
        and figures.observed >= method.min_ratio * figures.expected
        and figures.p_value < method.alpha
    )


def surging(
    timelines: Mapping[str, Timeline], at: datetime, method: SurgeMethod = SurgeMethod(),
    history_start: datetime | None = None, calibration: Calibration | None = None,
) -> list[SurgeFigures]:
    """Figures of every key that surges at ``at``, strongest (smallest p-value) first.

    Without ``calibration`` it is estimated here from the ``label:`` timelines (each flagged
    item has exactly one label, so together they hold every item once).
    """
    period = Period.at(at, method, history_start)
    if calibration is None:
        narratives = [t for key, t in timelines.items() if key.startswith("label:")]
        pooled = Timeline(stamp for t in narratives for stamp in t.stamps)
        calibration = calibrate(pooled, narratives, period, method)
    found = []
    for key, timeline in timelines.items():
        # Fewer than MIN_COUNT items in the window can never surge: skip the arithmetic.
        if timeline.count(period.window_start, period.end) < method.min_count:
            continue
        figures = evaluate(key, timeline, period, method, calibration)
        if is_surge(figures, method):
            found.append(figures)
    return sorted(found, key=lambda f: (f.p_value, f.key))


def timelines_of(events: Iterable[tuple[str, datetime]]) -> dict[str, Timeline]:
    """Group (key, time) pairs into one timeline per key."""
    grouped: dict[str, list[datetime]] = {}
    for key, moment in events:
        grouped.setdefault(key, []).append(moment)
    return {key: Timeline(times) for key, times in grouped.items()}


#: The documented method, for callers' defaults.
DEFAULT_METHOD: Final[SurgeMethod] = SurgeMethod()
