"""``nlp.tfidf.transform`` returns exactly what the vectorizer's own ``transform`` returns."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from nlp import tfidf

TRAIN = [
    "thủy điện hòa bình xả lũ", "dap thuy dien sap vo", "giá điện tăng từ tháng sau",
    "a b c", "xả lũ xả lũ hạ du", "Ninh Thuận 1 điện hạt nhân", "mưa lớn, lũ quét!",
]
TEXTS = [
    "thủy điện hòa bình xả lũ hạ du", "", "   ", "a", "ab a ab", "XẢ LŨ xả lũ",
    "tab\tand\nnew  lines\u00a0nbsp\u2028sep\x1cfs\u200bzw", "ΣΑΣ ǅx İi", "'q' \"r\" ' '",
    "hòa hòa hòa",
    "chữ không có trong từ điển", "x" * 40,
]


def _same(vectorizer: TfidfVectorizer, texts: list[str]) -> None:
    expected = vectorizer.transform(texts)
    got = tfidf.transform(vectorizer, texts)
    assert type(got) is type(expected)
    assert got.shape == expected.shape and got.dtype == expected.dtype
    assert got.indices.dtype == expected.indices.dtype
    assert got.indptr.dtype == expected.indptr.dtype
    assert np.array_equal(got.indptr, expected.indptr)
    assert np.array_equal(got.indices, expected.indices)
    assert got.data.tobytes() == expected.data.tobytes()


@pytest.mark.parametrize("ngrams", [(1, 1), (2, 4), (3, 4), (1, 5)])
@pytest.mark.parametrize("sublinear", [True, False])
def test_char_wb_matrix_is_the_vectorizers(ngrams: tuple[int, int], sublinear: bool) -> None:
    vectorizer = TfidfVectorizer(
        analyzer="char_wb", ngram_range=ngrams, sublinear_tf=sublinear, dtype=np.float32
    ).fit(TRAIN)
    _same(vectorizer, TEXTS)
    for transform in (vectorizer.transform, lambda t: tfidf.transform(vectorizer, t)):
        with pytest.raises(ValueError):  # no texts: scikit-learn refuses, and so does this
            transform([])


@pytest.mark.parametrize("ngrams", [(1, 1), (1, 2), (2, 3), (1, 3)])
def test_word_matrix_is_the_vectorizers(ngrams: tuple[int, int]) -> None:
    vectorizer = TfidfVectorizer(
        analyzer="word", token_pattern=r"\S+", ngram_range=ngrams, sublinear_tf=True,
        dtype=np.float32,
    ).fit(TRAIN)
    _same(vectorizer, TEXTS)


def test_other_vectorizers_are_left_to_scikit_learn() -> None:
    words = TfidfVectorizer(analyzer="word").fit(TRAIN)  # the default token pattern
    binary = TfidfVectorizer(analyzer="char_wb", binary=True).fit(TRAIN)
    cased = TfidfVectorizer(analyzer="char_wb", lowercase=False).fit(TRAIN)
    for vectorizer in (words, binary, cased):
        _same(vectorizer, TEXTS)


def test_shipped_vectorizers() -> None:
    from models.predict import NarrativeClassifier

    classifier = NarrativeClassifier.load()
    views = classifier.analyse(TRAIN + TEXTS)
    _same(classifier.decision.vectorizers_["char"], [v.folded for v in views])
    _same(classifier.decision.vectorizers_["word"], [v.words for v in views])
