"""Small text helpers every package needs: Unicode NFC and diacritic folding for search."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# "đ" is a letter of its own, not d plus a combining mark, so NFD leaves it alone.
_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "D"})


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC, the one form we store ("hòa" composed, never decomposed)."""
    return unicodedata.normalize("NFC", text)


def collapse_spaces(text: str) -> str:
    """Collapse every run of white space (U+00A0 included) into one space and strip the ends."""
    return _SPACES.sub(" ", text.replace("\u00a0", " ")).strip()


def fold_diacritics(text: str) -> str:
    """Lower-case ``text`` and strip Vietnamese diacritics, so "Thủy điện" and "thuy dien" meet.

    >>> fold_diacritics("Thủy điện Hòa Bình")
    'thuy dien hoa binh'
    """
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).lower()
