"""Evaluation of the shipped classifier on a corpus split, through the same path as production."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

from core.records import ClassifyInput
from models.corpus import BadLine, Example, read_examples
from models.metrics import compute_metrics, format_heldout, format_report, heldout_extras
from models.predict import NarrativeClassifier

REPORT_DIR: Final[Path] = Path(__file__).resolve().parent / "reports"
#: The independent hand-written challenge set (see its README): reported on, never trained,
#: tuned, calibrated or selected on.
CHALLENGE_FILE: Final[Path] = (
    Path(__file__).resolve().parent / "data" / "challenge" / "challenge.jsonl"
)
CHALLENGE_TITLE: Final[str] = "held-out challenge set, never trained or tuned on"


def load_challenge(path: Path = CHALLENGE_FILE, bad: list[BadLine] | None = None) -> list[Example]:
    """The challenge items (empty when the file is absent), for reporting only."""
    return read_examples(path, bad) if path.is_file() else []


def evaluate(
    classifier: NarrativeClassifier, examples: Sequence[Example], *, heldout: bool = False
) -> dict[str, Any]:
    """Classify ``examples`` with ``classifier`` and measure the result; ``heldout`` adds the
    extra numbers the challenge set reports (by hard case, by style)."""
    inputs = [ClassifyInput(id=e.id, text=e.text, title=e.title) for e in examples]
    predictions = classifier.classify(inputs)
    metrics = compute_metrics(
        [e.label for e in examples],
        [p.classification.label for p in predictions],
        [p.classification.flagged for p in predictions],
        [e.hard_case for e in examples],
    )
    if heldout:
        metrics["heldout"] = heldout_extras(
            [e.label for e in examples],
            [p.classification.label for p in predictions],
            [p.classification.flagged for p in predictions],
            [e.hard_case for e in examples],
            [e.style for e in examples],
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


def write_report(
    metrics: dict[str, Any],
    split: str,
    directory: Path = REPORT_DIR,
    challenge: dict[str, Any] | None = None,
) -> Path:
    """Write ``evaluation.md`` and ``evaluation.json`` (the split, then the held-out challenge
    set when given, under ``"challenge"``); return the Markdown path."""
    directory.mkdir(parents=True, exist_ok=True)
    title = f"Evaluation of {metrics['model_version']} on the {split} split"
    markdown = format_report(metrics, title)
    markdown += f"\nFlag threshold: {metrics['flag_threshold']}.\n"
    payload: dict[str, Any] = {"split": split, **metrics}
    if challenge is not None:
        # One level down: a second section of the same report.
        markdown += "\n#" + format_heldout(challenge, f"Second section: {CHALLENGE_TITLE}")
        payload["challenge"] = {"title": CHALLENGE_TITLE, **challenge}
    path = directory / "evaluation.md"
    path.write_text(markdown, encoding="utf-8")
    (directory / "evaluation.json").write_text(
        json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return path
