"""The classifier's decision as one scikit-learn estimator: analysed texts in, labels, calibrated
scores and flags out.

``NarrativeDecision`` keeps the scikit-learn contract (``__init__`` stores parameters, fitted
attributes end in ``_``, ``fit`` returns ``self``, ``get_params``/``set_params`` and ``clone``
work), so a hyper-parameter search (``models/search.py``) and a ``Pipeline`` behind
``models.analysis.TextAnalyser`` can use it like any classifier. Its input is a list of
``models.features.TextView`` (what the spaCy pipeline found in each text, with its source kind
and known-claim matches).

How it decides, top-down, for each item:

1. **Off topic**: P(on topic) from the relevance gate under ``relevance_threshold``, or a long
   text without one domain term: ``irrelevant``.
2. **Evidence from the text**: two linear models (``text_model``: LinearSVC, logistic regression
   or SGD with hinge loss) with grouped, out-of-fold sigmoid calibration
   (misleading or not; which of the nine on-topic labels) give P(misleading | text); its log-odds
   go through ``calibration_`` (a slope and intercept fitted on held-out data: the corpus folds,
   or the real development sets through ``calibrate``) and are moved from the calibration data's
   base rate to the base rate of the item's source kind (Bayes' rule on the odds): a news
   outlet's article needs far stronger wording than an anonymous post to reach the same score.
3. **A known false claim repeated nearly word for word** (similarity at least
   ``STRONG_THRESHOLD``) by an item that does not itself refute it is misleading with at least
   ``STRONG_MATCH_PROBABILITY``; a debunk quoting the claim is left to the model.
4. **Flag**: when that probability reaches ``flag_threshold`` the label is the most probable of
   the seven narratives and the item is flagged, with the probability as its score; otherwise
   the label is ``none`` or ``opinion``. The threshold therefore works over its whole range:
   0 flags every on-topic item, 1 flags none but certainties.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.svm import LinearSVC
from sklearn.utils.validation import check_is_fitted

from core.labels import LABELS, is_misleading
from models.features import CHAR_NGRAMS, DENSE_WEIGHT, TextView, fit_vectorizers, transform
from models.thresholds import (
    CLASS_WEIGHT,
    FLAG_THRESHOLD,
    KIND_PREVALENCE,
    LONG_TEXT_WORDS,
    MIN_DF,
    NARRATIVE_C,
    RELEVANCE_C,
    RELEVANCE_THRESHOLD,
    STRONG_MATCH_PROBABILITY,
    TEXT_MODEL,
)
from nlp.known_claims import ClaimMatch

#: Probabilities are kept this far from 0 and 1 before taking log-odds.
_EPSILON: Final[float] = 1e-6


def logit(p: np.ndarray | float) -> np.ndarray:
    q = np.clip(np.asarray(p, dtype=np.float64), _EPSILON, 1.0 - _EPSILON)
    return np.asarray(np.log(q / (1.0 - q)))


def expit(z: np.ndarray | float) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-np.asarray(z, dtype=np.float64))))


@dataclass(frozen=True)
class Decision:
    """What the estimator decided for one item, and why (``rule``)."""

    label: str
    score: float
    flagged: bool
    relevant: bool
    #: Calibrated P(misleading | text, source kind); 0 for off-topic items.
    p_misleading: float
    #: "off_topic", "no_domain_term", "model" or "known_claim".
    rule: str
    #: The known claim that decided, for ``rule == "known_claim"``.
    claim: ClaimMatch | None = None


def refutes(view: TextView) -> bool:
    """Whether the item itself says a claim is false: a refutation cue outside any negation."""
    return bool(view.cues.get("debunk"))


def strong_unrefuted_match(view: TextView, strong: float) -> ClaimMatch | None:
    """The best known claim the item repeats almost word for word without refuting it."""
    if refutes(view):
        return None
    best = [m for m in view.matches if m.similarity >= strong]
    return max(best, key=lambda m: m.similarity) if best else None


def grouped_folds(
    labels: Sequence[object], groups: Sequence[str], folds: int, seed: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified folds that keep each story group whole; fewer folds when a label has fewer
    groups than ``folds`` (every fold must see every label in training)."""
    per_label: dict[object, set[str]] = {}
    for label, group in zip(labels, groups, strict=True):
        per_label.setdefault(label, set()).add(group)
    k = max(2, min(folds, min(len(g) for g in per_label.values())))
    splitter = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros(len(labels)), np.asarray(labels), np.asarray(groups)))


