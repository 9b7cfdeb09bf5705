"""Topic lexicon and cue phrases, matched with or without diacritics ("dap thuy dien" counts)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

from nlp.normalize import fold

#: Words and phrases that put a text inside the project's domain: environment, energy, climate,
#: natural disasters, pollution, natural resources.
TOPIC_TERMS: Final[tuple[str, ...]] = (
    "môi trường", "khí hậu", "biến đổi khí hậu", "nóng lên toàn cầu", "hiệu ứng nhà kính",
    "khí nhà kính", "phát thải", "khí thải", "CO2", "carbon", "các-bon", "net zero",
    "ô nhiễm", "bụi mịn", "PM2.5", "chất lượng không khí", "AQI", "nước thải", "rác thải",
    "phân loại rác", "rác", "nhựa", "túi ni lông", "tái chế", "bãi rác", "xử lý rác",
    "thủy điện", "đập", "hồ chứa", "xả lũ", "xả đáy", "xả tràn", "lũ", "lụt", "ngập",
    "bão", "áp thấp nhiệt đới", "mưa lớn", "sạt lở", "lũ quét", "động đất", "sóng thần",
    "dư chấn", "hạn hán", "xâm nhập mặn", "triều cường", "nước biển dâng", "thiên tai",
    "nắng nóng", "nhiệt độ", "rừng", "phá rừng", "cháy rừng", "khai thác cát", "cát",
    "khoáng sản", "sông", "biển", "nước sạch", "nước sinh hoạt", "nguồn nước", "cá chết",
    "hóa chất", "chất độc", "kim loại nặng", "phóng xạ", "hạt nhân", "điện hạt nhân",
    "lò phản ứng", "uranium", "điện", "năng lượng", "điện mặt trời", "điện gió",
    "điện mặt trời mái nhà", "năng lượng tái tạo", "năng lượng sạch", "nhiệt điện",
    "nhiệt điện than", "than", "LNG", "khí đốt", "xăng", "dầu", "xe điện", "ô tô điện",
    "xe máy điện", "pin", "trạm sạc", "EVN", "giá điện", "hóa đơn tiền điện", "tiền điện",
    "cắt điện", "mất điện", "tiết kiệm điện", "tín chỉ carbon", "tín chỉ các-bon",
    "tăng trưởng xanh", "kinh tế tuần hoàn", "sinh thái", "đa dạng sinh học",
    "khí tượng thủy văn", "dự báo thời tiết", "vùng hạ du", "hạ du", "Formosa", "VinFast",
    "tuabin", "turbine", "sạch", "xanh", "bảo vệ môi trường",
    "băng tan", "băng", "băng giá", "ấm lên", "nóng lên", "Trái Đất", "IPCC",
    "Thỏa thuận Paris", "COP28", "COP29", "COP30", "El Nino", "La Nina", "kỷ băng hà",
    "vỡ bờ", "vỡ đê", "đê", "lốc xoáy", "lốc", "giông", "sét", "mưa đá", "hố tử thần",
    "sụt lún", "nứt", "sạt", "địa chấn", "núi lửa", "nước mặn", "mặn", "hạn mặn",
    "nước ngọt", "nước ngầm", "giếng khoan", "nước máy", "tài nguyên nước", "khí tượng",
    "rét", "rét hại", "rét đậm", "mưa", "nắng", "thời tiết", "hồ", "suối", "lũ lụt",
    "ngập úng", "vườn quốc gia", "khu bảo tồn", "động vật hoang dã", "trồng cây", "cây xanh",
    "rừng phòng hộ", "nhiên liệu", "xăng dầu", "điện lực", "nhà máy điện", "lưới điện",
    "hydro", "hydrogen", "phát điện", "tái tạo", "xe xăng", "khói", "bụi", "mùi hôi",
    "xả thải", "chất thải", "vi nhựa", "túi bóng", "túi nilon", "phân bón", "thuốc trừ sâu",
    "asen", "thạch tín", "chì", "thủy ngân", "dioxin", "amiang", "muối i-ốt", "nhiễm xạ",
)

#: Phrases that contain a domain word without being about the domain ("điện thoại" is a
#: phone, "bão giá" a price storm). Matched first, because the longest phrase wins, and then
#: ignored, so they never count as domain terms.
NOT_TOPIC_TERMS: Final[tuple[str, ...]] = (
    "điện thoại", "điện tử", "điện ảnh", "bưu điện", "điện máy", "điện biên", "phát biểu",
    "năng lượng tích cực", "cơn bão giá", "bão giá", "bão sale", "hạt nhân gia đình",
    "gia đình hạt nhân", "hạt nhân lãnh đạo", "làn sóng sa thải", "đèn xanh", "xanh mặt",
    "hồ sơ", "hồ chí minh", "mưa gạch đá", "cơn mưa bàn thắng", "trúng lô",
)

#: Cue phrases by what they signal. They feed the classifier as counts and explain its reasons;
#: none of them decides a label on its own (a debunk quotes hoax cues in order to refute them).
#: A cue counts only as whole words of the segmented text ("khẩn" is not in "khẩn trương",
#: "lợi nhuận" not in "phi lợi nhuận") and not under a negation ("không lợi nhuận"); see
#: ``cue_hits``. Words that ordinary reporting uses all the time ("đầu tư", "cam kết",
#: "cảnh báo", "chuyên gia") are left out or only count inside a telling phrase.
CUE_GROUPS: Final[dict[str, tuple[str, ...]]] = {
    "urgency": (
        "khẩn", "khẩn cấp", "cấp báo", "chia sẻ gấp", "share gấp", "chia sẻ ngay",
        "lan tỏa", "truyền tay", "chạy ngay", "sơ tán ngay", "gấp", "tin nóng",
        "trước khi bị xóa", "báo chí không đưa", "không ai nói", "che giấu",
        "bưng bít", "nguồn tin nội bộ", "tin mật", "người nhà làm ở", "họ không muốn",
        "ai cũng phải biết", "hãy chia sẻ", "cứu lấy", "cầu cứu",
    ),
    #: Signs that the item itself refutes a claim. Only wording that takes a side counts: that
    #: a claim "lan truyền trên mạng" is said by the rumour as often as by its debunk.
    "debunk": (
        "tin giả", "tin đồn", "bịa đặt", "sai sự thật", "không đúng sự thật", "thông tin sai",
        "bác bỏ", "không có chuyện", "thất thiệt", "xuyên tạc", "không có cơ sở",
        "giả mạo", "cắt ghép", "đính chính", "kiểm chứng", "xác minh", "thực hư",
        "vận hành bình thường", "không có căn cứ", "không chính xác",
        "xử lý nghiêm", "xử phạt người đăng", "mời làm việc", "cảnh giác", "thủ đoạn",
        "chiêu lừa", "mạo danh", "khuyến cáo người dân không", "gây hoang mang",
        "không có cơ sở khoa học", "chưa có bằng chứng", "sai hết", "đừng hoảng",
        "đừng tin", "đừng share", "đừng chia sẻ", "hoàn toàn sai", "là sai", "hiểu sai",
        "hiểu nhầm", "nhầm lẫn", "thật ra", "sự thật là",
        "ảnh cũ", "clip cũ", "tìm ngược ảnh", "triệu tập", "chủ tài khoản",
        "nguồn chính thống", "thông tin chính thống", "không phát hiện",
        "chưa có quyết định", "chưa có văn bản", "không có bất kỳ", "không có quy định",
        "đã cũ", "xem lại số liệu", "không đúng", "chưa đúng",
        "khẳng định không", "phủ nhận", "bác tin", "mình tra", "tra cứu", "là giả",
        "giả nha", "sai nha", "không có vụ", "không chứng minh", "chứ không phải",
        "không có chuyện đó", "đã được kiểm chứng", "không có căn cứ khoa học",
    ),
    #: Where a claim circulated and who is said to stand behind it: rumours and debunks both say
    #: it, so the group is a feature and never a reason.
    "attribution": (
        "lan truyền", "thông tin lan truyền", "trên mạng", "mạng xã hội", "tài khoản",
        "fanpage", "trang mạng", "bài viết", "bài đăng", "tin nhắn", "chuyên gia",
        "các nhà khoa học", "nghiên cứu cho thấy", "giải thích", "thực tế", "hoang mang",
        "cảnh báo", "sự thật",
    ),
    "official": (
        "thông báo", "công văn", "theo kế hoạch", "dự báo", "trung tâm dự báo",
        "quy trình vận hành", "đề nghị người dân", "chủ động phòng tránh", "bản tin",
        "cấp độ rủi ro", "ủy ban nhân dân", "UBND", "ban chỉ huy", "theo quy định",
        "cho biết", "theo số liệu", "thống kê", "báo cáo",
    ),
    "opinion": (
        "tôi nghĩ", "theo tôi", "tôi thấy", "mình thấy", "tôi không đồng ý", "cá nhân tôi",
        "cần phải", "phải trả lời", "bức xúc", "bất bình", "vô trách nhiệm", "kiến nghị",
        "tại sao", "ý kiến", "phản đối", "chất vấn", "thất vọng", "mong", "hy vọng",
        "nên", "đáng lo", "quá đáng", "chịu trách nhiệm", "lãng phí", "yếu kém",
        "người dân khổ", "ai chịu", "đến bao giờ", "tôi cho rằng", "mình nghĩ",
        "ủng hộ", "bực", "bực mình", "mệt", "chán", "buồn", "sợ", "lo", "mình mong",
        "đề xuất", "góp ý", "kêu gọi", "hãy cùng", "cùng nhau", "tham gia", "tình nguyện",
    ),
    #: Investment bait. "đầu tư", "nhà đầu tư", "lợi nhuận" and "cam kết" alone are the daily
    #: vocabulary of energy and business news; only the promise of returns counts.
    "scam": (
        "lãi", "lãi khủng", "lãi cao", "lợi nhuận khủng", "lợi nhuận cao", "lợi nhuận hấp dẫn",
        "cam kết lợi nhuận", "cam kết lãi", "cam kết hoàn vốn", "cam kết hoàn tiền",
        "góp vốn", "hoa hồng", "nhận ngay", "bảo lãnh", "đặt cọc",
        "đăng ký ngay", "inbox", "zalo", "suất cuối", "hoàn vốn", "chuyển khoản",
        "phí hồ sơ", "miễn phí lắp", "thu nhập thụ động", "giới thiệu thành viên",
        "ví điện tử", "mỗi tháng nhận", "nhận lãi", "đầu tư sinh lời", "sinh lời",
    ),
    "denial": (
        "chiêu trò", "trò lừa", "lừa bịp", "âm mưu", "lạnh đi", "không có thật",
        "bịa ra", "chu kỳ tự nhiên", "do mặt trời", "thổi phồng", "tốt cho cây",
        "các nước giàu", "kiếm tiền từ", "hù dọa", "dọa dẫm",
    ),
    "health": (
        "chữa", "thải độc", "đào thải", "khử độc", "thần dược", "bài thuốc", "uống",
        "ung thư", "nhiễm độc", "vô sinh", "dị tật", "giải độc", "tẩy độc", "miễn dịch",
    ),
    "policy": (
        "từ ngày", "từ tháng", "phạt", "cấm", "nghị định", "thông tư", "chỉ thị",
        "quyết định", "bắt buộc", "tăng giá", "thu phí", "cắt điện", "triệu đồng",
        "áp dụng", "có hiệu lực", "ban hành", "luật",
    ),
    "nuclear": (
        "phóng xạ", "hạt nhân", "nhiễm xạ", "rò rỉ", "Chernobyl", "Fukushima", "lò phản ứng",
        "uranium", "bom",
    ),
    "myth": (
        "gấp mười", "gấp đôi", "gấp nhiều lần", "còn ô nhiễm hơn", "vô dụng", "không hiệu quả",
        "phản tác dụng", "hại hơn", "nhiều CO2 hơn", "đốt hết", "đổ chung", "tốn hơn",
        "không bao giờ hoàn vốn", "phát nổ", "tự cháy",
    ),
}

#: Words that negate what follows in Vietnamese ("không lợi nhuận", "chưa cấm", "chẳng hề lãi").
NEGATORS: Final[frozenset[str]] = frozenset({
    "không", "chưa", "chẳng", "chả", "đâu có", "không hề", "chưa hề", "chẳng hề", "chưa từng",
    "không phải", "không có", "chưa có", "chẳng có", "không còn", "không được",
})
#: How many words before a cue a negator still governs it ("không hề có lợi nhuận cao"); a
#: punctuation mark ends the scope earlier.
NEGATION_WINDOW: Final[int] = 3
#: "gấp" urges ("chia sẻ gấp") unless it multiplies ("gấp đôi", "gấp 3 lần", "gấp nhiều lần").
MULTIPLIERS: Final[frozenset[str]] = frozenset({
    "đôi", "rưỡi", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín", "mười", "trăm",
    "nghìn", "ngàn", "vạn", "triệu", "nhiều", "mấy", "vài", "hàng", "chục", "lần",
})
#: Cue phrases that are only cues when not followed by one of these words.
_NOT_BEFORE: Final[dict[str, frozenset[str]]] = {"gấp": MULTIPLIERS}


def is_unaccented(text: str) -> bool:
    """True when a text is written without diacritics ("dap thuy dien sap vo").

    Counting the extra UTF-8 bytes is a cheap proxy for the share of accented letters: ordinary
    Vietnamese has one in three or four letters accented, unaccented posts almost none.

    >>> is_unaccented("dap thuy dien sap vo"), is_unaccented("đập thủy điện sắp vỡ")
    (True, False)
    """
    if not text:
        return False
    extra = len(text.encode("utf-8")) - len(text)
    return extra < UNACCENTED_EXTRA_BYTES_SHARE * len(text)


#: Below 3 extra bytes per 100 characters a text is treated as unaccented: normal Vietnamese
#: prose sits above 25, while a single accented loan name in an unaccented post stays under 3.
UNACCENTED_EXTRA_BYTES_SHARE: Final[float] = 0.03


def _alternation(keys: list[str]) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(k) for k in keys) + r")(?!\w)")


@dataclass(frozen=True)
class LexiconHit:
    """One phrase found in a text: its group ("topic" or a cue group), as written, and where."""

    group: str
    phrase: str
    start: int
    end: int


class Lexicon:
    """The topic terms and every cue group in one regex, so a text is scanned once.

    A domain term also counts for the cue groups of the phrases inside it ("điện hạt nhân" is a
    topic term and carries the nuclear cue "hạt nhân"), and a cue phrase for the domain terms
    inside it; one cue phrase never carries another cue group ("gấp nhiều lần" compares, it does
    not urge). Accented phrases are looked for in accented text and folded phrases in folded
    text, never across ("cam kết" is not "cấm"). Groups whose name starts with "_" hold phrases
    that are matched only to be ignored.
    """

    def __init__(self, groups: dict[str, tuple[str, ...]]) -> None:
        self._owners = {
            "accented": self._owners_of(groups, str.lower),
            "folded": self._owners_of(groups, fold),
        }
        self._accented = _alternation(sorted(self._owners["accented"], key=len, reverse=True))
        self._folded = _alternation(sorted(self._owners["folded"], key=len, reverse=True))

    @staticmethod
    def _owners_of(
        groups: dict[str, tuple[str, ...]], variant: Callable[[str], str]
    ) -> dict[str, dict[str, str]]:
        """key -> group -> phrase as written, for one spelling variant of the phrases."""
        keyed: dict[str, dict[str, str]] = {}
        for group, phrases in groups.items():
            for phrase in phrases:
                keyed.setdefault(variant(phrase), {}).setdefault(group, phrase)
        for key, owners in keyed.items():
            if any(group.startswith("_") for group in owners):
                continue  # a phrase that exists to be ignored inherits nothing
            is_topic = TOPIC_GROUP in owners
            padded = f" {key} "
            for group, phrases in groups.items():
                if group in owners or group.startswith("_"):
                    continue
                if not is_topic and group != TOPIC_GROUP:
                    continue  # cue phrases carry domain terms, never other cue groups
                inside = [p for p in phrases if f" {variant(p)} " in padded]
                if inside:
                    owners[group] = max(inside, key=len)
        return keyed

    def scan(self, text: str, unaccented: bool | None = None) -> list[LexiconHit]:
        """Every phrase in ``text``; folded matching only when the text is unaccented."""
        if unaccented is None:
            unaccented = is_unaccented(text)
        variant, pattern, haystack = (
            ("folded", self._folded, fold(text)) if unaccented
            else ("accented", self._accented, text.lower())
        )
        if len(haystack) != len(text):  # offsets would not map back; match as written
            variant, pattern, haystack = "accented", self._accented, text
        owners = self._owners[variant]
        hits: list[LexiconHit] = []
        for match in pattern.finditer(haystack):
            for group, phrase in owners.get(match.group(0), {}).items():
                hits.append(LexiconHit(group, phrase, match.start(), match.end()))
        return hits


TOPIC_GROUP: Final[str] = "topic"
LEXICON: Final[Lexicon] = Lexicon(
    {"_not_topic": NOT_TOPIC_TERMS, TOPIC_GROUP: TOPIC_TERMS, **CUE_GROUPS}
)
CUE_NAMES: Final[tuple[str, ...]] = tuple(CUE_GROUPS)
_PUNCTUATION: Final = re.compile(r"^[^\w]+$")


_FOLDED_NEGATORS: Final[frozenset[str]] = frozenset(fold(n) for n in NEGATORS)
_FOLDED_MULTIPLIERS: Final[dict[str, frozenset[str]]] = {
    phrase: frozenset(fold(w) for w in words) for phrase, words in _NOT_BEFORE.items()
}


def _starts_negated(phrase: str) -> bool:
    words = phrase.lower().split()
    return any(" ".join(words[:n]) in NEGATORS for n in (1, 2))


def cue_hits(
    text: str,
    tokens: Sequence[tuple[int, int]],
    unaccented: bool | None = None,
    scanned: Sequence[LexiconHit] | None = None,
) -> list[LexiconHit]:
    """The cue phrases of ``text`` that a reader would agree are there.

    ``tokens`` are the (start, end) offsets of the segmented words of ``text``. A cue counts
    only when it starts and ends on word boundaries of the segmentation ("khẩn" is not in
    "khẩn trương", "lợi nhuận" not in "phi lợi nhuận"), when no negator governs it ("không lợi
    nhuận", "không bị phạt"; the cue's own leading negation, as in "không có chuyện", is part of
    the cue), and when "gấp" urges rather than multiplies ("gấp nhiều lần"). ``scanned`` is
    ``LEXICON.scan(text, unaccented)`` when the caller has it already.
    """
    if unaccented is None:
        unaccented = is_unaccented(text)
    starts = {start: i for i, (start, _) in enumerate(tokens)}
    ends = {end: i for i, (_, end) in enumerate(tokens)}
    # Words are compared as the text is written: folded only when the text has no diacritics,
    # where "khong" can only be "không" (folded, "khói" would read as "khỏi").
    surface = fold(text) if unaccented else text.lower()
    if len(surface) != len(text):
        surface = text
    negators = _FOLDED_NEGATORS if unaccented else NEGATORS

    def word(i: int) -> str:
        start, end = tokens[i]
        return surface[start:end]

    kept: list[LexiconHit] = []
    for hit in LEXICON.scan(text, unaccented) if scanned is None else scanned:
        if hit.group == TOPIC_GROUP:
            continue
        first, last = starts.get(hit.start), ends.get(hit.end)
        if first is None or last is None:
            continue  # inside a longer word
        following = _FOLDED_MULTIPLIERS.get(hit.phrase)
        if following and last + 1 < len(tokens):
            after = fold(word(last + 1))
            if after[:1].isdigit() or (after.split() or [""])[0] in following:
                continue
        if not _starts_negated(hit.phrase) and _negated(word, first, negators):
            continue
        kept.append(hit)
    return kept


def _negated(word: Callable[[int], str], first: int, negators: frozenset[str]) -> bool:
    """Whether a negator stands within ``NEGATION_WINDOW`` words before word ``first``, in the
    same clause."""
    for i in range(first - 1, max(-1, first - 1 - NEGATION_WINDOW), -1):
        token = word(i)
        if _PUNCTUATION.match(token):
            return False
        if token in negators or (i > 0 and f"{word(i - 1)} {token}" in negators):
            return True
    return False


def token_offsets(text: str, words: Sequence[str]) -> list[tuple[int, int]]:
    """(start, end) of each segmented word in ``text``, found in order; a word underthesea
    rewrote is skipped."""
    offsets: list[tuple[int, int]] = []
    position = 0
    for w in words:
        found = text.find(w, position)
        if found < 0:
            continue
        offsets.append((found, found + len(w)))
        position = found + len(w)
    return offsets


def topic_terms(text: str) -> list[str]:
    """Domain terms in ``text``, as the lexicon writes them.

    >>> topic_terms("Dap thuy dien Song Tranh 2 van an toan, khong xa lu")
    ['đập', 'thủy điện', 'sông', 'xả lũ']
    """
    return [hit.phrase for hit in LEXICON.scan(text) if hit.group == TOPIC_GROUP]


def cue_phrases(text: str) -> dict[str, list[str]]:
    """Cue phrases in ``text`` by group, as ``cue_hits`` keeps them; groups with no match are
    left out. The text is segmented here; the spaCy pipeline passes its own segmentation.

    >>> cue_phrases("Công an khẳng định tin vỡ đập là bịa đặt, không phạt ai")
    {'debunk': ['bịa đặt']}
    >>> cue_phrases("Các tỉnh khẩn trương khắc phục, lượng mưa gấp 3 lần, nhà đầu tư cam kết")
    {}
    """
    from nlp.segment import segment_words

    found: dict[str, list[str]] = {}
    for hit in cue_hits(text, token_offsets(text, segment_words(text))):
        found.setdefault(hit.group, []).append(hit.phrase)
    return {name: found[name] for name in CUE_NAMES if name in found}
