"""The numbers the product is judged on: per-label scores, flag F1, opinion and debunk rates."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

from core.labels import LABELS, MISLEADING_LABELS, is_misleading


def compute_metrics(
    gold: Sequence[str],
    predicted: Sequence[str],
    flagged: Sequence[bool],
    hard_cases: Sequence[str | None],
) -> dict[str, Any]:
    """Everything ``kiemchung evaluate`` prints, as one JSON-ready dict."""
    precision, recall, f1, support = precision_recall_fscore_support(
        gold, predicted, labels=list(LABELS), zero_division=0
    )
    per_label = {
        label: {
            "precision": round(float(p), 4),
            "recall": round(float(r), 4),
            "f1": round(float(f), 4),
            "support": int(s),
        }
        for label, p, r, f, s in zip(LABELS, precision, recall, f1, support, strict=True)
    }
    present = [label for label in MISLEADING_LABELS if per_label[label]["support"] > 0]
    macro = (
        sum(per_label[label]["f1"] for label in present) / len(present) if present else 0.0
    )
    gold_flag = [is_misleading(label) for label in gold]
    flag_f1 = float(f1_score(gold_flag, list(flagged), zero_division=0)) if gold else 0.0

    def flagged_share(selected: list[int]) -> float | None:
        return round(sum(flagged[i] for i in selected) / len(selected), 4) if selected else None

    opinion_rows = [i for i, label in enumerate(gold) if label == "opinion"]
    debunk_rows = [i for i, case in enumerate(hard_cases) if case == "debunk"]
    matrix = confusion_matrix(gold, predicted, labels=list(LABELS)).tolist() if gold else []
    return {
        "n": len(gold),
        "per_label": per_label,
        "macro_f1_misleading": round(macro, 4),
        "flag_f1": round(flag_f1, 4),
        "accuracy": round(sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold), 4)
        if gold
        else 0.0,
        "opinion_flagged_share": flagged_share(opinion_rows),
        "opinion_n": len(opinion_rows),
        "debunk_flagged_share": flagged_share(debunk_rows),
        "debunk_n": len(debunk_rows),
        "confusion_labels": list(LABELS),
        "confusion_matrix": matrix,
    }


#: The targets of the issue, checked and printed by ``kiemchung evaluate``.
TARGETS: dict[str, tuple[str, float]] = {
    "flag_f1": (">=", 0.85),
    "macro_f1_misleading": (">=", 0.75),
    "opinion_flagged_share": ("<=", 0.05),
    "debunk_flagged_share": ("<=", 0.05),
}


def target_results(metrics: dict[str, Any]) -> dict[str, bool | None]:
    """Whether each target holds (None when the split had no such items)."""
    results: dict[str, bool | None] = {}
    for key, (op, bound) in TARGETS.items():
        value = metrics.get(key)
        if value is None:
            results[key] = None
        else:
            results[key] = value >= bound if op == ">=" else value <= bound
    return results


def format_report(metrics: dict[str, Any], title: str) -> str:
    """The Markdown report: per-label table, headline numbers, targets, confusion matrix."""
    lines = [f"# {title}", "", f"Items: {metrics['n']}", ""]
    lines += ["| label | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    for label, row in metrics["per_label"].items():
        lines.append(
            f"| `{label}` | {row['precision']:.3f} | {row['recall']:.3f} | {row['f1']:.3f} "
            f"| {row['support']} |"
        )
    lines += ["", "| measure | value | target | met |", "|---|---|---|---|"]
    results = target_results(metrics)
    for key, (op, bound) in TARGETS.items():
        value = metrics.get(key)
        shown = "n/a" if value is None else f"{value:.3f}"
        met = {True: "yes", False: "NO", None: "n/a"}[results[key]]
        lines.append(f"| {key} | {shown} | {op} {bound} | {met} |")
    lines.append(f"| accuracy | {metrics['accuracy']:.3f} | | |")
    lines += [
        "",
        f"Opinion items: {metrics['opinion_n']}; debunk items: {metrics['debunk_n']}.",
        "",
        "Confusion matrix (rows: gold, columns: predicted):",
        "",
    ]
    short = [label[:6] for label in metrics["confusion_labels"]]
    lines.append("| gold \\ pred | " + " | ".join(short) + " |")
    lines.append("|---" * (len(short) + 1) + "|")
    for label, row in zip(metrics["confusion_labels"], metrics["confusion_matrix"], strict=True):
        lines.append(f"| `{label}` | " + " | ".join(str(v) for v in row) + " |")
    return "\n".join(lines) + "\n"
