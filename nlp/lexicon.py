"""Topic lexicon and cue phrases, matched with or without diacritics ("dap thuy dien" counts)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from core.text import fold_diacritics

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
)

#: Cue phrases by what they signal. They feed the classifier as counts and explain its reasons;
#: none of them decides a label on its own (a debunk quotes hoax cues in order to refute them).
CUE_GROUPS: Final[dict[str, tuple[str, ...]]] = {
    "urgency": (
        "khẩn", "khẩn cấp", "cấp báo", "chia sẻ gấp", "share gấp", "chia sẻ ngay",
        "lan tỏa", "truyền tay", "chạy ngay", "sơ tán ngay", "gấp", "nóng", "cảnh báo",
        "trước khi bị xóa", "báo chí không đưa", "không ai nói", "giấu", "che giấu",
        "bưng bít", "nguồn tin nội bộ", "tin mật", "người nhà làm ở", "họ không muốn",
        "sự thật", "ai cũng phải biết", "hãy chia sẻ", "cứu lấy",
    ),
    "debunk": (
        "tin giả", "tin đồn", "bịa đặt", "sai sự thật", "không đúng sự thật", "thông tin sai",
        "bác bỏ", "không có chuyện", "thất thiệt", "xuyên tạc", "không có cơ sở",
        "giả mạo", "cắt ghép", "đính chính", "kiểm chứng", "xác minh", "thực hư",
        "vận hành bình thường", "không có căn cứ", "không chính xác", "không hề",
        "xử lý nghiêm", "xử phạt người đăng", "mời làm việc", "cảnh giác", "thủ đoạn",
        "chiêu lừa", "mạo danh", "khuyến cáo người dân không", "hoang mang",
        "không có cơ sở khoa học", "chưa có bằng chứng", "các nhà khoa học", "nghiên cứu cho thấy",
        "lan truyền", "thông tin lan truyền",
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
    ),
    "scam": (
        "lãi", "lợi nhuận", "cam kết", "góp vốn", "hoa hồng", "nhận ngay", "bảo lãnh",
        "đăng ký ngay", "inbox", "zalo", "suất cuối", "hoàn vốn", "chuyển khoản",
        "phí hồ sơ", "trợ giá", "miễn phí lắp", "thu nhập thụ động", "giới thiệu thành viên",
        "đầu tư", "cổ phần", "ví điện tử", "mỗi tháng nhận",
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


@dataclass(frozen=True)
class PhraseSet:
    """Phrases compiled twice: as written (lower-cased), and folded for unaccented texts.

    Folding only unaccented texts matters: folded, "lãi" would meet "lại", "phạt" "phát" and
    "chữa" "chưa", which are among the commonest words of the language.
    """

    accented: re.Pattern[str]
    folded: re.Pattern[str]
    display: dict[str, str]

    @classmethod
    def build(cls, phrases: tuple[str, ...]) -> PhraseSet:
        display: dict[str, str] = {}
        for phrase in phrases:
            display.setdefault(phrase.lower(), phrase)
            display.setdefault(fold_diacritics(phrase), phrase)
        lowered = sorted({p.lower() for p in phrases}, key=len, reverse=True)
        folded = sorted({fold_diacritics(p) for p in phrases}, key=len, reverse=True)
        return cls(_alternation(lowered), _alternation(folded), display)

    def find(self, text: str) -> list[str]:
        """The phrases found in ``text``, as written here."""
        if is_unaccented(text):
            pattern, haystack = self.folded, fold_diacritics(text)
        else:
            pattern, haystack = self.accented, text.lower()
        return [self.display[m.group(0)] for m in pattern.finditer(haystack)]


def _alternation(keys: list[str]) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(k) for k in keys) + r")(?!\w)")


TOPIC: Final[PhraseSet] = PhraseSet.build(TOPIC_TERMS)
CUES: Final[dict[str, PhraseSet]] = {name: PhraseSet.build(p) for name, p in CUE_GROUPS.items()}
CUE_NAMES: Final[tuple[str, ...]] = tuple(CUE_GROUPS)


def topic_terms(text: str) -> list[str]:
    """Domain terms in ``text``, as the lexicon writes them.

    >>> topic_terms("Dap thuy dien Song Tranh 2 van an toan, khong xa lu")
    ['đập', 'thủy điện', 'sông', 'xả lũ']
    """
    return TOPIC.find(text)


def cue_phrases(text: str) -> dict[str, list[str]]:
    """Cue phrases in ``text`` by group; groups with no match are left out.

    >>> cue_phrases("Công an khẳng định tin vỡ đập là bịa đặt, không phạt ai")
    {'debunk': ['bịa đặt'], 'policy': ['phạt']}
    """
    found = {name: CUES[name].find(text) for name in CUE_NAMES}
    return {name: hits for name, hits in found.items() if hits}
