"""The narrative classifier as the rest of the system uses it: load once, classify batches."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import scipy.sparse as sp

from core.labels import LABEL_NAMES_VI, is_misleading
from core.records import Classification, ClassifyInput, Enrichment, Prediction
from models import artefacts as store
from models.features import (
    LEGACY_DENSE_WEIGHT,
    QUOTED_PREFIX,
    TextView,
    analyse_texts,
    item_text,
    split_words,
    transform,
)
from models.thresholds import (
    FLAG_THRESHOLD,
    LONG_TEXT_WORDS,
    REASON_FEATURES,
    RELEVANCE_THRESHOLD,
)
from nlp.known_claims import ClaimMatch, KnownClaimMatcher

KNOWN_CLAIMS_FILE: Final[Path] = Path(__file__).resolve().parent / "data" / "known_claims.yaml"

#: Cue groups worth quoting as a reason, and how a reviewer reads them.
_CUE_REASONS: Final[dict[str, str]] = {
    "urgency": "Lời kêu gọi khẩn, lan truyền",
    "debunk": "Dấu hiệu đính chính, bác bỏ",
    "scam": "Dấu hiệu mời gọi đầu tư, lừa đảo",
    "denial": "Cụm từ phủ nhận khoa học khí hậu",
    "health": "Tuyên bố về sức khỏe",
    "policy": "Nhắc đến quy định, mức phạt",
    "nuclear": "Nhắc đến phóng xạ, hạt nhân",
    "myth": "So sánh phóng đại về giải pháp xanh",
}


@dataclass(frozen=True)
class Scores:
    """Raw model outputs for a batch: P(on topic), P(label | on topic), P(misleading | on topic)."""

    relevance: np.ndarray
    narrative: np.ndarray
    labels: tuple[str, ...]
    misleading: np.ndarray
    features: sp.csr_matrix | None = None
    #: Per item: distinct domain terms the lexicon found, and words; None skips the lexicon rule.
    topic_terms: np.ndarray | None = None
    words: np.ndarray | None = None


def lexicon_counts(views: Sequence[TextView]) -> tuple[np.ndarray, np.ndarray]:
    """Distinct domain terms and word counts of analysed texts, for the lexicon rule."""
    return (
        np.asarray([len(set(v.topic_terms)) for v in views]),
        np.asarray([v.words.count(" ") + 1 if v.words else 0 for v in views]),
    )


def score_views(bundle: store.Artefacts, views: Sequence[TextView]) -> Scores:
    """Run the three models over analysed texts."""
    dense_weight = float(bundle.metadata.get("dense_weight", LEGACY_DENSE_WEIGHT))
    features = transform(bundle.vectorizers, views, dense_weight)
    relevance = bundle.relevance.predict_proba(features)
    misleading = bundle.misleading.predict_proba(features)
    topic_terms, words = lexicon_counts(views)
    return Scores(
        relevance=relevance[:, list(bundle.relevance.classes_).index(1)],
        narrative=bundle.narrative.predict_proba(features),
        labels=tuple(str(c) for c in bundle.narrative.classes_),
        misleading=misleading[:, list(bundle.misleading.classes_).index(1)],
        features=features,
        topic_terms=topic_terms,
        words=words,
    )


def misleading_probability(scores: Scores, row: int, odds: float) -> float:
    """P(misleading | on topic) of one item, its odds multiplied by ``odds``.

    The mean of the two models' views: the misleading-or-not model's probability and the
    narrative model's total for the seven misleading labels. Two models trained differently
    agree less often on a mistake; cross-validation on train + dev found the mean better than
    either alone at the same false-flag rate.
    """
    narrative_mass = sum(
        float(p) for p, label in zip(scores.narrative[row], scores.labels, strict=True)
        if is_misleading(label)
    )
    p_mis = (float(scores.misleading[row]) + narrative_mass) / 2.0
    if 0.0 < p_mis < 1.0:
        p_mis = p_mis * odds / (p_mis * odds + (1.0 - p_mis))
    return p_mis


def decide(
    scores: Scores,
    row: int,
    relevance_threshold: float = RELEVANCE_THRESHOLD,
    odds: float = 1.0,
) -> tuple[str, float, bool]:
    """(label, score, relevant) of one item from its model outputs, decided top-down.

    1. Off topic (P(on topic) under ``relevance_threshold``, or a long text without a single
       domain term, see ``LONG_TEXT_WORDS``): ``irrelevant``, scored with the gate's confidence.
    2. Misleading (``misleading_probability``, at least one half): the most probable of the
       seven narratives, scored with P(misleading), which is what a flag asserts.
    3. Otherwise ``none`` or ``opinion``, whichever the narrative model prefers, scored with
       its probability.
    """
    p_topic = float(scores.relevance[row])
    if p_topic < relevance_threshold:
        return "irrelevant", 1.0 - p_topic, False
    if (
        scores.topic_terms is not None
        and scores.words is not None
        and scores.topic_terms[row] == 0
        and scores.words[row] >= LONG_TEXT_WORDS
    ):
        return "irrelevant", max(0.5, 1.0 - p_topic), False
    p_mis = misleading_probability(scores, row, odds)
    probs = np.asarray(scores.narrative[row], dtype=np.float64)
    misleading = np.asarray([is_misleading(label) for label in scores.labels])
    if p_mis >= 0.5:
        candidates = np.where(misleading, probs, -1.0)
        return scores.labels[int(np.argmax(candidates))], p_mis, True
    candidates = np.where(misleading, -1.0, probs)
    best = int(np.argmax(candidates))
    share = probs[~misleading].sum()
    score = (1.0 - p_mis) * (probs[best] / share if share > 0 else 0.5)
    return scores.labels[best], float(score), True


_WORDLIKE: Final = re.compile(r"\w")


def _readable(feature: str) -> str:
    """A word n-gram as a reviewer reads it: syllables spaced, the quotation mark restored."""
    tokens = []
    for token in feature.split():
        quoted = token.startswith(QUOTED_PREFIX)
        token = token.removeprefix(QUOTED_PREFIX).replace("_", " ")
        tokens.append(f"'{token}'" if quoted else token)
    return " ".join(tokens)


def _match_sentences(view: TextView) -> list[tuple[str, str]]:
    """The sentences compared with known claims: the first (often the title) and the claim
    sentences; the rest (greetings, calls to share) cannot match a claim and cost time."""
    claims = set(view.claim_sentences)
    return [s for i, s in enumerate(view.sentences) if i == 0 or s[0] in claims]


class NarrativeClassifier:
    """Relevance gate, narrative classifier and known-claim matcher, loaded once."""

    def __init__(
        self,
        bundle: store.Artefacts,
        matcher: KnownClaimMatcher | None,
        *,
        flag_threshold: float = FLAG_THRESHOLD,
    ) -> None:
        self._bundle = bundle
        self._matcher = matcher
        self.flag_threshold = flag_threshold
        self.version: str = bundle.version
        self.odds = float(bundle.metadata.get("misleading_odds", 1.0))
        self._word_names = bundle.vectorizers["word"].get_feature_names_out()
        estimator = bundle.narrative.calibrated_classifiers_[0].estimator
        self._coef = np.asarray(estimator.coef_)
        self._coef_labels = [str(c) for c in bundle.narrative.classes_]

    @classmethod
    def load(
        cls,
        artefact_dir: Path | None = None,
        *,
        flag_threshold: float = FLAG_THRESHOLD,
        known_claims: Path | None = KNOWN_CLAIMS_FILE,
    ) -> NarrativeClassifier:
        """Load the shipped artefacts (or those in ``artefact_dir``) and the known claims."""
        bundle = store.load(artefact_dir or store.ARTEFACT_DIR)
        matcher = None
        if known_claims is not None and known_claims.exists():
            matcher = KnownClaimMatcher.from_file(known_claims)
        return cls(bundle, matcher, flag_threshold=flag_threshold)

    def classify(self, inputs: Sequence[ClassifyInput]) -> list[Prediction]:
        """Classify a batch; the output is in input order, one prediction per input."""
        if not inputs:
            return []
        views = analyse_texts([item_text(i.text, i.title) for i in inputs])
        scores = score_views(self._bundle, views)
        matches = (
            self._matcher.match([_match_sentences(v) for v in views])
            if self._matcher
            else [[] for _ in views]
        )
        predictions = []
        for row, (view, given) in enumerate(zip(views, inputs, strict=True)):
            title_words, body_words = split_words(view, given.title)
            label, score, relevant = decide(scores, row, RELEVANCE_THRESHOLD, self.odds)
            flagged = is_misleading(label) and score >= self.flag_threshold
            words = self._top_words(scores, row, label) if relevant else []
            reasons = self._reasons(view, label, relevant, matches[row], words)
            predictions.append(
                Prediction(
                    classification=Classification(
                        label=label,
                        flagged=flagged,
                        score=round(min(1.0, max(0.0, score)), 4),
                        relevant=relevant,
                        reasons=reasons,
                        model_version=self.version,
                    ),
                    enrichment=Enrichment(
                        claim_sentences=view.claim_sentences,
                        entities=view.entities,
                        provinces=view.provinces,
                        known_claims=[m.claim.id for m in matches[row]],
                        title_words=title_words,
                        body_words=body_words,
                    ),
                )
            )
        return predictions

    def _top_words(self, scores: Scores, row: int, label: str) -> list[str]:
        """The word n-grams present in the item that push hardest towards ``label``."""
        if label not in self._coef_labels or scores.features is None:
            return []
        weights = self._coef[self._coef_labels.index(label)]
        features = scores.features
        start, end = features.indptr[row], features.indptr[row + 1]
        columns = features.indices[start:end]
        values = features.data[start:end]
        in_words = columns < len(self._word_names)
        columns, values = columns[in_words], values[in_words]
        pushes = values * weights[columns]
        best: list[str] = []
        for position in np.argsort(-pushes, kind="stable"):
            if pushes[position] <= 0 or len(best) >= REASON_FEATURES:
                break
            name = str(self._word_names[columns[position]])
            if all(_WORDLIKE.search(token) for token in name.split()):
                readable = _readable(name)
                if readable not in best:
                    best.append(readable)
        return best

    def _reasons(
        self,
        view: TextView,
        label: str,
        relevant: bool,
        matches: list[ClaimMatch],
        words: list[str],
    ) -> list[str]:
        reasons: list[str] = []
        if not relevant:
            reasons.append("Ngoài chủ đề môi trường, năng lượng (off topic)")
        else:
            reasons.append(f"Nhãn: {LABEL_NAMES_VI[label]}")
        for match in matches[:2]:
            strength = "rất giống" if match.strong else "gần giống"
            reasons.append(
                f"Giống tin sai đã kiểm chứng: \u201c{match.claim.statement}\u201d "
                f"({match.claim.id}, {strength}, {match.similarity:.2f})"
            )
        for group, title in _CUE_REASONS.items():
            hits = list(dict.fromkeys(view.cues.get(group, ())))[:3]
            if hits:
                reasons.append(f"{title}: " + ", ".join(f"\u201c{h}\u201d" for h in hits))
        if words:
            reasons.append("Từ ngữ đặc trưng: " + ", ".join(f"\u201c{w}\u201d" for w in words))
        return reasons
