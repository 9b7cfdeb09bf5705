"""Highlights found on text as written agree with highlights found by folding the text.

``index.highlight`` folds with a table of the whole Basic Multilingual Plane, checks the start
of each match by hand instead of with a look-behind, and stops reading matches once it has its
three fragments. The meaning is the plain one, written out here as the reference: fold the
text, find the sequences, mark the same characters of the text as written.
"""

from __future__ import annotations

import html
import random
import re
from pathlib import Path

import pytest

from core.text import fold_diacritics, nfc
from index.highlight import FRAGMENT_CHARS, MAX_FRAGMENTS, highlight
from index.search_text import syllables


def reference(text: str, sequences: list[tuple[str, ...]]) -> list[str]:
    """Fold the whole text, find every match, cut fragments: the behaviour to keep."""
    alternatives = (r"[\W_]+".join(re.escape(s) for s in seq) for seq in sequences)
    pattern = re.compile(r"(?<![^\W_])(?:" + "|".join(alternatives) + r")(?![^\W_])")
    original = nfc(text)
    spans = [m.span() for m in pattern.finditer(fold_diacritics(original))]
    fragments: list[str] = []
    covered_until = -1
    for start, _ in spans:
        if start < covered_until:
            continue
        left = max(0, start - FRAGMENT_CHARS // 2)
        right = min(len(original), left + FRAGMENT_CHARS)
        parts = ["…" if left > 0 else ""]
        cursor = left
        for s, e in spans:
            if s >= left and e <= right:
                parts += [html.escape(original[cursor:s]),
                          "<mark>" + html.escape(original[s:e]) + "</mark>"]
                cursor = e
        parts += [html.escape(original[cursor:right]), "…" if right < len(original) else ""]
        fragments.append("".join(parts))
        covered_until = right
        if len(fragments) == MAX_FRAGMENTS:
            break
    return fragments


def _page_texts(real_news_dir: Path) -> list[str]:
    texts = []
    for page in sorted(real_news_dir.glob("*/*.html")):
        raw = page.read_text("utf-8", errors="replace")
        body = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", raw)
        texts.append(html.unescape(re.sub(r"<[^>]+>", " ", body)))
    return texts


def _queries(text: str, rng: random.Random, count: int) -> list[list[tuple[str, ...]]]:
    words = [fold_diacritics(s) for s in syllables(text)]
    queries = []
    for _ in range(count):
        size = rng.randint(1, 3)
        start = rng.randrange(max(1, len(words) - size))
        longer = tuple(words[start:start + size])
        other = (words[rng.randrange(len(words))],)
        queries.append(sorted({longer, other}, key=lambda s: (-len(s), s)))
    return queries


def test_real_pages_are_marked_as_folding_them_would(real_news_dir: Path) -> None:
    """Text nobody here wrote, in every outlet's spelling (capitals, old and new tone
    placement, đ/Đ, quotes and dashes between words): the same fragments, character for
    character."""
    rng = random.Random(13)
    texts = _page_texts(real_news_dir)
    assert len(texts) >= 10
    compared = 0
    for text in texts:
        if not syllables(text):
            continue
        for sequences in _queries(text, rng, 8):
            assert highlight(text, sequences, exact=False) == reference(text, sequences), sequences
            compared += 1
    assert compared >= 80


@pytest.mark.parametrize(("text", "sequences"), [
    ("ĐIỆN GIÓ Bạc Liêu; Điện-gió, điện_gió và điện giờ", [("dien", "gio")]),
    ("Thuỷ điện Hoà Bình xả lũ; THỦY ĐIỆN Sơn La", [("thuy", "dien"), ("hoa",)]),
    ("İstanbul KELVİN Kelvin 5K 3,5 m³ ½", [("kelvin",), ("5k",), ("3",)]),
    ("đđđ dđ d đ Đ", [("d",)]),
    ("<b>thủy điện</b> & \"xả lũ\"", [("xa", "lu"), ("thuy", "dien")]),
    ("Lũ về 🌊 THỦY ĐIỆN xả lũ 😱 thuỷ điện", [("thuy", "dien"), ("lu",)]),
    ("xthuy dien, thuy dienx, thuy dien", [("thuy", "dien"), ("dien",)]),
])
def test_awkward_spellings_agree(text: str, sequences: list[tuple[str, ...]]) -> None:
    assert highlight(text, sequences, exact=False) == reference(text, sequences)


def test_a_long_text_gives_three_fragments_from_its_start() -> None:
    text = " ".join(["Mưa lớn, thủy điện xả lũ."] * 2000)
    fragments = highlight(text, [("thuy", "dien")], exact=False)
    assert fragments == reference(text, [("thuy", "dien")])
    assert len(fragments) == MAX_FRAGMENTS
    assert all("<mark>thủy điện</mark>" in f for f in fragments)


def test_the_fold_table_is_fold_diacritics_for_every_character_of_the_plane() -> None:
    from core.text import fold_char
    from index.highlight import _bmp_fold_table

    table = _bmp_fold_table()
    differs = [hex(code) for code in range(0x10000)
               if not 0xD800 <= code <= 0xDFFF and table[code] != fold_char(chr(code))]
    assert differs == []
