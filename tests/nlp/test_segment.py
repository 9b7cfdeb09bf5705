"""Sentence splitting and word segmentation."""

from __future__ import annotations

from nlp.normalize import normalize_text
from nlp.segment import joined, segment_words, split_sentences


def test_sentences_split_on_punctuation_and_line_breaks() -> None:
    text = "Đập vẫn an toàn. Người dân yên tâm!\nChia sẻ cho mọi người"
    assert split_sentences(text) == [
        "Đập vẫn an toàn.",
        "Người dân yên tâm!",
        "Chia sẻ cho mọi người",
    ]


def test_words_are_substrings_in_order() -> None:
    text = normalize_text("Công an tỉnh Quảng Nam khẳng định thông tin vỡ đập là bịa đặt.")
    words = segment_words(text)
    assert "Quảng Nam" in words and "bịa đặt" in words
    position = 0
    for word in words:
        found = text.find(word, position)
        assert found >= 0, word
        position = found + len(word)


def test_empty_text_has_no_words() -> None:
    assert segment_words("   ") == []
    assert split_sentences("") == []


def test_joined_form_marks_word_boundaries() -> None:
    assert joined(["Thủy điện", "Sơn La", "xả"]) == "thủy_điện sơn_la xả"
