"""Small text helpers every package needs: Unicode NFC, tone-mark placement, diacritic folding."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Final

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


def fold_char(char: str) -> str:
    """One character as ``fold_diacritics`` folds it inside NFC text: one character out."""
    return _fold_char(char)


class _FoldTable(dict[int, str]):
    """``_fold_char`` as a ``str.translate`` table, filled on first sight of each character:
    folding then runs in C, several times faster than a Python loop over a long text."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code))
        return folded


_FOLD_TABLE: Final = _FoldTable()


def fold_diacritics(text: str) -> str:
    """Lower-case ``text`` and strip Vietnamese diacritics, so "Thủy điện" and "thuy dien" meet.

    The text is put in NFC first; the result has exactly as many characters as that NFC text.

    >>> fold_diacritics("Thủy điện Hòa Bình")
    'thuy dien hoa binh'
    """
    return nfc(text).translate(_FOLD_TABLE)


# Tone marks as combining characters; everything else that combines (circumflex, breve, horn)
# belongs to the vowel itself and never moves.
_TONES: Final[frozenset[str]] = frozenset({"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"})
_VOWELS: Final[frozenset[str]] = frozenset("aăâeêioôơuưy")
_MODIFIED_VOWELS: Final[frozenset[str]] = frozenset("ăâêôơư")
# Open two-vowel rhymes whose tone placement differs between the old style ("hòa", "thủy") and
# the 1980s school style ("hoà", "thuỷ"). We store the old style: it is what news outlets,
# underthesea and most of the web use, so dictionary look-ups and n-grams line up.
_OLD_STYLE_PAIRS: Final[frozenset[str]] = frozenset({"oa", "oe", "uy"})

# Only words with a non-ASCII letter can carry a misplaced tone mark.
_WORD_RE: Final = re.compile(r"[^\W\d_]*[^\x00-\x7f\W\d_][^\W\d_]*")


def _split_vowel(char: str) -> tuple[str, str]:
    """Split one letter into (letter without tone, tone mark or "")."""
    decomposed = unicodedata.normalize("NFD", char)
    tone = "".join(c for c in decomposed if c in _TONES)
    base = "".join(c for c in decomposed if c not in _TONES)
    return unicodedata.normalize("NFC", base), tone


def _tone_index(bases: list[str]) -> int | None:
    """Where the tone belongs in a syllable's letters (old-style placement), or None."""
    lower = [b.lower() for b in bases]
    if len(lower) < 3:
        return _simple_tone_index(lower)
    start = 0
    # "qu" and "gi" before another vowel: the u and i are part of the initial consonant.
    qu = lower[0] == "q" and lower[1] == "u"
    gi = lower[0] == "g" and lower[1] == "i" and lower[2] in _VOWELS
    if qu or gi:
        start = 2
    vowel_positions = [i for i in range(start, len(lower)) if lower[i] in _VOWELS]
    if not vowel_positions:
        return None
    first, last = vowel_positions[0], vowel_positions[-1]
    if last - first + 1 != len(vowel_positions):
        return None  # vowels not contiguous: not a Vietnamese syllable, leave it alone
    cluster = [lower[i] for i in vowel_positions]
    modified = [p for p, v in zip(vowel_positions, cluster, strict=True) if v in _MODIFIED_VOWELS]
    if modified:
        return modified[-1]
    if len(cluster) == 1:
        return first
    has_final = last < len(lower) - 1
    if has_final:
        return last
    if len(cluster) == 3:
        return vowel_positions[1]
    if "".join(cluster) in _OLD_STYLE_PAIRS:
        return first
    return first


def _simple_tone_index(lower: list[str]) -> int | None:
    vowels = [i for i, c in enumerate(lower) if c in _VOWELS]
    return vowels[0] if vowels else None


@lru_cache(maxsize=65536)
def normalize_syllable(word: str) -> str:
    """Put the tone mark of one syllable where the old style puts it ("hoà" -> "hòa").

    >>> normalize_syllable("hoà"), normalize_syllable("thuỷ"), normalize_syllable("baỏ")
    ('hòa', 'thủy', 'bảo')
    """
    if len(word) < 2 or len(word) > 8:
        return word
    bases: list[str] = []
    tones: list[tuple[int, str]] = []
    for i, char in enumerate(word):
        base, tone = _split_vowel(char)
        bases.append(base)
        if tone:
            tones.append((i, tone))
    if len(tones) != 1:
        return word
    target = _tone_index(bases)
    if target is None or target == tones[0][0]:
        return word
    bases[target] = unicodedata.normalize("NFC", bases[target] + tones[0][1])
    return "".join(bases)


def normalize_tones(text: str) -> str:
    """Every syllable's tone mark where the old style puts it; the length never changes.

    >>> normalize_tones("Thuỷ điện Hoà Bình, sức khoẻ")
    'Thủy điện Hòa Bình, sức khỏe'
    """
    # Most texts have every tone mark in place already: each distinct word is looked up once,
    # and the text is rewritten only when one of them moves.
    if all(normalize_syllable(word) == word for word in set(_WORD_RE.findall(text))):
        return text
    return _WORD_RE.sub(lambda m: normalize_syllable(m.group(0)), text)
