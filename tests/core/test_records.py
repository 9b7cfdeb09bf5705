"""Record types refuse values the taxonomy does not allow."""

from __future__ import annotations

from datetime import datetime

import pytest
from pydantic import ValidationError

from core.records import Classification, CrawledItem, ReviewVerdict


def _classification(**overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "label": "disaster_hoax", "flagged": True, "score": 0.8, "relevant": True,
        "reasons": ["khớp: 'vỡ đập'"], "model_version": "t",
    }
    values.update(overrides)
    return values


def test_only_misleading_labels_can_be_flagged() -> None:
    Classification(**_classification())  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="only a misleading label"):
        Classification(**_classification(label="opinion"))  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [{"label": "fake_news"}, {"score": 1.2}, {"score": -0.1}])
def test_unknown_label_or_score_out_of_range(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Classification(**_classification(**bad))  # type: ignore[arg-type]


def test_naive_published_time_is_vietnam_time() -> None:
    item = CrawledItem(
        id="x", url="https://a.vn/x", canonical_url="https://a.vn/x", source_id="s",
        published=datetime(2026, 3, 7, 8, 0),
    )
    assert item.published is not None
    assert item.published.isoformat() == "2026-03-07T01:00:00+00:00"


def test_verdict_names_and_labels_are_checked() -> None:
    ReviewVerdict(item_id="x", verdict="not_misleading", label="opinion", reviewer="r")
    with pytest.raises(ValidationError):
        ReviewVerdict(item_id="x", verdict="wrong", reviewer="r")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        ReviewVerdict(item_id="x", verdict="confirmed", label="hoax", reviewer="r")
