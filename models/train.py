"""Training the relevance gate and the narrative classifier, tuned on train + dev, never on test."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

import models
from core.labels import is_misleading
from models.artefacts import Artefacts
from models.corpus import Example, corpus_digest
from models.features import (
    DENSE_WEIGHT,
    TextView,
    analyse_texts,
    fit_vectorizers,
    item_text,
    transform,
)
from models.metrics import compute_metrics, heldout_extras
from models.predict import Scores, decide, lexicon_counts
from models.thresholds import (
    FLAG_THRESHOLD,
    HARD_CASE_WEIGHTS,
    MAX_FALSE_FLAG_SHARE,
    MISLEADING_ODDS_GRID,
    NARRATIVE_C,
    RELEVANCE_C,
    RELEVANCE_THRESHOLD,
)

MODEL_NAME = "kiemchung-narrative"
#: Folds of the cross-validation that picks the misleading odds on train + dev.
CV_FOLDS = 5


@dataclass
class Fitted:
    """Models fitted on one set of examples."""

    vectorizers: dict[str, TfidfVectorizer]
    relevance: LogisticRegression
    narrative: CalibratedClassifierCV
    misleading: CalibratedClassifierCV


def _calibration_folds(labels: Sequence[object]) -> int:
    # Sigmoid calibration needs every class in every fold; five folds when the data allows.
    smallest = min(Counter(labels).values())
    return max(2, min(5, smallest))


def _calibrated_svm(labels: Sequence[object]) -> CalibratedClassifierCV:
    return CalibratedClassifierCV(
        LinearSVC(C=NARRATIVE_C, class_weight="balanced", random_state=0, max_iter=5000),
        method="sigmoid",
        cv=_calibration_folds(labels),
        ensemble=False,
    )


def _weight(example: Example) -> float:
    return HARD_CASE_WEIGHTS.get(example.hard_case or "", 1.0)


def fit(examples: Sequence[Example], views: Sequence[TextView]) -> Fitted:
    """Fit vectorizers, gate, narrative model and misleading-or-not model on ``examples``."""
    vectorizers = fit_vectorizers(views)
    features = transform(vectorizers, views)
    on_topic = np.asarray([e.label != "irrelevant" for e in examples], dtype=int)
    relevance = LogisticRegression(C=RELEVANCE_C, class_weight="balanced", max_iter=3000)
    relevance.fit(features, on_topic)
    rows = np.flatnonzero(on_topic)
    relevant = [examples[int(i)] for i in rows]
    weights = np.asarray([_weight(e) for e in relevant])
    labels = [e.label for e in relevant]
    narrative = _calibrated_svm(labels)
    narrative.fit(features[rows], labels, sample_weight=weights)
    flags = [int(is_misleading(label)) for label in labels]
    misleading = _calibrated_svm(flags)
    misleading.fit(features[rows], flags, sample_weight=weights)
    for linear in (relevance, *(c.calibrated_classifiers_[0].estimator
                                for c in (narrative, misleading))):
        # Single precision halves the artefact; the features are float32 already.
        linear.coef_ = linear.coef_.astype(np.float32)
    return Fitted(vectorizers, relevance, narrative, misleading)


def scores_of(fitted: Fitted, views: Sequence[TextView]) -> Scores:
    features = transform(fitted.vectorizers, views)
    topic_terms, words = lexicon_counts(views)
    return Scores(
        relevance=fitted.relevance.predict_proba(features)[:, 1],
        narrative=fitted.narrative.predict_proba(features),
        labels=tuple(str(c) for c in fitted.narrative.classes_),
        misleading=fitted.misleading.predict_proba(features)[:, 1],
        features=features,
        topic_terms=topic_terms,
        words=words,
    )


def decisions(
    scores: Scores, odds: float, flag_threshold: float = FLAG_THRESHOLD
) -> tuple[list[str], list[bool]]:
    """Labels and flags for every row of ``scores``."""
    labels: list[str] = []
    flags: list[bool] = []
    for row in range(len(scores.relevance)):
        label, score, _ = decide(scores, row, RELEVANCE_THRESHOLD, odds)
        labels.append(label)
        flags.append(is_misleading(label) and score >= flag_threshold)
    return labels, flags


def _metrics(examples: Sequence[Example], labels: list[str], flags: list[bool]) -> dict[str, Any]:
    return compute_metrics(
        [e.label for e in examples], labels, flags, [e.hard_case for e in examples]
    )


def choose_odds(
    examples: Sequence[Example], views: Sequence[TextView], log: Callable[[str], object]
) -> tuple[float, list[dict[str, Any]]]:
    """Pick the misleading odds by cross-validation (deterministic folds) on these examples."""
    gold = np.asarray([e.label for e in examples])
    smallest = min(Counter(gold.tolist()).values())
    folds = StratifiedKFold(n_splits=max(2, min(CV_FOLDS, smallest)), shuffle=True, random_state=0)
    fold_scores: list[tuple[np.ndarray, Scores]] = []
    for train_rows, held_rows in folds.split(np.zeros(len(gold)), gold):
        fitted = fit([examples[i] for i in train_rows], [views[i] for i in train_rows])
        fold_scores.append((held_rows, scores_of(fitted, [views[i] for i in held_rows])))
    table: list[dict[str, Any]] = []
    chosen: float | None = None
    fallback: tuple[float, float] = (2.0, MISLEADING_ODDS_GRID[-1])  # (worse rate, odds)
    for odds in MISLEADING_ODDS_GRID:
        labels: list[str] = [""] * len(examples)
        flags: list[bool] = [False] * len(examples)
        for held_rows, scores in fold_scores:
            fold_labels, fold_flags = decisions(scores, odds)
            for i, label, flag in zip(held_rows, fold_labels, fold_flags, strict=True):
                labels[i], flags[i] = label, flag
        metrics = _metrics(examples, labels, flags)
        row = {
            "odds": odds,
            **{k: metrics[k] for k in ("flag_f1", "macro_f1_misleading",
                                       "opinion_flagged_share", "debunk_flagged_share")},
        }
        table.append(row)
        log(f"cv odds={odds}: " + ", ".join(f"{k} {v}" for k, v in row.items() if k != "odds"))
        worst = max(metrics["opinion_flagged_share"] or 0.0, metrics["debunk_flagged_share"] or 0.0)
        if chosen is None and worst <= MAX_FALSE_FLAG_SHARE:
            chosen = odds
        if worst < fallback[0]:
            fallback = (worst, odds)
    return (chosen if chosen is not None else fallback[1]), table


def _model_digest(fitted: Fitted, odds: float) -> str:
    """A short hash of the fitted parameters: the same data and code give the same version,
    and any change of features, settings or code that changes the model changes it."""
    digest = hashlib.sha256(f"odds={odds}".encode())
    for name in ("word", "char"):
        vocabulary = fitted.vectorizers[name].vocabulary_
        digest.update("\n".join(sorted(vocabulary)).encode())
    for linear in (fitted.relevance, *(c.calibrated_classifiers_[0].estimator
                                       for c in (fitted.narrative, fitted.misleading))):
        digest.update(np.ascontiguousarray(linear.coef_).tobytes())
        digest.update(np.ascontiguousarray(linear.intercept_).tobytes())
    return digest.hexdigest()[:8]


@dataclass
class TrainingResult:
    artefacts: Artefacts
    cv_metrics: list[dict[str, Any]]
    test_metrics: dict[str, Any]
    #: The held-out challenge set, measured after every choice was made (reporting only).
    challenge_metrics: dict[str, Any] | None = None


def _challenge_examples() -> list[Example]:
    from models.evaluate import load_challenge  # evaluate imports predict; keep train light

    return load_challenge()


def train(
    examples: Sequence[Example],
    *,
    log: Callable[[str], object] = print,
    challenge: Sequence[Example] | None = None,
) -> TrainingResult:
    """Choose the odds by CV on train + dev, fit on train + dev, measure once on test, and once
    on the held-out challenge set (``challenge``, default its shipped file; nothing about it
    reaches a choice: it is scored after the final model is fixed, like the test split)."""
    views = analyse_texts([item_text(e.text, e.title) for e in examples])
    fit_rows = [i for i, e in enumerate(examples) if e.split != "test"]
    test_rows = [i for i, e in enumerate(examples) if e.split == "test"]
    log(f"examples: train+dev {len(fit_rows)}, test {len(test_rows)}")
    fit_ex, fit_views = [examples[i] for i in fit_rows], [views[i] for i in fit_rows]
    test_ex, test_views = [examples[i] for i in test_rows], [views[i] for i in test_rows]

    odds, table = choose_odds(fit_ex, fit_views, log)
    log(f"chosen misleading odds: {odds}")
    final = fit(fit_ex, fit_views)
    test_metrics: dict[str, Any] = {}
    if test_ex:
        labels, flags = decisions(scores_of(final, test_views), odds)
        test_metrics = _metrics(test_ex, labels, flags)
    held = list(challenge) if challenge is not None else _challenge_examples()
    challenge_metrics: dict[str, Any] | None = None
    if held:
        held_views = analyse_texts([item_text(e.text, e.title) for e in held])
        labels, flags = decisions(scores_of(final, held_views), odds)
        challenge_metrics = _metrics(held, labels, flags)
        challenge_metrics["heldout"] = heldout_extras(
            [e.label for e in held], labels, flags, [e.hard_case for e in held],
            [e.style for e in held],
        )

    digest = corpus_digest(fit_ex)
    model = _model_digest(final, odds)
    counts = Counter(e.label for e in examples)
    metadata: dict[str, Any] = {
        "name": MODEL_NAME,
        "version": f"{MODEL_NAME}-{models.__version__}+{digest}.{model}",
        "sklearn_version": sklearn.__version__,
        "narrative_C": NARRATIVE_C,
        "dense_weight": DENSE_WEIGHT,
        "relevance_C": RELEVANCE_C,
        "relevance_threshold": RELEVANCE_THRESHOLD,
        "misleading_odds": odds,
        "hard_case_weights": HARD_CASE_WEIGHTS,
        "flag_threshold_default": FLAG_THRESHOLD,
        "train_examples": len(fit_ex),
        "test_examples": len(test_ex),
        "label_counts": dict(sorted(counts.items())),
        "style_counts": dict(sorted(Counter(e.style or "?" for e in examples).items())),
        "hard_case_counts": dict(
            sorted(Counter(e.hard_case or "none" for e in examples).items())
        ),
        "provisional": any(e.id.startswith("fx-") for e in examples) or min(counts.values()) < 120
        or len(counts) < 10,
        "data_digest": digest,
        "model_digest": model,
    }
    artefacts = Artefacts(
        final.vectorizers, final.relevance, final.narrative, final.misleading, metadata
    )
    return TrainingResult(artefacts, table, test_metrics, challenge_metrics)


def write_metrics(result: TrainingResult, directory: Path) -> Path:
    """``metrics.json`` beside the artefacts: CV numbers used for tuning, test and held-out
    challenge numbers not."""
    path = directory / "metrics.json"
    payload: dict[str, Any] = {
        "version": result.artefacts.version,
        "cross_validation_train_dev": result.cv_metrics,
        "test": result.test_metrics,
    }
    if result.challenge_metrics is not None:
        payload["challenge_heldout_never_trained_or_tuned_on"] = result.challenge_metrics
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
