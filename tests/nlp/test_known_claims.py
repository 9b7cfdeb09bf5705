"""The known false claims file and matching against it."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.labels import is_misleading
from nlp.known_claims import (
    STRONG_THRESHOLD,
    SUGGEST_THRESHOLD,
    KnownClaim,
    KnownClaimMatcher,
    load_known_claims,
)
from nlp.normalize import normalize_text
from nlp.segment import joined, segment_words

KNOWN_CLAIMS = Path(__file__).resolve().parents[2] / "models" / "data" / "known_claims.yaml"


def _sentences(text: str) -> list[tuple[str, str]]:
    normal = normalize_text(text)
    return [(normal, joined(segment_words(normal)))]


@pytest.fixture(scope="module")
def matcher() -> KnownClaimMatcher:
    return KnownClaimMatcher(
        [
            KnownClaim("kc-a", "disaster_hoax", "Đập thủy điện Hòa Bình đã bị vỡ, Hà Nội sắp ngập",
                       ("Vỡ đập Hòa Bình rồi, chạy ngay",)),
            KnownClaim("kc-b", "fabricated_policy",
                       "Từ tháng sau hộ không phân loại rác bị phạt 20 triệu đồng"),
        ],
        version="test",
    )


def test_shipped_file_is_valid() -> None:
    version, claims = load_known_claims(KNOWN_CLAIMS)
    assert version
    assert claims
    assert len({c.id for c in claims}) == len(claims)
    assert all(is_misleading(c.label) and c.statement for c in claims)


def test_thresholds_are_ordered() -> None:
    assert 0 < SUGGEST_THRESHOLD < STRONG_THRESHOLD < 1


def test_near_copy_is_a_strong_match(matcher: KnownClaimMatcher) -> None:
    [found] = matcher.match([_sentences("Đập thuỷ điện Hoà Bình đã bị vỡ, Hà Nội sắp ngập!!!")])
    assert found[0].claim.id == "kc-a"
    assert found[0].strong


def test_unaccented_paraphrase_is_suggested(matcher: KnownClaimMatcher) -> None:
    [found] = matcher.match([_sentences("nghe noi dap thuy dien Hoa Binh bi vo roi")])
    assert [m.claim.id for m in found] == ["kc-a"]


def test_unrelated_text_matches_nothing(matcher: KnownClaimMatcher) -> None:
    [found] = matcher.match([_sentences("Giá vàng hôm nay tăng nhẹ so với hôm qua.")])
    assert found == []


def test_items_keep_their_order_and_sentence_matches(matcher: KnownClaimMatcher) -> None:
    items = [
        _sentences("Trời hôm nay đẹp."),
        [*_sentences("Tin mới."),
         *_sentences("Từ tháng sau hộ nào không phân loại rác sẽ bị phạt 20 triệu")],
    ]
    first, second = matcher.match(items)
    assert first == []
    assert second[0].claim.id == "kc-b"
    assert "phân loại rác" in second[0].sentence


def test_a_claim_with_a_non_misleading_label_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "claims.yaml"
    path.write_text(
        'version: "1"\nclaims:\n  - id: kc-1\n    label: opinion\n    statement: "x"\n',
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="not misleading"):
        load_known_claims(path)
