"""Review UI latency under a flood of wrong-password sign-ins, against the same load without it.

    python bench/login_flood_bench.py [--es-url URL] [--n 20000] [--reviewers 50]
                                      [--rate 20] [--seconds 20] [--rounds 2]

Serves the app with the real command (``kiemchung review``, uvicorn, in its own process) on a
store of N synthetic items (Elasticsearch at ``--es-url``, else the embedded SQLite store),
signs in ``--reviewers`` reviewer accounts, and lets each browse as a person would: the
queue (one of its first pages), then an item from it, a pause of about ``--think`` seconds,
and again. Phases alternate, ``--rounds`` times: the reviewers alone, then the reviewers
while ``--rate`` wrong-password sign-ins a second arrive. Prints p50 and p95 of the queue
page (and of the item page) in each condition and their ratio, measured in the same run.

Two floods, each measured against its own quiet phase:

- ``one address``: a guesser at one address trying the reviewers' names (the throttle locks
  the address after 30 failures a minute and each name after 10; refusals cost no hashing);
- ``spread``: every attempt from a different address (``X-Forwarded-For``, which uvicorn
  trusts from loopback, as from a proxy) with a made-up name, so no throttle applies and
  every attempt costs a full argon2 check: the worst case for the CPU.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402

from core.settings import Settings  # noqa: E402
from dashboards.users import UserStore  # noqa: E402
from index.factory import open_store  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from review_bench import synthetic_items  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
PASSWORD = "bench-password-du-dai"
_CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')
_ROW = re.compile(r'<tr class="row" data-id="([^"]+)"')


@dataclass
class Samples:
    queue: dict[str, list[float]] = field(default_factory=dict)
    item: dict[str, list[float]] = field(default_factory=dict)
    flood: dict[str, Counter[int]] = field(default_factory=dict)
    flood_latency: dict[str, list[float]] = field(default_factory=dict)
    errors: Counter[str] = field(default_factory=Counter)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _percentiles(values: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[94] * 1000


def prepare(args: argparse.Namespace, data_dir: Path, prefix: str) -> dict[str, str]:
    """Index the items, add the accounts; return the environment of ``kiemchung review``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIEMCHUNG_")}
    env["KIEMCHUNG_DATA_DIR"] = str(data_dir)
    settings = Settings(data_dir=data_dir)
    if args.es_url:
        env |= {"KIEMCHUNG_ES_URL": args.es_url, "KIEMCHUNG_INDEX_PREFIX": prefix}
        settings = Settings(data_dir=data_dir, es_url=args.es_url, index_prefix=prefix)
    store = open_store(settings)
    started, batch = time.perf_counter(), []
    for item in synthetic_items(args.n):
        batch.append(item)
        if len(batch) == 2000:
            assert store.upsert(batch).ok
            batch.clear()
    if batch:
        assert store.upsert(batch).ok
    store.refresh()
    print(f"indexed {store.count():,} items ({'Elasticsearch' if args.es_url else 'SQLite'}) "
          f"in {time.perf_counter() - started:.1f} s", flush=True)
    store.close()
    users = UserStore.in_data_dir(data_dir)
    for n in range(args.reviewers):
        users.add(f"reviewer{n:02d}", "reviewer", PASSWORD)
    users.close()
    return env


async def sign_in(client: httpx.AsyncClient, name: str, password: str) -> int:
    page = await client.get("/login")
    token = _CSRF.search(page.text)
    assert token, page.text[:300]
    answer = await client.post("/login", data={"username": name, "password": password,
                                               "csrf_token": token.group(1)})
    return answer.status_code


async def reviewer(base: str, name: str, samples: Samples, phase: list[str],
                   stop: asyncio.Event, think: float, seed: int,
                   signed_in: asyncio.Semaphore) -> None:
    rng = random.Random(seed)
    # Each reviewer at an address of their own (as a proxy would report it), never the
    # guesser's: the throttle locking the guesser's address must not lock them out.
    office = {"X-Forwarded-For": f"10.20.{seed // 250}.{seed % 250 + 1}"}
    async with httpx.AsyncClient(base_url=base, timeout=60, headers=office) as client:
        status = 0
        for _ in range(20):  # as a person would: "busy, try again" (503) means try again
            try:
                status = await sign_in(client, name, PASSWORD)
            except httpx.HTTPError as exc:
                samples.errors[f"reviewer sign-in {type(exc).__name__}"] += 1
                status = -1
            if status not in (503, -1):
                break
            samples.errors["reviewer sign-in 503"] += status == 503
            await asyncio.sleep(rng.uniform(1, 5))
        assert status == 303, f"{name} could not sign in ({status})"
        signed_in.release()
        while not stop.is_set():
            try:
                await browse_once(client, rng, samples, phase[0])
            except httpx.HTTPError as exc:
                # Counted, not fatal: on an overloaded machine a kept-alive connection may
                # be closed by the server just as the next request goes out.
                samples.errors[f"reviewer {type(exc).__name__}"] += 1
            await asyncio.sleep(rng.uniform(0.5, 1.5) * think)


async def browse_once(client: httpx.AsyncClient, rng: random.Random, samples: Samples,
                      label: str) -> None:
    """The queue (one of its first pages), then one item from it, each timed."""
    started = time.perf_counter()
    page = await client.get("/queue", params={"page": rng.randint(1, 3)})
    took = time.perf_counter() - started
    if page.status_code != 200:
        samples.errors[f"queue {page.status_code}"] += 1
        return
    samples.queue.setdefault(label, []).append(took)
    ids = _ROW.findall(page.text)
    if ids:
        started = time.perf_counter()
        item = await client.get(f"/items/{rng.choice(ids)}")
        if item.status_code == 200:
            samples.item.setdefault(label, []).append(time.perf_counter() - started)
        else:
            samples.errors[f"item {item.status_code}"] += 1


