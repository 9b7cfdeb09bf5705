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


# The cue cases of issue #11, in the issue's own wording: every one of them was shown to
# reviewers as a reason on real news.

def test_cam_ket_is_not_the_ban_cue_cam() -> None:
    # Folding made "cam kết" (commit) read as "cấm" (ban); accented text is matched accented.
    cues = cue_phrases("Chính phủ cam kết đưa phát thải ròng về 0 vào năm 2050.")
    assert "cấm" not in cues.get("policy", [])
    assert cue_phrases("Từ tháng sau cấm xe máy chạy xăng")["policy"] == ["từ tháng", "cấm"]


def test_khan_inside_khan_truong_is_not_urgency() -> None:
    assert "urgency" not in cue_phrases("Các địa phương khẩn trương khắc phục hậu quả mưa lũ.")
    assert cue_phrases("KHẨN: đập đã vỡ!")["urgency"] == ["khẩn"]


def test_gap_that_multiplies_is_not_urgency() -> None:
    for text in ("Lượng rác tăng gấp nhiều lần so với năm trước.",
                 "Lượng mưa gấp 3 lần trung bình nhiều năm.",
                 "Giá pin giảm, sản lượng tăng gấp đôi."):
        assert "urgency" not in cue_phrases(text), text
    assert cue_phrases("Cần hỗ trợ gấp, liên hệ ngay.")["urgency"] == ["gấp"]


def test_negated_profit_is_not_a_scam_sign() -> None:
    for text in ("Đây là dự án không lợi nhuận của cộng đồng.",
                 "Hợp tác xã hoạt động không vì lợi nhuận.",
                 "Một tổ chức phi lợi nhuận trồng rừng ngập mặn."):
        assert "scam" not in cue_phrases(text), text
    assert "scam" in cue_phrases("Góp vốn ngay, lợi nhuận cao mỗi tháng.")


def test_negation_scope_ends_at_punctuation() -> None:
    cues = cue_phrases("Không chỉ vậy, từ tháng sau sẽ phạt nặng.")
    assert cues["policy"] == ["từ tháng", "phạt"]
    assert "policy" not in cue_phrases("Người dân sẽ không bị phạt.")


def test_nha_dau_tu_and_dau_tu_are_not_scam_signs() -> None:
    text = "Nhà đầu tư điện gió ngoài khơi cam kết đầu tư 2 tỷ USD vào dự án."
    assert "scam" not in cue_phrases(text)


def test_where_a_claim_circulated_is_not_a_refutation() -> None:
    # "lan truyền", "trên mạng", "tài khoản", "chuyên gia", "bài viết": a rumour says them too.
    cues = cue_phrases("Bài viết của một tài khoản lan truyền trên mạng, một chuyên gia nói "
                       "đập sắp vỡ.")
    assert "debunk" not in cues
    assert set(cues["attribution"]) >= {"bài viết", "tài khoản", "lan truyền", "trên mạng",
                                        "chuyên gia"}
    assert cue_phrases("Thông tin lan truyền trên mạng là bịa đặt.")["debunk"] == ["bịa đặt"]


def test_unaccented_text_is_still_folded() -> None:
    assert cue_phrases("khan cap: dap da vo, chia se gap")["urgency"] == ["khẩn cấp", "chia sẻ gấp"]
    assert "scam" not in cue_phrases("khong loi nhuan")
