"""The text both stores index for search: syllables and words, as written and folded.

Both stores receive the same token streams, computed here, and only split them on spaces
(Elasticsearch's ``whitespace`` analyzer, SQLite FTS5's ``ascii`` tokenizer), so a query can
never match differently in one store than in the other because of tokenisation.

Every stream is in NFC, lower case, with tone marks placed one way (``core.text
.normalize_tones``: "thuỷ" and "thủy" are one syllable). A *syllable* is a run of letters and
digits. A *word* is what underthesea cut (``Enrichment.title_words``/``body_words``); the
syllables of a word are joined by "_" ("điện_gió"). An item nobody segmented counts each
syllable as a word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from core.text import fold_diacritics, nfc, normalize_syllable, normalize_tones

_SYLLABLE: Final = re.compile(r"[^\W_]+")
_WORD: Final = re.compile(r"[^\W_]+(?:_[^\W_]+)*")
#: Longer runs are not syllables (hashes, base64 in a pasted link); Elasticsearch's whitespace
#: tokenizer would also cut a token at 255 characters, so both stores drop them alike.
MAX_SYLLABLE_CHARS: Final[int] = 40
#: A word longer than this many syllables is a segmentation accident, not a word.
MAX_WORD_SYLLABLES: Final[int] = 4
#: Words longer than this (in bytes) are left out of the word vocabulary (an id must stay short).
MAX_FORM_BYTES: Final[int] = 200

#: The searchable streams of an item, by the name both stores give them.
SEARCH_FIELDS: Final[tuple[str, ...]] = (
    "search_title", "search_title_folded", "search_title_words", "search_title_words_folded",
    "search_body", "search_body_folded", "search_body_words", "search_body_words_folded",
)


def normal_form(text: str) -> str:
    """NFC, tones placed the old way, lower case; one character in, one character out.

    >>> normal_form("Thuỷ Điện")
    'thủy điện'
    """
    placed = normalize_tones(nfc(text))
    lowered = placed.lower()
    if len(lowered) == len(placed):
        return lowered
    # A few letters lower-case into two characters ("İ"); those keep their case.
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in placed)


def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in (*range(0x00C0, 0x0250), *range(0x1E00, 0x1F00)):
        folded = fold_diacritics(chr(code))
        if folded != chr(code):
            table[code] = folded
    return table


_FOLD: Final[dict[int, str]] = _fold_table()


def syllables(text: str) -> list[str]:
    """The syllables of ``text`` in normal form.

    >>> syllables("Thuỷ điện Hoà Bình: xả 3,5 triệu m³!")
    ['thủy', 'điện', 'hòa', 'bình', 'xả', '3', '5', 'triệu', 'm³']
    """
    out: list[str] = []
    for chunk in nfc(text).lower().split():
        out.extend(_chunk_syllables(chunk))
    return out


@lru_cache(maxsize=200_000)
def _chunk_syllables(chunk: str) -> tuple[str, ...]:
    """The syllables of one space-free piece of text ("lũ," -> "lũ"); texts repeat pieces."""
    return tuple(n for n in map(_syllable, _SYLLABLE.findall(chunk)) if n is not None)


def _syllable(token: str) -> str | None:
    if len(token) > MAX_SYLLABLE_CHARS:
        return None
    return token if token.isascii() else normalize_syllable(token)


def fold(token: str) -> str:
    """A token (or stream) in normal form without its diacritics ("điện_gió" -> "dien_gio").

    Latin letters are folded by table (fast on whole streams); anything else by
    ``core.text.fold_diacritics``, which agrees with the table where both apply.
    """
    folded = token.translate(_FOLD)
    return folded if folded.isascii() else fold_diacritics(folded)


_fold_token = lru_cache(maxsize=200_000)(fold)


def folded(tokens: list[str]) -> str:
    """The tokens folded, as one stream (cached per token: a text repeats its words)."""
    return " ".join(map(_fold_token, tokens))


def words(segmented: str) -> list[str]:
    """The word tokens of a segmented text ("Điện_gió Bạc_Liêu ," -> điện_gió, bạc_liêu).

    A "word" longer than ``MAX_WORD_SYLLABLES`` is split into its syllables.
    """
    out: list[str] = []
    for chunk in nfc(segmented).lower().split():
        out.extend(_chunk_words(chunk))
    return out


@lru_cache(maxsize=200_000)
def _chunk_words(chunk: str) -> tuple[str, ...]:
    out: list[str] = []
    for token in _WORD.findall(chunk):
        parts = [p for p in map(_syllable, token.split("_")) if p is not None]
        if 1 < len(parts) <= MAX_WORD_SYLLABLES:
            out.append("_".join(parts))
        else:
            out.extend(parts)
    return tuple(out)


@dataclass(frozen=True)
class SearchStreams:
    """What an item puts in the search index, and the words it adds to the vocabulary."""

    fields: dict[str, str]
    #: Words of two or more syllables as written (normal form), e.g. "điện_gió".
    forms: frozenset[str]


def _words_or_syllables(segmented: str, plain: list[str]) -> list[str]:
    return words(segmented) if segmented.strip() else plain


def search_streams(
    *, title: str, lead: str, text: str, title_words: str = "", body_words: str = ""
) -> SearchStreams:
    """The eight streams (title and body; syllables and words; as written and folded)."""
    title_syllables = syllables(title)
    body_syllables = syllables(f"{lead} {text}")
    title_word_list = _words_or_syllables(title_words, title_syllables)
    body_word_list = _words_or_syllables(body_words, body_syllables)
    title_folded = folded(title_syllables)
    body_folded = folded(body_syllables)
    fields = {
        "search_title": " ".join(title_syllables),
        "search_title_folded": title_folded,
        "search_title_words": " ".join(title_word_list),
        "search_title_words_folded": (
            title_folded if title_word_list is title_syllables else folded(title_word_list)
        ),
        "search_body": " ".join(body_syllables),
        "search_body_folded": body_folded,
        "search_body_words": " ".join(body_word_list),
        "search_body_words_folded": (
            body_folded if body_word_list is body_syllables else folded(body_word_list)
        ),
    }
    forms = word_forms((*title_word_list, *body_word_list))
    return SearchStreams(fields={name: fields[name] for name in SEARCH_FIELDS}, forms=forms)


def word_forms(tokens: Iterable[str]) -> frozenset[str]:
    """The words of two or more syllables among ``tokens``: what the vocabulary keeps."""
    joined = {t for t in tokens if "_" in t}
    return frozenset(t for t in joined if len(t.encode("utf-8")) <= MAX_FORM_BYTES)
