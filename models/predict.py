"""The narrative classifier as the rest of the system uses it: load once, classify batches."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np

from core.labels import LABEL_NAMES_VI, is_misleading
from core.records import Classification, ClassifyInput, Enrichment, Prediction
from models import artefacts as store
from models.features import TextView, analyse_texts, item_text, transform
from models.thresholds import FLAG_THRESHOLD, REASON_FEATURES, RELEVANCE_THRESHOLD
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
    """Raw model outputs for a batch: P(on topic) and P(label | on topic) per item."""

    relevance: np.ndarray
    narrative: np.ndarray
    labels: tuple[str, ...]


def score_views(bundle: store.Artefacts, views: Sequence[TextView]) -> Scores:
    """Run both models over analysed texts."""
    features = transform(bundle.vectorizers, views)
    relevance = bundle.relevance.predict_proba(features)
    on_topic = relevance[:, list(bundle.relevance.classes_).index(1)]
    narrative = bundle.narrative.predict_proba(features)
    return Scores(on_topic, narrative, tuple(str(c) for c in bundle.narrative.classes_))


def decide(
    scores: Scores, row: int, relevance_threshold: float = RELEVANCE_THRESHOLD
) -> tuple[str, float, bool]:
    """(label, score, relevant) of one item from its model outputs.

    Off-topic items are ``irrelevant`` with the gate's confidence as score; the rest take the
    narrative model's most probable label and its probability.
    """
    p_topic = float(scores.relevance[row])
    if p_topic < relevance_threshold:
        return "irrelevant", 1.0 - p_topic, False
    probs = scores.narrative[row]
    best = int(np.argmax(probs))
    return scores.labels[best], float(probs[best]), True


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
            self._matcher.match([v.sentences for v in views])
            if self._matcher
            else [[] for _ in views]
        )
        predictions = []
        for row, view in enumerate(views):
            label, score, relevant = decide(scores, row)
            flagged = is_misleading(label) and score >= self.flag_threshold
            reasons = self._reasons(view, label, relevant, matches[row])
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
                    ),
                )
            )
        return predictions

    def _top_words(self, view: TextView, label: str) -> list[str]:
        if label not in self._coef_labels:
            return []
        weights = self._coef[self._coef_labels.index(label)]
        row = self._bundle.vectorizers["word"].transform([view.words])
        contributions = [
            (float(value * weights[col]), str(self._word_names[col]))
            for col, value in zip(row.indices, row.data, strict=True)
        ]
        best = sorted((c for c in contributions if c[0] > 0), reverse=True)[:REASON_FEATURES]
        return [name.replace("_", " ") for _, name in best]

    def _reasons(
        self, view: TextView, label: str, relevant: bool, matches: list[ClaimMatch]
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
        words = self._top_words(view, label) if relevant else []
        if words:
            reasons.append("Từ ngữ đặc trưng: " + ", ".join(f"\u201c{w}\u201d" for w in words))
        return reasons
