"""Unit checks of decoding (legacy Vietnamese encodings, NFC) and date parsing."""

from __future__ import annotations

import unicodedata

import pytest

from crawlers.extract.dates import parse_date
from crawlers.extract.encoding import decode_html, detect_legacy, single_byte
from crawlers.extract.legacy_vietnamese import (
    from_tcvn3,
    from_vni,
    to_tcvn3,
    to_vni,
    vietnamese_letters,
)
from tests.crawlers.conftest import to_cp1258

PHRASE = "Cộng hòa xã hội chủ nghĩa Việt Nam, độc lập tự do hạnh phúc"


def test_declared_windows_1258_is_composed_to_nfc() -> None:
    page = b'<meta charset="windows-1258">' + to_cp1258(PHRASE)
    decoded = decode_html(page)
    assert decoded.encoding == "cp1258" and decoded.declared
    assert PHRASE in decoded.text
    assert unicodedata.is_normalized("NFC", decoded.text)


def test_decomposed_utf8_is_stored_composed() -> None:
    page = unicodedata.normalize("NFD", f"<p>{PHRASE}</p>").encode("utf-8")
    assert PHRASE in decode_html(page).text


@pytest.mark.parametrize(("sample", "legacy"), [
    ("Céng hoµ x· héi chñ nghÜa ViÖt Nam, ®éc lËp tù do h¹nh phóc", "tcvn3"),
    ("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam, ñoäc laäp töï do haïnh phuùc", "vni"),
    (PHRASE, None),
    ("Plain English text with café and naïve words in it", None),
])
def test_legacy_font_encodings_are_reported(sample: str, legacy: str | None) -> None:
    assert detect_legacy(sample) == legacy


@pytest.mark.parametrize(("raw", "iso"), [
    ("2026-03-07T08:52:11.000 +07:00", "2026-03-07T08:52:11+07:00"),
    ("2025-10-09T10:15:00+0700", "2025-10-09T10:15:00+07:00"),
    ("2026-03-07 08:07", "2026-03-07T08:07:00+07:00"),
    ("Thứ Bảy, 07/03/2026 - 08:52", "2026-03-07T08:52:00+07:00"),
    ("Thu, 06 Feb 2025 20:30:48 +0700", "2025-02-06T20:30:48+07:00"),
    ("2025-06-12T03:00:00Z", "2025-06-12T03:00:00+00:00"),
])
def test_dates_are_timezone_aware(raw: str, iso: str) -> None:
    moment = parse_date(raw)
    assert moment is not None and moment.isoformat() == iso


# -- legacy font encodings: every Vietnamese letter there and back --------------------------------

def test_vni_round_trips_every_vietnamese_letter() -> None:
    letters = vietnamese_letters()
    assert len(letters) == 186 and "ự" in letters and "Ỵ" in letters and "Đ" in letters
    for letter in letters:
        assert from_vni(to_vni(letter).decode("cp1252")) == letter, letter
    word = "Trường Đại học Hàng hải Việt Nam, Quảng Ngãi, ỷ lại, Ỵ"
    assert from_vni(to_vni(word).decode("cp1252")) == word


def test_tcvn3_round_trips_every_letter_it_can_write() -> None:
    """TCVN3 (as ABC fonts were typed) has a code for every lower-case letter and for the
    capitals without a tone mark; a capital with a tone mark was typed with the lower-case code
    in an upper-case font, so it comes back lower-case: nothing in the bytes says otherwise."""
    lowered = []
    for letter in vietnamese_letters():
        back = from_tcvn3(to_tcvn3(letter).decode("latin-1"))
        if back != letter:
            assert back == letter.lower(), letter
            lowered.append(letter)
    toned_capitals = [letter for letter in vietnamese_letters() if letter.isupper()
                      and any(mark in unicodedata.normalize("NFD", letter)
                              for mark in "\u0300\u0301\u0303\u0309\u0323")]
    assert lowered == toned_capitals and len(lowered) == 60
    assert to_tcvn3("ư") == b"\xad"  # the letter a cp1252 reading loses (a soft hyphen)
    # the few capitals TCVN 5712 placed in the gaps of its upper half are read as capitals
    assert from_tcvn3(bytes([0xAF, 0xBA, 0xCD, 0xF0, 0xFF]).decode("latin-1")) == "ẰẲỂỖỐ"


@pytest.mark.parametrize(("encode", "name"), [(to_tcvn3, "tcvn3"), (to_vni, "vni")])
def test_legacy_pages_are_converted_to_nfc(encode, name: str) -> None:
    page = encode(f'<html><head><meta charset="iso-8859-1"></head><body><p>{PHRASE.lower()}'
                  f" trường ưu tiên</p></body></html>")
    decoded = decode_html(page)
    assert decoded.legacy == name
    assert f"{PHRASE.lower()} trường ưu tiên" in decoded.text
    assert unicodedata.is_normalized("NFC", decoded.text)
    assert any(name.upper() in note for note in decoded.notes)


def test_valid_utf8_wins_over_a_wrong_declared_charset() -> None:
    page = f'<meta charset="iso-8859-1"><p>{PHRASE}</p>'.encode()
    for content_type in (None, "text/html; charset=latin-1", "text/html; charset=windows-1258"):
        decoded = decode_html(page, content_type)
        assert PHRASE in decoded.text and decoded.encoding == "utf-8"
        assert decoded.notes and "valid UTF-8" in decoded.notes[0]
    # a real cp1252 page is still read as declared
    assert decode_html('<meta charset="iso-8859-1"><p>café</p>'.encode("cp1252")).text.endswith(
        "café</p>")


def test_mojibake_is_repaired() -> None:
    broken = single_byte(f"<p>{PHRASE}</p>".encode()).encode("utf-8")
    assert "Ã" in broken.decode("utf-8") or "á»" in broken.decode("utf-8")
    decoded = decode_html(broken)
    assert PHRASE in decoded.text
    assert decoded.notes == ("mojibake repaired (ftfy)",)
