"""Unit checks of decoding (legacy Vietnamese encodings, NFC) and date parsing."""

from __future__ import annotations

import unicodedata

import pytest

from crawlers.extract.dates import parse_date
from crawlers.extract.encoding import decode_html, detect_legacy
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
