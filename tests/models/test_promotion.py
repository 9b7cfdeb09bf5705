"""Promotion after retraining: only a difference beyond the paired bootstrap interval counts;
and the real-text measures and their intervals."""

from __future__ import annotations

from models.intervals import rate, wilson
from models.promotion import Outcomes, compare, should_promote
from models.real_eval import RealItem, measures

GOLD = ["disaster_hoax"] * 40 + ["none"] * 60


def _outcomes(version: str, missed: int, false_flags: int) -> Outcomes:
    flags = [i >= missed for i in range(40)] + [i < false_flags for i in range(60)]
    labels = [g if f else "none" for g, f in zip(GOLD, flags, strict=True)]
    labels = [("disaster_hoax" if f else g) for g, f in zip(labels, flags, strict=True)]
    return Outcomes(version=version, gold=list(GOLD), labels=labels, flags=flags,
                    rumours=[], news=[])


def test_a_difference_inside_the_noise_promotes_nothing() -> None:
    current = _outcomes("a", missed=8, false_flags=3)
    candidate = _outcomes("b", missed=7, false_flags=3)  # one more hoax caught
    result = compare(current, candidate)
    assert result["flag_f1"]["difference"] > 0
    assert result["flag_f1"]["verdict"] == "same"
    assert not should_promote(result)


def test_a_clear_gain_with_no_loss_promotes() -> None:
    current = _outcomes("a", missed=20, false_flags=3)
    candidate = _outcomes("b", missed=2, false_flags=3)
    result = compare(current, candidate)
    assert result["flag_f1"]["verdict"] == "better"
    assert should_promote(result)


def test_a_clear_loss_anywhere_blocks_promotion() -> None:
    current = _outcomes("a", missed=20, false_flags=0)
    candidate = _outcomes("b", missed=2, false_flags=25)  # catches more, floods the queue
    result = compare(current, candidate)
    assert result["test_false_flags"]["verdict"] == "worse"
    assert not should_promote(result)


def test_rates_carry_intervals_and_zero_rates_use_wilson() -> None:
    some = rate([True] * 3 + [False] * 97)
    assert some["method"] == "bootstrap" and some["low"] < 0.03 < some["high"]
    none = rate([False] * 150)
    assert none["method"] == "wilson" and none["value"] == 0.0
    assert (none["low"], none["high"]) == (0.0, round(wilson(0, 150)[1], 4))
    assert 0.02 < none["high"] < 0.03  # 0 of 150 does not show a rate under 1%


def test_real_measures_report_per_kind_rates_recall_label_accuracy_and_queue_precision() -> None:
    from core.records import Classification, Enrichment, Prediction

    def item(i: int, kind: str, label: str | None = None) -> RealItem:
        return RealItem(id=str(i), text="", kind=kind, source_kind="news", group=str(i),
                        label=label)

    def said(label: str, flagged: bool) -> Prediction:
        return Prediction(
            classification=Classification(label=label, flagged=flagged, score=0.9,
                                          relevant=True, reasons=["x"], model_version="v"),
            enrichment=Enrichment())

    items = ([item(i, "factual_env") for i in range(50)]
             + [item(100 + i, "rumour", "disaster_hoax") for i in range(10)])
    predictions = ([said("disaster_hoax", i == 0) for i in range(50)]
                   + [said("disaster_hoax" if i < 6 else "health_pollution", i < 8)
                      for i in range(10)])
    result = measures(items, predictions)
    assert result["false_flags"]["factual_env"]["value"] == 0.02
    assert result["false_flags_headline"]["k"] == 1
    assert result["rumour_recall"]["value"] == 0.8
    assert result["rumour_label_accuracy"]["value"] == 0.75  # 6 of the 8 flagged
    # 2% prevalence: 0.02 * 0.8 caught against 0.98 * 0.02 wrongly flagged.
    expected = 0.016 / (0.016 + 0.98 * 0.02)
    assert abs(result["queue_precision_at_2pct"]["value"] - expected) < 1e-3
    assert result["targets"]["rumour_recall"] is True
    assert result["targets"]["false_flags_headline"] is False


def test_fast_f1_matches_scikit_learn() -> None:
    import numpy as np
    from sklearn.metrics import f1_score

    from models.intervals import binary_f1, macro_f1

    rng = np.random.default_rng(0)
    labels = np.asarray(["a", "b", "c", "d"])
    for _ in range(20):
        gold, pred = labels[rng.integers(0, 4, 40)], labels[rng.integers(0, 4, 40)]
        assert abs(macro_f1(gold, pred, ["a", "b", "c"]) - f1_score(
            gold, pred, labels=["a", "b", "c"], average="macro", zero_division=0)) < 1e-12
        want, got = gold == "a", pred == "a"
        assert abs(binary_f1(want, got) - f1_score(want, got, zero_division=0)) < 1e-12
    assert binary_f1(np.zeros(3, dtype=bool), np.zeros(3, dtype=bool)) == 0.0
