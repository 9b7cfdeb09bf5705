"""Convert text in the legacy Vietnamese font encodings TCVN3 (ABC) and VNI to Unicode NFC.

Both predate Unicode: a page in them declares a Western code page (or nothing), and the browser
showed Vietnamese only because the reader had the matching fonts (.VnTime, VNI-Times). Read as
cp1252 such text is unreadable ("ViÖt Nam", "Vieät Nam"); these tables give the letters back.

TCVN3 is single-byte: TCVN 5712:1993's upper half (0xA0-0xFF) holds the lower-case letters with
their marks and the capitals Ă Â Ê Ô Ơ Ư Đ (a few more capitals sit in its gaps). Capitals with a
tone mark have no code of their own in TCVN3 as used: they were typed with the lower-case codes in
an upper-case font (.VnTimeH), so they come back in lower case; nothing in the bytes says
otherwise. Bytes 0x80-0x9F stay as cp1252 reads them (curly quotes, dashes), as the fonts drew.

VNI writes a base letter followed by one mark character (ê for the breve, â for the circumflex, ø
ù û õ ï for the five tones, combined marks for both), and single characters for ơ ư đ and the
marked i and ỵ; capitals use the upper-case mark characters. Every Vietnamese letter has a code.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from core.text import nfc

_TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # none, grave, acute, hook, ~, dot

# TCVN 5712:1993, bytes 0xA0-0xFF in order. Combining tone marks sit at 0xB0-0xB4.
_TCVN3_HIGH = (
    "\u00a0ĂÂÊÔƠƯĐăâêôơưđẰ"
    "\u0300\u0309\u0303\u0301\u0323àảãáạẲằẳẵắẴ"
    "ẮẦẨẪẤỀặầẩẫấậèỂẻẽ"
    "éẹềểễếệìỉỄẾỒĩíịò"
    "Ổỏõóọồổỗốộờởỡớợù"
    "ỖủũúụừửữứựỳỷỹýỵỐ"
)
assert len(_TCVN3_HIGH) == 96

# VNI: the mark characters (as cp1252 reads them) for lower-case and capital letters.
_VNI_TONE = {False: ("", "ø", "ù", "û", "õ", "ï"), True: ("", "Ø", "Ù", "Û", "Õ", "Ï")}
_VNI_CIRCUMFLEX = {False: ("â", "à", "á", "å", "ã", "ä"), True: ("Â", "À", "Á", "Å", "Ã", "Ä")}
_VNI_BREVE = {False: ("ê", "è", "é", "ú", "ü", "ë"), True: ("Ê", "È", "É", "Ú", "Ü", "Ë")}
_VNI_I = {False: ("i", "ì", "í", "æ", "ó", "ò"), True: ("I", "Ì", "Í", "Æ", "Ó", "Ò")}
_VNI_SINGLE = {"ơ": "ô", "Ơ": "Ô", "ư": "ö", "Ư": "Ö", "đ": "ñ", "Đ": "Ñ", "ỵ": "î", "Ỵ": "Î"}


def vietnamese_letters() -> list[str]:
    """Every letter of the Vietnamese alphabet with every mark it takes, both cases (NFC)."""
    letters = []
    for base in ("a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"):
        for tone in _TONES:
            letters.append(nfc(base + tone))
    letters += ["b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "q", "r", "s", "t", "v",
                "x", "f", "j", "w", "z"]
    return letters + [letter.upper() for letter in letters]


def _split(letter: str) -> tuple[str, str, int, bool]:
    """A letter as (base without marks, vowel mark, tone index, capital)."""
    parts = unicodedata.normalize("NFD", letter)
    tone = next((i for i, mark in enumerate(_TONES) if mark and mark in parts), 0)
    shape = "".join(ch for ch in parts if ch not in _TONES[1:])
    base = shape[0]
    vowel_mark = shape[1:]  # "\u0306" breve, "\u0302" circumflex, "\u031b" horn, or ""
    return base, vowel_mark, tone, letter.isupper()


@cache
def _vni_table() -> dict[str, str]:
    """Unicode letter -> its VNI characters."""
    table: dict[str, str] = {}
    for letter in vietnamese_letters():
        if letter in _VNI_SINGLE:
            table[letter] = _VNI_SINGLE[letter]
            continue
        base, vowel_mark, tone, capital = _split(letter)
        if base.lower() == "i":
            table[letter] = _VNI_I[capital][tone]
        elif vowel_mark == "\u0302":
            table[letter] = base + _VNI_CIRCUMFLEX[capital][tone]
        elif vowel_mark == "\u0306":
            table[letter] = base + _VNI_BREVE[capital][tone]
        elif vowel_mark == "\u031b":
            table[letter] = _VNI_SINGLE[nfc(base + vowel_mark)] + _VNI_TONE[capital][tone]
        else:
            table[letter] = base + _VNI_TONE[capital][tone]
    return table


@cache
def _vni_reader() -> tuple[re.Pattern[str], dict[str, str]]:
    reverse = {code: letter for letter, code in _vni_table().items() if code != letter}
    keys = sorted(reverse, key=len, reverse=True)  # "ôù" (ớ) before "ô" (ơ)
    return re.compile("|".join(re.escape(key) for key in keys)), reverse


def from_vni(text: str) -> str:
    """Text typed in a VNI font, read as cp1252, as Unicode NFC.

    >>> from_vni("Vieät Nam")
    'Việt Nam'
    """
    pattern, reverse = _vni_reader()
    return nfc(pattern.sub(lambda match: reverse[match.group(0)], text))


def from_tcvn3(text: str) -> str:
    """Text typed in a TCVN3 (ABC) font, read as cp1252 or Latin-1, as Unicode NFC.

    >>> from_tcvn3("ViÖt Nam")
    'Việt Nam'
    """
    return nfc(text.translate(_tcvn3_translation()))


@cache
def _tcvn3_translation() -> dict[int, str]:
    return {0xA0 + i: letter for i, letter in enumerate(_TCVN3_HIGH) if i}


def to_vni(text: str) -> bytes:
    """``text`` as VNI bytes (for tests and fixtures)."""
    table = _vni_table()
    return "".join(table.get(ch, ch) for ch in nfc(text)).encode("cp1252")


def to_tcvn3(text: str) -> bytes:
    """``text`` as TCVN3 bytes the way ABC fonts were typed: capitals with a tone mark, which
    TCVN3 lacks, take the lower-case code (for tests and fixtures)."""
    codes = {letter: 0xA0 + i for i, letter in enumerate(_TCVN3_HIGH)
             if i and not unicodedata.combining(letter)}
    out = bytearray()
    for ch in nfc(text):
        if ch.isascii():
            out.append(ord(ch))
        elif ch in codes and not (ch.isupper() and _split(ch)[2]):
            out.append(codes[ch])
        elif ch.lower() in codes:
            out.append(codes[ch.lower()])
        else:
            out += ch.encode("cp1252")
    return bytes(out)


def convert_legacy(text: str, legacy: str) -> str:
    """Text in the legacy encoding ``legacy`` ("tcvn3" or "vni") as Unicode NFC."""
    if legacy == "tcvn3":
        return from_tcvn3(text)
    if legacy == "vni":
        return from_vni(text)
    raise ValueError(f"unknown legacy encoding {legacy!r}")
