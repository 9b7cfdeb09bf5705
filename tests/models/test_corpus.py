"""Corpus loading, the deterministic split, reviewer verdicts, and the corpus files themselves."""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from pathlib import Path

from core.labels import LABELS
from models.corpus import CORPUS_DIR, BadLine, load_corpus, read_examples, read_verdicts, split_of


def test_split_is_deterministic_and_roughly_70_15_15() -> None:
    ids = [f"label-{i:04d}" for i in range(4000)]
    splits = Counter(split_of(i) for i in ids)
    assert [split_of(i) for i in ids] == [split_of(i) for i in ids]
    assert 0.66 < splits["train"] / 4000 < 0.74
    assert 0.12 < splits["dev"] / 4000 < 0.18
    assert 0.12 < splits["test"] / 4000 < 0.18


def test_bad_lines_are_reported_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text(
        '{"id": "a", "text": "Đập vẫn an toàn", "label": "none"}\n'
        "not json\n"
        '{"id": "b", "text": "x", "label": "fake_label"}\n'
        '{"id": "c", "text": "", "label": "none"}\n',
        encoding="utf-8",
    )
    bad: list[BadLine] = []
    examples = read_examples(path, bad)
    assert [e.id for e in examples] == ["a"]
    assert [b.line for b in bad] == [2, 3, 4]


def test_verdicts_become_examples(tmp_path: Path) -> None:
    path = tmp_path / "verdicts.jsonl"
    rows = [
        {"text": "Đập sắp vỡ, chạy ngay", "title": "", "label": "disaster_hoax"},
        {"text": "Tôi thấy dự án này cần xem lại", "title": "Góp ý", "label": "opinion"},
    ]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    examples = read_verdicts(path)
    assert [e.label for e in examples] == ["disaster_hoax", "opinion"]
    assert examples[0].id == read_verdicts(path)[0].id  # stable id, stable split


def test_corpus_files_are_well_formed() -> None:
    """Every line of the shipped corpus reads, with a known label, an NFC text and a provenance."""
    if not CORPUS_DIR.is_dir():
        return
    bad: list[BadLine] = []
    examples = load_corpus(CORPUS_DIR, (), bad)
    assert bad == []
    for example in examples:
        assert example.label in LABELS
        assert unicodedata.is_normalized("NFC", example.text), example.id
        assert example.provenance, example.id
        assert example.id.startswith(example.label), example.id
