"""Bootstrap 95% intervals for the rates and scores the evaluation reports.

Every interval is a percentile bootstrap over items (``RESAMPLES`` resamples, fixed seed, so a
report is reproducible to the digit). When a rate is 0 or 1 the bootstrap collapses to a point
and says nothing; the Wilson score interval is given instead, and marked so.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, Final

import numpy as np

RESAMPLES: Final[int] = 2000
SEED: Final[int] = 20261129
Z95: Final[float] = 1.959964


def binary_f1(want: np.ndarray, got: np.ndarray) -> float:
    """F1 of boolean predictions ``got`` against ``want`` (0 when nothing is either): the same
    value as scikit-learn's ``f1_score`` with ``zero_division=0``, at a fraction of the cost,
    which matters inside a bootstrap of thousands of resamples."""
    tp = float(np.count_nonzero(want & got))
    total = float(np.count_nonzero(want) + np.count_nonzero(got))
    return 2.0 * tp / total if total else 0.0


def macro_f1(gold: np.ndarray, predicted: np.ndarray, labels: Sequence[str]) -> float:
    """Mean F1 over ``labels`` (scikit-learn's macro average with ``zero_division=0``)."""
    if not len(labels):
        return 0.0
    return float(np.mean([binary_f1(gold == label, predicted == label) for label in labels]))


def wilson(successes: int, n: int) -> tuple[float, float]:
    """Wilson score 95% interval of ``successes`` out of ``n``."""
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    centre = (p + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / (1 + Z95**2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def rate(hits: Sequence[bool]) -> dict[str, Any]:
    """A rate with its 95% interval: ``{"k", "n", "value", "low", "high", "method"}``."""
    values = np.asarray(hits, dtype=float)
    n, k = len(values), int(values.sum())
    if n == 0:
        return {"k": 0, "n": 0, "value": None, "low": None, "high": None, "method": "none"}
    if k in (0, n):
        low, high = wilson(k, n)
        return {"k": k, "n": n, "value": round(k / n, 4), "low": round(low, 4),
                "high": round(high, 4), "method": "wilson"}
    rng = np.random.default_rng(SEED)
    means = values[rng.integers(0, n, size=(RESAMPLES, n))].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return {"k": k, "n": n, "value": round(k / n, 4), "low": round(float(low), 4),
            "high": round(float(high), 4), "method": "bootstrap"}


def statistic(
    n: int, compute: Callable[[np.ndarray], float]
) -> dict[str, Any]:
    """A statistic of ``n`` items (``compute`` takes row indices) with its bootstrap interval."""
    if n == 0:
        return {"n": 0, "value": None, "low": None, "high": None, "method": "none"}
    rng = np.random.default_rng(SEED)
    value = compute(np.arange(n))
    draws = [compute(rng.integers(0, n, size=n)) for _ in range(RESAMPLES)]
    low, high = np.percentile(draws, [2.5, 97.5])
    return {"n": n, "value": round(float(value), 4), "low": round(float(low), 4),
            "high": round(float(high), 4), "method": "bootstrap"}


def two_sample(
    first: Sequence[bool], second: Sequence[bool], compute: Callable[[float, float], float]
) -> dict[str, Any]:
    """A statistic of two independent rates (``compute(rate1, rate2)``), each resampled on its
    own: the expected queue precision from recall and false-flag rate, for instance."""
    a, b = np.asarray(first, dtype=float), np.asarray(second, dtype=float)
    if not len(a) or not len(b):
        return {"value": None, "low": None, "high": None, "method": "none"}
    rng = np.random.default_rng(SEED)
    value = compute(float(a.mean()), float(b.mean()))
    draws = [
        compute(float(a[rng.integers(0, len(a), len(a))].mean()),
                float(b[rng.integers(0, len(b), len(b))].mean()))
        for _ in range(RESAMPLES)
    ]
    low, high = np.percentile(draws, [2.5, 97.5])
    return {"value": round(value, 4), "low": round(float(low), 4), "high": round(float(high), 4),
            "method": "bootstrap"}


def shown(entry: dict[str, Any] | None) -> str:
    """``0.031 [0.012, 0.055] (7/227)``, the way every report prints a rate."""
    if not entry or entry.get("value") is None:
        return "n/a"
    text = f"{entry['value']:.3f} [{entry['low']:.3f}, {entry['high']:.3f}]"
    if "k" in entry:
        text += f" ({entry['k']}/{entry['n']})"
    if entry.get("method") == "wilson":
        text += " (Wilson)"
    return text