class NarrativeDecision(ClassifierMixin, BaseEstimator):
    """Relevance gate, misleading-or-not and narrative models, calibration and decision rule.

    Parameters are the hyper-parameters searched in ``models/search.py`` and the operating
    settings (``flag_threshold``, ``kind_prevalence``); defaults are the named constants of
    ``models/thresholds.py`` and ``models/features.py``.
    """

    def __init__(
        self,
        *,
        dense_weight: float = DENSE_WEIGHT,
        narrative_C: float = NARRATIVE_C,  # noqa: N803 (scikit-learn's spelling)
        relevance_C: float = RELEVANCE_C,  # noqa: N803
        relevance_threshold: float = RELEVANCE_THRESHOLD,
        long_text_words: int = LONG_TEXT_WORDS,
        flag_threshold: float = FLAG_THRESHOLD,
        kind_prevalence: Mapping[str, float] | None = None,
        strong_similarity: float | None = None,
        strong_match_probability: float = STRONG_MATCH_PROBABILITY,
        text_model: str = TEXT_MODEL,
        class_weight: str | None = CLASS_WEIGHT,
        char_ngrams: tuple[int, int] = CHAR_NGRAMS,
        min_df: int = MIN_DF,
        sublinear_tf: bool = True,
        cv_folds: int = 5,
        random_state: int = 0,
    ) -> None:
        self.dense_weight = dense_weight
        self.narrative_C = narrative_C
        self.relevance_C = relevance_C
        self.relevance_threshold = relevance_threshold
        self.long_text_words = long_text_words
        self.flag_threshold = flag_threshold
        self.kind_prevalence = kind_prevalence
        self.strong_similarity = strong_similarity
        self.strong_match_probability = strong_match_probability
        self.text_model = text_model
        self.class_weight = class_weight
        self.char_ngrams = char_ngrams
        self.min_df = min_df
        self.sublinear_tf = sublinear_tf
        self.cv_folds = cv_folds
        self.random_state = random_state

    #: Parameters added after models were first saved, with the value those models were
    #: fitted with: a model promoted before them still loads and behaves as it did.
    _ADDED_PARAMS: Final[dict[str, Any]] = {
        "text_model": "svm", "class_weight": "balanced", "char_ngrams": (2, 4), "min_df": 2,
        "sublinear_tf": True,
    }

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__({**self._ADDED_PARAMS, **state})

    # -- fitting ---------------------------------------------------------------------------

    def _linear(self, rows: int) -> LinearSVC | LogisticRegression | SGDClassifier:
        """The text model named by ``text_model``, regularised by ``narrative_C``."""
        if self.text_model == "svm":
            return LinearSVC(C=self.narrative_C, class_weight=self.class_weight,
                             random_state=self.random_state, max_iter=5000)
        if self.text_model == "logreg":
            return LogisticRegression(C=self.narrative_C, class_weight=self.class_weight,
                                      max_iter=5000)
        if self.text_model == "sgd":  # hinge loss; alpha is 1 / (C * rows), as in the SVM
            return SGDClassifier(loss="hinge", alpha=1.0 / (self.narrative_C * max(1, rows)),
                                 class_weight=self.class_weight, max_iter=200, tol=1e-4,
                                 random_state=self.random_state)
        raise ValueError(f"text_model must be 'svm', 'logreg' or 'sgd', not {self.text_model!r}")

    def _svm(self, labels: Sequence[object], groups: Sequence[str]) -> CalibratedClassifierCV:
        return CalibratedClassifierCV(
            self._linear(len(labels)),
            method="sigmoid",
            cv=grouped_folds(labels, groups, self.cv_folds, self.random_state),
            ensemble=False,
        )

    def fit(
        self, X: Sequence[TextView], y: Sequence[str], sample_weight: Any = None  # noqa: N803
    ) -> NarrativeDecision:
        """Fit on analysed texts and their labels. The SVMs' sigmoid calibration is fitted on
        out-of-fold scores, with folds that keep each story group (``TextView.story``) whole."""
        views = list(X)
        labels = [str(label) for label in y]
        weights = np.ones(len(views)) if sample_weight is None else np.asarray(sample_weight)
        self.vectorizers_ = fit_vectorizers(views, (int(self.char_ngrams[0]),
                                                      int(self.char_ngrams[1])),
                                            self.min_df, self.sublinear_tf)
        features = transform(self.vectorizers_, views, self.dense_weight)
        on_topic = np.asarray([label != "irrelevant" for label in labels], dtype=int)
        self.relevance_ = LogisticRegression(
            C=self.relevance_C, class_weight="balanced", max_iter=3000
        ).fit(features, on_topic)
        rows = np.flatnonzero(on_topic)
        topical = [labels[i] for i in rows]
        groups = [views[i].story or f"row:{i}" for i in rows]
        self.narrative_ = self._svm(topical, groups).fit(
            features[rows], topical, sample_weight=weights[rows]
        )
        flags = [int(is_misleading(label)) for label in topical]
        self.misleading_ = self._svm(flags, groups).fit(
            features[rows], flags, sample_weight=weights[rows]
        )
        for linear in (self.relevance_, self.narrative_svm_, self.misleading_svm_):
            # Single precision halves the artefact; the features are float32 already.
            linear.coef_ = linear.coef_.astype(np.float32)
        # Until ``calibrate`` sees real held-out data, the out-of-fold sigmoid is the
        # calibration, at the corpus's base rate of misleading items among on-topic ones.
        self.calibration_: dict[str, Any] = {
            "slope": 1.0, "intercept": 0.0,
            "prevalence": float(np.mean(flags)) if flags else 0.5,
            "fitted_on": "corpus out-of-fold",
        }
        self.classes_ = np.asarray([label for label in LABELS if label in set(labels)])
        return self

    def calibrate(
        self, X: Sequence[TextView], y_misleading: Sequence[bool], fitted_on: str  # noqa: N803
    ) -> NarrativeDecision:
        """Refit the calibration (Platt scaling of the text log-odds) on held-out items that the
        models never saw, labelled misleading or not. Their base rate becomes the reference the
        source-kind prior is applied against."""
        check_is_fitted(self, "calibration_")
        z = self.text_log_odds(X).reshape(-1, 1)
        y = np.asarray(y_misleading, dtype=int)
        platt = LogisticRegression(C=1e4, max_iter=1000).fit(z, y)
        self.calibration_ = {
            "slope": float(platt.coef_[0, 0]), "intercept": float(platt.intercept_[0]),
            "prevalence": float(y.mean()), "fitted_on": fitted_on,
        }
        return self

    # -- scoring ---------------------------------------------------------------------------

    @property
    def narrative_svm_(self) -> LinearSVC | LogisticRegression | SGDClassifier:
        """The narrative SVM fitted on all training data (its coefficients explain reasons)."""
        return self.narrative_.calibrated_classifiers_[0].estimator

    @property
    def misleading_svm_(self) -> LinearSVC | LogisticRegression | SGDClassifier:
        return self.misleading_.calibrated_classifiers_[0].estimator

    def features(self, X: Sequence[TextView]) -> sp.csr_matrix:  # noqa: N803
        check_is_fitted(self, "vectorizers_")
        return transform(self.vectorizers_, list(X), self.dense_weight)

    def text_log_odds(
        self,
        X: Sequence[TextView],  # noqa: N803
        features: sp.csr_matrix | None = None,
        narrative: np.ndarray | None = None,
    ) -> np.ndarray:
        """Log-odds of P(misleading | text, on topic) from the text alone: the mean of the two
        models' views (the misleading-or-not model, and the narrative model's mass on the seven
        misleading labels), at the corpus's base rate. ``narrative`` is the narrative model's
        probabilities when the caller has them already."""
        matrix = self.features(X) if features is None else features
        column = list(self.misleading_.classes_).index(1)
        p_model = self.misleading_.predict_proba(matrix)[:, column]
        if narrative is None:
            narrative = self._narrative_proba(matrix)
        mass = narrative[:, self._misleading_columns()].sum(axis=1)
        return logit((p_model + mass) / 2.0)

    def _narrative_proba(self, matrix: sp.csr_matrix) -> np.ndarray:
        return np.asarray(self.narrative_.predict_proba(matrix))

    def _misleading_columns(self) -> np.ndarray:
        return np.asarray([is_misleading(str(c)) for c in self.narrative_.classes_])

    def prior_log_odds(self, kinds: Sequence[str], prevalence: float | None = None) -> np.ndarray:
        """The base-rate shift per item: from the calibration data's base rate to the kind's
        (``kind_prevalence``, defaults ``KIND_PREVALENCE``), or to ``prevalence`` for all. An
        unknown kind (``UNKNOWN_KIND`` or one not in the table) is not shifted."""
        table = dict(KIND_PREVALENCE if self.kind_prevalence is None else self.kind_prevalence)
        reference = float(logit(self.calibration_["prevalence"]))
        if prevalence is not None:
            return np.full(len(kinds), float(logit(prevalence)) - reference)
        return np.asarray([
            float(logit(table[k])) - reference if k in table else 0.0 for k in kinds
        ])

    def misleading_probability(
        self,
        X: Sequence[TextView],  # noqa: N803
        prevalence: float | None = None,
        features: sp.csr_matrix | None = None,
        narrative: np.ndarray | None = None,
    ) -> np.ndarray:
        """Calibrated P(misleading | text, source kind) of each item (as if on topic)."""
        views = list(X)
        z = self.text_log_odds(views, features, narrative)
        calibrated = self.calibration_["slope"] * z + self.calibration_["intercept"]
        return expit(calibrated + self.prior_log_odds([v.source_kind for v in views], prevalence))

    def decide(
        self,
        X: Sequence[TextView],  # noqa: N803
        prevalence: float | None = None,
        features: sp.csr_matrix | None = None,
    ) -> list[Decision]:
        """The decision for each item (see the module docstring). ``prevalence`` replaces the
        source kinds' base rates, to measure on a set with a known mix (the corpus's splits)."""
        views = list(X)
        if not views:
            return []
        matrix = self.features(views) if features is None else features
        p_topic = self.relevance_.predict_proba(matrix)[:, list(self.relevance_.classes_).index(1)]
        narrative = self._narrative_proba(matrix)
        p_mis = self.misleading_probability(views, prevalence, matrix, narrative)
        labels = [str(c) for c in self.narrative_.classes_]
        misleading = self._misleading_columns()
        strong = self._strong_similarity()
        decisions: list[Decision] = []
        for row, view in enumerate(views):
            topic = float(p_topic[row])
            if topic < self.relevance_threshold:
                decisions.append(Decision("irrelevant", 1.0 - topic, False, False, 0.0,
                                          "off_topic"))
                continue
            if not set(view.topic_terms) and view.word_count >= self.long_text_words:
                decisions.append(Decision("irrelevant", max(0.5, 1.0 - topic), False, False, 0.0,
                                          "no_domain_term"))
                continue
            p = float(p_mis[row])
            probs = narrative[row]
            claim = strong_unrefuted_match(view, strong)
            if claim is not None and claim.claim.label in labels:
                p = max(p, self.strong_match_probability)
                flagged = p >= self.flag_threshold
                if flagged:
                    decisions.append(Decision(claim.claim.label, p, True, True, p, "known_claim",
                                              claim))
                    continue
            if p >= self.flag_threshold and misleading.any():
                best = int(np.argmax(np.where(misleading, probs, -1.0)))
                decisions.append(Decision(labels[best], p, True, True, p, "model"))
                continue
            if (~misleading).any():
                best = int(np.argmax(np.where(misleading, -1.0, probs)))
                share = float(probs[~misleading].sum())
                score = (1.0 - p) * (float(probs[best]) / share if share > 0 else 0.5)
                decisions.append(Decision(labels[best], score, False, True, p, "model"))
            else:  # trained on misleading labels alone: nothing else to say
                decisions.append(Decision("none", 1.0 - p, False, True, p, "model"))
        return decisions

    def _strong_similarity(self) -> float:
        from nlp.known_claims import STRONG_THRESHOLD

        return STRONG_THRESHOLD if self.strong_similarity is None else self.strong_similarity

    def predict(self, X: Sequence[TextView]) -> np.ndarray:  # noqa: N803
        return np.asarray([d.label for d in self.decide(X)])

    def predict_proba(self, X: Sequence[TextView]) -> np.ndarray:  # noqa: N803
        """P(label) per item over ``classes_``: off topic, then the calibrated P(misleading)
        shared among the narratives as the narrative model shares it, the rest among ``none``
        and ``opinion``."""
        views = list(X)
        matrix = self.features(views)
        p_topic = self.relevance_.predict_proba(matrix)[:, list(self.relevance_.classes_).index(1)]
        narrative = self._narrative_proba(matrix)
        p_mis = self.misleading_probability(views, features=matrix, narrative=narrative)
        misleading = self._misleading_columns()
        out = np.zeros((len(views), len(self.classes_)))
        column = {str(c): i for i, c in enumerate(self.classes_)}
        for row in range(len(views)):
            probs = narrative[row]
            mis_share = probs[misleading].sum() or 1.0
            rest_share = probs[~misleading].sum() or 1.0
            for label, p in zip(self.narrative_.classes_, probs, strict=True):
                part = p_mis[row] * p / mis_share if is_misleading(str(label)) else (
                    (1.0 - p_mis[row]) * p / rest_share)
                out[row, column[str(label)]] = p_topic[row] * part
            if "irrelevant" in column:
                out[row, column["irrelevant"]] = 1.0 - p_topic[row]
        return out


def hard_case_weights(hard_cases: Sequence[str | None], table: Mapping[str, float]) -> np.ndarray:
    """Training weight of each example from its hard case (``HARD_CASE_WEIGHTS``)."""
    return np.asarray([table.get(case or "", 1.0) for case in hard_cases], dtype=np.float64)
