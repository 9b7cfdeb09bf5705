"""Whether a retrained model replaces the one in use.

Both models are measured on the same items: the corpus's grouped test split (fixed; reviewer
verdicts never enter it) and, when present, the real development sets. For every measure the
difference candidate - current gets a paired bootstrap 95% interval (the same resampled items for
both models). The candidate is promoted only when at least one measure is better beyond its
interval and none is worse beyond its interval: a difference inside the noise promotes nothing,
so the model in use does not change on the luck of a few items.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from core.labels import MISLEADING_LABELS, is_misleading
from core.records import ClassifyInput
from models import real_eval
from models.corpus import Example
from models.intervals import RESAMPLES, SEED, binary_f1, macro_f1
from models.predict import NarrativeClassifier


@dataclass(frozen=True)
class Outcomes:
    """One model's decisions on the comparison items."""

    version: str
    gold: list[str]
    labels: list[str]
    flags: list[bool]
    #: Real development sets: whether each rumour / each must-not-flag news excerpt was flagged.
    rumours: list[bool]
    news: list[bool]


def outcomes(
    classifier: NarrativeClassifier,
    test: Sequence[Example],
    real: Sequence[real_eval.RealItem] = (),
) -> Outcomes:
    predictions = classifier.classify(
        [ClassifyInput(id=e.id, text=e.text, title=e.title, source_kind=e.source_kind or None)
         for e in test]
    )
    real_predictions = classifier.predict_views(real_eval.analyse(classifier, real)) if real else []
    pairs = list(zip(real, real_predictions, strict=True))
    return Outcomes(
        version=classifier.version,
        gold=[e.label for e in test],
        labels=[p.classification.label for p in predictions],
        flags=[p.classification.flagged for p in predictions],
        rumours=[p.classification.flagged for item, p in pairs if item.misleading],
        news=[p.classification.flagged for item, p in pairs
              if item.kind in real_eval.NOT_MISLEADING_KINDS],
    )


def _flag_f1(o: Outcomes, rows: np.ndarray) -> float:
    gold = np.asarray([is_misleading(o.gold[i]) for i in rows], dtype=bool)
    return binary_f1(gold, np.asarray(o.flags, dtype=bool)[rows])


def _macro_f1(o: Outcomes, rows: np.ndarray) -> float:
    gold = np.asarray(o.gold)[rows]
    present = [label for label in MISLEADING_LABELS if label in set(gold.tolist())]
    return macro_f1(gold, np.asarray(o.labels)[rows], present)


def _false_flags(o: Outcomes, rows: np.ndarray) -> float:
    picked = [o.flags[i] for i in rows if not is_misleading(o.gold[i])]
    return float(np.mean(picked)) if picked else 0.0


#: measure -> (which items, statistic, True when higher is better).
MEASURES: Final[dict[str, tuple[str, Callable[[Outcomes, np.ndarray], float], bool]]] = {
    "flag_f1": ("test", _flag_f1, True),
    "macro_f1_misleading": ("test", _macro_f1, True),
    "test_false_flags": ("test", _false_flags, False),
    "real_rumour_recall": ("rumours", lambda o, r: float(np.mean([o.rumours[i] for i in r])),
                           True),
    "real_false_flags": ("news", lambda o, r: float(np.mean([o.news[i] for i in r])), False),
}


def compare(current: Outcomes, candidate: Outcomes) -> dict[str, dict[str, Any]]:
    """Each measure for both models, the difference and its paired bootstrap 95% interval, and
    a verdict: "better", "worse" (beyond the interval) or "same"."""
    sizes = {"test": len(current.gold), "rumours": len(current.rumours),
             "news": len(current.news)}
    result: dict[str, dict[str, Any]] = {}
    for name, (items, stat, higher) in MEASURES.items():
        n = sizes[items]
        if n == 0:
            continue
        rng = np.random.default_rng(SEED)
        every = np.arange(n)
        old, new = stat(current, every), stat(candidate, every)
        draws = []
        for _ in range(RESAMPLES):
            rows = rng.integers(0, n, size=n)
            draws.append(stat(candidate, rows) - stat(current, rows))
        low, high = (float(v) for v in np.percentile(draws, [2.5, 97.5]))
        gain_low, gain_high = (low, high) if higher else (-high, -low)
        verdict = "better" if gain_low > 0 else "worse" if gain_high < 0 else "same"
        result[name] = {"current": round(old, 4), "candidate": round(new, 4),
                        "difference": round(new - old, 4), "low": round(low, 4),
                        "high": round(high, 4), "higher_is_better": higher, "verdict": verdict,
                        "n": n}
    return result


def should_promote(comparison: dict[str, dict[str, Any]]) -> bool:
    """Better beyond the interval on one measure at least, and worse beyond it on none."""
    verdicts = [row["verdict"] for row in comparison.values()]
    return "better" in verdicts and "worse" not in verdicts


def comparison_markdown(comparison: dict[str, dict[str, Any]], current: str, candidate: str,
                        promoted: bool, verdicts: int) -> str:
    rows = [
        "# Huấn luyện lại (retraining)",
        "",
        f"Nhận định của người duyệt dùng thêm (verdicts used): {verdicts}.",
        f"Mô hình đang dùng (current): `{current}`; mô hình mới (candidate): `{candidate}`.",
        "",
        "| chỉ số (measure) | n | current | candidate | difference [95% paired bootstrap] "
        "| verdict |",
        "|---|---:|---:|---:|---|---|",
    ]
    for name, row in comparison.items():
        rows.append(f"| {name} | {row['n']} | {row['current']:.3f} | {row['candidate']:.3f} | "
                    f"{row['difference']:+.3f} [{row['low']:+.3f}, {row['high']:+.3f}] | "
                    f"{row['verdict']} |")
    rows += ["", "**Đã đưa vào dùng (promoted): tốt hơn ngoài khoảng tin cậy.**" if promoted else
             "**Không đưa vào dùng (not promoted): không tốt hơn ngoài khoảng tin cậy, hoặc kém "
             "hơn ở một chỉ số.**"]
    return "\n".join(rows)
