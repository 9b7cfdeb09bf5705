"""Search quality on both stores: 30 analyst queries with judged results.

    python bench/search_eval.py [--es-url URL]

The corpus is the demo site's 15 articles (read by the crawler's extractor) and the items of
``bench/search_eval/corpus.yaml``, written for this evaluation with look-alikes that share
syllables but not words. Every item goes through the nightly job's own enrichment
(``models.enrich``: underthesea words, the classifier), then into a fresh SQLite store and,
with ``--es-url`` (default ``KIEMCHUNG_TEST_ES_URL``), a fresh Elasticsearch prefix that is
deleted afterwards. Prints precision@10 and nDCG@10 of each query on each store and whether
the two stores returned the same top 10. The judgments are in the YAML file, made by reading
the items, never from a search result.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.ids import canonical_url, doc_id_for_url  # noqa: E402
from core.records import CrawledItem, IndexedItem  # noqa: E402
from index.query import SearchQuery  # noqa: E402
from index.store import ItemStore  # noqa: E402

CORPUS_FILE = Path(__file__).with_name("search_eval") / "corpus.yaml"
DEMO_DIR = ROOT / "crawlers" / "demo_site" / "bai"
DEMO_BASE = "http://127.0.0.1:8765/bai/"
K = 10


@dataclass(frozen=True)
class JudgedQuery:
    text: str
    exact: bool
    #: Grade of every item with a grade above 0, by item id.
    grades: Mapping[str, int]


@dataclass(frozen=True)
class Outcome:
    """One query on one store: its top ``K`` ids and their scores."""

    query: JudgedQuery
    top: tuple[str, ...]
    precision: float
    ndcg: float


@dataclass(frozen=True)
class EvalCorpus:
    items: list[CrawledItem]
    queries: list[JudgedQuery]


def _load() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(CORPUS_FILE.read_text("utf-8"))
    return data


def _demo_items(topics: Mapping[str, Mapping[str, int]]) -> Iterator[tuple[CrawledItem, dict]]:
    from crawlers.extract.article import extract_article

    for page in sorted(DEMO_DIR.glob("*.html")):
        matches = [key for key in topics if page.name.startswith(key)]
        if len(matches) != 1:
            raise ValueError(f"{page.name}: judged by {len(matches)} entries of {CORPUS_FILE}")
        article = extract_article(page.read_bytes(), DEMO_BASE + page.name)
        url = canonical_url(article.canonical_url)
        yield CrawledItem(
            id=doc_id_for_url(url), url=article.url, canonical_url=url, source_id="demo",
            title=article.title, lead=article.lead, text=article.text,
            published=article.published,
        ), dict(topics[matches[0]])


def _written_items(entries: Sequence[Mapping[str, Any]]) -> Iterator[tuple[CrawledItem, dict]]:
    started = datetime(2025, 7, 1, 1, 0, tzinfo=UTC)
    number = 0
    for entry in entries:
        for place in entry.get("places") or [None]:
            key = entry["key"] if place is None else f"{entry['key']}-{place}"
            url = canonical_url(f"https://eval.example/{key.replace(' ', '-')}")
            number += 1
            social = entry.get("source_kind") == "social"
            yield CrawledItem(
                id=doc_id_for_url(url), url=url, canonical_url=url,
                source_id="mxh" if social else "bao",
                source_kind="social" if social else "news",
                title=entry["title"].replace("{place}", place or ""),
                text=entry["text"].replace("{place}", place or ""),
                published=started + timedelta(hours=7 * number),
            ), dict(entry["topics"])


def load_corpus() -> EvalCorpus:
    """The items (crawled form) and the queries with each item's grade."""
    data = _load()
    judged = [*_demo_items(data["demo"]), *_written_items(data["items"])]
    queries = []
    for entry in data["queries"]:
        wanted: dict[str, int] = entry["relevant"]
        grades = {
            item.id: grade
            for item, topics in judged
            if (grade := max((wanted.get(t, 0) for t in topics), default=0)) > 0
        }
        queries.append(JudgedQuery(str(entry["text"]), bool(entry.get("exact")), grades))
    return EvalCorpus(items=[item for item, _ in judged], queries=queries)


