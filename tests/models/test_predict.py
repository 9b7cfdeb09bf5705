"""The classifier contract the rest of the system relies on, on the shipped artefacts."""

from __future__ import annotations

import pytest

from core.labels import LABELS, is_misleading
from core.records import ClassifyInput
from models.predict import NarrativeClassifier

# Written for these tests and kept out of every training file: they check generalisation on
# the hard cases of TAXONOMY.md, not memory.
HELD_OUT = {
    "debunk": "Sở Công Thương khẳng định tin nhắn về việc tăng giá điện gấp ba từ tháng sau "
    "là thông tin sai sự thật, người dân không nên chia sẻ.",
    "warning": "Ban chỉ huy phòng chống thiên tai tỉnh thông báo thủy điện sẽ xả lũ qua ba cửa "
    "van từ 16 giờ hôm nay, đề nghị người dân vùng hạ du chủ động phòng tránh.",
    "opinion": "Tôi thấy thành phố xây thêm nhà máy đốt rác ngay cạnh khu dân cư là không ổn, "
    "chính quyền cần lắng nghe người dân hơn.",
    "hoax": "KHẨN CẤP!!! Đập thủy điện vỡ rồi, nước lũ cao 5 mét đang đổ về, mọi người chạy "
    "lên đồi ngay và chia sẻ gấp cho người thân!",
}


def _classify(classifier: NarrativeClassifier, texts: dict[str, str]) -> dict[str, object]:
    inputs = [ClassifyInput(id=key, text=text) for key, text in texts.items()]
    return {p_id: p for p_id, p in zip(texts, classifier.classify(inputs), strict=True)}


def test_output_follows_the_contract(shipped: NarrativeClassifier) -> None:
    predictions = shipped.classify([ClassifyInput(id=k, text=v) for k, v in HELD_OUT.items()])
    assert len(predictions) == len(HELD_OUT)
    for prediction in predictions:
        c = prediction.classification
        assert c.label in LABELS
        assert 0.0 <= c.score <= 1.0
        assert c.flagged == (is_misleading(c.label) and c.score >= shipped.flag_threshold)
        assert c.model_version == shipped.version
        assert c.reasons and all(isinstance(r, str) and r for r in c.reasons)


def test_same_input_same_output(shipped: NarrativeClassifier) -> None:
    inputs = [ClassifyInput(id=k, text=v) for k, v in HELD_OUT.items()]
    assert shipped.classify(inputs) == shipped.classify(inputs)
    # and one at a time gives what the batch gives
    assert [shipped.classify([i])[0] for i in inputs] == shipped.classify(inputs)


def test_empty_batch(shipped: NarrativeClassifier) -> None:
    assert shipped.classify([]) == []


@pytest.mark.parametrize("case", ["debunk", "warning", "opinion"])
def test_hard_cases_are_not_flagged(shipped: NarrativeClassifier, case: str) -> None:
    [prediction] = shipped.classify([ClassifyInput(id=case, text=HELD_OUT[case])])
    assert not prediction.classification.flagged, prediction.classification


def test_a_fabricated_alert_is_flagged_with_reasons(shipped: NarrativeClassifier) -> None:
    [prediction] = shipped.classify([ClassifyInput(id="h", text=HELD_OUT["hoax"])])
    c = prediction.classification
    assert c.label == "disaster_hoax" and c.flagged
    assert any("chia sẻ gấp" in r for r in c.reasons)


def test_flag_threshold_is_honoured() -> None:
    strict = NarrativeClassifier.load(flag_threshold=1.0)
    predictions = strict.classify([ClassifyInput(id="h", text=HELD_OUT["hoax"])])
    assert not predictions[0].classification.flagged


def test_known_claim_appears_in_reasons_and_enrichment(shipped: NarrativeClassifier) -> None:
    assert shipped._matcher is not None
    claim = shipped._matcher.claims[0]
    [prediction] = shipped.classify([ClassifyInput(id="k", text=claim.statement)])
    assert claim.id in prediction.enrichment.known_claims
    assert any(r.startswith("Giống tin sai đã kiểm chứng") and claim.id in r
               for r in prediction.classification.reasons)


def test_enrichment_carries_entities_and_provinces(shipped: NarrativeClassifier) -> None:
    [prediction] = shipped.classify([ClassifyInput(
        id="e", title="Quảng Nam mưa lớn",
        text="Thủy điện Sông Tranh 2 xả lũ, EVN cho biết hồ chứa vẫn an toàn với 300 m3/s.")])
    assert "Đà Nẵng" in prediction.enrichment.provinces
    assert "Thủy điện Sông Tranh 2" in prediction.enrichment.entities
    assert prediction.enrichment.claim_sentences


def test_off_topic_item_is_irrelevant(shipped: NarrativeClassifier) -> None:
    text = "Đội tuyển bóng đá nữ giành huy chương vàng SEA Games sau loạt sút luân lưu."
    [prediction] = shipped.classify([ClassifyInput(id="x", text=text)])
    assert prediction.classification.label == "irrelevant"
    assert not prediction.classification.relevant


def test_a_long_article_without_a_domain_term_is_irrelevant(shipped: NarrativeClassifier) -> None:
    text = (
        "Chiều qua, hội đồng xét xử tuyên án vụ tranh chấp hợp đồng mua bán căn hộ giữa hai "
        "công ty bất động sản. Theo bản án, bên bán phải hoàn trả tiền đặt cọc kèm lãi chậm "
        "trả cho bên mua trong vòng ba mươi ngày. Luật sư của bị đơn cho biết thân chủ sẽ "
        "kháng cáo vì cho rằng tòa chưa xem xét đầy đủ các tài liệu giao dịch. Đại diện viện "
        "kiểm sát đề nghị giữ nguyên quyết định sơ thẩm. Phiên tòa kéo dài đến tối, nhiều "
        "người dân theo dõi vì lo ngại tình trạng chậm bàn giao căn hộ ở các dự án khác."
    )
    [prediction] = shipped.classify([ClassifyInput(id="court", text=text)])
    assert prediction.classification.label == "irrelevant"
    assert not prediction.classification.flagged


def test_empty_text_is_classified_not_crashed(shipped: NarrativeClassifier) -> None:
    predictions = shipped.classify(
        [ClassifyInput(id="empty", text=""), ClassifyInput(id="emoji", text="😱")]
    )
    assert [p.classification.flagged for p in predictions] == [False, False]
