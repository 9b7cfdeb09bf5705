"""A second real set, read once: rumours and ordinary social posts gathered after the model and
its calibration were fixed. Nothing is fitted or chosen on it; it says how far the development
figures (``models/real_eval.py``) carry to text that decided nothing.

The directory holds two JSON Lines files (either may be absent), gathered from public pages and,
like ``../shared/eval``, never committed (their outlets own the text):

- ``rumours.jsonl``: ``{"id", "rumour", "label", "outlet"?, "story"?, ...}``, rumours as they
  circulated (taken from debunk articles, without the refutation), one line per story, with the
  gold misleading label. All should be flagged.
- ``social_ok.jsonl``: ``{"id", "text", "label": "none" | "opinion", "kind"?, ...}``, real
  public posts on the topics that are *not* misleading (eyewitness reports, shared official
  warnings, complaints, questions). None should be flagged. This is what prices the social-post
  base rate: the development sets hold no such post.

Both are read as social posts (source kind ``social``), the way a crawled post would arrive.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

from core.labels import LABELS, is_misleading
from models.intervals import rate, shown
from models.predict import NarrativeClassifier
from models.real_eval import RUMOUR, RealItem, analyse

RUMOURS_FILE: Final[str] = "rumours.jsonl"
POSTS_FILE: Final[str] = "social_ok.jsonl"
POST: Final[str] = "social_ok"


class BadSecondSet(ValueError):
    """A line of the second set that cannot be read: the file, the line and why."""


def _lines(path: Path) -> list[tuple[int, dict[str, Any]]]:
    rows: list[tuple[int, dict[str, Any]]] = []
    if not path.is_file():
        return rows
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BadSecondSet(f"{path}:{number}: not JSON ({exc.msg})") from None
        if not isinstance(raw, dict):
            raise BadSecondSet(f"{path}:{number}: not a JSON object")
        rows.append((number, raw))
    return rows


def load(directory: Path) -> list[RealItem]:
    """Rumours first, then posts; raises ``BadSecondSet`` naming the first bad line."""
    items: list[RealItem] = []
    for number, raw in _lines(directory / RUMOURS_FILE):
        label, text = raw.get("label"), raw.get("rumour")
        if not (isinstance(label, str) and is_misleading(label)) or not isinstance(text, str):
            raise BadSecondSet(f"{directory / RUMOURS_FILE}:{number}: needs a 'rumour' text "
                               f"and a misleading 'label' (got {label!r})")
        items.append(RealItem(id=str(raw.get("id", number)), text=text, kind=RUMOUR,
                              source_kind="social", group=str(raw.get("story") or number),
                              label=label))
    for number, raw in _lines(directory / POSTS_FILE):
        label, text = raw.get("label"), raw.get("text")
        if label not in ("none", "opinion") or not isinstance(text, str):
            raise BadSecondSet(f"{directory / POSTS_FILE}:{number}: needs a 'text' and a label "
                               f"'none' or 'opinion' (got {label!r})")
        items.append(RealItem(id=str(raw.get("id", number)), text=text, kind=POST,
                              source_kind="social", group=str(raw.get("story") or number),
                              label=str(label)))
    return items


def evaluate(classifier: NarrativeClassifier, items: Sequence[RealItem]) -> dict[str, Any]:
    """The shipped model on the second set: rumour recall and narrative, posts flagged."""
    views = analyse(classifier, items)
    predictions = [p.classification for p in classifier.predict_views(views)]
    rumours = [(i, c) for i, c in zip(items, predictions, strict=True) if i.kind == RUMOUR]
    posts = [(i, c) for i, c in zip(items, predictions, strict=True) if i.kind == POST]
    return {
        "n_rumours": len(rumours),
        "n_posts": len(posts),
        "rumour_recall": rate([c.flagged for _, c in rumours]),
        "rumour_label_accuracy": rate([c.label == i.label for i, c in rumours if c.flagged]),
        "recall_by_label": {
            label: rate([c.flagged for i, c in rumours if i.label == label])
            for label in LABELS if any(i.label == label for i, _ in rumours)
        },
        "posts_flagged": rate([c.flagged for _, c in posts]),
        "posts_flagged_by_label": {
            label: rate([c.flagged for i, c in posts if i.label == label])
            for label in ("none", "opinion") if any(i.label == label for i, _ in posts)
        },
        "errors": [
            {"id": i.id, "gold": i.label, "label": c.label, "score": c.score,
             "flagged": c.flagged}
            for i, c in (*rumours, *posts)
            if c.flagged != (i.kind == RUMOUR) or (c.flagged and c.label != i.label)
        ],
    }


def format_report(report: dict[str, Any], directory: Path) -> str:
    """The Markdown section ``kiemchung evaluate --second-set`` prints."""
    lines = [
        f"## Second real set, read once ({directory})",
        "",
        f"{report['n_rumours']} rumours and {report['n_posts']} ordinary social posts, as "
        "social posts, on the shipped model; nothing was fitted or chosen on them.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| rumours flagged (recall) | {shown(report['rumour_recall'])} |",
        f"| right narrative among flagged rumours | {shown(report['rumour_label_accuracy'])} |",
    ]
    lines += [f"| recall, {label} | {shown(entry)} |"
              for label, entry in report["recall_by_label"].items()]
    lines.append(f"| ordinary social posts flagged | {shown(report['posts_flagged'])} |")
    lines += [f"| posts flagged, {label} | {shown(entry)} |"
              for label, entry in report["posts_flagged_by_label"].items()]
    return "\n".join(lines) + "\n"
