"""Topic lexicon and cue phrases, with and without diacritics."""

from __future__ import annotations

from nlp.lexicon import cue_phrases, is_unaccented, topic_terms


def test_topic_terms_found_without_diacritics() -> None:
    assert {"đập", "thủy điện", "xả lũ"} <= set(topic_terms("dap thuy dien dang xa lu"))


def test_folding_is_only_for_unaccented_texts() -> None:
    # Folded, "lại" would read as "lãi" (interest) and "phát" as "phạt" (fine).
    cues = cue_phrases("Anh ấy lại phát biểu về tương lai của thành phố")
    assert "scam" not in cues
    assert "policy" not in cues


def test_cue_groups() -> None:
    cues = cue_phrases("KHẨN: chia sẻ gấp! Công an nói tin này là bịa đặt")
    assert "chia sẻ gấp" in cues["urgency"]
    assert cues["debunk"] == ["bịa đặt"]


def test_unaccented_detection() -> None:
    assert is_unaccented("nghe noi dap thuy dien Hoa Binh sap vo")
    assert not is_unaccented("nghe nói đập thủy điện Hòa Bình sắp vỡ")
    assert not is_unaccented("")


def test_phrases_that_only_look_like_the_domain_are_ignored() -> None:
    assert topic_terms("Mua điện thoại giữa cơn bão giá, nộp hồ sơ ở Hồ Chí Minh") == []
    assert topic_terms("Thủy điện xả lũ") == ["thủy điện", "xả lũ"]
    assert cue_phrases("Nhà máy điện hạt nhân") == {"nuclear": ["hạt nhân"]}
