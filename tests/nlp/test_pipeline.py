"""The spaCy pipeline: registered tokenizer and components, entities, claim sentences."""

from __future__ import annotations

import unicodedata

import spacy
from spacy.language import Language

from nlp.pipeline import load_pipeline


def test_pieces_are_registered_and_described_in_config() -> None:
    assert spacy.registry.tokenizers.get("kiemchung.underthesea_tokenizer")
    for name in ("kiemchung_entity_ruler", "kiemchung_topic_relevance",
                 "kiemchung_claim_sentences"):
        assert Language.has_factory(name)
    nlp = load_pipeline()
    assert nlp.pipe_names == [
        "kiemchung_entity_ruler", "kiemchung_topic_relevance", "kiemchung_claim_sentences",
    ]


def test_tokens_are_segmented_words_aligned_with_the_text() -> None:
    doc = load_pipeline()("Người dân Hà Nội lo ngại ô nhiễm không khí.")
    assert "Người dân" in [t.text for t in doc]
    assert "Hà Nội" in [t.text for t in doc]
    assert doc.text == "Người dân Hà Nội lo ngại ô nhiễm không khí."


def test_decomposed_input_gives_the_same_doc() -> None:
    text = "Thuỷ điện Hoà Bình mở cửa xả đáy."
    nlp = load_pipeline()
    composed = nlp(text)
    decomposed = nlp(unicodedata.normalize("NFD", text))
    assert [t.text for t in composed] == [t.text for t in decomposed]
    assert composed.text.startswith("Thủy điện Hòa Bình")


def test_sentences_from_punctuation_and_line_breaks() -> None:
    doc = load_pipeline()("KHẨN!!! Đập đã nứt\nCông an nói tin này là bịa đặt. Nhà máy vẫn chạy.")
    assert [s.text for s in doc.sents] == [
        "KHẨN!!!", "Đập đã nứt", "Công an nói tin này là bịa đặt.", "Nhà máy vẫn chạy.",
    ]


def test_provinces_by_current_and_former_names() -> None:
    doc = load_pipeline()("Mưa lớn ở Quảng Nam, Bình Dương và Hà Giang; Hà Nội nắng nóng.")
    assert doc._.provinces == ["Đà Nẵng", "TP Hồ Chí Minh", "Tuyên Quang", "Hà Nội"]
    assert all(ent.label_ == "LOC" for ent in doc.ents)


def test_facility_wins_over_the_province_inside_its_name() -> None:
    doc = load_pipeline()("Thủy điện Hòa Bình mở thêm cửa xả, EVN cho biết.")
    found = {(ent.kb_id_, ent.label_) for ent in doc.ents}
    assert ("Thủy điện Hòa Bình", "FAC") in found
    assert ("EVN", "ORG") in found
    assert doc._.provinces == []


def test_entities_in_unaccented_text() -> None:
    doc = load_pipeline()("nghe noi dap thuy dien Son La sap vo, nguoi dan Lao Cai chay di")
    assert "Thủy điện Sơn La" in {ent.kb_id_ for ent in doc.ents}
    assert doc._.provinces == ["Lào Cai"]


def test_topic_relevance_scores_on_and_off_topic() -> None:
    nlp = load_pipeline()
    on_topic = nlp("Bụi mịn PM2.5 ở Hà Nội vượt ngưỡng, chất lượng không khí xấu do khí thải.")
    off_topic = nlp("Đội tuyển bóng đá thắng 2-0 tối qua.")
    assert on_topic._.topic_score >= 0.75
    assert off_topic._.topic_score == 0.0


def test_claim_sentences_skip_questions_and_small_talk() -> None:
    doc = load_pipeline()(
        "Chào mọi người. Nước sông Đà nhiễm dầu thải gấp 10 lần mức cho phép. "
        "Có ai biết thật không?"
    )
    assert [s.text for s in doc._.claim_sentences] == [
        "Nước sông Đà nhiễm dầu thải gấp 10 lần mức cho phép."
    ]


def test_empty_and_blank_texts_give_empty_docs() -> None:
    nlp = load_pipeline()
    for text in ("", "   ", "\n\n", "😱😱"):
        doc = nlp(text)
        assert len(doc) == 0
        assert doc._.claim_sentences == []
        assert doc._.provinces == []


def test_cached_text_is_the_doc_text() -> None:
    nlp = load_pipeline()
    for text in ("KHẨN!!! Đập đã nứt\nCông an nói tin này là bịa đặt.", "a  b\t c", "Xin chào"):
        doc = nlp(text)
        assert doc._.text == doc.text
