"""Evaluation of the shipped classifier on a corpus split, through the same path as production."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

from core.records import ClassifyInput
from models.corpus import Example
from models.metrics import compute_metrics, format_report
from models.predict import NarrativeClassifier

REPORT_DIR: Final[Path] = Path(__file__).resolve().parent / "reports"


def evaluate(classifier: NarrativeClassifier, examples: Sequence[Example]) -> dict[str, Any]:
    """Classify ``examples`` with ``classifier`` and measure the result."""
    inputs = [ClassifyInput(id=e.id, text=e.text, title=e.title) for e in examples]
    predictions = classifier.classify(inputs)
    metrics = compute_metrics(
        [e.label for e in examples],
        [p.classification.label for p in predictions],
        [p.classification.flagged for p in predictions],
        [e.hard_case for e in examples],
    )
    metrics["model_version"] = classifier.version
    metrics["flag_threshold"] = classifier.flag_threshold
    metrics["errors"] = [
        {"id": e.id, "gold": e.label, "predicted": p.classification.label,
         "score": p.classification.score, "flagged": p.classification.flagged,
         "hard_case": e.hard_case}
        for e, p in zip(examples, predictions, strict=True)
        if p.classification.label != e.label
    ]
    return metrics


def write_report(metrics: dict[str, Any], split: str, directory: Path = REPORT_DIR) -> Path:
    """Write ``evaluation.md`` and ``evaluation.json``; return the Markdown path."""
    directory.mkdir(parents=True, exist_ok=True)
    title = f"Evaluation of {metrics['model_version']} on the {split} split"
    markdown = format_report(metrics, title)
    markdown += f"\nFlag threshold: {metrics['flag_threshold']}.\n"
    path = directory / "evaluation.md"
    path.write_text(markdown, encoding="utf-8")
    (directory / "evaluation.json").write_text(
        json.dumps({"split": split, **metrics}, ensure_ascii=False, indent=2) + "\n",
        encoding="utf-8",
    )
    return path