async def flood(base: str, mode: str, rate: float, names: list[str], samples: Samples,
                label: str, seconds: float) -> None:
    """``rate`` wrong-password sign-ins a second for ``seconds``, each in its own task so a
    slow answer does not slow the flood down."""
    rng = random.Random(11)
    counts = samples.flood.setdefault(label, Counter())
    latencies = samples.flood_latency.setdefault(label, [])
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        token = _CSRF.search((await client.get("/login")).text)
        assert token

        async def attempt(n: int) -> None:
            if mode == "spread":
                name = f"doan-mo-{uuid.uuid4().hex[:8]}"
                address = f"198.18.{rng.randrange(256)}.{rng.randrange(1, 255)}"
                headers = {"X-Forwarded-For": address}
            else:
                name, headers = names[n % len(names)], {}
            started = time.perf_counter()
            try:
                answer = await client.post("/login", headers=headers, data={
                    "username": name, "password": "sai-mat-khau", "csrf_token": token.group(1)})
                counts[answer.status_code] += 1
            except httpx.HTTPError as exc:
                counts[-1] += 1
                samples.errors[f"flood {type(exc).__name__}"] += 1
            latencies.append(time.perf_counter() - started)

        tasks, began, n = [], time.perf_counter(), 0
        while time.perf_counter() - began < seconds:
            tasks.append(asyncio.create_task(attempt(n)))
            n += 1
            await asyncio.sleep(max(0.0, began + n / rate - time.perf_counter()))
        await asyncio.gather(*tasks)


async def run_load(base: str, args: argparse.Namespace) -> Samples:
    samples, phase, stop = Samples(), ["warm-up"], asyncio.Event()
    names = [f"reviewer{n:02d}" for n in range(args.reviewers)]
    signed_in = asyncio.Semaphore(0)
    browsing = [asyncio.create_task(reviewer(base, name, samples, phase, stop, args.think, n,
                                             signed_in))
                for n, name in enumerate(names)]
    for _ in names:  # everyone signed in before anything is measured
        await asyncio.wait_for(signed_in.acquire(), timeout=300)
    print(f"{len(names)} reviewers signed in", flush=True)
    await asyncio.sleep(args.seconds / 2)
    for round_ in range(args.rounds):
        for mode in ("one address", "spread"):
            phase[0] = f"quiet ({mode})"
            await asyncio.sleep(args.seconds)
            phase[0] = f"flood ({mode})"
            await flood(base, "spread" if mode == "spread" else "one", args.rate, names,
                        samples, phase[0], args.seconds)
        print(f"round {round_ + 1} of {args.rounds} done", flush=True)
    stop.set()
    await asyncio.gather(*browsing)
    return samples


def report(samples: Samples, args: argparse.Namespace) -> None:
    print(f"\n{args.reviewers} signed-in reviewers (pause ~{args.think} s), "
          f"{args.rate:g} wrong-password sign-ins/s in the flood phases, "
          f"{args.rounds} x {args.seconds:g} s per phase; ms")
    print(f"{'condition':<22} {'queue p50':>9} {'queue p95':>9} {'n':>5}   "
          f"{'item p50':>8} {'item p95':>8}   flood answers")
    for mode in ("one address", "spread"):
        rows = {}
        for kind in ("quiet", "flood"):
            label = f"{kind} ({mode})"
            q50, q95 = _percentiles(samples.queue[label])
            i50, i95 = _percentiles(samples.item[label])
            rows[kind] = (q50, q95)
            answers = ", ".join(f"{status}: {count}" for status, count
                                in sorted(samples.flood.get(label, Counter()).items()))
            print(f"{label:<22} {q50:>9.1f} {q95:>9.1f} {len(samples.queue[label]):>5}   "
                  f"{i50:>8.1f} {i95:>8.1f}   {answers}")
        print(f"{'  ratio flood/quiet':<22} {rows['flood'][0] / rows['quiet'][0]:>9.2f} "
              f"{rows['flood'][1] / rows['quiet'][1]:>9.2f}")
    for label, values in samples.flood_latency.items():
        p50, p95 = _percentiles(values)
        print(f"sign-in answers during {label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    if samples.errors:
        print(f"errors: {dict(samples.errors)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--es-url", default=os.environ.get("KIEMCHUNG_TEST_ES_URL"),
                        help="Elasticsearch node (default KIEMCHUNG_TEST_ES_URL; none: SQLite)")
    parser.add_argument("--sqlite", action="store_true", help="the embedded store even so")
    parser.add_argument("--n", type=int, default=20_000, help="items (default 20000)")
    parser.add_argument("--reviewers", type=int, default=50)
    parser.add_argument("--rate", type=float, default=20.0, help="wrong sign-ins per second")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each phase")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between pages")
    args = parser.parse_args()
    if args.sqlite:
        args.es_url = None
    data_dir = Path(tempfile.mkdtemp(prefix="kiemchung-flood-"))
    prefix = f"bench-{uuid.uuid4().hex[:8]}"
    env = prepare(args, data_dir, prefix)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "review", "--port", str(port)], cwd=REPO, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/login", timeout=2).raise_for_status()
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("kiemchung review did not start") from None
                time.sleep(0.3)
        samples = asyncio.run(run_load(base, args))
        report(samples, args)
    finally:
        server.terminate()
        server.wait(timeout=30)
        if args.es_url:
            from elasticsearch import Elasticsearch

            client = Elasticsearch(args.es_url)
            names = list(client.indices.get(index=f"{prefix}-*", allow_no_indices=True))
            if names:
                client.indices.delete(index=",".join(names))
            client.close()
        shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
