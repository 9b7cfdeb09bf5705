"""The model card: data, metrics per label, limits, intended use, and what it must not do."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from models.metrics import format_report
from models.thresholds import FLAG_THRESHOLD, RELEVANCE_THRESHOLD


def render(metadata: dict[str, Any], dev: dict[str, Any], test: dict[str, Any]) -> str:
    """The card as Markdown."""
    provisional = metadata.get("provisional")
    counts = "\n".join(f"| `{k}` | {v} |" for k, v in metadata["label_counts"].items())
    styles = ", ".join(f"{k}: {v}" for k, v in metadata["style_counts"].items())
    hard = ", ".join(f"{k}: {v}" for k, v in metadata["hard_case_counts"].items())
    banner = (
        "> **PROVISIONAL.** Trained while the corpus was still being written (some labels have "
        "fewer than 120 examples, or the unit-test fixture filled gaps). Do not read these "
        "numbers as the product's.\n\n"
        if provisional
        else ""
    )
    return f"""# Model card: {metadata['name']}

{banner}Version `{metadata['version']}` (scikit-learn {metadata['sklearn_version']}).

## What it does

Gives each Vietnamese news item or public post about environment and energy one label of
`shared/docs/TAXONOMY.md`, a calibrated score, and the reasons (cue phrases, top n-gram
features, similar fact-checked false claims). Two stages:

1. **Relevance gate**: logistic regression (C={metadata['relevance_C']}, balanced class
   weights); below P(on topic) = {RELEVANCE_THRESHOLD} an item is `irrelevant`.
2. **Narrative classifier**: linear SVM (C={metadata['narrative_C']}, chosen on dev; balanced
   class weights) with sigmoid calibration over nine labels (`none`, `opinion` and the seven
   misleading narratives). An item is flagged when its label is misleading and the calibrated
   probability is at least the flag threshold (default {FLAG_THRESHOLD}).

Features: word 1-2-grams over underthesea-segmented, normalised text; character 2-5-grams over
diacritic-folded text (so unaccented posts share features with accented ones); cue counts
(urgency, debunk, official, opinion, scam, denial, health, policy, nuclear, myth), topic-lexicon
score, emoji, exclamation marks, capitals, length, entity counts.

## Data

Labelled corpus in `models/data/corpus/` (one file per label, provenance on every line),
split 70/15/15 by a hash of each example's id. C was chosen on dev; the final model is fitted
on train + dev; the test split was used once, after fitting, for the numbers below.

| label | examples |
|---|---|
{counts}

Styles: {styles}. Hard cases: {hard}.

## Metrics on the test split (never used for tuning)

{format_report(test, "Test split").split(chr(10), 2)[2]}
Dev (used to choose C): flag F1 {dev.get('flag_f1', 0):.3f}, misleading macro-F1
{dev.get('macro_f1_misleading', 0):.3f}.

## Limits

- The corpus is mostly written for the project, modelled on real Vietnamese rumours, debunks
  and reports; real-world text is messier, and scores on it will be lower than on the test split.
- A debunk that quotes a rumour at length without refuting words, or sarcasm, can be flagged.
- New narratives unlike anything in the corpus get low scores; unknown is not false.
- The known-claim list is small and dated; a match is a hint for the reviewer, not proof.

## Intended use

Ranking items for human reviewers of Kiểm Chứng, who decide. Every flag carries its reasons and
this model version.

## Must not be used for

- Labelling anything misleading without a reviewer's verdict, or removing content automatically.
- Scoring, ranking or profiling people, authors, outlets or their political views.
- Treating criticism of authorities, companies or policies as misinformation.
- Any language other than Vietnamese, or domains other than environment and energy.
"""


def write(path: Path, metadata: dict[str, Any], dev: dict[str, Any], test: dict[str, Any]) -> Path:
    path.write_text(render(metadata, dev, test), encoding="utf-8")
    return path
