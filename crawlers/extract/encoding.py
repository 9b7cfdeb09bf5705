"""Decode page bytes to NFC text: declared, sniffed and legacy Vietnamese encodings.

The order, after w3lib's ``html_to_unicode`` (BOM, then the HTTP header, then the page's own
declaration, then sniffing), with two corrections real Vietnamese pages need: a body that is
valid UTF-8 (and not plain ASCII) is UTF-8 whatever a header or ``<meta>`` claims, and a page
declared UTF-8 that is not valid UTF-8 is sniffed instead of read with replacement characters.
Text in the legacy TCVN3 and VNI font encodings is converted; other mojibake (UTF-8 read as
cp1252 somewhere upstream) is repaired with ftfy. Every such correction is noted.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

import ftfy
from w3lib.encoding import resolve_encoding

from core.text import nfc
from crawlers.extract.legacy_vietnamese import convert_legacy

# Pages sometimes declare their charset far down the head (seen at byte 18 206 on tuoitre.vn),
# well past the 1 024 bytes browsers pre-scan, so look further.
_SNIFF_BYTES = 65_536
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)

# Letters that only Vietnamese uses among Latin scripts; their share tells a right decode
# from a wrong one.
_VIET_LETTERS = set(
    "ăâđêôơưĂÂĐÊÔƠƯ"
    "àảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
    "ÀẢÃÁẠẰẲẴẮẶẦẨẪẤẬÈẺẼÉẸỀỂỄẾỆÌỈĨÍỊÒỎÕÓỌỒỔỖỐỘỜỞỠỚỢÙỦŨÚỤỪỬỮỨỰỲỶỸÝỴ"
)
# TCVN3 (ABC) fonts such as .VnTime put Vietnamese letters on Latin-1 code points; read as
# cp1252 the text shows symbols (µ ¸ · ¹ ® ...) in the middle of words, which no language does.
_TCVN3_WORD = re.compile(r"\w*[\u00a8-\u00be]\w*|\w+[\u00a8-\u00be]")
# VNI fonts write a base letter followed by Latin-1 letters standing for the marks
# ("Vieät Nam"); such pairs are rare in any real language.
_VNI_PAIR = re.compile(r"[aeiouyAEIOUY][øùúûõïäåöëæñòóôð]|[ôöÔÖ][ùøûõïaù]")


@dataclass(frozen=True)
class Decoded:
    """Text of a page and how it was obtained."""

    text: str
    encoding: str
    declared: bool
    legacy: str | None = None  # "tcvn3" or "vni" when the text was in a legacy font encoding
    notes: tuple[str, ...] = field(default=())  # corrections made, for the crawl summary


def _normalise_name(name: str) -> str | None:
    """The codec for a charset label, with the WHATWG aliases (latin-1 means cp1252)."""
    resolved = resolve_encoding(name.strip().lower())
    if not resolved:
        return None
    try:
        return codecs.lookup(resolved).name
    except LookupError:
        return None


def declared_encoding(body: bytes, content_type: str | None = None) -> str | None:
    """The charset named by the HTTP header, a BOM, an XML declaration or a ``<meta>`` tag."""
    if body.startswith(codecs.BOM_UTF8):
        return "utf-8"
    if content_type:
        match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", content_type, re.I)
        if match and (name := _normalise_name(match.group(1))):
            return name
    head = body[:_SNIFF_BYTES]
    for pattern in (_XML_DECL, _META_CHARSET):
        found = pattern.search(head)
        if found and (name := _normalise_name(found.group(1).decode("ascii", "ignore"))):
            return name
    return None


def vietnamese_score(text: str) -> float:
    """Share of letters that are Vietnamese-specific: high for a right decode of Vietnamese."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    viet = sum(ch in _VIET_LETTERS for ch in letters)
    # Non-ASCII letters foreign to Vietnamese (ð, Þ, ß...) betray a wrong code page.
    foreign = sum(not ch.isascii() and ch not in _VIET_LETTERS for ch in letters)
    return (viet - foreign) / len(letters)


