"""The labelled corpus: loading the per-label JSON Lines files and the deterministic split."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

from core.labels import LABELS

CORPUS_DIR: Final[Path] = Path(__file__).resolve().parent / "data" / "corpus"

Split = Literal["train", "dev", "test"]
#: Percent of examples in train and dev; the rest is test. 70/15/15 leaves about 20 test items
#: per label at 130 per label, enough for a per-label F1 that means something.
TRAIN_PERCENT: Final[int] = 70
DEV_PERCENT: Final[int] = 15


@dataclass(frozen=True)
class Example:
    """One labelled text and where it came from."""

    id: str
    text: str
    label: str
    title: str = ""
    style: str = ""
    hard_case: str | None = None
    topic: str = ""
    provenance: str = ""

    @property
    def split(self) -> Split:
        return split_of(self.id)


@dataclass(frozen=True)
class BadLine:
    """A corpus line that could not be read, reported and skipped."""

    path: Path
    line: int
    reason: str


def split_of(example_id: str) -> Split:
    """The split of an example, from a hash of its id: stable across runs and machines.

    >>> split_of("disaster_hoax-0001") == split_of("disaster_hoax-0001")
    True
    """
    bucket = int(hashlib.sha256(example_id.encode("utf-8")).hexdigest()[:8], 16) % 100
    if bucket < TRAIN_PERCENT:
        return "train"
    if bucket < TRAIN_PERCENT + DEV_PERCENT:
        return "dev"
    return "test"


def _labelled_lines(
    path: Path, bad: list[BadLine] | None
) -> Iterator[tuple[int, dict[str, Any], str, str, str]]:
    """(line number, object, label, text, title) of every usable line of a JSON Lines file of
    labelled texts; a malformed line goes to ``bad`` and the reading goes on."""
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
                label = str(raw["label"])
                if label not in LABELS:
                    raise ValueError(f"unknown label {label!r}")
                text = str(raw.get("text") or "")
                title = str(raw.get("title") or "")
                if not text.strip() and not title.strip():
                    raise ValueError("empty text")
            except (ValueError, KeyError, TypeError, json.JSONDecodeError) as exc:
                if bad is not None:
                    bad.append(BadLine(path, number, str(exc)))
                continue
            yield number, raw, label, text, title


def read_examples(path: Path, bad: list[BadLine] | None = None) -> list[Example]:
    """Examples of one JSON Lines file; malformed lines go to ``bad`` instead of failing."""
    return [
        Example(
            id=str(raw.get("id") or f"{path.stem}-line{number}"),
            text=text,
            label=label,
            title=title,
            style=str(raw.get("style") or ""),
            hard_case=raw.get("hard_case"),
            topic=str(raw.get("topic") or ""),
            provenance=str(raw.get("provenance") or ""),
        )
        for number, raw, label, text, title in _labelled_lines(path, bad)
    ]


def load_corpus(
    corpus_dir: Path = CORPUS_DIR, extra: Iterable[Path] = (), bad: list[BadLine] | None = None
) -> list[Example]:
    """Every example of the corpus directory (one file per label) plus ``extra`` files,
    duplicates by id dropped (first wins)."""
    paths = sorted(corpus_dir.glob("*.jsonl")) if corpus_dir.is_dir() else []
    seen: set[str] = set()
    examples: list[Example] = []
    for path in [*paths, *extra]:
        for example in read_examples(path, bad):
            if example.id in seen:
                if bad is not None:
                    bad.append(BadLine(path, 0, f"duplicate id {example.id}"))
                continue
            seen.add(example.id)
            examples.append(example)
    return examples


def read_verdicts(path: Path, bad: list[BadLine] | None = None) -> list[Example]:
    """Reviewer verdicts exported from the index (``{"text","title","label"}`` lines) as
    training examples. Their ids are hashes of the text, so they split like any example."""
    examples: list[Example] = []
    for _, _, label, text, title in _labelled_lines(path, bad):
        digest = hashlib.sha256(f"{title}\n{text}".encode()).hexdigest()[:16]
        examples.append(
            Example(id=f"verdict-{digest}", text=text, title=title, label=label,
                    provenance=f"reviewer verdict exported to {path.name}")
        )
    return examples


def by_split(examples: Sequence[Example], split: Split) -> list[Example]:
    return [e for e in examples if e.split == split]


def corpus_digest(examples: Sequence[Example]) -> str:
    """A short hash of the training data, so the model version names what it was trained on."""
    digest = hashlib.sha256()
    for example in sorted(examples, key=lambda e: e.id):
        digest.update(f"{example.id}\t{example.label}\t{example.title}\t{example.text}\n".encode())
    return digest.hexdigest()[:8]
