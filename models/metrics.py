"""The numbers the product is judged on: per-label scores, flag F1, opinion and debunk rates."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

from core.labels import LABELS, MISLEADING_LABELS, is_misleading
from models.intervals import binary_f1, macro_f1, rate, shown, statistic


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
    gold_a, pred_a = np.asarray(gold), np.asarray(predicted)
    flag_a, want_a = np.asarray(flagged, dtype=bool), np.asarray(gold_flag, dtype=bool)

    def macro_of(rows: np.ndarray) -> float:
        labels = [label for label in present if label in set(gold_a[rows].tolist())]
        return macro_f1(gold_a[rows], pred_a[rows], labels)

    intervals = {
        "flag_f1": statistic(len(gold), lambda rows: binary_f1(want_a[rows], flag_a[rows])),
        "macro_f1_misleading": statistic(len(gold), macro_of),
        "opinion_flagged_share": rate([flagged[i] for i in opinion_rows]),
        "debunk_flagged_share": rate([flagged[i] for i in debunk_rows]),
        "not_misleading_flagged": rate([f for f, g in zip(flagged, gold_flag, strict=True)
                                        if not g]),
        "misleading_flagged": rate([f for f, g in zip(flagged, gold_flag, strict=True) if g]),
    }
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
        "intervals": intervals,
    }


#: The targets on the corpus's grouped test split, checked and printed by ``kiemchung evaluate``.
TARGETS: dict[str, tuple[str, float]] = {
    "flag_f1": (">=", 0.90),
    "macro_f1_misleading": (">=", 0.85),
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
    lines += ["", "| measure | value [95% interval] | target | met |", "|---|---|---|---|"]
    results = target_results(metrics)
    intervals = metrics.get("intervals", {})
    for key, (op, bound) in TARGETS.items():
        value = metrics.get(key)
        text = shown(intervals.get(key)) if key in intervals else (
            "n/a" if value is None else f"{value:.3f}")
        met = {True: "yes", False: "NO", None: "n/a"}[results[key]]
        lines.append(f"| {key} | {text} | {op} {bound} | {met} |")
    for key, name in (("not_misleading_flagged", "not-misleading items flagged"),
                      ("misleading_flagged", "misleading items flagged (recall)")):
        if key in intervals:
            lines.append(f"| {name} | {shown(intervals[key])} | | |")
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


def heldout_extras(
    gold: Sequence[str],
    predicted: Sequence[str],
    flagged: Sequence[bool],
    hard_cases: Sequence[str | None],
    styles: Sequence[str],
) -> dict[str, Any]:
    """What the challenge set's README asks to report beyond ``compute_metrics``: macro-F1 over
    all ten labels, flag precision and recall, false flags by hard case, recall on opinions
    built on a false fact, and results by style. Reporting only: nothing here feeds training."""
    n = len(gold)
    gold_flag = [is_misleading(label) for label in gold]
    tp = sum(g and f for g, f in zip(gold_flag, flagged, strict=True))
    fp = sum((not g) and f for g, f in zip(gold_flag, flagged, strict=True))
    fn = sum(g and not f for g, f in zip(gold_flag, flagged, strict=True))
    macro_all = float(f1_score(gold, predicted, labels=list(LABELS), average="macro",
                               zero_division=0)) if n else 0.0

    def share(rows: list[int]) -> dict[str, Any]:
        hits = sum(flagged[i] for i in rows)
        return {"n": len(rows), "flagged": hits,
                "share": round(hits / len(rows), 4) if rows else None}

    by_case = {
        case: share([i for i in range(n) if hard_cases[i] == case])
        for case in ("debunk", "official_warning", "criticism")
    }
    by_case["none (all)"] = share([i for i in range(n) if gold[i] == "none"])
    by_case["opinion (all)"] = share([i for i in range(n) if gold[i] == "opinion"])
    by_case["irrelevant (all)"] = share([i for i in range(n) if gold[i] == "irrelevant"])
    ffo = [i for i in range(n) if hard_cases[i] == "false_fact_opinion"]
    by_style: dict[str, dict[str, Any]] = {}
    for style in sorted(set(styles)):
        rows = [i for i in range(n) if styles[i] == style]
        mis = [i for i in rows if gold_flag[i]]
        clean = [i for i in rows if not gold_flag[i]]
        by_style[style or "?"] = {
            "n": len(rows),
            "accuracy": round(sum(gold[i] == predicted[i] for i in rows) / len(rows), 4),
            "flag_recall": round(sum(flagged[i] for i in mis) / len(mis), 4) if mis else None,
            "false_flag_share": round(sum(flagged[i] for i in clean) / len(clean), 4)
            if clean else None,
        }
    return {
        "macro_f1_all": round(macro_all, 4),
        "flag_precision": round(tp / (tp + fp), 4) if tp + fp else 0.0,
        "flag_recall": round(tp / (tp + fn), 4) if tp + fn else 0.0,
        "false_flags": by_case,
        "false_fact_opinion_recall": share(ffo),
        "by_style": by_style,
    }


def format_heldout(metrics: dict[str, Any], title: str) -> str:
    """``format_report`` plus the held-out extras of ``heldout_extras``."""
    text = format_report(metrics, title)
    extra = metrics.get("heldout")
    if not extra:
        return text
    lines = [
        "",
        f"Flag precision {extra['flag_precision']:.3f}, flag recall {extra['flag_recall']:.3f}; "
        f"macro-F1 over all ten labels {extra['macro_f1_all']:.3f}.",
        "",
        "Flagged items among those that must not be flagged, and recall on opinions built on a "
        "false fact:",
        "",
        "| items | n | flagged | share |",
        "|---|---|---|---|",
    ]
    for name, row in extra["false_flags"].items():
        shown = "n/a" if row["share"] is None else f"{row['share']:.3f}"
        lines.append(f"| {name} | {row['n']} | {row['flagged']} | {shown} |")
    ffo = extra["false_fact_opinion_recall"]
    shown = "n/a" if ffo["share"] is None else f"{ffo['share']:.3f}"
    lines.append(f"| false_fact_opinion (flagged = recall) | {ffo['n']} | {ffo['flagged']} "
                 f"| {shown} |")
    lines += ["", "| style | n | accuracy | flag recall | false-flag share |",
              "|---|---|---|---|---|"]

    def fmt(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.3f}"

    for style, row in extra["by_style"].items():
        lines.append(f"| {style} | {row['n']} | {fmt(row['accuracy'])} | "
                     f"{fmt(row['flag_recall'])} | {fmt(row['false_flag_share'])} |")
    return text + "\n".join(lines) + "\n"
