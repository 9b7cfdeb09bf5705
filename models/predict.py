"""The narrative classifier as the rest of the system uses it: load once, classify batches, and
say why, with reasons that are true of the text and pushed the decision the way it went."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Final

import numpy as np
import scipy.sparse as sp

from core.labels import LABEL_NAMES_VI, is_misleading
from core.records import Classification, ClassifyInput, Enrichment, Prediction
from models import artefacts as store
from models.analysis import KNOWN_CLAIMS_FILE, TextAnalyser
from models.decision import Decision, NarrativeDecision
from models.features import DENSE_NAMES, QUOTED_PREFIX, TextView, split_words
from models.thresholds import FLAG_THRESHOLD, REASON_FEATURES

#: Cue groups worth quoting as a reason, and how a reviewer reads them. The "attribution",
#: "official" and "opinion" groups are features only: where a claim circulated, or that a text
#: reports, says nothing true about whether it misleads.
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

#: Title of the words that raised the misleading score, shown for a flagged item when no word
#: or cue pushed towards its narrative in particular.
FLAG_WORDS_TITLE: Final[str] = "Từ ngữ làm tăng khả năng gây hiểu lầm"

#: A word worth quoting as a reason has two letters at least ("m" of "5 m", "h" of "7h" do not).
_WORDLIKE: Final = re.compile(r"[^\W\d_]{2}")
#: Words that carry no meaning a reviewer could check, however hard they pushed ("nhưng",
#: "thì"): never quoted as a reason on their own.
_FUNCTION_WORDS: Final[frozenset[str]] = frozenset({
    "và", "là", "thì", "mà", "nhưng", "của", "có", "được", "bị", "đã", "sẽ", "đang", "này",
    "đó", "các", "những", "một", "cho", "với", "trong", "khi", "để", "từ", "theo", "tại", "về",
    "ra", "vào", "lên", "cũng", "vẫn", "còn", "rất", "nên", "nếu", "vì", "do", "hay", "hoặc",
    "đến", "qua", "sau", "trước", "nhiều", "đạt", "khu vực", "người", "năm", "ngày", "trên",
    "dưới", "nay", "phải", "sự", "biết", "lại", "hai", "ba", "mức", "như", "thể", "không",
})


def _readable(feature: str) -> str:
    """A word n-gram as a reviewer reads it: syllables spaced, the quotation mark restored."""
    tokens = []
    for token in feature.split():
        quoted = token.startswith(QUOTED_PREFIX)
        token = token.removeprefix(QUOTED_PREFIX).replace("_", " ")
        tokens.append(f"'{token}'" if quoted else token)
    return " ".join(tokens)


class NarrativeClassifier:
    """The analyser (spaCy pipeline, known-claim matcher) and the fitted decision, loaded once."""

    def __init__(
        self,
        decision: NarrativeDecision,
        version: str,
        *,
        known_claims: Path | None = KNOWN_CLAIMS_FILE,
    ) -> None:
        self.decision = decision
        self.version = version
        self.analyser = TextAnalyser(known_claims)
        self._word_names = decision.vectorizers_["word"].get_feature_names_out()
        self._word_count = len(self._word_names)
        self._dense_start = self._word_count + len(
            decision.vectorizers_["char"].get_feature_names_out()
        )
        self._narrative_coef = np.asarray(decision.narrative_svm_.coef_)
        self._narrative_labels = [str(c) for c in decision.narrative_.classes_]
        self._misleading_coef = np.asarray(decision.misleading_svm_.coef_)[0]

    @property
    def flag_threshold(self) -> float:
        return float(self.decision.flag_threshold)

    @classmethod
    def load(
        cls,
        artefact_dir: Path | None = None,
        *,
        flag_threshold: float = FLAG_THRESHOLD,
        known_claims: Path | None = KNOWN_CLAIMS_FILE,
    ) -> NarrativeClassifier:
        """Load the artefacts in ``artefact_dir`` (default: the shipped ones; callers that
        serve the product pass ``models.registry.active_model_dir``)."""
        bundle = store.load(artefact_dir or store.ARTEFACT_DIR)
        bundle.decision.set_params(flag_threshold=flag_threshold)
        return cls(bundle.decision, bundle.version, known_claims=known_claims)

    def analyse(self, inputs: Sequence[ClassifyInput]) -> list[TextView]:
        return self.analyser.transform(inputs)

    def classify(self, inputs: Sequence[ClassifyInput]) -> list[Prediction]:
        """Classify a batch; the output is in input order, one prediction per input."""
        if not inputs:
            return []
        return self.predict_views(self.analyse(inputs), titles=[i.title for i in inputs])

    def predict_views(
        self,
        views: Sequence[TextView],
        prevalence: float | None = None,
        titles: Sequence[str] | None = None,
    ) -> list[Prediction]:
        """Predictions for analysed texts; ``prevalence`` replaces the source kinds' base rates
        (for measuring on a set with a known mix); ``titles`` (the items' titles, when the
        texts were built with ``item_text``) split the words search indexes into title and
        body."""
        features = self.decision.features(views)
        decisions = self.decision.decide(views, prevalence, features)
        words = [split_words(view, title) for view, title in
                 zip(views, titles if titles is not None else [""] * len(views), strict=True)]
        return [
            Prediction(
                classification=Classification(
                    label=d.label,
                    flagged=d.flagged,
                    score=round(min(1.0, max(0.0, d.score)), 4),
                    relevant=d.relevant,
                    reasons=self._reasons(view, d, features, row),
                    model_version=self.version,
                ),
                enrichment=Enrichment(
                    claim_sentences=view.claim_sentences,
                    entities=view.entities,
                    provinces=view.provinces,
                    known_claims=[m.claim.id for m in view.matches],
                    title_words=words[row][0],
                    body_words=words[row][1],
                ),
            )
            for row, (view, d) in enumerate(zip(views, decisions, strict=True))
        ]

    # -- reasons -----------------------------------------------------------------------------

    def _pushes(self, label: str, columns: np.ndarray, values: np.ndarray) -> np.ndarray:
        """How much each feature pushed towards ``label``; for a misleading label a feature
        counts only if it also pushed towards "misleading" in the misleading-or-not model."""
        if label not in self._narrative_labels:
            return np.zeros(len(columns))
        pushes = values * self._narrative_coef[self._narrative_labels.index(label)][columns]
        if is_misleading(label):
            pushes = np.where(self._misleading_coef[columns] > 0, pushes, 0.0)
        return np.asarray(pushes)

    def _top_words(
        self, label: str, features: sp.csr_matrix, row: int, *, flag_only: bool = False
    ) -> list[str]:
        """The word n-grams present in the item that push hardest towards ``label`` (with
        ``flag_only``: towards "misleading" in the misleading-or-not model, whatever the
        narrative)."""
        start, end = features.indptr[row], features.indptr[row + 1]
        columns = features.indices[start:end]
        values = features.data[start:end]
        in_words = columns < self._word_count
        columns, values = columns[in_words], values[in_words]
        pushes = (values * self._misleading_coef[columns] if flag_only
                  else self._pushes(label, columns, values))
        best: list[str] = []
        for position in np.argsort(-pushes, kind="stable"):
            if pushes[position] <= 0 or len(best) >= REASON_FEATURES:
                break
            name = str(self._word_names[columns[position]])
            tokens = [t.removeprefix(QUOTED_PREFIX).replace("_", " ") for t in name.split()]
            if all(_WORDLIKE.search(t) and t.lower() not in _FUNCTION_WORDS for t in tokens):
                readable = _readable(name)
                if readable not in best:
                    best.append(readable)
        return best

    def _cue_pushes(self, label: str, group: str) -> bool:
        column = self._dense_start + DENSE_NAMES.index(f"cue:{group}")
        return bool(self._pushes(label, np.asarray([column]), np.asarray([1.0]))[0] > 0)

    def _reasons(
        self, view: TextView, decision: Decision, features: sp.csr_matrix, row: int
    ) -> list[str]:
        if not decision.relevant:
            return ["Ngoài chủ đề môi trường, năng lượng (off topic)"]
        label = decision.label
        reasons = [f"Nhãn: {LABEL_NAMES_VI[label]}"]
        if decision.claim is not None:
            match = decision.claim
            reasons.append(
                f"Lặp lại gần nguyên văn tin sai đã kiểm chứng, không kèm lời bác bỏ: "
                f"\u201c{match.claim.statement}\u201d ({match.claim.id}, {match.similarity:.2f})"
            )
        elif is_misleading(label):
            for match in [m for m in view.matches if m.claim.label == label][:2]:
                reasons.append(
                    f"Giống tin sai đã kiểm chứng: \u201c{match.claim.statement}\u201d "
                    f"({match.claim.id}, {match.similarity:.2f})"
                )
        elif view.matches and view.cues.get("debunk"):
            match = view.matches[0]
            reasons.append(
                f"Nhắc lại tin sai đã kiểm chứng để bác bỏ: \u201c{match.claim.statement}\u201d "
                f"({match.claim.id}, {match.similarity:.2f})"
            )
        for group, title in _CUE_REASONS.items():
            hits = list(dict.fromkeys(view.cues.get(group, ())))[:3]
            if hits and self._cue_pushes(label, group):
                reasons.append(f"{title}: " + ", ".join(f"\u201c{h}\u201d" for h in hits))
        words = self._top_words(label, features, row)
        if words:
            reasons.append("Từ ngữ đặc trưng: " + ", ".join(f"\u201c{w}\u201d" for w in words))
        elif decision.flagged and len(reasons) == 1:
            # No word or cue pushed towards this narrative in particular (it was the likeliest
            # of the seven all the same): say which words raised the misleading score.
            words = self._top_words(label, features, row, flag_only=True)
            if words:
                reasons.append(f"{FLAG_WORDS_TITLE}: "
                               + ", ".join(f"\u201c{w}\u201d" for w in words))
        return reasons
