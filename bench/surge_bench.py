"""False alarms of the surge test on replayed quiet days, and how early it sees a rumour.

Replays ``--days`` quiet days (``alerts.replay.quiet_days``, after 14 days of warm-up history)
through ``alerts.surge.surging`` every 15 minutes, exactly as a watch would, and counts alarm
episodes per key (a key's alarms less than 24 h apart are one episode, as alerts are). Every
alarm on a quiet day is false. Keys are counted one by one, before detection merges keys that
surge together into one alert, so the alert count is at most this.

Then it injects a rumour growing from 1 to 30 copies over 6 hours at a random evening of each
seed's history and reports how many copies had appeared when the test first fired.

    python bench/surge_bench.py [--days 90] [--seeds 5] [--first-seed 0] [--alpha A]
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from alerts.replay import growing_rumour, quiet_days  # noqa: E402
from alerts.signals import FlaggedItem  # noqa: E402
from alerts.surge import SurgeMethod, Timeline, surging, timelines_of  # noqa: E402

CYCLE = timedelta(minutes=15)
EPISODE_GAP = timedelta(hours=24)
WARM_UP_DAYS = 14
# A Vietnam midnight: 17:00 UTC the day before.
START = datetime(2026, 1, 4, 17, 0, tzinfo=UTC)


def alarms(
    items: Sequence[FlaggedItem], start: datetime, end: datetime, method: SurgeMethod,
    history_start: datetime,
) -> list[tuple[datetime, str, int]]:
    """(time, key, observed) of every alarm from ``start`` to ``end``, one check per cycle."""
    timelines: dict[str, Timeline] = timelines_of(
        (key, item.time) for item in items for key in item.surge_keys()
    )
    found = []
    moment = start
    while moment <= end:
        for figures in surging(timelines, moment, method, history_start):
            found.append((moment, figures.key, figures.observed))
        moment += CYCLE
    return found


def episodes(found: Sequence[tuple[datetime, str, int]]) -> list[tuple[datetime, str]]:
    """Alarms of one key closer than ``EPISODE_GAP`` to the previous one are one episode."""
    last: dict[str, datetime] = {}
    result = []
    for moment, key, _ in found:
        if key not in last or moment - last[key] > EPISODE_GAP:
            result.append((moment, key))
        last[key] = moment
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--first-seed", type=int, default=0,
                        help="seeds first-seed .. first-seed + seeds - 1 (other histories)")
    parser.add_argument("--alpha", type=float, default=SurgeMethod.alpha)
    parser.add_argument("--min-count", type=int, default=SurgeMethod.min_count)
    args = parser.parse_args(argv)
    method = SurgeMethod(alpha=args.alpha, min_count=args.min_count)
    print(f"method: {method}")
    total_days, total_episodes, keys_seen = 0, 0, set()
    detections = []
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        history = quiet_days(START, WARM_UP_DAYS + args.days, seed=seed)
        keys_seen |= {key for item in history for key in item.surge_keys()}
        quiet_start = START + timedelta(days=WARM_UP_DAYS)
        end = START + timedelta(days=WARM_UP_DAYS + args.days)
        found = episodes(alarms(history, quiet_start, end, method, START))
        total_days += args.days
        total_episodes += len(found)
        print(f"seed {seed}: {len(history)} flagged items, {len(found)} false alarm episodes "
              + (f"({', '.join(key for _, key in found[:6])})" if found else ""))
        # One rumour on a random evening (19:00 Vietnam) of the quiet period.
        rng = random.Random(seed)
        evening = quiet_start + timedelta(days=rng.randrange(args.days), hours=19 + 7)
        rumour = growing_rumour(evening, claim_id=f"storm-claim-{seed}", provinces=("Huế",),
                                seed=seed)
        window_end = evening + timedelta(hours=8)
        fired = [a for a in alarms([*history, *rumour], evening - CYCLE, window_end, method, START)
                 if a[1] == f"claim:storm-claim-{seed}"]
        if fired:
            first = fired[0][0]
            copies = sum(1 for item in rumour if item.time <= first)
            detections.append((first - evening, copies))
            print(f"  rumour: first alarm {first - evening} after the first copy, "
                  f"{copies} copies out by then")
        else:
            print("  rumour: never detected")
    per_day = total_episodes / total_days
    print(f"\n{total_days} quiet days, {len(keys_seen)} keys: {total_episodes} false alarm "
          f"episodes, {per_day:.3f} a day ({per_day * 30:.2f} a month)")
    if detections:
        mean_copies = sum(c for _, c in detections) / len(detections)
        print(f"rumours detected {len(detections)}/{args.seeds}, on average with "
              f"{mean_copies:.1f} copies out")
    return 0


if __name__ == "__main__":
    sys.exit(main())
