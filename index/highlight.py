"""HTML-safe highlights of query words in stored text, the same for every store."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator
from functools import cache, lru_cache

from core.text import fold_char, fold_diacritics, nfc
from index.query import SearchHit, StoredItem
from index.search_plan import QueryPlan
from index.search_text import normal_form

FRAGMENT_CHARS = 160
MAX_FRAGMENTS = 3


@lru_cache(maxsize=256)
def _pattern(sequences: tuple[tuple[str, ...], ...]) -> re.Pattern[str] | None:
    """The sequences as whole syllables with any separators between them.

    No look-behind: Python's engine would test it at every character of the text;
    ``_boundary_spans`` checks the character before each match instead."""
    if not sequences:
        return None
    alternatives = (r"[\W_]+".join(re.escape(s) for s in seq) for seq in sequences)
    return re.compile(r"(?:" + "|".join(alternatives) + r")(?![^\W_])")


def _boundary_spans(pattern: re.Pattern[str], text: str) -> Iterator[tuple[int, int]]:
    """The matches of ``pattern`` that start a syllable. A match right after a letter or
    digit is no match, and the search goes on from the next character, as a look-behind
    would have it."""
    position = 0
    while (found := pattern.search(text, position)) is not None:
        start, end = found.span()
        if start > 0 and text[start - 1].isalnum():
            position = start + 1
            continue
        yield start, end
        position = end


_BEYOND_BMP = re.compile("[\U00010000-\U0010FFFF]")


@cache
def _bmp_fold_table() -> str:
    """``fold_diacritics`` of each character of the Basic Multilingual Plane, as one string
    ``str.translate`` indexes: a third faster than the dictionary ``fold_diacritics`` uses."""
    return "".join(map(_table_entry, range(0x10000)))


def _table_entry(code: int) -> str:
    char = chr(code)
    if char.isascii():
        return char.lower()
    # Most of the plane (CJK, symbols) has no decomposition and no case: itself, cheaply.
    if not unicodedata.decomposition(char) and char.lower() == char and char not in "đĐ":
        return char
    return fold_char(char)


def _folded(original: str) -> str:
    """``fold_diacritics(original)`` for NFC text, character for character."""
    if original.isascii():
        return original.lower()
    if _BEYOND_BMP.search(original):  # an emoji, say: the table stops at U+FFFF
        return fold_diacritics(original)
    return original.translate(_bmp_fold_table())


def _spans(original: str, sequences: tuple[tuple[str, ...], ...], exact: bool
           ) -> Iterator[tuple[int, int]] | None:
    """Where the sequences stand in ``original`` (NFC), in order; ``None`` if nowhere can."""
    pattern = _pattern(sequences)
    if pattern is None:
        return None
    haystack = normal_form(original) if exact else _folded(original)
    if len(haystack) != len(original):  # never expected; marks would land in the wrong place
        return None
    return _boundary_spans(pattern, haystack)


def highlight(text: str, sequences: list[tuple[str, ...]], *, exact: bool) -> list[str]:
    """Up to three fragments of ``text`` around the query's words, escaped, words in ``<mark>``.

    ``sequences`` are syllable sequences in compared form (folded unless ``exact``), longest
    first, as ``QueryPlan.marks`` gives them. The stored text is crawled from the web and may
    hold markup: everything but our own ``<mark>`` tags is escaped.
    """
    if not text or not sequences:
        return []
    original = nfc(text)
    found = _spans(original, tuple(sequences), exact)
    if found is None:
        return []
    # Matches are read only as far as the last fragment reaches: a long text is not searched
    # to its end for three fragments near its start.
    spans: list[tuple[int, int]] = []
    fragments: list[str] = []
    pending = next(found, None)
    while pending is not None and len(fragments) < MAX_FRAGMENTS:
        # Every match before ``right`` was taken in by the fragment before: this one starts
        # a new fragment.
        left = max(0, pending[0] - FRAGMENT_CHARS // 2)
        right = min(len(original), left + FRAGMENT_CHARS)
        while pending is not None and pending[0] < right:
            spans.append(pending)
            pending = next(found, None)
        inside = [(s, e) for s, e in spans if s >= left and e <= right]
        fragments.append(_render(original, left, right, inside))
    return fragments


def _render(text: str, left: int, right: int, spans: list[tuple[int, int]]) -> str:
    parts: list[str] = ["…" if left > 0 else ""]
    cursor = left
    for start, end in spans:
        parts.append(html.escape(text[cursor:start]))
        parts.append("<mark>" + html.escape(text[start:end]) + "</mark>")
        cursor = end
    parts.append(html.escape(text[cursor:right]))
    parts.append("…" if right < len(text) else "")
    return "".join(parts)


def search_hit(stored: StoredItem, plan: QueryPlan) -> SearchHit:
    """A search hit with the query's words marked in its title and text (lead included)."""
    sequences = plan.marks()
    item = stored.indexed.item
    marks = {
        "title": highlight(item.title, sequences, exact=plan.exact),
        "text": highlight(" ".join((item.lead, item.text)), sequences, exact=plan.exact),
    }
    return SearchHit(stored=stored, highlights={k: v for k, v in marks.items() if v})
