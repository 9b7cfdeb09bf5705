"""Watch cycles on the real Prefect engine and the real Scrapy engine: cheap when nothing
changed, never overlapping, never crawling a source the nightly run is crawling."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.flows.conftest import SOURCES, GatedSite, store_ids


class FakeClock:
    """Time that moves only when the watch sleeps: a night replayed in seconds."""

    def __init__(self, start: datetime) -> None:
        self.now = start
        self.slept = 0.0

    def __call__(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)
        self.slept += seconds


def downloads(site: GatedSite) -> list[str]:
    """Article requests answered with the page: not the conditional re-asks for corrections
    (crawlers' recheck of recent articles), which a 304 answers."""
    rechecked = list(site.site.server.not_modified)
    found = []
    for path in site.requests:
        if not path.startswith("/bai/"):
            continue
        if path in rechecked:
            rechecked.remove(path)
            continue
        found.append(path)
    return found


def test_a_quiet_cycle_costs_a_304_and_loads_no_model(site: GatedSite, data_dir: Path) -> None:
    from flows.watch import WatchPlan, run_watch
    from models.enrich import _LOADED

    clock = FakeClock(datetime(2026, 11, 2, 12, 0, tzinfo=UTC))
    plan = WatchPlan(name="demo", source_ids=["demo-rss"], every=timedelta(minutes=15),
                     until=clock.now + timedelta(minutes=40), sources_file=str(SOURCES),
                     base_url=site.base_url)
    loaded: list[object] = []
    summaries = run_watch(plan, clock=clock, sleep=clock.sleep,
                          before_cycle=lambda at: loaded.append(dict(_LOADED)))

    # Three cycles (00, 15, 30 minutes), then the end time stops the watch by itself.
    assert [s.at - plan.until for s in summaries] == [timedelta(minutes=m) for m in (-40, -25, -10)]
    assert summaries[0].sources[0].new == len(site.expected_ids("rss.xml"))
    assert [s.sources[0].new for s in summaries[1:]] == [0, 0]
    assert store_ids() == site.expected_ids("rss.xml")
    feed_requests = [p for p in site.requests if p == "/rss.xml"]
    assert len(feed_requests) == 3
    # Every article is downloaded once, in the first cycle; later cycles only re-ask recent
    # articles conditionally for corrections (crawlers' recheck), and each answer is a 304.
    assert sorted(downloads(site)) == sorted(set(downloads(site)))
    assert len(downloads(site)) == len(site.expected_ids("rss.xml"))
    # The classifier was loaded by the first cycle (or an earlier test in this process) and is
    # the same object in the later ones: no cycle loads it again.
    assert loaded[1] and loaded[1] == loaded[2]
    assert all(loaded[1][key] is model for key, model in loaded[0].items())
    assert clock.slept == pytest.approx(40 * 60, abs=2)
    # The cycle directories are cleaned up once indexed.
    assert not list((data_dir / "runs").glob("watch-demo-*"))


def test_cycles_of_one_watch_never_overlap(data_dir: Path) -> None:
    from core.settings import load_settings
    from flows.locks import hold
    from flows.watch import watch_cycle

    with hold(load_settings(), "watch-demo", wait=False) as held:
        assert held
        summary = watch_cycle(name="demo", source_ids=["demo-rss"], sources_file=str(SOURCES))
    assert summary.skipped == "the previous cycle is still running" and not summary.sources


def test_the_nightly_run_and_a_watch_never_fetch_one_source_at_once(
    site: GatedSite, data_dir: Path
) -> None:
    from core.settings import load_settings
    from flows.locks import source_busy
    from flows.nightly import nightly
    from flows.watch import watch_cycle

    # The nightly run is crawling demo-rss, held at its feed.
    gate = site.gate("/rss.xml")
    night = threading.Thread(target=lambda: nightly(
        sources_file=str(SOURCES), source_ids=["demo-rss"], base_url=site.base_url,
        run_key="night-watch", return_state=True))
    night.start()
    settings = load_settings()
    for _ in range(600):
        if source_busy(settings, "demo-rss") and "/rss.xml" not in site.requests:
            break
        threading.Event().wait(0.1)
    assert source_busy(settings, "demo-rss")["what"] == "crawl demo-rss"

    # A watch cycle meanwhile leaves that source alone and says so.
    cycle = watch_cycle(name="demo", source_ids=["demo-rss"], sources_file=str(SOURCES),
                        base_url=site.base_url)
    assert cycle.busy == ["demo-rss"] and not cycle.sources
    gate.set()
    night.join(timeout=600)
    assert not night.is_alive()

    # Once the nightly run is done, the watch crawls it and finds nothing new.
    again = watch_cycle(name="demo", source_ids=["demo-rss"], sources_file=str(SOURCES),
                        base_url=site.base_url)
    assert again.sources[0].new == 0 and not again.busy
    articles = downloads(site)
    assert len(articles) == len(set(articles)) == len(site.expected_ids("rss.xml"))


def test_the_nightly_run_waits_for_a_watch_crawl_of_the_same_source(
    site: GatedSite, data_dir: Path
) -> None:
    from flows.nightly import nightly
    from flows.watch import watch_cycle

    gate = site.gate("/rss.xml")
    arrivals: list[str] = []  # requests as they arrive, before the gate holds them
    gated = site.site.server.RequestHandlerClass

    class Counting(gated):  # type: ignore[misc, valid-type]
        def do_GET(self) -> None:  # noqa: N802
            arrivals.append(self.path)
            super().do_GET()

    site.site.server.RequestHandlerClass = Counting
    done: dict[str, object] = {}
    watch = threading.Thread(target=lambda: done.setdefault("watch", watch_cycle(
        name="demo", source_ids=["demo-rss"], sources_file=str(SOURCES),
        base_url=site.base_url)))
    watch.start()
    for _ in range(600):
        if "/robots.txt" in site.requests:
            break
        threading.Event().wait(0.1)
    night = threading.Thread(target=lambda: done.setdefault("night", nightly(
        sources_file=str(SOURCES), source_ids=["demo-rss"], base_url=site.base_url,
        run_key="night-after-watch", return_state=True)))
    night.start()
    threading.Event().wait(3)
    # The watch's feed request waits at the gate; the nightly run waits for the source lock.
    assert arrivals.count("/rss.xml") == 1
    gate.set()
    watch.join(timeout=600)
    night.join(timeout=600)
    assert done["night"].is_completed()  # type: ignore[union-attr]
    articles = downloads(site)
    assert len(articles) == len(set(articles)) == len(site.expected_ids("rss.xml"))
    assert store_ids() == site.expected_ids("rss.xml")
