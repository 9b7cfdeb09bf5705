"""Evaluation of a classifier through the same path as production, on every set there is.

One report, printed by ``kiemchung evaluate`` and carried verbatim by the model card:

1. the real development sets (``models/real_eval.py``), when ``../shared/eval`` is there;
2. the corpus's grouped test split;
3. the fresh held-out set (``models/data/heldout/``), written after every choice was made and
   never looked at by one;
4. the former challenge set (``models/data/challenge/``), reported for continuity: it decided
   which model shipped before, so it is no longer held out.

Items are classified exactly as ``kiemchung classify`` would classify them: with their
``source_kind`` when the set gives one (the held-out set does), unknown otherwise (the corpus and
the former challenge set, whose items are "balanced": far more of them misleading than in a real
night, which is why the real sets also report the expected precision at 2% prevalence).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

from core.records import ClassifyInput, Prediction
from models import real_eval
from models.claim_eval import claim_precision
from models.corpus import BadLine, Example, read_examples
from models.intervals import shown
from models.metrics import compute_metrics, format_heldout, heldout_extras
from models.predict import NarrativeClassifier

REPORT_DIR: Final[Path] = Path(__file__).resolve().parent / "reports"
DATA_DIR: Final[Path] = Path(__file__).resolve().parent / "data"
HELDOUT_FILE: Final[Path] = DATA_DIR / "heldout" / "heldout.jsonl"
CHALLENGE_FILE: Final[Path] = DATA_DIR / "challenge" / "challenge.jsonl"
HELDOUT_TITLE: Final[str] = "fresh held-out set (no decision ever looked at it)"
CHALLENGE_TITLE: Final[str] = "former challenge set (consulted by earlier model choices)"


def load_examples(path: Path, bad: list[BadLine] | None = None) -> list[Example]:
    """Examples of a JSON Lines set (empty when the file is absent), for reporting only."""
    return read_examples(path, bad) if path.is_file() else []


def evaluate_examples(
    classifier: NarrativeClassifier, examples: Sequence[Example], *, heldout: bool = False
) -> dict[str, Any]:
    """Classify ``examples`` as ``kiemchung classify`` would, and measure."""
    predictions: list[Prediction] = classifier.classify([
        ClassifyInput(id=e.id, text=e.text, title=e.title, source_kind=e.source_kind or None)
        for e in examples
    ])
    gold = [e.label for e in examples]
    labels = [p.classification.label for p in predictions]
    flags = [p.classification.flagged for p in predictions]
    cases = [e.hard_case for e in examples]
    metrics = compute_metrics(gold, labels, flags, cases)
    if heldout:
        metrics["heldout"] = heldout_extras(gold, labels, flags, cases, [e.style for e in examples])
    metrics["source_kinds"] = dict(Counter(e.source_kind or "unknown" for e in examples))
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


def evaluate_all(
    classifier: NarrativeClassifier,
    split_examples: Sequence[Example],
    split: str = "test",
    *,
    eval_dir: Path | None = real_eval.EVAL_DIR,
    heldout_file: Path | None = HELDOUT_FILE,
    challenge_file: Path | None = CHALLENGE_FILE,
) -> dict[str, Any]:
    """Every section of the report that has data (see the module docstring)."""
    report: dict[str, Any] = {"model_version": classifier.version,
                              "flag_threshold": classifier.flag_threshold}
    if eval_dir is not None and real_eval.available(eval_dir):
        report["real"] = real_eval.evaluate_real(classifier, real_eval.load(eval_dir))
        report["claim_sentences"] = claim_precision(eval_dir)
    if split_examples:
        report["split"] = {"name": split,
                           **evaluate_examples(classifier, split_examples, heldout=True)}
    held = load_examples(heldout_file) if heldout_file else []
    if held:
        report["heldout"] = evaluate_examples(classifier, held, heldout=True)
    former = load_examples(challenge_file) if challenge_file else []
    if former:
        report["challenge"] = evaluate_examples(classifier, former, heldout=True)
    return report


def format_all(report: dict[str, Any]) -> str:
    """The report as Markdown, sections in the order of the module docstring."""
    version = report["model_version"]
    parts = [f"# Evaluation of {version}\n\nFlag threshold: {report['flag_threshold']}.\n"]
    if "real" in report:
        parts.append("#" + real_eval.format_real(report["real"], "Real development sets"))
        claims = report["claim_sentences"]
        parts.append(f"Claim-sentence precision on {claims['items']} hand-labelled development "
                     f"items (`models/data/claim_sentences/`): {shown(claims['precision'])}; "
                     f"marked sentences without a label: {claims['unlabelled']}.\n")
    else:
        parts.append("## Real development sets\n\nNot found (`../shared/eval` is not part of a "
                     "clone); the figures below are on text written for the project only.\n")
    if "split" in report:
        split = report["split"]
        parts.append("#" + format_heldout(
            split, f"Corpus {split['name']} split, grouped by story (source kind unknown)"))
    if "heldout" in report:
        kinds = ", ".join(f"{k} {v}" for k, v in report["heldout"]["source_kinds"].items())
        parts.append("#" + format_heldout(report["heldout"], HELDOUT_TITLE.capitalize()
                                          + f" (source kinds: {kinds})"))
    if "challenge" in report:
        parts.append("#" + format_heldout(report["challenge"], CHALLENGE_TITLE.capitalize()
                                          + " (source kind unknown)"))
    return "\n".join(parts)


def write_report(report: dict[str, Any], directory: Path = REPORT_DIR) -> Path:
    """Write ``evaluation.md`` and ``evaluation.json``; return the Markdown path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "evaluation.md"
    path.write_text(format_all(report), encoding="utf-8")
    (directory / "evaluation.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return path