def detect_legacy(text: str) -> str | None:
    """Name the legacy Vietnamese font encoding (``tcvn3`` or ``vni``) the text seems to use."""
    sample = text[:20_000]
    words = len(sample.split()) or 1
    if vietnamese_score(sample) > 0.05:
        return None
    if len(_TCVN3_WORD.findall(sample)) / words > 0.15:
        return "tcvn3"
    if len(_VNI_PAIR.findall(sample)) / words > 0.2:
        return "vni"
    return None


# A lead byte of a UTF-8 letter followed by a continuation byte, both read as cp1252 ("Ã´",
# "á»", "Ä‘"): the mark of UTF-8 decoded with the wrong code page. Cheap, so ftfy runs only then.
_MOJIBAKE_HINT = re.compile(
    "[\u00c2-\u00c6\u00e1][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e"
    "\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039"
    "\u203a\u20ac\u2122]"
)

# cp1252 where it defines 0x80-0x9F, Latin-1 where it does not: every byte keeps a character.
_C1 = {byte: bytes([byte]).decode("cp1252", errors="ignore") or chr(byte)
       for byte in range(0x80, 0xA0)}


def single_byte(body: bytes) -> str:
    """``body`` one character per byte, as cp1252 (the reading legacy font encodings assume)."""
    return body.decode("latin-1").translate({byte: char for byte, char in _C1.items()})


def _strict_utf8(body: bytes) -> str | None:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _sniff(body: bytes) -> tuple[str, str]:
    """Text and codec of an undeclared non-UTF-8 body: cp1258 or cp1252, whichever reads most
    like Vietnamese."""
    candidates = []
    for encoding in ("cp1258", "cp1252"):
        text = nfc(body.decode(encoding, errors="replace"))
        candidates.append((vietnamese_score(text), encoding, text))
    _score, encoding, text = max(candidates, key=lambda c: c[0])
    return text, encoding


def _is_utf8(name: str) -> bool:
    return name.replace("_", "-") in {"utf-8", "utf-8-sig"}


def decode_html(body: bytes, content_type: str | None = None) -> Decoded:
    """Decode ``body`` (see the module's docstring for the order). NFC always."""
    declared = declared_encoding(body, content_type)
    notes: list[str] = []
    utf8 = _strict_utf8(body)
    if declared and not _is_utf8(declared) and utf8 is not None and not body.isascii():
        notes.append(f"declared {declared} but the body is valid UTF-8: read as UTF-8")
        text, encoding = utf8, "utf-8"
    elif declared and _is_utf8(declared) and utf8 is None and not body.startswith(
            codecs.BOM_UTF8):
        notes.append("declared UTF-8 but the body is not valid UTF-8: encoding sniffed")
        text, encoding = _sniff(body)
    elif declared:
        text = body.decode(declared, errors="replace")
        encoding = declared
    elif utf8 is not None:
        text, encoding = utf8, "utf-8"
    else:
        text, encoding = _sniff(body)
    text = nfc(text.lstrip("\ufeff"))
    legacy = None
    if encoding != "utf-8" or not body.isascii():
        # Legacy font encodings show as Latin-1 letters in odd places: look at the bytes as
        # cp1252 (or at the text, when it was typed into a Unicode page).
        reading = text if encoding == "utf-8" else single_byte(body)
        legacy = detect_legacy(reading)
        if legacy:
            text = convert_legacy(reading.lstrip("\ufeff"), legacy)
            notes.append(f"converted from the legacy {legacy.upper()} encoding")
    if not legacy and _MOJIBAKE_HINT.search(text):
        repaired = nfc(ftfy.fix_encoding(text))
        if repaired != text:
            notes.append("mojibake repaired (ftfy)")
            text = repaired
    return Decoded(text, encoding, declared is not None, legacy, tuple(notes))
