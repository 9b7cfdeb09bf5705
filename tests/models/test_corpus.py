"""Corpus loading, the deterministic split, reviewer verdicts, and the corpus files themselves."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

from core.labels import LABELS
from models.corpus import (
    CORPUS_DIR,
    TEST_SHARE,
    BadLine,
    Example,
    assign_splits,
    load_corpus,
    read_examples,
    read_verdicts,
)


def _examples(groups: int, per_group: int, label: str = "none") -> list[Example]:
    return [Example(id=f"{label}-{g:03d}-{i}", text=f"tin {g} {i}", label=label,
                    group=f"story:{label}-{g}")
            for g in range(groups) for i in range(per_group)]


def test_split_keeps_every_story_whole_and_takes_about_15_percent_of_each_label() -> None:
    examples = (_examples(60, 3, "none") + _examples(40, 4, "disaster_hoax")
                + _examples(30, 2, "opinion"))
    split = assign_splits(examples)
    assert split == assign_splits(examples)  # deterministic
    by_group: dict[str, set[str]] = {}
    for example in split:
        by_group.setdefault(example.group, set()).add(example.split)
    assert all(len(splits) == 1 for splits in by_group.values())  # no story straddles
    for label in ("none", "disaster_hoax", "opinion"):
        rows = [e for e in split if e.label == label]
        share = sum(e.split == "test" for e in rows) / len(rows)
        assert TEST_SHARE - 0.05 < share < TEST_SHARE + 0.05, (label, share)


def test_items_without_a_story_always_train() -> None:
    verdicts = [Example(id=f"verdict-{i}", text="x", label="none") for i in range(50)]
    assert {e.split for e in assign_splits(_examples(20, 2) + verdicts)
            if e.id.startswith("verdict")} == {"train"}


def test_adding_verdicts_does_not_move_the_test_split() -> None:
    corpus = _examples(40, 3)
    before = {e.id for e in assign_splits(corpus) if e.split == "test"}
    more = corpus + [Example(id=f"verdict-{i}", text="y", label="none") for i in range(30)]
    assert {e.id for e in assign_splits(more) if e.split == "test"} == before


def test_the_shipped_corpus_has_story_groups_and_no_story_straddles_the_split() -> None:
    examples = load_corpus(CORPUS_DIR)
    assert all(e.group for e in examples)
    splits: dict[str, set[str]] = {}
    for example in examples:
        splits.setdefault(example.group, set()).add(example.split)
    assert all(len(s) == 1 for s in splits.values())
    assert len(splits) > 200  # rewordings grouped, not everything in one story


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
