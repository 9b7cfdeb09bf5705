"""From items to analysed texts: the spaCy pipeline, the source kind and the known-claim matches.

``TextAnalyser`` is a stateless scikit-learn transformer, so the whole classifier is a
``Pipeline([("analyse", TextAnalyser()), ("decide", NarrativeDecision())])``; it is never
saved (the spaCy pipeline and the known-claims file are loaded from the package).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

from sklearn.base import BaseEstimator, TransformerMixin

from models.features import TextView, analyse_texts, item_text
from models.thresholds import SOURCE_KINDS, UNKNOWN_KIND
from nlp.known_claims import KnownClaimMatcher

KNOWN_CLAIMS_FILE: Final[Path] = Path(__file__).resolve().parent / "data" / "known_claims.yaml"


@lru_cache(maxsize=4)
def known_claim_matcher(path: Path) -> KnownClaimMatcher | None:
    """The matcher of a known-claims file, built once per process (None when absent)."""
    return KnownClaimMatcher.from_file(path) if path.exists() else None


def source_kind(value: str | None) -> str:
    """A source kind the decision knows, or ``UNKNOWN_KIND``."""
    return value if value in SOURCE_KINDS else UNKNOWN_KIND


def match_sentences(view: TextView) -> list[tuple[str, str]]:
    """The sentences compared with known claims: the first (often the title) and the claim
    sentences; the rest (greetings, calls to share) cannot match a claim and cost time."""
    claims = set(view.claim_sentences)
    return [s for i, s in enumerate(view.sentences) if i == 0 or s[0] in claims]


def _field(item: Any, name: str, default: str = "") -> str:
    value = item.get(name) if isinstance(item, dict) else getattr(item, name, None)
    return default if value is None else str(value)


class TextAnalyser(TransformerMixin, BaseEstimator):
    """Items (``ClassifyInput``, corpus ``Example``, dicts with ``text``/``title``/
    ``source_kind``, or plain strings) to ``TextView``s, in order.

    ``known_claims`` is the known-claims file (None: no matching).
    """

    def __init__(self, known_claims: Path | None = KNOWN_CLAIMS_FILE) -> None:
        self.known_claims = known_claims

    def fit(self, X: Sequence[Any], y: Any = None) -> TextAnalyser:  # noqa: N803
        return self

    def transform(self, X: Sequence[Any]) -> list[TextView]:  # noqa: N803
        items = list(X)
        texts = [
            item if isinstance(item, str)
            else item_text(_field(item, "text"), _field(item, "title"))
            for item in items
        ]
        views = analyse_texts(texts)
        for item, view in zip(items, views, strict=True):
            if not isinstance(item, str):
                view.source_kind = source_kind(_field(item, "source_kind") or None)
                view.story = _field(item, "group")
        matcher = known_claim_matcher(self.known_claims) if self.known_claims else None
        if matcher is not None:
            for view, found in zip(
                views, matcher.match([match_sentences(v) for v in views]), strict=True
            ):
                view.matches = found
        return views
