"""Retraining: verdicts gathered from the store, a model trained, both measured, promotion."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.records import ReviewVerdict
from tests.factories import make_item


def _seed_verdicts() -> int:
    """Reviewed items in the store; returns how many verdicts can teach the model."""
    from core.settings import load_settings
    from index.factory import open_store

    store = open_store(load_settings())
    cases = [
        ("Đập thủy điện sắp vỡ, sơ tán ngay trong đêm nay", "disaster_hoax", "confirmed",
         "disaster_hoax"),
        ("Uống nước lá chữa được bệnh do bụi mịn PM2.5", "health_pollution", "confirmed",
         "health_pollution"),
        ("Đầu tư tín chỉ carbon lãi 30% mỗi tháng, cam kết hoàn vốn", "green_scam", "confirmed",
         "green_scam"),
        ("EVN khuyến nghị tiết kiệm điện trong mùa nắng nóng", "disaster_hoax", "not_misleading",
         None),
        ("Tôi cho rằng dự án điện rác chậm tiến độ là đáng lo", "opinion", "not_misleading",
         "opinion"),
        ("Tin về điện hạt nhân cần chuyên gia xem", "nuclear_misinfo", "needs_expert", None),
    ]
    usable = 0
    for n, (text, label, verdict, verdict_label) in enumerate(cases):
        item = make_item(f"https://example.vn/xet-duyet-{n}.html", title=text, text=text * 3,
                         label=label)
        store.upsert([item])
        store.record_verdict(ReviewVerdict(item_id=item.id, verdict=verdict, label=verdict_label,
                                           reviewer="reviewer-1", note="thử nghiệm"))
        usable += verdict in ("confirmed", "not_misleading")
    store.close()
    return usable


@pytest.mark.slow
def test_retrain_gathers_verdicts_trains_compares_and_promotes_only_beyond_the_interval(
    data_dir: Path,
) -> None:
    from core.settings import load_settings
    from flows.retrain import retrain
    from models.promotion import should_promote
    from models.registry import active_model_dir

    usable = _seed_verdicts()
    outcome = retrain()

    assert outcome["verdicts"] == usable
    assert outcome["test_items"] > 100  # the same fixed, grouped test split for both models
    assert outcome["current_version"] != outcome["candidate_version"]
    measures = outcome["measures"]
    assert {"flag_f1", "macro_f1_misleading", "test_false_flags"} <= set(measures)
    for row in measures.values():
        assert row["low"] <= row["difference"] <= row["high"]
    rule = should_promote(measures)
    assert outcome["promoted"] is rule
    active = active_model_dir(load_settings())
    if rule:
        assert active == Path(outcome["candidate_dir"])
    else:
        assert active is None  # the shipped model stays in use
    report = next((data_dir / "retrain").glob("*/report.json"))
    assert json.loads(report.read_text("utf-8"))["promoted"] is rule
    verdict_lines = next((data_dir / "retrain").glob("*/verdicts.jsonl")).read_text("utf-8")
    assert "sơ tán" in verdict_lines and '"label": "none"' in verdict_lines
    assert "chuyên gia" not in verdict_lines  # "needs an expert" teaches no label
