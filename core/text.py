"""Small text helpers every package needs: Unicode NFC and diacritic folding for search."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SPACES = re.compile(r"\s+")
# "đ" is a letter of its own, not d plus a combining mark, so NFD leaves it alone.
_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "D"})


def nfc(text: str) -> str:
    """Return ``text`` in Unicode NFC, the one form we store ("hòa" composed, never decomposed)."""
    return unicodedata.normalize("NFC", text)


def collapse_spaces(text: str) -> str:
    """Collapse every run of white space (U+00A0 included) into one space and strip the ends."""
    return _SPACES.sub(" ", text.replace("\u00a0", " ")).strip()


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    base = "".join(
        ch for ch in unicodedata.normalize("NFD", char.translate(_FOLD_EXTRA))
        if not unicodedata.combining(ch)
    ).lower()
    # One character in, one character out, so offsets in the folded text are offsets in the
    # original: highlights found on folded text can be drawn on the text as written.
    return base if len(base) == 1 else char


def fold_diacritics(text: str) -> str:
    """Lower-case ``text`` and strip Vietnamese diacritics, so "Thủy điện" and "thuy dien" meet.

    The text is put in NFC first; the result has exactly as many characters as that NFC text.

    >>> fold_diacritics("Thủy điện Hòa Bình")
    'thuy dien hoa binh'
    """
    return "".join(_fold_char(char) for char in nfc(text))
