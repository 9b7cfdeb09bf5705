"""Matching new items against the curated file of fact-checked false claims.

Similarity is the mean of two cosines, over segmented words (precise wording) and over
character n-grams of diacritic-folded text (robust to misspellings and teencode); a sentence
typed without diacritics is compared on the folded characters alone. An item is compared
sentence by sentence, so one copied sentence in a long article still matches. Two thresholds,
as claim-matching systems use: a suggestion shown to reviewers, and a strong match that is near
certainly the same claim.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import yaml
from sklearn.feature_extraction.text import TfidfVectorizer

from core.labels import check_label, is_misleading
from nlp import tfidf
from nlp.lexicon import is_unaccented
from nlp.normalize import fold, normalize_text
from nlp.segment import joined, segment_words

#: Combined similarity at which a known claim is suggested to the reviewer (and listed in the
#: item's reasons and enrichment). Chosen on the real development sets (../shared/eval, 2026-11):
#: at 0.30, 43 of 152 factual news excerpts "resembled" a false claim (an offshore-wind story
#: next to a tsunami hoax); at 0.50 none of the 227 factual, official or opinion excerpts does,
#: while 3 of 44 circulated rumours still match their own narrative. Chosen on those sets, so
#: optimistic on them.
SUGGEST_THRESHOLD: Final[float] = 0.50
#: Combined similarity at which the item repeats the claim nearly word for word. No news
#: excerpt of the development sets reaches 0.60 (the highest, a debunk quoting its rumour, is
#: 0.59); two circulated rumours reach 0.73 and 0.77. A strong match that the item does not
#: refute is enough to flag it (``models/decision.py``).
STRONG_THRESHOLD: Final[float] = 0.65


@dataclass(frozen=True)
class KnownClaim:
    """One fact-checked false claim of ``known_claims.yaml``."""

    id: str
    label: str
    statement: str
    variants: tuple[str, ...] = ()
    debunk_source: str | None = None
    date: str | None = None


@dataclass(frozen=True)
class ClaimMatch:
    """An item's resemblance to one known claim."""

    claim: KnownClaim
    similarity: float
    strong: bool
    sentence: str


def load_known_claims(path: Path) -> tuple[str, list[KnownClaim]]:
    """The file's version and its claims; raises ``ValueError`` on a malformed entry."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    claims: list[KnownClaim] = []
    seen: set[str] = set()
    for raw in data.get("claims") or []:
        claim_id = str(raw["id"])
        if claim_id in seen:
            raise ValueError(f"{path}: duplicate known-claim id {claim_id}")
        seen.add(claim_id)
        label = check_label(str(raw["label"]))
        if not is_misleading(label):
            raise ValueError(f"{path}: {claim_id} has label {label}, which is not misleading")
        claims.append(
            KnownClaim(
                id=claim_id,
                label=label,
                statement=str(raw["statement"]),
                variants=tuple(str(v) for v in raw.get("variants") or ()),
                debunk_source=raw.get("debunk_source"),
                date=None if raw.get("date") is None else str(raw.get("date")),
            )
        )
    return str(data.get("version", "unknown")), claims


class KnownClaimMatcher:
    """An index of known false claims, built once, matched against many items at once."""

    def __init__(self, claims: Sequence[KnownClaim], version: str = "unknown") -> None:
        self.version = version
        self.claims = list(claims)
        texts: list[str] = []
        self._owner: list[int] = []
        for number, claim in enumerate(self.claims):
            for text in (claim.statement, *claim.variants):
                texts.append(normalize_text(text))
                self._owner.append(number)
        self._owner_array = np.asarray(self._owner, dtype=np.int64)
        # 3-4-grams: 3-5 gave the same similarity distribution on the corpus, at more cost.
        self._chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 4), sublinear_tf=True)
        self._words = TfidfVectorizer(
            analyzer="word", token_pattern=r"\S+", ngram_range=(1, 2), sublinear_tf=True
        )
        if texts:
            self._char_matrix = self._chars.fit_transform([fold(t) for t in texts])
            self._word_matrix = self._words.fit_transform(
                [joined(segment_words(t)) for t in texts]
            )

    @classmethod
    def from_file(cls, path: Path) -> KnownClaimMatcher:
        version, claims = load_known_claims(path)
        return cls(claims, version)

    def match(
        self, items: Sequence[Sequence[tuple[str, str]]], threshold: float = SUGGEST_THRESHOLD
    ) -> list[list[ClaimMatch]]:
        """Matches per item, best first. Each item is a list of (sentence, segmented sentence),
        the segmented form being ``nlp.segment.joined`` of the sentence's words.

        >>> claim = KnownClaim("kc-1", "disaster_hoax", "Đập thủy điện Hòa Bình đã bị vỡ")
        >>> m = KnownClaimMatcher([claim]).match([[("dap thuy dien Hoa Binh bi vo roi",
        ...     "dap thuy dien hoa_binh bi vo roi")]])
        >>> [(x.claim.id, x.similarity > 0.3) for x in m[0]]
        [('kc-1', True)]
        """
        if not self.claims:
            return [[] for _ in items]
        sentences = [s for item in items for s in item]
        if not sentences:
            return [[] for _ in items]
        chars = tfidf.transform(self._chars, [fold(s) for s, _ in sentences])
        words = tfidf.transform(self._words, [w for _, w in sentences])
        char_similarity = (chars @ self._char_matrix.T).toarray()
        word_similarity = (words @ self._word_matrix.T).toarray()
        similarity = 0.5 * (char_similarity + word_similarity)
        # Words typed without diacritics share no word n-gram with the accented claims; for
        # those sentences the diacritic-folded character n-grams are the whole evidence.
        unaccented = np.asarray([is_unaccented(s) for s, _ in sentences])
        similarity[unaccented] = char_similarity[unaccented]
        results: list[list[ClaimMatch]] = []
        row = 0
        for item in items:
            best: dict[int, ClaimMatch] = {}
            for offset, (sentence, _) in enumerate(item):
                scores = similarity[row + offset]
                for column in np.flatnonzero(scores >= threshold):
                    owner = int(self._owner_array[column])
                    value = float(scores[column])
                    if owner not in best or best[owner].similarity < value:
                        best[owner] = ClaimMatch(
                            self.claims[owner], value, value >= STRONG_THRESHOLD, sentence
                        )
            row += len(item)
            results.append(sorted(best.values(), key=lambda m: m.similarity, reverse=True))
        return results
