"""HTML-safe highlights of query words in stored text, the same for every store."""

from __future__ import annotations

import html
import re

from core.text import fold_diacritics, nfc
from index.query import SearchHit, SearchQuery, StoredItem

WORD = re.compile(r"\w+", re.UNICODE)
FRAGMENT_CHARS = 160
MAX_FRAGMENTS = 3


def query_terms(text: str, *, exact: bool) -> list[str]:
    """The words of a query, folded unless the search is exact."""
    words = WORD.findall(nfc(text) if exact else fold_diacritics(text))
    return [word if not exact else word.lower() for word in words]


def highlight(text: str, terms: list[str], *, exact: bool) -> list[str]:
    """Up to three fragments of ``text`` around the query words, escaped, words in ``<mark>``.

    The stored text is crawled from the web and may hold markup: everything but our own
    ``<mark>`` tags is escaped.
    """
    if not terms or not text:
        return []
    original = nfc(text)
    haystack = original.lower() if exact else fold_diacritics(original)
    pattern = re.compile(r"\b(" + "|".join(re.escape(t) for t in terms) + r")\b")
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


def search_hit(stored: StoredItem, query: SearchQuery) -> SearchHit:
    """A search hit with the query's words marked in its title and text (lead included)."""
    terms = query_terms(query.text, exact=query.exact)
    item = stored.indexed.item
    marks = {
        "title": highlight(item.title, terms, exact=query.exact),
        "text": highlight(" ".join((item.lead, item.text)), terms, exact=query.exact),
    }
    return SearchHit(stored=stored, highlights={k: v for k, v in marks.items() if v})
