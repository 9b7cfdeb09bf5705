"""The search evaluation (bench/search_eval.py) as a test: 30 judged analyst queries on the demo
corpus and the evaluation's own items, enriched by the nightly job's code, on both stores."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.search_eval import (
    JudgedQuery,
    best_precision,
    enriched,
    evaluate,
    load_corpus,
    ndcg_at,
    precision_at,
    table,
)
from core.settings import Settings
from index.factory import open_store

#: Mean nDCG@10 each store must reach (measured 0.866 on both when this was written; the
#: syllable search the issue describes scored 0.78 with phrase-only runs, lower without words).
MIN_MEAN_NDCG = 0.85


def test_metrics_on_a_hand_worked_ranking() -> None:
    grades = {"a": 2, "b": 1, "c": 2}
    assert precision_at(["a", "x", "b"], grades) == pytest.approx(0.2)
    assert best_precision(grades) == pytest.approx(0.3)
    assert ndcg_at(["a", "c", "b"], grades) == pytest.approx(1.0)
    # DCG of (a, x, b) = 3/1 + 0 + 1/2; ideal (2, 2, 1) = 3 + 3/log2(3) + 1/2.
    ideal = 3 + 3 / 1.584962500721156 + 0.5
    assert ndcg_at(["a", "x", "b"], grades) == pytest.approx(3.5 / ideal)
    assert ndcg_at([], grades) == 0.0


def test_both_stores_agree_and_rank_well(es_url: str, es_prefix: str, tmp_path: Path) -> None:
    corpus = load_corpus()
    assert len(corpus.queries) == 30
    assert all(query.grades for query in corpus.queries)
    items = enriched(corpus.items)
    results = {}
    for name, settings in {
        "SQLite": Settings(data_dir=tmp_path / "sqlite"),
        "ES": Settings(data_dir=tmp_path / "es", es_url=es_url, index_prefix=es_prefix),
    }.items():
        store = open_store(settings)
        try:
            assert store.upsert(items).ok
            store.refresh()
            results[name] = evaluate(store, corpus.queries)
        finally:
            store.close()
    print("\n" + table(results))
    sqlite, es = results["SQLite"], results["ES"]
    for ours, theirs in zip(sqlite, es, strict=True):
        assert ours.top == theirs.top, ours.query.text
    for outcomes in (sqlite, es):
        mean = sum(o.ndcg for o in outcomes) / len(outcomes)
        assert mean >= MIN_MEAN_NDCG
    by_text = {(o.query.text, o.query.exact): o for o in sqlite}

    def only_relevant(query: JudgedQuery, top: tuple[str, ...]) -> bool:
        return all(query.grades.get(item_id, 0) > 0 for item_id in top)

    # The queries: wind power typed either way, and the new tone placement in exact
    # mode, return nothing but relevant items and every hydropower item.
    for key in (("dien gio", False), ("điện gió", False), ("thuỷ điện", True)):
        outcome = by_text[key]
        assert outcome.top and only_relevant(outcome.query, outcome.top), key
    assert by_text[("thuỷ điện", True)].precision == best_precision(
        by_text[("thuỷ điện", True)].query.grades
    )
