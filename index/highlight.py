"""HTML-safe highlights of query words in stored text, the same for every store."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from functools import cache, lru_cache

from core.text import fold_diacritics, nfc
from index.query import SearchHit, StoredItem
from index.search_plan import QueryPlan
from index.search_text import normal_form

FRAGMENT_CHARS = 160
MAX_FRAGMENTS = 3


@lru_cache(maxsize=256)
def _pattern(sequences: tuple[tuple[str, ...], ...]) -> re.Pattern[str] | None:
    """The sequences as whole syllables with any separators between them, on text in the
    form they are in."""
    if not sequences:
        return None
    alternatives = (r"[\W_]+".join(re.escape(s) for s in seq) for seq in sequences)
    return re.compile(r"(?<![^\W_])(?:" + "|".join(alternatives) + r")(?![^\W_])")


@cache
def _unfolded() -> dict[str, str]:
    """For each ASCII character, every character of the Basic Multilingual Plane that
    ``fold_diacritics`` turns into it ("d": "dĐđD…"), as a regular-expression class body."""
    classes: dict[str, list[str]] = {}
    for code in range(0x10000):
        char = chr(code)
        if 0xD800 <= code <= 0xDFFF:
            continue
        folded = fold_diacritics(char)
        if folded.isascii() and len(folded) == 1:
            classes.setdefault(folded, []).append(char)
    return {folded: "".join(re.escape(c) for c in chars) for folded, chars in classes.items()}


@lru_cache(maxsize=256)
def _unfolded_pattern(sequences: tuple[tuple[str, ...], ...]) -> re.Pattern[str] | None:
    """The folded sequences as a pattern over text as written (each letter a class of its
    spellings), so a long text need not be folded to be searched; ``None`` where a sequence
    holds a character outside ASCII (then the text is folded instead)."""
    if not sequences or not all(s.isascii() for seq in sequences for s in seq):
        return None
    classes = _unfolded()

    def letters(syllable: str) -> str:
        return "".join(f"[{classes[c]}]" if c in classes else re.escape(c) for c in syllable)

    alternatives = (r"[\W_]+".join(letters(s) for s in seq) for seq in sequences)
    # No look-behind: Python's engine would test it at every character of the text.
    # ``_unfolded_spans`` checks the character before each match instead.
    return re.compile(r"(?:" + "|".join(alternatives) + r")(?![^\W_])")


def _unfolded_spans(pattern: re.Pattern[str], text: str) -> Iterator[tuple[int, int]]:
    """What ``_pattern`` finds on the folded text, found on ``text`` itself. A match right
    after a letter or digit is no match, and the search goes on from the next character,
    as the look-behind would have it."""
    position = 0
    while (found := pattern.search(text, position)) is not None:
        start, end = found.span()
        if start > 0 and text[start - 1].isalnum():
            position = start + 1
            continue
        yield start, end
        position = end


def _spans(original: str, sequences: tuple[tuple[str, ...], ...], exact: bool
           ) -> Iterator[tuple[int, int]] | None:
    """Where the sequences stand in ``original`` (NFC), in order; ``None`` if nowhere can."""
    if not exact:
        unfolded = _unfolded_pattern(sequences)
        if unfolded is not None:
            return _unfolded_spans(unfolded, original)
    pattern = _pattern(sequences)
    if pattern is None:
        return None
    haystack = normal_form(original) if exact else fold_diacritics(original)
    if len(haystack) != len(original):  # never expected; marks would land in the wrong place
        return None
    return (m.span() for m in pattern.finditer(haystack))


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
