"""HTML-safe highlights of query words in stored text, the same for every store."""

from __future__ import annotations

import html
import re

from core.text import fold_diacritics, nfc
from index.query import SearchHit, StoredItem
from index.search_plan import QueryPlan
from index.search_text import normal_form

FRAGMENT_CHARS = 160
MAX_FRAGMENTS = 3


def _pattern(sequences: list[tuple[str, ...]]) -> re.Pattern[str] | None:
    if not sequences:
        return None
    alternatives = (r"[\W_]+".join(re.escape(s) for s in seq) for seq in sequences)
    return re.compile(r"(?<![^\W_])(?:" + "|".join(alternatives) + r")(?![^\W_])")


def highlight(text: str, sequences: list[tuple[str, ...]], *, exact: bool) -> list[str]:
    """Up to three fragments of ``text`` around the query's words, escaped, words in ``<mark>``.

    ``sequences`` are syllable sequences in compared form (folded unless ``exact``), longest
    first, as ``QueryPlan.marks`` gives them. The stored text is crawled from the web and may
    hold markup: everything but our own ``<mark>`` tags is escaped.
    """
    pattern = _pattern(sequences)
    if pattern is None or not text:
        return []
    original = nfc(text)
    haystack = normal_form(original) if exact else fold_diacritics(original)
    if len(haystack) != len(original):  # never expected; marks would land in the wrong place
        return []
    spans = [m.span() for m in pattern.finditer(haystack)]
    fragments: list[str] = []
    covered_until = -1
    for start, _ in spans:
        if start < covered_until:
            continue
        left = max(0, start - FRAGMENT_CHARS // 2)
        right = min(len(original), left + FRAGMENT_CHARS)
        inside = [(s, e) for s, e in spans if s >= left and e <= right]
        fragments.append(_render(original, left, right, inside))
        covered_until = right
        if len(fragments) == MAX_FRAGMENTS:
            break
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
