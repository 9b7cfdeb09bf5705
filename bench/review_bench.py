"""Latency of the review UI on a large Elasticsearch index, and the cost of indexing it.

    python bench/review_bench.py [--n 1000000] [--requests 200] [--es-url URL] [--keep]

Indexes N synthetic items (segmented words, labels, sources, provinces, dates over a year)
under a fresh index prefix of the Elasticsearch node at ``--es-url`` (default
``KIEMCHUNG_TEST_ES_URL`` or ``KIEMCHUNG_ES_URL``) through ``ElasticStore.upsert``, and the same
items, as the very documents the store builds, with a plain ``helpers.bulk`` into an index of
the same schema: rounds of ``--round`` items alternate between the two, so both indices grow
alike and both meet the same load on a shared machine. Each round reaches the store in one
``upsert`` call, as a spooled batch does (``index.spool``; ``--per-call`` cuts it smaller). The
document building (search streams included) is timed on the store's side only; the baseline
gets its documents ready-made.

Then serves the app with uvicorn on 127.0.0.1 and times real HTTP requests of a signed-in
reviewer: p50 and p95 of the queue page, an item page and a filtered search, next to the same
queries sent straight to the store (no HTTP, no rendering); once on the index as loaded (dozens
of segments), and again after ``ElasticStore.compact`` (``kiemchung index compact``, what a
backfill or a migration ends with; ``--no-compact`` skips it). The prefix is deleted afterwards
unless ``--keep``. Results are in bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402
import uvicorn  # noqa: E402
from elasticsearch import helpers  # noqa: E402

from core.ids import doc_id_for_url  # noqa: E402
from core.labels import LABELS, is_misleading  # noqa: E402
from core.records import Classification, CrawledItem, Enrichment, IndexedItem  # noqa: E402
from core.settings import Settings  # noqa: E402
from dashboards.analyst_pages import FACET_SIZE, FACETS  # noqa: E402
from dashboards.app import create_app  # noqa: E402
from dashboards.users import UserStore  # noqa: E402
from index.documents import to_document  # noqa: E402
from index.es_schema import load_schema  # noqa: E402
from index.factory import open_store  # noqa: E402
from index.query import SearchQuery  # noqa: E402
from index.search_text import fold  # noqa: E402

SOURCES = [f"nguon-{n:02d}" for n in range(40)]
PROVINCES = ["Hà Nội", "Huế", "Quảng Nam", "Nghệ An", "Đà Nẵng", "Cần Thơ", "Lào Cai", "Sơn La"]
#: Words as underthesea cuts them: a few domain words, names and the small words around them.
WORDS = (
    "thủy điện", "xả lũ", "vỡ", "đập", "ô nhiễm", "không khí", "bụi mịn", "điện gió",
    "điện mặt trời", "xe điện", "rác thải", "nhựa", "tín chỉ", "carbon", "phóng xạ", "hạt nhân",
    "Ninh Thuận", "nước sạch", "sông", "Mekong", "bão", "lũ", "sạt lở", "động đất", "nắng nóng",
    "biến đổi", "khí hậu", "người dân", "cho biết", "theo", "đã", "sẽ", "không", "giờ",
    "tiền điện", "cao điểm", "tỉnh", "thông tin", "chính quyền", "sáng nay", "và", "của",
)
PASSWORD = "bench-password"
#: What the analyst search page counts beside its hits.
FACET_NAMES = tuple(by for _, by in FACETS)


NOT_MISLEADING = [label for label in LABELS if not is_misleading(label)]
MISLEADING = [label for label in LABELS if is_misleading(label)]


def synthetic_items(
    n: int, seed: int = 7, first: int = 0, misleading_share: float = 0.05
) -> Iterator[IndexedItem]:
    """Items ``first`` to ``first + n - 1`` of one reproducible sequence. A share
    ``misleading_share`` of them has a misleading label (about half of those flagged); scores
    are continuous, as calibrated probabilities are."""
    for i in range(first, first + n):
        rng = random.Random(seed * 1_000_003 + i)
        label = rng.choice(MISLEADING if rng.random() < misleading_share else NOT_MISLEADING)
        score = rng.random()
        url = f"https://bench.example/{i}"
        body = [rng.choice(WORDS) for _ in range(rng.randint(40, 160))]
        title = rng.sample(WORDS, 8)
        text = " ".join(body)
        yield IndexedItem(
            item=CrawledItem(
                id=doc_id_for_url(url), url=url, canonical_url=url,
                source_id=rng.choice(SOURCES), title=" ".join(title).capitalize(),
                text=text, published=datetime(2025, 11, 1, tzinfo=UTC)
                + timedelta(minutes=rng.randint(0, 365 * 24 * 60)),
            ),
            enrichment=Enrichment(
                provinces=rng.sample(PROVINCES, rng.randint(0, 2)),
                claim_sentences=[text[:80]],
                title_words=" ".join(w.replace(" ", "_") for w in title),
                body_words=" ".join(w.replace(" ", "_") for w in body),
            ),
            classification=Classification(
                label=label, flagged=is_misleading(label) and score >= 0.5, score=score,
                relevant=label != "irrelevant", reasons=["bench"], model_version="bench-1",
            ),
        )


def percentiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[94] * 1000


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    fn()  # warm-up
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return samples


def _through_store(store, batch: list[IndexedItem], chunk: int) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    for start in range(0, len(batch), chunk):
        assert store.upsert(batch[start : start + chunk]).ok
    return time.perf_counter() - started


def _plain_bulk(client, actions: list[dict]) -> float:  # type: ignore[no-untyped-def,type-arg]
    started = time.perf_counter()
    helpers.bulk(client, actions, chunk_size=500)
    return time.perf_counter() - started


def index_both(  # type: ignore[no-untyped-def]
    store, n: int, round_size: int, chunk: int, share: float
) -> tuple[float, float, float]:
    """Index N items through the store and, alternately, the same documents with a plain
    ``helpers.bulk`` into an index of the same schema. Returns (store s, plain bulk s, and the
    seconds ``to_document`` took to build the plain bulk's documents)."""
    client = store.client
    baseline = f"{store.names.prefix}-baseline"
    schema = load_schema("items")
    client.indices.create(index=baseline, settings=schema["settings"], mappings=schema["mappings"])
    ours = plain = build = 0.0
    for number, first in enumerate(range(0, n, round_size)):
        batch = list(synthetic_items(min(round_size, n - first), first=first,
                                     misleading_share=share))
        started = time.perf_counter()
        docs = [to_document(item) for item in batch]
        build += time.perf_counter() - started
        actions = [{"_index": baseline, "_id": d["id"], "_source": d} for d in docs]

        if number % 2 == 0:
            ours += _through_store(store, batch, chunk)
            plain += _plain_bulk(client, actions)
        else:
            plain += _plain_bulk(client, actions)
            ours += _through_store(store, batch, chunk)
        done = first + len(batch)
        print(f"  {done:>9,} items: store {done / ours:,.0f}/s, plain bulk {done / plain:,.0f}/s",
              flush=True)
    store.refresh()
    client.indices.refresh(index=baseline)
    assert client.count(index=baseline)["count"] == n
    client.indices.delete(index=baseline)
    return ours, plain, build


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="items to index (default 100000)")
    parser.add_argument("--round", type=int, default=20_000, help="items per alternation round")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument("--misleading-share", type=float, default=0.05,
                        help="share of items with a misleading label (default 0.05: a night is "
                             "mostly ordinary news; 0.7 is the stress case of a queue of 350,000)")
    parser.add_argument("--es-url", default=os.environ.get("KIEMCHUNG_TEST_ES_URL")
                        or os.environ.get("KIEMCHUNG_ES_URL"))
    parser.add_argument("--per-call", type=int, default=0,
                        help="items per ElasticStore.upsert call (default: the whole round, as "
                             "the spool hands the store a whole batch)")
    parser.add_argument("--keep", action="store_true", help="keep the bench index")
    parser.add_argument("--no-compact", action="store_true",
                        help="time the pages on the index as loaded only, not again after "
                             "`kiemchung index compact`")
    parser.add_argument("--pages-only", metavar="PREFIX",
                        help="skip indexing: time the pages on the items a previous run left "
                             "under PREFIX (kept, never deleted)")
    args = parser.parse_args()
    if not args.es_url:
        print("review_bench: give --es-url or set KIEMCHUNG_TEST_ES_URL", file=sys.stderr)
        return 2
    data_dir = Path(tempfile.mkdtemp(prefix="kiemchung-bench-"))
    prefix = args.pages_only or f"bench-{uuid.uuid4().hex[:8]}"
    # No secret key given: the app makes one in the data directory, as in production.
    settings = Settings(data_dir=data_dir, es_url=args.es_url, index_prefix=prefix)
    store = open_store(settings)
    if args.pages_only:
        print(f"timing pages on {store.count():,} items already under {prefix} "
              f"({_segments(store)} segments)")
        run_pages(store, settings, data_dir, args.requests)
        store.close()
        return 0
    try:
        ours, plain, build = index_both(store, args.n, args.round,
                                        chunk=args.per_call or args.round,
                                        share=args.misleading_share)
        print(f"indexed {store.count():,} items: ElasticStore.upsert {args.n / ours:,.0f} items/s"
              f" ({ours:.0f} s), plain helpers.bulk {args.n / plain:,.0f} items/s ({plain:.0f} s),"
              f" ratio {plain / ours:.2f}")
        print(f"building the documents (to_document, search streams) took {build:.0f} s; plain "
              f"bulk with that building {args.n / (plain + build):,.0f} items/s, ratio "
              f"{(plain + build) / ours:.2f}")
        print(f"pages on the index as loaded ({_segments(store)} segments):")
        run_pages(store, settings, data_dir, args.requests)
        if not args.no_compact:
            started = time.perf_counter()
            report = store.compact()
            print(f"kiemchung index compact: {report.segments_before} segments → "
                  f"{report.segments_after} in {time.perf_counter() - started:.0f} s")
            print("pages on the compacted index (what a backfill or migration leaves):")
            run_pages(store, settings, data_dir, args.requests)
    finally:
        if not args.keep:
            names = list(store.client.indices.get(index=f"{prefix}-*"))  # type: ignore[attr-defined]
            if names:
                store.client.indices.delete(index=",".join(names))  # type: ignore[attr-defined]
        store.close()
    return 0


