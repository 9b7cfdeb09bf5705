"""The hyper-parameter search of the decision, as code: grouped, stratified cross-validation on
the corpus's training split only (never its test split, the real development sets or the held-out
set).

    kiemchung train --search           # search, then train with the winner
    python -m models.search            # search only; writes models/reports/search.json

Every candidate is scored on the same folds (story groups kept whole) at the corpus's own mix,
on what reviewers feel: flag F1, macro-F1 over the seven narratives, and the share of opinion
pieces and debunks flagged. The winner is the best flag F1 + macro-F1 among candidates whose
opinion and debunk flag rates both stay within ``MAX_FALSE_FLAG_SHARE``.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final

import numpy as np
from sklearn.metrics import f1_score
from sklearn.model_selection import GridSearchCV

from core.labels import MISLEADING_LABELS, is_misleading
from models.corpus import Example
from models.decision import NarrativeDecision, grouped_folds, hard_case_weights
from models.features import TextView
from models.thresholds import HARD_CASE_WEIGHTS, MAX_FALSE_FLAG_SHARE

#: The grid: regularisation of the SVMs, weight of the dense cue block, regularisation of the
#: gate. 12 candidates x 5 folds; about 20 minutes on two shared cores.
PARAM_GRID: Final[dict[str, list[Any]]] = {
    "narrative_C": [0.3, 1.0, 3.0],
    "dense_weight": [0.1, 0.2],
    "relevance_C": [1.0, 4.0],
}
SEARCH_FOLDS: Final[int] = 5
REPORT: Final[Path] = Path(__file__).resolve().parent / "reports" / "search.json"


def _scorers(
    prevalence: float, hard_cases: dict[int, str | None]
) -> dict[str, Callable[[NarrativeDecision, Sequence[TextView], Sequence[str]], float]]:
    """Scorers over a fold's decisions. ``hard_cases`` maps ``id`` of a view to its hard case
    (scorers see only views and labels)."""

    def decided(estimator: NarrativeDecision, views: Sequence[TextView]) -> tuple[list[str],
                                                                                   list[bool]]:
        decisions = estimator.decide(views, prevalence)
        return [d.label for d in decisions], [d.flagged for d in decisions]

    def flag_f1(estimator: NarrativeDecision, views: Sequence[TextView],
                y: Sequence[str]) -> float:
        _, flags = decided(estimator, views)
        return float(f1_score([is_misleading(g) for g in y], flags, zero_division=0))

    def macro_f1(estimator: NarrativeDecision, views: Sequence[TextView],
                 y: Sequence[str]) -> float:
        labels, _ = decided(estimator, views)
        present = [label for label in MISLEADING_LABELS if label in set(y)]
        return float(f1_score(list(y), labels, labels=present, average="macro", zero_division=0))

    def false_flags(case: str) -> Callable[..., float]:
        def share(estimator: NarrativeDecision, views: Sequence[TextView],
                  y: Sequence[str]) -> float:
            _, flags = decided(estimator, views)
            rows = [i for i, (v, g) in enumerate(zip(views, y, strict=True))
                    if (g == "opinion" if case == "opinion" else hard_cases.get(id(v)) == case)]
            return float(np.mean([flags[i] for i in rows])) if rows else 0.0
        return share

    return {"flag_f1": flag_f1, "macro_f1": macro_f1,
            "opinion_flagged": false_flags("opinion"), "debunk_flagged": false_flags("debunk")}


def choose(results: dict[str, Any]) -> int:
    """Index of the winner in ``GridSearchCV.cv_results_`` (see the module docstring)."""
    ok = [
        i for i in range(len(results["params"]))
        if results["mean_test_opinion_flagged"][i] <= MAX_FALSE_FLAG_SHARE
        and results["mean_test_debunk_flagged"][i] <= MAX_FALSE_FLAG_SHARE
    ]
    pool = ok or list(range(len(results["params"])))
    return max(pool, key=lambda i: results["mean_test_flag_f1"][i]
               + results["mean_test_macro_f1"][i])


def search(
    examples: Sequence[Example],
    views: Sequence[TextView],
    *,
    log: Callable[[str], object] = print,
    grid: dict[str, list[Any]] | None = None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Run the grid on ``examples`` (training split) and return the winner's parameters and
    the table of every candidate's cross-validated means."""
    labels = [e.label for e in examples]
    groups = [e.story for e in examples]
    on_topic = [label != "irrelevant" for label in labels]
    prevalence = float(np.mean([is_misleading(label) for label, t in zip(labels, on_topic,
                                                                          strict=True) if t]))
    hard = {id(v): e.hard_case for v, e in zip(views, examples, strict=True)}
    folds = grouped_folds(labels, groups, SEARCH_FOLDS, seed=0)
    gs = GridSearchCV(
        NarrativeDecision(), grid or PARAM_GRID, scoring=_scorers(prevalence, hard),
        cv=folds, refit=False, n_jobs=1, error_score="raise",
    )
    gs.fit(list(views), labels,
           sample_weight=hard_case_weights([e.hard_case for e in examples], HARD_CASE_WEIGHTS))
    results = gs.cv_results_
    table = [
        {**results["params"][i],
         **{key: round(float(results[f"mean_test_{key}"][i]), 4)
            for key in ("flag_f1", "macro_f1", "opinion_flagged", "debunk_flagged")}}
        for i in range(len(results["params"]))
    ]
    best = choose(results)
    for i, row in enumerate(table):
        log(("* " if i == best else "  ") + ", ".join(f"{k} {v}" for k, v in row.items()))
    return dict(results["params"][best]), table


def main(argv: Sequence[str] | None = None) -> int:
    from models.analysis import TextAnalyser
    from models.corpus import CORPUS_DIR, load_corpus

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS_DIR)
    parser.add_argument("--out", type=Path, default=REPORT)
    args = parser.parse_args(argv)
    train = [e for e in load_corpus(args.corpus) if e.split == "train"]
    views = TextAnalyser(known_claims=None).transform(train)
    best, table = search(train, views)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"grid": PARAM_GRID, "folds": SEARCH_FOLDS, "best": best,
                                    "candidates": table}, indent=2) + "\n", encoding="utf-8")
    print(f"best: {best} -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
