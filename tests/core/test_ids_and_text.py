"""Ids come from canonical URLs; text is NFC; folding joins words with and without diacritics."""

from __future__ import annotations

import unicodedata

import pytest

from core.ids import canonical_url, doc_id_for_post, doc_id_for_url, pseudonymise
from core.text import collapse_spaces, fold_diacritics, nfc


@pytest.mark.parametrize(
    "variant",
    [
        "https://vnexpress.net/tin-a-123.html",
        "HTTPS://VNEXPRESS.NET/tin-a-123.html",
        "https://vnexpress.net:443/tin-a-123.html",
        "https://vnexpress.net/tin-a-123.html#binh-luan",
        "https://vnexpress.net/tin-a-123.html?utm_source=facebook&fbclid=abc",
    ],
)
def test_same_article_same_id(variant: str) -> None:
    assert doc_id_for_url(variant) == doc_id_for_url("https://vnexpress.net/tin-a-123.html")


def test_meaningful_query_and_path_change_the_id() -> None:
    base = "https://example.vn/tin?id=1"
    assert doc_id_for_url(base) != doc_id_for_url("https://example.vn/tin?id=2")
    assert doc_id_for_url("https://example.vn/a") != doc_id_for_url("https://example.vn/b")
    assert canonical_url("https://example.vn/?b=2&a=1") == "https://example.vn/?a=1&b=2"


def test_post_ids_are_per_platform() -> None:
    assert doc_id_for_post("youtube", "abc") != doc_id_for_post("facebook", "abc")
    assert doc_id_for_post("YouTube", "abc") == doc_id_for_post("youtube", "abc")


def test_pseudonym_is_keyed_stable_and_hides_the_name() -> None:
    first = pseudonymise("Nguyễn Văn A", "key-1")
    assert first == pseudonymise("  nguyễn văn a ", "key-1")
    assert first != pseudonymise("Nguyễn Văn A", "key-2")
    assert "Nguy" not in first and first.startswith("anon-")


def test_nfc_composes_decomposed_marks() -> None:
    decomposed = unicodedata.normalize("NFD", "Thủy điện Hòa Bình")
    assert decomposed != "Thủy điện Hòa Bình"
    assert nfc(decomposed) == "Thủy điện Hòa Bình"


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Thủy điện Hòa Bình", "thuy dien hoa binh"),
        ("ĐẬP THỦY ĐIỆN", "dap thuy dien"),
        ("hoà", "hoa"),  # old tone placement
        (unicodedata.normalize("NFD", "Nước lũ"), "nuoc lu"),
    ],
)
def test_fold_diacritics(text: str, folded: str) -> None:
    assert fold_diacritics(text) == folded


def test_folding_keeps_offsets() -> None:
    text = "Ông Đặng nói: \u201cthủy điện\u201d ổn định"
    assert len(fold_diacritics(text)) == len(nfc(text))


def test_collapse_spaces_handles_nbsp() -> None:
    assert collapse_spaces(" a\u00a0\u00a0b\n\tc ") == "a b c"
