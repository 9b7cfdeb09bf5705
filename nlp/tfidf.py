"""A fitted ``TfidfVectorizer``'s ``transform``, with the n-grams of each distinct word of a batch
counted once (character n-grams) or counted in C (word n-grams).

scikit-learn builds every n-gram of every document as a string and looks each one up, though
the same words come back in document after document. Here a batch's words are counted first
(in C, by ``Counter``), each distinct word's in-vocabulary character n-grams are found once,
and the counts go through the vectorizer's own tf-idf step: the matrix is the one
``vectorizer.transform`` returns, value for value (``tests/nlp/test_tfidf.py`` holds it to
that). Vectorizers this module does not reproduce exactly are left to scikit-learn.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer


def _reproducible(vectorizer: TfidfVectorizer) -> bool:
    """Whether ``vectorizer`` reads text the way ``transform`` below does."""
    params = vectorizer.get_params()
    plain = (
        params["input"] == "content" and params["lowercase"] and params["preprocessor"] is None
        and params["tokenizer"] is None and params["strip_accents"] is None
        and params["stop_words"] is None and not params["binary"]
        and hasattr(vectorizer, "vocabulary_") and hasattr(vectorizer, "_tfidf")
    )
    if not plain:
        return False
    if params["analyzer"] == "char_wb":
        return True
    # r"\S+" finds what str.split() returns: both split on str.isspace characters.
    return bool(params["analyzer"] == "word" and params["token_pattern"] == r"\S+")


def _char_wb_grams(
    word: str, vocabulary: dict[str, int], min_n: int, max_n: int
) -> dict[int, int]:
    """scikit-learn's ``_char_wb_ngrams`` of one word, counted and kept to the vocabulary."""
    padded = f" {word} "
    length = len(padded)
    found: dict[int, int] = {}
    for n in range(min_n, max_n + 1):
        for offset in range(max(1, length - n + 1)):
            column = vocabulary.get(padded[offset : offset + n])
            if column is not None:
                found[column] = found.get(column, 0) + 1
        if length <= n:  # a word shorter than n is counted once, as the whole padded word
            break
    return found


def _char_wb_counts(
    texts: Sequence[str], vocabulary: dict[str, int], ngrams: tuple[int, int]
) -> Any:
    """The count matrix of ``texts``: (texts x distinct words) @ (distinct words x n-grams)."""
    min_n, max_n = ngrams
    word_ids: dict[str, int] = {}
    word_indptr = [0]
    word_columns: list[int] = []
    word_counts: list[int] = []
    text_indptr = [0]
    text_words: list[int] = []
    text_counts: list[int] = []
    for text in texts:
        counted = Counter(text.lower().split())
        for word in counted:
            if word not in word_ids:
                word_ids[word] = len(word_ids)
                found = _char_wb_grams(word, vocabulary, min_n, max_n)
                word_columns.extend(found)
                word_counts.extend(found.values())
                word_indptr.append(len(word_columns))
        text_words.extend(map(word_ids.__getitem__, counted))
        text_counts.extend(counted.values())
        text_indptr.append(len(text_words))
    by_text = sp.csr_array(
        (np.asarray(text_counts, dtype=np.int64), np.asarray(text_words, dtype=np.int64),
         np.asarray(text_indptr, dtype=np.int64)),
        shape=(len(texts), len(word_ids)),
    )
    by_word = sp.csr_array(
        (np.asarray(word_counts, dtype=np.int64), np.asarray(word_columns, dtype=np.int64),
         np.asarray(word_indptr, dtype=np.int64)),
        shape=(len(word_ids), len(vocabulary)),
    )
    return by_text @ by_word


def _word_counts(
    texts: Sequence[str], vocabulary: dict[str, int], ngrams: tuple[int, int]
) -> Any:
    """The count matrix of word n-grams of ``texts``, built with C-level counting and one
    look-up per distinct n-gram instead of one per occurrence."""
    min_n, max_n = ngrams
    indptr = [0]
    columns: list[int] = []
    counts: list[int] = []
    for text in texts:
        tokens = text.lower().split()
        grams: Counter[str] = Counter()
        for n in range(min_n, min(max_n, len(tokens)) + 1):
            if n == 1:
                grams.update(tokens)
            elif n == 2:
                grams.update(map(" ".join, zip(tokens[:-1], tokens[1:], strict=True)))
            else:
                grams.update(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
        known = list(filter(vocabulary.__contains__, grams))
        columns.extend(map(vocabulary.__getitem__, known))
        counts.extend(map(grams.__getitem__, known))
        indptr.append(len(columns))
    return sp.csr_array(
        (np.asarray(counts, dtype=np.int64), np.asarray(columns, dtype=np.int64),
         np.asarray(indptr, dtype=np.int64)),
        shape=(len(texts), len(vocabulary)),
    )


def transform(vectorizer: TfidfVectorizer, texts: Sequence[str]) -> Any:
    """``vectorizer.transform(texts)``, the same matrix, cheaper for a batch of texts."""
    if not _reproducible(vectorizer):
        return vectorizer.transform(texts)
    vocabulary: dict[str, int] = vectorizer.vocabulary_
    ngrams = (int(vectorizer.ngram_range[0]), int(vectorizer.ngram_range[1]))
    if vectorizer.analyzer == "char_wb":
        product = _char_wb_counts(texts, vocabulary, ngrams)
    else:
        product = _word_counts(texts, vocabulary, ngrams)
    product.sort_indices()
    if product.nnz > np.iinfo(np.int32).max:
        return vectorizer.transform(texts)
    # The count matrix as CountVectorizer builds it (int32 indices, intc counts, sorted
    # indices), then the vectorizer's own tf-idf weighting and normalisation.
    counts = sp.csr_array(
        (product.data.astype(np.intc), product.indices.astype(np.int32),
         product.indptr.astype(np.int32)),
        shape=(len(texts), len(vocabulary)),
        dtype=vectorizer.dtype,
    )
    counts.sort_indices()
    return vectorizer._tfidf.transform(counts, copy=False)
