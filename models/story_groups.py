"""Story groups of the corpus: rewordings of one claim share a group and never straddle a split.

The corpus was written story by story: several items retell the same rumour, debunk or report in
other words and styles. Split by item, a test item's twin sits in training and the test measures
memory. Groups are computed once and written into the corpus files (field ``group``), so the split
is stable as the corpus grows and a reviewer can read and correct it; new items name their group.

Rules, in order, joined transitively:

1. items that name the same specific real-world source in ``provenance`` ("modelled on the 'vỡ đập
   Bản Vẽ' rumour ...") are one story;
2. items whose provenance is the generic "synthetic: written for the project" are grouped by
   label and ``topic``, the only trace of the story they were written for;
3. any two items whose character n-gram cosine is at least ``NEAR_DUPLICATE`` are one story,
   whatever their metadata says (a reworded copy).

    python -m models.story_groups            # print group sizes
    python -m models.story_groups --write    # add ``group`` to lines that have none
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from models.corpus import CORPUS_DIR
from nlp.normalize import fold

#: Cosine of character 3-5-grams (folded text) at which two items are rewordings of each other.
#: At 0.5 the corpus has 99 such pairs; a random 12 of them, read by hand, were all one story
#: retold (the same dam, decree, product or argument). At 0.4 the pairs (517) chain whole
#: narratives into one group of 300 items.
NEAR_DUPLICATE: Final[float] = 0.5
GENERIC_PROVENANCE: Final[str] = "synthetic"


class _Union:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, a: int, b: int) -> None:
        self.parent[self.find(a)] = self.find(b)


def story_groups(rows: Sequence[dict[str, Any]]) -> list[str]:
    """A group id per row (the id of the group's first row, prefixed ``story:``)."""
    union = _Union(len(rows))
    keyed: dict[tuple[str, ...], list[int]] = {}
    for i, row in enumerate(rows):
        provenance = str(row.get("provenance") or "")
        if provenance and not provenance.startswith(GENERIC_PROVENANCE):
            key: tuple[str, ...] = ("provenance", provenance)
        else:
            key = ("topic", str(row["label"]), str(row.get("topic") or row["id"]))
        keyed.setdefault(key, []).append(i)
    for members in keyed.values():
        for other in members[1:]:
            union.join(members[0], other)
    texts = [fold(f"{row.get('title') or ''} {row.get('text') or ''}") for row in rows]
    matrix = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True
                             ).fit_transform(texts)
    similarity = (matrix @ matrix.T).tocoo()
    close = (similarity.data >= NEAR_DUPLICATE) & (similarity.row < similarity.col)
    for a, b in zip(similarity.row[close], similarity.col[close], strict=True):
        union.join(int(a), int(b))
    first: dict[int, str] = {}
    for i, row in enumerate(rows):
        first.setdefault(union.find(i), str(row["id"]))
    return [f"story:{first[union.find(i)]}" for i in range(len(rows))]


def _read(corpus_dir: Path) -> list[tuple[Path, dict[str, Any]]]:
    rows: list[tuple[Path, dict[str, Any]]] = []
    for path in sorted(corpus_dir.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append((path, json.loads(line)))
    return rows


def write_groups(corpus_dir: Path = CORPUS_DIR) -> int:
    """Add ``group`` to every corpus line without one; returns how many lines changed. Lines
    that already name a group keep it (a group, once given, moves only by hand)."""
    rows = _read(corpus_dir)
    groups = story_groups([row for _, row in rows])
    changed = 0
    by_file: dict[Path, list[dict[str, Any]]] = {}
    for (path, row), group in zip(rows, groups, strict=True):
        if not row.get("group"):
            row["group"] = group
            changed += 1
        by_file.setdefault(path, []).append(row)
    for path, file_rows in by_file.items():
        path.write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in file_rows), encoding="utf-8"
        )
    return changed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS_DIR)
    parser.add_argument("--write", action="store_true", help="write missing groups")
    args = parser.parse_args(argv)
    if args.write:
        print(f"groups written on {write_groups(args.corpus)} lines")
    rows = [row for _, row in _read(args.corpus)]
    sizes = Counter(row.get("group") or "?" for row in rows)
    print(f"{len(rows)} items, {len(sizes)} groups, largest {sizes.most_common(5)}")
    print(f"median group size {float(np.median(list(sizes.values()))):.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
