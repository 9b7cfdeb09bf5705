"""The ``kiemchung classify``, ``train`` and ``evaluate`` commands, run in-process."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from cli.main import main

LINES = [
    {"id": "1", "text": "KHẨN: đập thủy điện đã nứt, mọi người chạy ngay và chia sẻ gấp!"},
    {"id": "2", "title": "Thông báo", "text": "Công ty thủy điện sẽ mở một cửa xả đáy lúc 14 giờ."},
]


def test_classify_keeps_order_reports_bad_lines_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "in.jsonl"
    body = [json.dumps(LINES[0], ensure_ascii=False), "{broken", '{"id": "3"}',
            json.dumps(LINES[1], ensure_ascii=False), "[1, 2]"]
    path.write_text("\n".join(body) + "\n", encoding="utf-8")
    assert main(["classify", str(path)]) == 1
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [o["id"] for o in out] == ["1", None, "3", "2", None]
    assert "error" in out[1] and "error" in out[2] and "error" in out[4]
    for row in (out[0], out[3]):
        assert set(row) == {"id", "label", "flagged", "score", "relevant", "reasons",
                            "model_version"}


def test_classify_from_stdin_exits_0_and_is_repeatable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in LINES)
    outputs = []
    for _ in range(2):
        monkeypatch.setattr("sys.stdin", io.StringIO(text))
        assert main(["classify", "-"]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    assert len(outputs[0].splitlines()) == 2


def test_train_and_evaluate_on_a_small_corpus(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fixtures = Path(__file__).resolve().parent / "fixtures"
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "all.jsonl").write_text(
        (fixtures / "examples.jsonl").read_text(encoding="utf-8"), encoding="utf-8"
    )
    verdicts = tmp_path / "verdicts.jsonl"
    verdicts.write_text(json.dumps({"text": "Tôi thấy giá điện tăng là vô lý, cần giải trình.",
                                    "title": "", "label": "opinion"}, ensure_ascii=False) + "\n",
                        encoding="utf-8")
    out_dir = tmp_path / "artefacts"
    missing = tmp_path / "no-eval"  # the real development sets are not part of a clone
    assert main(["train", "--corpus", str(corpus), "--with-verdicts", str(verdicts),
                 "--output", str(out_dir), "--eval-dir", str(missing)]) == 0
    assert {p.name for p in out_dir.iterdir()} >= {
        "classifier.skops", "metadata.json", "metrics.json", "model_card.md"}
    # Training leaves the held-out set alone: only ``kiemchung evaluate`` reads it.
    assert "no decision ever looked at it" not in capsys.readouterr().out
    assert "heldout" not in json.loads((out_dir / "metrics.json").read_text(encoding="utf-8"))
    reports = tmp_path / "reports"
    assert main(["evaluate", "--corpus", str(corpus), "--artefacts", str(out_dir),
                 "--reports", str(reports), "--split", "train", "--eval-dir", str(missing),
                 "--no-challenge"]) == 0
    printed = capsys.readouterr().out
    assert "flag_f1" in printed and "macro_f1_misleading" in printed
    assert "Confusion matrix" in printed and "95% interval" in printed
    assert "Real development sets\n\nNot found" in printed
    report = json.loads((reports / "evaluation.json").read_text(encoding="utf-8"))
    assert report["split"]["name"] == "train" and report["split"]["n"] > 0
    assert 0 <= report["split"]["intervals"]["flag_f1"]["low"] <= report["split"]["flag_f1"]
    # The fresh held-out set is reported (never trained, tuned or calibrated on).
    assert "no decision ever looked at it" in printed
    assert report["heldout"]["n"] == 72 and "challenge" not in report
    card = (out_dir / "model_card.md").read_text(encoding="utf-8")
    assert "exactly what `kiemchung evaluate` prints" in card


def test_classify_opens_no_network_connection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Any attempt to connect anywhere fails the run: loading and classifying are offline."""
    import socket

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("kiemchung classify tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(LINES[0], ensure_ascii=False) + "\n", encoding="utf-8")
    assert main(["classify", str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["id"] == "1"
