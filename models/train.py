"""Training the relevance gate and the narrative classifier, tuned on dev, never on test."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

import models
from core.labels import is_misleading
from models.artefacts import Artefacts
from models.corpus import Example, corpus_digest
from models.features import TextView, analyse_texts, fit_vectorizers, item_text, transform
from models.metrics import compute_metrics
from models.predict import Scores, decide
from models.thresholds import (
    FLAG_THRESHOLD,
    NARRATIVE_C_GRID,
    RELEVANCE_C,
    RELEVANCE_THRESHOLD,
)

MODEL_NAME = "kiemchung-narrative"


@dataclass
class Fitted:
    """Models fitted on one set of examples."""

    vectorizers: dict[str, TfidfVectorizer]
    relevance: LogisticRegression
    narrative: CalibratedClassifierCV


def _calibration_folds(labels: Sequence[str]) -> int:
    # Sigmoid calibration needs every class in every fold; five folds when the data allows.
    smallest = min(Counter(labels).values())
    return max(2, min(5, smallest))


def fit(examples: Sequence[Example], views: Sequence[TextView], c: float) -> Fitted:
    """Fit vectorizers, gate and narrative model on ``examples`` (views in the same order)."""
    vectorizers = fit_vectorizers(views)
    features = transform(vectorizers, views)
    on_topic = np.asarray([e.label != "irrelevant" for e in examples], dtype=int)
    relevance = LogisticRegression(C=RELEVANCE_C, class_weight="balanced", max_iter=3000)
    relevance.fit(features, on_topic)
    rows = np.flatnonzero(on_topic)
    labels = [examples[int(i)].label for i in rows]
    narrative = CalibratedClassifierCV(
        LinearSVC(C=c, class_weight="balanced", random_state=0, max_iter=5000),
        method="sigmoid",
        cv=_calibration_folds(labels),
        ensemble=False,
    )
    narrative.fit(features[rows], labels)
    return Fitted(vectorizers, relevance, narrative)


def predict_fitted(
    fitted: Fitted, views: Sequence[TextView], flag_threshold: float = FLAG_THRESHOLD
) -> tuple[list[str], list[bool]]:
    """Labels and flags of ``views`` under ``fitted`` models (no known claims, no reasons)."""
    if not views:
        return [], []
    features: sp.csr_matrix = transform(fitted.vectorizers, views)
    relevance = fitted.relevance.predict_proba(features)[:, 1]
    narrative = fitted.narrative.predict_proba(features)
    scores = Scores(relevance, narrative, tuple(str(c) for c in fitted.narrative.classes_))
    labels: list[str] = []
    flags: list[bool] = []
    for row in range(len(views)):
        label, score, _ = decide(scores, row, RELEVANCE_THRESHOLD)
        labels.append(label)
        flags.append(is_misleading(label) and score >= flag_threshold)
    return labels, flags


def evaluate_fitted(
    fitted: Fitted, examples: Sequence[Example], views: Sequence[TextView]
) -> dict[str, Any]:
    labels, flags = predict_fitted(fitted, views)
    return compute_metrics(
        [e.label for e in examples], labels, flags, [e.hard_case for e in examples]
    )


def _dev_objective(metrics: dict[str, Any]) -> float:
    # Flag F1 and narrative macro-F1 weigh equally; flagging opinion or debunks costs extra,
    # because those false positives are what reviewers lose trust over.
    penalty = (metrics["opinion_flagged_share"] or 0.0) + (metrics["debunk_flagged_share"] or 0.0)
    return float(metrics["flag_f1"] + metrics["macro_f1_misleading"] - penalty)


@dataclass
class TrainingResult:
    artefacts: Artefacts
    dev_metrics: dict[str, Any]
    test_metrics: dict[str, Any]
    tuning: list[dict[str, float]]


def train(examples: Sequence[Example], *, log: Any = print) -> TrainingResult:
    """Tune C on dev, refit on train+dev, measure once on test, return the artefacts."""
    views = analyse_texts([item_text(e.text, e.title) for e in examples])
    split = [e.split for e in examples]
    pick = {s: [i for i, name in enumerate(split) if name == s] for s in ("train", "dev", "test")}
    log(f"examples: train {len(pick['train'])}, dev {len(pick['dev'])}, test {len(pick['test'])}")

    def subset(name: str) -> tuple[list[Example], list[TextView]]:
        return [examples[i] for i in pick[name]], [views[i] for i in pick[name]]

    train_ex, train_views = subset("train")
    dev_ex, dev_views = subset("dev")
    test_ex, test_views = subset("test")

    tuning: list[dict[str, float]] = []
    best_c, best_value, best_dev = NARRATIVE_C_GRID[0], -1.0, {}
    for c in NARRATIVE_C_GRID:
        fitted = fit(train_ex, train_views, c)
        dev_metrics = evaluate_fitted(fitted, dev_ex, dev_views)
        value = _dev_objective(dev_metrics)
        tuning.append({"C": c, "dev_objective": round(value, 4),
                       "dev_flag_f1": dev_metrics["flag_f1"],
                       "dev_macro_f1": dev_metrics["macro_f1_misleading"]})
        log(f"C={c}: dev flag F1 {dev_metrics['flag_f1']:.3f}, "
            f"macro-F1 {dev_metrics['macro_f1_misleading']:.3f}")
        if value > best_value:
            best_c, best_value, best_dev = c, value, dev_metrics

    final_ex, final_views = train_ex + dev_ex, train_views + dev_views
    final = fit(final_ex, final_views, best_c)
    test_metrics = evaluate_fitted(final, test_ex, test_views)

    digest = corpus_digest(final_ex)
    metadata: dict[str, Any] = {
        "name": MODEL_NAME,
        "version": f"{MODEL_NAME}-{models.__version__}+{digest}",
        "sklearn_version": sklearn.__version__,
        "narrative_C": best_c,
        "relevance_C": RELEVANCE_C,
        "relevance_threshold": RELEVANCE_THRESHOLD,
        "flag_threshold_default": FLAG_THRESHOLD,
        "train_examples": len(final_ex),
        "test_examples": len(test_ex),
        "label_counts": dict(sorted(Counter(e.label for e in examples).items())),
        "style_counts": dict(sorted(Counter(e.style or "?" for e in examples).items())),
        "hard_case_counts": dict(
            sorted(Counter(e.hard_case or "none" for e in examples).items())
        ),
        "provisional": any(e.id.startswith("fx-") for e in examples)
        or min(Counter(e.label for e in examples).values()) < 120,
        "data_digest": digest,
    }
    artefacts = Artefacts(final.vectorizers, final.relevance, final.narrative, metadata)
    return TrainingResult(artefacts, best_dev, test_metrics, tuning)


def write_metrics(result: TrainingResult, directory: Path) -> Path:
    """``metrics.json`` beside the artefacts: dev numbers used for tuning, test numbers not."""
    import json

    path = directory / "metrics.json"
    payload = {
        "version": result.artefacts.version,
        "tuning": result.tuning,
        "dev": result.dev_metrics,
        "test": result.test_metrics,
    }
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
