"""Claim-sentence precision on a hand-labelled sample of the real development sets.

    python -m models.claim_eval      # prints the precision with its 95% interval

See ``models/data/claim_sentences/README.md`` for how the sample was drawn and labelled.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any, Final

from models import real_eval
from models.features import analyse_texts
from models.intervals import rate, shown

LABELS_FILE: Final[Path] = (
    Path(__file__).resolve().parent / "data" / "claim_sentences" / "labels.jsonl"
)


def sentence_key(sentence: str) -> str:
    return hashlib.sha256(sentence.encode("utf-8")).hexdigest()[:12]


def claim_precision(
    eval_dir: Path = real_eval.EVAL_DIR, labels_file: Path = LABELS_FILE
) -> dict[str, Any]:
    """Precision of the pipeline's claim sentences on the labelled items, and how many of the
    sentences it marks today carry no label (the sample was labelled on an earlier pipeline)."""
    labels: dict[tuple[str, str], bool] = {}
    for line in labels_file.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            labels[(str(row["item"]), str(row["sentence_sha256_12"]))] = bool(row["claim"])
    wanted = {item for item, _ in labels}
    items = [i for i in real_eval.load(eval_dir) if i.id in wanted]
    judged: list[bool] = []
    unlabelled = 0
    for item, view in zip(items, analyse_texts([i.text for i in items]), strict=True):
        for sentence in view.claim_sentences:
            key = (item.id, sentence_key(sentence))
            if key in labels:
                judged.append(labels[key])
            else:
                unlabelled += 1
    return {"items": len(items), "precision": rate(judged), "unlabelled": unlabelled}


def main() -> int:
    if not real_eval.available():
        print(f"no real development sets at {real_eval.EVAL_DIR}", file=sys.stderr)
        return 1
    result = claim_precision()
    print(f"claim-sentence precision on {result['items']} hand-labelled items: "
          f"{shown(result['precision'])}; sentences without a label: {result['unlabelled']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
