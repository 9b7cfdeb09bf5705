"""Regression tests for every Unicode and spelling edge case the normaliser has met."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.normalize import normalize_syllable, normalize_text, normalize_unicode


def test_decomposed_and_composed_input_give_the_same_text() -> None:
    composed = "Thủy điện Hòa Bình xả lũ"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert normalize_text(decomposed) == normalize_text(composed) == composed


@pytest.mark.parametrize(
    ("old_style", "stored"),
    [
        ("hoà", "hòa"),
        ("Hoà Bình", "Hòa Bình"),
        ("thuỷ điện", "thủy điện"),
        ("hoá chất", "hóa chất"),
        ("khoẻ", "khỏe"),
        ("tuỵ", "tụy"),
        ("HOÀ BÌNH", "HÒA BÌNH"),
    ],
)
def test_old_and_new_tone_placement_meet(old_style: str, stored: str) -> None:
    assert normalize_text(old_style) == stored
    assert normalize_text(stored) == stored


def test_misplaced_tone_and_eth_look_alike() -> None:
    # "Ð" here is U+00D0 (Icelandic eth), not U+0110; "baỏ" has the tone on the wrong vowel.
    assert normalize_text("\u00d0\u1ea3m ba\u1ecf") == "\u0110\u1ea3m b\u1ea3o"
    assert normalize_text("chất lựơng") == "chất lượng"


@pytest.mark.parametrize(
    "word",
    ["quá", "giá", "gì", "người", "khuỷu", "ngoài", "quyết", "hoàn", "thuyền", "giường", "của"],
)
def test_syllables_already_right_are_left_alone(word: str) -> None:
    assert normalize_syllable(word) == word


def test_cyrillic_look_alikes_and_invisible_characters() -> None:
    # "с" and "о" below are Cyrillic; the zero-width space splits a word for machines only.
    assert normalize_text("\u0441\u043e\u0300n") == normalize_text("còn")
    assert normalize_text("vỡ\u200b đập") == "vỡ đập"
    assert normalize_text("x\u00adả lũ") == "xả lũ"


def test_fancy_fonts_and_full_width_letters_become_plain() -> None:
    assert normalize_unicode("𝐊𝐇𝐀̂̉𝐍") == "KHẨN"
    assert normalize_unicode("ｆｕｌｌ") == "full"


def test_urls_hashtags_emoji_and_emphasis() -> None:
    text = "KHẨNNNN 😱😱 đập sắp vỡ #VoDapThuyDien xem https://fb.com/x?id=1 ngayyyy"
    assert normalize_text(text) == "KHẨN đập sắp vỡ Vo Dap Thuy Dien xem URL ngay"


def test_roman_numerals_keep_their_letters() -> None:
    assert normalize_text("Thế chiến III") == "Thế chiến III"


@pytest.mark.parametrize(
    ("informal", "standard"),
    [
        ("mn ơi ko phải đùa đâu", "mọi người ơi không phải đùa đâu"),
        ("dc chưa ae", "được chưa anh em"),
        ("vỡ r", "vỡ rồi"),
    ],
)
def test_informal_spellings_are_written_out(informal: str, standard: str) -> None:
    assert normalize_text(informal) == standard


def test_informal_spellings_only_as_whole_tokens() -> None:
    assert normalize_text("giá 50k một ký") == "giá 50k một ký"
    assert normalize_text("kokoro") == "kokoro"


def test_lines_are_kept_and_blank_ones_dropped() -> None:
    assert normalize_text("  dòng một  \n\n\n dòng   hai ") == "dòng một\ndòng hai"


vietnamese_letters = st.text(
    alphabet="aăâeêioôơuưyđbcdghklmnpqrstvxàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợ"
    "ùúủũụừứửữựỳýỷỹỵ .,!?\n",
    max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(vietnamese_letters)
def test_normalising_twice_changes_nothing(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert unicodedata.is_normalized("NFC", once)
