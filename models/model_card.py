"""The model card: data, metrics per label, limits, intended use, and what it must not do."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from models.metrics import format_heldout, format_report
from models.thresholds import FLAG_THRESHOLD, MAX_FALSE_FLAG_SHARE, RELEVANCE_THRESHOLD


def _cv_table(rows: list[dict[str, Any]], chosen: float) -> str:
    lines = [
        "| odds | flag F1 | misleading macro-F1 | opinion flagged | debunks flagged | |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        mark = "chosen" if row["odds"] == chosen else ""
        lines.append(
            f"| {row['odds']} | {row['flag_f1']} | {row['macro_f1_misleading']} | "
            f"{row['opinion_flagged_share']} | {row['debunk_flagged_share']} | {mark} |"
        )
    return "\n".join(lines)


#: Key of the challenge-set numbers in ``metrics.json``.
CHALLENGE_KEY = "challenge_heldout_never_trained_or_tuned_on"


def render(
    metadata: dict[str, Any],
    cv: list[dict[str, Any]],
    test: dict[str, Any],
    challenge: dict[str, Any] | None = None,
) -> str:
    """The card as Markdown."""
    counts = "\n".join(f"| `{k}` | {v} |" for k, v in metadata["label_counts"].items())
    styles = ", ".join(f"{k}: {v}" for k, v in metadata["style_counts"].items())
    hard = ", ".join(f"{k}: {v}" for k, v in metadata["hard_case_counts"].items())
    banner = (
        "> **PROVISIONAL.** Trained while the corpus was still being written (some labels have "
        "fewer than 120 examples, or the unit-test fixture filled gaps). Do not read these "
        "numbers as the product's.\n\n"
        if metadata.get("provisional")
        else ""
    )
    test_part = (
        format_report(test, "Test split").split("\n", 2)[2] if test else "No test split.\n"
    )
    challenge_part = (
        "The independent, hand-written challenge set (`models/data/challenge/`, 300 items, 30 per\n"
        "label, written apart from the corpus and closer to real feeds: comments, teencode, long\n"
        "news paragraphs, near-miss off-topic items). It was never used for training, tuning,\n"
        "calibration or feature choices; it is scored once, after the model is fixed. It is the\n"
        "better guide to real-world behaviour.\n\n"
        + format_heldout(challenge, "Challenge").split("\n", 2)[2]
        if challenge
        else "No challenge set was found.\n"
    )
    weights = ", ".join(f"{k} x{v}" for k, v in metadata["hard_case_weights"].items())
    return f"""# Model card: {metadata['name']}

{banner}Version `{metadata['version']}` (scikit-learn {metadata['sklearn_version']}).

## What it does

Gives each Vietnamese news item or public post about environment and energy one label of
`shared/docs/TAXONOMY.md`, a calibrated score, and the reasons (cue phrases, top n-gram
features, similar fact-checked false claims). Three linear models over the same features:

1. **Relevance gate**: logistic regression (C={metadata['relevance_C']}, balanced class
   weights); below P(on topic) = {RELEVANCE_THRESHOLD} an item is `irrelevant`.
2. **Misleading or not**: linear SVM (C={metadata['narrative_C']}) with sigmoid calibration,
   on-topic items only; its odds are multiplied by {metadata['misleading_odds']} (chosen by
   cross-validation, see below).
3. **Narrative**: linear SVM (C={metadata['narrative_C']}) with sigmoid calibration over nine
   labels, which shares P(misleading) among the seven narratives and the rest among `none` and
   `opinion`.

Decisions run top-down: off topic first (a text of 60 words or more without one domain term
of the lexicon is off topic whatever the gate says), then misleading or not (the mean of model
2 and model 3's mass on the seven narratives, odds-adjusted, against one half), then the
narrative. The score is the gate's confidence for `irrelevant`, P(misleading) for a misleading
label (what a flag asserts), and the label's probability for `none` and `opinion`. An item is
flagged when its label is misleading and the score is at least the flag threshold (default
{FLAG_THRESHOLD}, `KIEMCHUNG_FLAG_THRESHOLD`). Classes are weighted to balance; hard cases
weigh more in training ({weights}).

Features: word 1-2-grams over underthesea-segmented, normalised text, with words inside
quotation marks kept apart (a debunk quotes the rumour it refutes); character 2-4-grams over
diacritic-folded text outside quotations (so unaccented posts share features with accented
ones); cue counts (urgency, debunk, official, opinion, scam, denial, health, policy, nuclear,
myth), topic-lexicon score, emoji, exclamation marks, capitals, quotations, length, entities.

## Data

Labelled corpus in `models/data/corpus/` (one file per label, provenance on every line),
split 70/15/15 by a hash of each example's id. Tuning used 5-fold cross-validation over train +
dev only; the final model is fitted on train + dev; the test split was used once, after
fitting, for the numbers below.

| label | examples |
|---|---|
{counts}

Styles: {styles}. Hard cases: {hard}.

## Tuning (cross-validation on train + dev)

The largest odds whose opinion and debunk flag rates stay at or under
{MAX_FALSE_FLAG_SHARE} is chosen.

{_cv_table(cv, metadata['misleading_odds'])}

## Metrics on the test split (never used for tuning)

{test_part}
## Metrics on the held-out challenge set (never trained or tuned on)

{challenge_part}
## Limits

- The corpus is mostly written for the project, modelled on real Vietnamese rumours, debunks
  and reports; real-world text is messier, and scores on it will be lower than on the test split.
- Debunks and criticism are the weak spot: a debunk that restates a rumour without quoting it
  or without refuting words, sarcasm, or criticism phrased as a factual accusation can be
  flagged. Hard-case counts in the corpus are small (tens per kind), so these rates are noisy.
- New narratives unlike anything in the corpus get low scores; unknown is not false.
- The known-claim list is small and dated; a match is a hint for the reviewer, not proof, and a
  debunk matches the claim it refutes as well as a repetition does.

## Intended use

Ranking items for human reviewers of Kiểm Chứng, who decide. Every flag carries its reasons and
this model version.

## Must not be used for

- Labelling anything misleading without a reviewer's verdict, or removing content automatically.
- Scoring, ranking or profiling people, authors, outlets or their political views.
- Treating criticism of authorities, companies or policies as misinformation.
- Any language other than Vietnamese, or domains other than environment and energy.
"""


def write(
    path: Path,
    metadata: dict[str, Any],
    cv: list[dict[str, Any]],
    test: dict[str, Any],
    challenge: dict[str, Any] | None = None,
) -> Path:
    """Write the card; without ``challenge``, the challenge numbers come from ``metrics.json``
    beside the card when it has them for this version (``kiemchung train`` writes it first)."""
    if challenge is None:
        metrics_path = path.parent / "metrics.json"
        if metrics_path.is_file():
            stored = json.loads(metrics_path.read_text(encoding="utf-8"))
            if stored.get("version") == metadata.get("version"):
                challenge = stored.get(CHALLENGE_KEY)
    path.write_text(render(metadata, cv, test, challenge), encoding="utf-8")
    return path
