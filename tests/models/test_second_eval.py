"""A second real set read once (``models/second_eval.py``): its files are read strictly, and
its figures are the product's own decisions on the texts as social posts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.records import ClassifyInput
from models import second_eval
from models.predict import NarrativeClassifier

RUMOURS = [
    {"id": "r1", "label": "disaster_hoax", "story": "dap-a",
     "rumour": "KHẨN: đập thủy điện ở thượng nguồn đã vỡ lúc 3 giờ sáng, nước sắp về tới thị "
               "trấn, bà con hạ du chạy ngay lên đồi và chia sẻ gấp cho người thân!"},
    {"id": "r2", "label": "green_scam", "story": "carbon-b",
     "rumour": "Góp vốn 30 triệu vào quỹ tín chỉ carbon rừng, mỗi tháng nhận lãi 12%, có Bộ "
               "đứng ra bảo lãnh, chỉ còn 20 suất cuối."},
]
POSTS = [
    {"id": "p1", "label": "opinion", "kind": "complaint",
     "text": "Khói từ bãi rác cuối phố tối nào cũng bay vào nhà, ngột ngạt quá, mong phường "
             "sớm có cách xử lý cho dân nhờ."},
    {"id": "p2", "label": "none", "kind": "eyewitness",
     "text": "Chiều nay mưa to, đường trước chợ ngập tới đầu gối, xe máy chết máy nhiều, mọi "
             "người đi đường này nhớ tránh nhé."},
]


def _write(directory: Path, name: str, rows: list[dict[str, str]]) -> None:
    directory.mkdir(exist_ok=True)
    (directory / name).write_text(
        "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")


def test_the_figures_are_the_products_decisions_on_social_posts(
    tmp_path: Path, shipped: NarrativeClassifier
) -> None:
    _write(tmp_path, second_eval.RUMOURS_FILE, RUMOURS)
    _write(tmp_path, second_eval.POSTS_FILE, POSTS)
    items = second_eval.load(tmp_path)
    assert [(i.id, i.kind, i.source_kind) for i in items] == [
        ("r1", "rumour", "social"), ("r2", "rumour", "social"),
        ("p1", "social_ok", "social"), ("p2", "social_ok", "social")]
    report = second_eval.evaluate(shipped, items)
    predictions = shipped.classify(
        [ClassifyInput(id=i.id, text=i.text, source_kind="social") for i in items])
    decided = {i.id: p.classification for i, p in zip(items, predictions, strict=True)}
    assert report["rumour_recall"]["n"] == 2 and report["posts_flagged"]["n"] == 2
    assert report["rumour_recall"]["k"] == sum(decided[r["id"]].flagged for r in RUMOURS)
    assert report["posts_flagged"]["k"] == sum(decided[p["id"]].flagged for p in POSTS)
    expected_errors = {
        i.id for i in items
        if decided[i.id].flagged != (i.kind == "rumour")
        or (decided[i.id].flagged and decided[i.id].label != i.label)
    }
    assert {e["id"] for e in report["errors"]} == expected_errors
    shown = second_eval.format_report(report, tmp_path)
    assert "2 rumours and 2 ordinary social posts" in shown
    assert "| ordinary social posts flagged |" in shown


@pytest.mark.parametrize(("name", "line", "needs"), [
    (second_eval.RUMOURS_FILE, '{"id": "x", "rumour": "Tin bịa", "label": "opinion"}',
     "misleading 'label'"),
    (second_eval.POSTS_FILE, '{"id": "x", "text": "Trời mưa", "label": "green_scam"}',
     "'none' or 'opinion'"),
    (second_eval.RUMOURS_FILE, '{"id": "x", "rumour": ', "not JSON"),
])
def test_a_bad_line_is_named_with_its_file_and_number(
    tmp_path: Path, name: str, line: str, needs: str
) -> None:
    (tmp_path / name).write_text("\n" + line + "\n", encoding="utf-8")
    with pytest.raises(second_eval.BadSecondSet) as caught:
        second_eval.load(tmp_path)
    assert f"{name}:2:" in str(caught.value) and needs in str(caught.value)


def test_evaluate_refuses_a_bad_second_set_before_the_long_evaluation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cli.main import main

    (tmp_path / second_eval.POSTS_FILE).write_text('{"id": "x", "text": "Mưa", "label": "sai"}\n',
                                                   encoding="utf-8")
    reports = tmp_path / "reports"
    assert main(["evaluate", "--reports", str(reports), "--second-set", str(tmp_path)]) == 2
    printed = capsys.readouterr()
    assert f"{second_eval.POSTS_FILE}:1:" in printed.err
    assert "report:" not in printed.out and not reports.exists()  # nothing was evaluated
    assert main(["evaluate", "--second-set", str(tmp_path / "absent")]) == 2
    assert "nothing to read" in capsys.readouterr().err
