"""Replayable histories of flagged items: quiet days, and a rumour that grows.

Used by ``bench/surge_bench.py`` (the false-alarm rate on 90 quiet days) and by the tests that
give the watch a baseline. A quiet day is generated from a documented profile rather than
copied from real traffic (the project keeps no real history in the repository):

- each narrative has its own mean number of flagged items a day (``DAILY_MEANS``);
- the day's volume varies: a Gamma multiplier of mean 1 and coefficient of variation 0.35 per
  narrative and day, weekends at 80 %;
- items follow Vietnamese news hours (``HOURLY_WEIGHTS``: quiet at night, peaks in the morning
  and the evening);
- a quarter of items carry a best-matching known claim of their narrative (a few claims much
  commoner than others), and items name 0 to 2 provinces, big cities most often;
- syndication: 15 % of stories are copied 1 to 3 more times within two hours, with the same
  keys, as outlets copy each other.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from alerts.signals import FlaggedItem
from core.clock import VIETNAM_TZ, as_utc

DAILY_MEANS: Final[dict[str, float]] = {
    "disaster_hoax": 8.0,
    "health_pollution": 6.0,
    "solution_myth": 5.0,
    "fabricated_policy": 3.0,
    "climate_denial": 2.0,
    "green_scam": 2.0,
    "nuclear_misinfo": 1.0,
}
#: Relative volume per hour of the day in Vietnam, 00:00 to 23:00.
HOURLY_WEIGHTS: Final[tuple[float, ...]] = (
    0.2, 0.15, 0.1, 0.1, 0.15, 0.3, 0.8, 1.5, 1.9, 1.9, 1.7, 1.4,
    1.1, 1.0, 1.1, 1.2, 1.2, 1.1, 1.2, 1.5, 1.6, 1.4, 0.9, 0.5,
)
#: Provinces by how often flagged items name them (the big cities and the storm coast first).
PROVINCE_WEIGHTS: Final[dict[str, float]] = {
    "Hà Nội": 10, "TP Hồ Chí Minh": 9, "Đà Nẵng": 4, "Huế": 3, "Nghệ An": 3, "Hải Phòng": 3,
    "Quảng Ninh": 2, "Thanh Hóa": 2, "Khánh Hòa": 2, "Lào Cai": 2, "Cần Thơ": 2, "Gia Lai": 2,
    "Quảng Ngãi": 1.5, "Quảng Trị": 1.5, "Hà Tĩnh": 1.5, "Lâm Đồng": 1.5, "Đồng Nai": 1.5,
    "Phú Thọ": 1, "Sơn La": 1, "Ninh Bình": 1, "Đắk Lắk": 1, "An Giang": 1, "Cà Mau": 1,
    "Tây Ninh": 1, "Vĩnh Long": 1, "Đồng Tháp": 1, "Bắc Ninh": 1, "Hưng Yên": 1,
    "Tuyên Quang": 0.5, "Thái Nguyên": 0.5, "Cao Bằng": 0.5, "Lạng Sơn": 0.5,
    "Điện Biên": 0.5, "Lai Châu": 0.5,
}
CLAIMS_PER_LABEL: Final[int] = 6
CLAIM_SHARE: Final[float] = 0.25
DAY_CV: Final[float] = 0.35
WEEKEND_FACTOR: Final[float] = 0.8
COPY_SHARE: Final[float] = 0.15


@dataclass(frozen=True)
class QuietProfile:
    """The knobs of a quiet history; the defaults are the documented profile."""

    daily_means: tuple[tuple[str, float], ...] = tuple(DAILY_MEANS.items())
    claims_per_label: int = CLAIMS_PER_LABEL
    claim_share: float = CLAIM_SHARE
    day_cv: float = DAY_CV
    weekend_factor: float = WEEKEND_FACTOR
    copy_share: float = COPY_SHARE


def _claims(label: str, count: int) -> list[str]:
    return [f"replay-{label}-{n}" for n in range(1, count + 1)]


def quiet_days(
    start: datetime, days: int, *, seed: int = 0, profile: QuietProfile = QuietProfile()
) -> list[FlaggedItem]:
    """Flagged items of ``days`` quiet days, from the Vietnam midnight that starts ``start``'s
    day (hours of the day follow Vietnam's clock)."""
    rng = random.Random(seed)
    local = as_utc(start).astimezone(VIETNAM_TZ)
    start = as_utc(local.replace(hour=0, minute=0, second=0, microsecond=0))
    provinces = list(PROVINCE_WEIGHTS)
    province_weights = list(PROVINCE_WEIGHTS.values())
    hours = list(range(24))
    shape = 1.0 / profile.day_cv**2
    items: list[FlaggedItem] = []
    for day in range(days):
        midnight = start + timedelta(days=day)
        local_weekday = midnight.astimezone(VIETNAM_TZ).weekday()
        for label, mean in profile.daily_means:
            volume = mean * rng.gammavariate(shape, 1.0 / shape)
            if local_weekday >= 5:
                volume *= profile.weekend_factor
            claims = _claims(label, profile.claims_per_label)
            claim_weights = [1.0 / rank for rank in range(1, len(claims) + 1)]
            for _ in range(_poisson(rng, volume)):
                hour = rng.choices(hours, weights=HOURLY_WEIGHTS)[0]
                moment = midnight + timedelta(hours=hour, seconds=rng.uniform(0, 3600))
                claim = (rng.choices(claims, weights=claim_weights)[0]
                         if rng.random() < profile.claim_share else None)
                named = tuple(dict.fromkeys(
                    rng.choices(provinces, weights=province_weights, k=rng.choice((0, 1, 1, 2)))
                ))
                story = f"{label}-{day}-{len(items)}"
                copies = rng.randint(1, 3) if rng.random() < profile.copy_share else 0
                for copy in range(copies + 1):
                    offset = timedelta(minutes=rng.uniform(0, 120)) if copy else timedelta()
                    items.append(FlaggedItem(
                        id=f"{story}-{copy}", time=moment + offset, label=label,
                        score=round(rng.uniform(0.5, 0.99), 3), source_id=f"replay-{copy}",
                        claim_id=claim, provinces=named,
                    ))
    return sorted(items, key=lambda item: item.time)


def growing_rumour(
    start: datetime, *, copies: int = 30, hours: float = 6.0, label: str = "disaster_hoax",
    claim_id: str | None = None, provinces: Sequence[str] = ("Đà Nẵng",), seed: int = 0,
) -> list[FlaggedItem]:
    """A rumour that grows from one copy to ``copies`` over ``hours``: few at first, then
    faster, as shares take off (copy k appears at hours * sqrt(k / copies))."""
    rng = random.Random(seed)
    start = as_utc(start)
    items = []
    for number in range(copies):
        fraction = ((number + rng.uniform(0, 0.5)) / copies) ** 0.5
        items.append(FlaggedItem(
            id=f"rumour-{number}", time=start + timedelta(hours=hours * min(fraction, 1.0)),
            label=label, score=0.9, source_id=f"rumour-{number % 5}", claim_id=claim_id,
            provinces=tuple(provinces),
        ))
    return sorted(items, key=lambda item: item.time)


def _poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw by counting exponential gaps (means here are small)."""
    count, total = 0, rng.expovariate(1.0) if mean > 0 else float("inf")
    while total < mean:
        count += 1
        total += rng.expovariate(1.0)
    return count
