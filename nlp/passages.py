"""Find the passage of a document that best matches a set of claim sentences: TF-IDF cosine over
diacritic-folded syllables and syllable pairs, weighted within the documents compared."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from nlp.normalize import fold
from nlp.segment import split_sentences

_SYLLABLE: Final = re.compile(r"\w+")
#: Longest passage quoted back to a reviewer.
MAX_PASSAGE_CHARS: Final = 400


@dataclass(frozen=True)
class PassageMatch:
    """The best passage of one document for the claims, and how alike they are (0 to 1)."""

    passage: str
    similarity: float


def _terms(text: str) -> Counter[str]:
    syllables = _SYLLABLE.findall(fold(text))
    pairs = (f"{a}_{b}" for a, b in zip(syllables, syllables[1:], strict=False))
    return Counter([*syllables, *pairs])


def _cosine(a: Counter[str], b: Counter[str], idf: dict[str, float]) -> float:
    dot = sum(count * b[term] * idf.get(term, 0.0) ** 2 for term, count in a.items() if term in b)
    if not dot:
        return 0.0
    norm_a = math.sqrt(sum((c * idf.get(t, 0.0)) ** 2 for t, c in a.items()))
    norm_b = math.sqrt(sum((c * idf.get(t, 0.0)) ** 2 for t, c in b.items()))
    return dot / (norm_a * norm_b) if norm_a and norm_b else 0.0


def best_passages(claims: Sequence[str], documents: Sequence[str]) -> list[PassageMatch]:
    """For each document, its sentence most like any of ``claims``, with the similarity.

    Terms are weighted by how rare they are among all the documents' sentences, so "của",
    "là" and the like count for little and names, numbers and verbs of the claim for much.

    >>> best_passages(["Hộ dùng quá 400 kWh mỗi tháng sẽ bị cắt điện luân phiên."],
    ...     ["Trời nắng. EVN khẳng định không cắt điện luân phiên hộ dùng quá 400 kWh."]
    ... )[0].passage
    'EVN khẳng định không cắt điện luân phiên hộ dùng quá 400 kWh.'
    """
    claim_terms = [_terms(c) for c in claims if c.strip()]
    split = [split_sentences(d) or [d] for d in documents]
    sentence_terms = [[_terms(s) for s in sentences] for sentences in split]
    frequency: Counter[str] = Counter()
    units = [*claim_terms, *(t for doc in sentence_terms for t in doc)]
    for unit in units:
        frequency.update(unit.keys())
    idf = {term: math.log((1 + len(units)) / (1 + count)) + 1.0
           for term, count in frequency.items()}
    matches = []
    for sentences, bags in zip(split, sentence_terms, strict=True):
        best = PassageMatch("", 0.0)
        for sentence, sentence_bag in zip(sentences, bags, strict=True):
            score = max((_cosine(c, sentence_bag, idf) for c in claim_terms), default=0.0)
            if score > best.similarity:
                best = PassageMatch(sentence[:MAX_PASSAGE_CHARS], round(score, 4))
        matches.append(best)
    return matches