def _segments(store) -> int:  # type: ignore[no-untyped-def]
    from index.es_migration import live_index
    from index.es_segments import segment_count

    return segment_count(store.client, live_index(store.client, store.names.items_alias))


def _typed(rng: random.Random) -> str:
    """One to three of the words, as an analyst types them: half the time without accents."""
    text = " ".join(rng.sample(WORDS, rng.randint(1, 3)))
    return fold(text.lower()) if rng.random() < 0.5 else text


def run_pages(store, settings: Settings, data_dir: Path, repeat: int) -> None:  # type: ignore[no-untyped-def]
    users = UserStore.in_data_dir(data_dir)
    if users.get("bench") is None:
        users.add("bench", "admin", PASSWORD)
    app = create_app(settings, store=store, users=users)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    client = httpx.Client(base_url=base)
    login = client.get("/login").text
    token = login.split('name="csrf-token" content="')[1].split('"')[0]
    client.post("/login", data={"username": "bench", "password": PASSWORD, "csrf_token": token})
    item_ids = [h.stored.id for h in store.search(SearchQuery(flagged=True, size=50)).hits]
    picks = iter(item_ids * (repeat // len(item_ids) + 2))
    search_params = {"q": "thuy dien", "label": "disaster_hoax", "source": "nguon-03",
                     "date_from": "2026-01-01", "date_to": "2026-06-30"}
    search_query = SearchQuery(
        text="thuy dien", labels=("disaster_hoax",), sources=("nguon-03",),
        date_from=datetime(2026, 1, 1, tzinfo=UTC), date_to=datetime(2026, 6, 30, tzinfo=UTC),
        size=25,
    )
    # Every request a different search, as an analyst's are: the node's caches cannot answer
    # a repeat. Folded and accented queries of one to three words, a label, a source, a range.
    rng = random.Random(11)
    varied = iter([
        {"q": _typed(rng), "label": rng.choice(MISLEADING),
         "source": rng.choice(SOURCES), "date_from": f"2026-0{rng.randint(1, 3)}-01",
         "date_to": f"2026-0{rng.randint(4, 9)}-28"}
        for _ in range(repeat + 1)
    ])
    varied_store = iter([
        SearchQuery(text=_typed(rng),
                    labels=(rng.choice(MISLEADING),), sources=(rng.choice(SOURCES),),
                    date_from=datetime(2026, rng.randint(1, 3), 1, tzinfo=UTC),
                    date_to=datetime(2026, rng.randint(4, 9), 28, tzinfo=UTC), size=25)
        for _ in range(repeat + 1)
    ])
    cases = {
        "queue page": (
            lambda: client.get("/queue").raise_for_status(),
            lambda: store.search(SearchQuery(flagged=True, review_status="unreviewed",
                                             sort="score", size=25), facets=("source",)),
        ),
        "item page": (
            lambda: client.get(f"/items/{next(picks)}").raise_for_status(),
            lambda: store.get(item_ids[0]),
        ),
        "filtered search": (
            lambda: client.get("/search", params=search_params).raise_for_status(),
            lambda: store.search(search_query, facets=FACET_NAMES, facet_size=FACET_SIZE),
        ),
        "varied search": (
            lambda: client.get("/search", params=next(varied)).raise_for_status(),
            lambda: store.search(next(varied_store), facets=FACET_NAMES, facet_size=FACET_SIZE),
        ),
    }
    print(f"{'page':<16} {'p50 ms':>8} {'p95 ms':>8}   {'store p50':>9} {'store p95':>9}   "
          f"{'ratio p50':>9}")
    for name, (page, baseline) in cases.items():
        page_p50, page_p95 = percentiles(timed(page, repeat))
        base_p50, base_p95 = percentiles(timed(baseline, repeat))
        print(f"{name:<16} {page_p50:>8.1f} {page_p95:>8.1f}   {base_p50:>9.1f} {base_p95:>9.1f}"
              f"   {page_p50 / base_p50:>9.2f}")
    client.close()
    server.should_exit = True
    thread.join(timeout=10)
    users.close()


if __name__ == "__main__":
    sys.exit(main())