def enriched(items: Sequence[CrawledItem]) -> list[IndexedItem]:
    """The items as the nightly job indexes them (underthesea words, the shipped classifier)."""
    from models.enrich import enrich

    return enrich(items, flag_threshold=0.5)


def precision_at(ranked: Sequence[str], grades: Mapping[str, int], k: int = K) -> float:
    return sum(1 for item_id in ranked[:k] if grades.get(item_id, 0) > 0) / k


def ndcg_at(ranked: Sequence[str], grades: Mapping[str, int], k: int = K) -> float:
    def dcg(gains: Sequence[int]) -> float:
        return sum((2**g - 1) / math.log2(rank + 2) for rank, g in enumerate(gains[:k]))

    ideal = dcg(sorted(grades.values(), reverse=True))
    return dcg([grades.get(item_id, 0) for item_id in ranked]) / ideal if ideal else 0.0


def best_precision(grades: Mapping[str, int], k: int = K) -> float:
    """The highest precision@k any ranking can reach (fewer than k relevant items)."""
    return min(k, len(grades)) / k


def evaluate(store: ItemStore, queries: Sequence[JudgedQuery]) -> list[Outcome]:
    outcomes = []
    for query in queries:
        found = store.search(SearchQuery(text=query.text, exact=query.exact, size=K))
        top = tuple(hit.stored.id for hit in found.hits)
        outcomes.append(Outcome(query, top, precision_at(top, query.grades),
                                ndcg_at(top, query.grades)))
    return outcomes


def table(results: Mapping[str, list[Outcome]]) -> str:
    """Per-query rows and the means, one column pair per store."""
    names = list(results)
    first = results[names[0]]
    header = f"{'query':<34} {'R':>3} {'best':>5}"
    for name in names:
        header += f" {name + ' P@10':>16} {name + ' nDCG':>16}"
    header += "  same top 10" if len(names) > 1 else ""
    lines = [header, "-" * len(header)]
    for row, outcome in enumerate(first):
        query = outcome.query
        label = query.text + (" (exact)" if query.exact else "")
        line = f"{label:<34} {len(query.grades):>3} {best_precision(query.grades):>5.1f}"
        for name in names:
            other = results[name][row]
            line += f" {other.precision:>16.2f} {other.ndcg:>16.3f}"
        if len(names) > 1:
            same = all(results[n][row].top == outcome.top for n in names)
            line += f"  {'yes' if same else 'NO':>11}"
        lines.append(line)
    lines.append("-" * len(header))
    best = sum(best_precision(o.query.grades) for o in first) / len(first)
    mean = f"{'mean of ' + str(len(first)) + ' queries':<34} {'':>3} {best:>5.2f}"
    for name in names:
        outcomes = results[name]
        mean += (f" {sum(o.precision for o in outcomes) / len(outcomes):>16.2f}"
                 f" {sum(o.ndcg for o in outcomes) / len(outcomes):>16.3f}")
    if len(names) > 1:
        same_count = sum(
            all(results[n][row].top == first[row].top for n in names) for row in range(len(first))
        )
        mean += f"  {same_count:>8}/{len(first)}"
    lines.append(mean)
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--es-url", default=os.environ.get("KIEMCHUNG_TEST_ES_URL"))
    args = parser.parse_args()
    from core.settings import Settings
    from index.factory import open_store

    corpus = load_corpus()
    items = enriched(corpus.items)
    settings = {"SQLite": Settings(data_dir=Path(tempfile.mkdtemp(prefix="kiemchung-eval-")))}
    if args.es_url:
        settings["ES"] = Settings(data_dir=Path(tempfile.mkdtemp(prefix="kiemchung-eval-")),
                                  es_url=args.es_url, index_prefix=f"eval-{uuid.uuid4().hex[:8]}")
    results: dict[str, list[Outcome]] = {}
    for name, setting in settings.items():
        store = open_store(setting)
        try:
            assert store.upsert(items).ok
            store.refresh()
            results[name] = evaluate(store, corpus.queries)
        finally:
            if setting.es_url:
                client = store.client  # type: ignore[attr-defined]
                names = list(client.indices.get(index=f"{setting.index_prefix}-*"))
                client.indices.delete(index=",".join(names))
            store.close()
    print(f"{len(items)} items ({len(corpus.items)} judged), {len(corpus.queries)} queries\n")
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
