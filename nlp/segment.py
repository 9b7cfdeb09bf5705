"""Sentence splitting and word segmentation of normalised Vietnamese text, on top of underthesea."""

from __future__ import annotations

import re
from typing import Final

from underthesea import sent_tokenize as _sent_tokenize
from underthesea import word_tokenize as _word_tokenize

# A line break is always a boundary: social posts use them instead of full stops.
_LINE_BREAK: Final = re.compile(r"\n+")


def split_sentences(text: str) -> list[str]:
    """Split normalised text into sentences (underthesea's splitter, plus line breaks).

    >>> split_sentences("Đập vẫn an toàn. Người dân yên tâm!\\nChia sẻ")
    ['Đập vẫn an toàn.', 'Người dân yên tâm!', 'Chia sẻ']
    """
    sentences: list[str] = []
    for line in _LINE_BREAK.split(text):
        line = line.strip()
        if line:
            sentences.extend(s.strip() for s in _sent_tokenize(line) if s.strip())
    return sentences


def segment_words(text: str) -> list[str]:
    """Segment normalised text into Vietnamese words; a word may hold spaces ("thủy điện").

    The input is expected to be normalised already (``nlp.normalize.normalize_text``), so
    underthesea's own token normalisation is switched off and the words are substrings of the
    input in order, which is what lets the spaCy tokenizer align them.

    >>> segment_words("Người dân Hà Nội")
    ['Người dân', 'Hà Nội']
    """
    if not text.strip():
        return []
    return list(_word_tokenize(text, use_token_normalize=False))


def joined(words: list[str]) -> str:
    """Words as one string, syllables of a word joined by "_": the input of word n-grams.

    >>> joined(["Người dân", "Hà Nội", "lo"])
    'người_dân hà_nội lo'
    """
    return " ".join(w.replace(" ", "_") for w in words).lower()
