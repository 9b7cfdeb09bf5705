"""Decode page bytes to NFC text: declared, sniffed and legacy Vietnamese encodings."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from core.text import nfc

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
    legacy: str | None = None  # "tcvn3" or "vni" when the text uses a legacy font encoding


def _normalise_name(name: str) -> str | None:
    try:
        return codecs.lookup(name.strip().lower()).name
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


def decode_html(body: bytes, content_type: str | None = None) -> Decoded:
    """Decode ``body``: a declared charset wins (``windows-1258`` included); otherwise UTF-8 if it
    decodes cleanly, else whichever of cp1258/cp1252 reads most like Vietnamese. NFC always."""
    declared = declared_encoding(body, content_type)
    if declared:
        # Pages labelled latin-1 are in practice cp1252 (the WHATWG rule).
        encoding = "cp1252" if declared in {"latin-1", "iso8859-1"} else declared
        text = body.decode(encoding, errors="replace")
        if encoding == "utf-8-sig" or text.startswith("\ufeff"):
            text = text.lstrip("\ufeff")
        text = nfc(text)
        return Decoded(text, encoding, True, detect_legacy(text))
    try:
        text = nfc(body.decode("utf-8"))
        return Decoded(text, "utf-8", False, detect_legacy(text))
    except UnicodeDecodeError:
        pass
    candidates = []
    for encoding in ("cp1258", "cp1252"):
        text = nfc(body.decode(encoding, errors="replace"))
        candidates.append((vietnamese_score(text), encoding, text))
    _score, encoding, text = max(candidates, key=lambda c: c[0])
    return Decoded(text, encoding, False, detect_legacy(text))
