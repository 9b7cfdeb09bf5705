"""Wall time of one 12-source night on a Prefect work pool with one worker, then with two,
measured now on this machine. Prints both and their ratio; asserts nothing.

    python bench/pool_bench.py [--sources 12] [--limit 2] [--delay 1.0]

Twelve copies of the demo site, each its own local server (so its own site, with its own crawl
slots), one RSS source each with the crawler's default politeness delay (1 s between requests
to a site). A local Prefect server (``flows.prefect_server``), the ``kiemchung-source``
deployment, and N process workers (each ``--limit`` flow runs at once); the nightly flow
dispatches one run per source to the pool and waits. Each round has a fresh data directory and
SQLite store, so both crawl the same pages. The timer starts once the workers are online.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from crawlers.localsite import LocalSite  # noqa: E402
from flows.prefect_server import LocalPrefectServer  # noqa: E402

DEMO = REPO / "crawlers" / "demo_site"
POOL = "bench-pool"


def write_sources(path: Path, bases: list[str], delay: float) -> None:
    import yaml

    path.write_text(yaml.safe_dump({"sources": [
        {"id": f"site-{number:02d}", "name": f"Trang thử {number}", "kind": "rss",
         "urls": [f"{base}/rss.xml"], "options": {"delay": delay}}
        for number, base in enumerate(bases, start=1)
    ]}), "utf-8")


def wait_for_workers(count: int, timeout: float = 300) -> None:
    from prefect.client.orchestration import get_client

    deadline = time.monotonic() + timeout
    with get_client(sync_client=True) as client:
        while time.monotonic() < deadline:
            online = [w for w in client.read_workers_for_work_pool(POOL)
                      if str(w.status).upper().endswith("ONLINE")]
            if len(online) >= count:
                return
            time.sleep(1)
    raise SystemExit(f"pool_bench: {count} workers did not come online")


def one_night(root: Path, workers: int, limit: int, sources: Path, deployment: str) -> dict:
    from flows.nightly import nightly
    from flows.work_pool import local_workers

    data = root / f"data-{workers}"
    os.environ["KIEMCHUNG_DATA_DIR"] = str(data)
    pool = f"{POOL}"
    with local_workers(pool, workers, limit=limit, poll_seconds=2):
        wait_for_workers(workers)
        started = time.monotonic()
        state = nightly(sources_file=str(sources), run_key=f"bench-{workers}",
                        source_deployment=deployment, return_state=True)
        wall = time.monotonic() - started
    summary = json.loads((data / "runs" / f"bench-{workers}" / "summary.json").read_text("utf-8"))
    return {
        "workers": workers, "wall": wall, "state": state.name,
        "indexed": sum(s["indexed"] for s in summary["sources"]),
        "ran_on": len({s["ran_on"] for s in summary["sources"]}),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=int, default=12)
    parser.add_argument("--limit", type=int, default=2, help="flow runs at once per worker")
    parser.add_argument("--delay", type=float, default=1.0, help="seconds between requests")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kiemchung-pool-bench-") as folder:
        root = Path(folder)
        os.environ.update({"KIEMCHUNG_ALLOW_LOOPBACK": "true", "KIEMCHUNG_DATA_DIR":
                           str(root / "data-1")})
        os.environ.pop("KIEMCHUNG_ES_URL", None)
        sites = [LocalSite(DEMO).start() for _ in range(args.sources)]
        try:
            with LocalPrefectServer(root / "prefect-home", port=0, ui=False) as server:
                os.environ["PREFECT_API_URL"] = server.api_url
                from flows.work_pool import deploy_source_flow

                sources = root / "sources.yaml"
                write_sources(sources, [site.base_url for site in sites], args.delay)
                deployment = deploy_source_flow(POOL)
                rounds = [one_night(root, n, args.limit, sources, deployment) for n in (1, 2)]
        finally:
            for site in sites:
                site.stop()
    for result in rounds:
        print(f"{result['workers']} worker(s), --limit {args.limit}: {result['wall']:.1f} s wall, "
              f"{result['indexed']} items indexed, state {result['state']}, sources ran on "
              f"{result['ran_on']} worker(s)")
    one, two = rounds
    print(f"{args.sources}-source night: 2 workers / 1 worker wall time = "
          f"{two['wall'] / one['wall']:.2f} (speed-up {one['wall'] / two['wall']:.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
