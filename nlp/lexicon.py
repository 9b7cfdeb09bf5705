"""Topic lexicon and cue phrases, matched with or without diacritics ("dap thuy dien" counts)."""

from __future__ import annotations

import re
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
CUE_GROUPS: Final[dict[str, tuple[str, ...]]] = {
    "urgency": (
        "khẩn", "khẩn cấp", "cấp báo", "chia sẻ gấp", "share gấp", "chia sẻ ngay",
        "lan tỏa", "truyền tay", "chạy ngay", "sơ tán ngay", "gấp", "tin nóng", "cảnh báo",
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
        "lan truyền", "thông tin lan truyền", "sai hết", "không phải", "đừng hoảng",
        "đừng tin", "đừng share", "đừng chia sẻ", "hoàn toàn sai", "là sai", "hiểu sai",
        "hiểu nhầm", "nhầm lẫn", "tin nhắn", "bài đăng", "bài viết", "trên mạng",
        "mạng xã hội", "tài khoản", "fanpage", "trang mạng", "thực tế", "thật ra", "sự thật là",
        "ảnh cũ", "clip cũ", "tìm ngược ảnh", "triệu tập", "làm việc với", "chủ tài khoản",
        "nguồn chính thống", "thông tin chính thống", "bình tĩnh", "không phát hiện",
        "chưa có quyết định", "chưa có văn bản", "không có bất kỳ", "không có quy định",
        "chuyên gia", "giải thích", "đã cũ", "xem lại số liệu", "không đúng", "chưa đúng",
        "khẳng định không", "phủ nhận", "bác tin", "mình tra", "tra cứu", "là giả",
        "giả nha", "sai nha", "không có vụ", "rốt cuộc", "không chứng minh", "chứ không phải",
        "không có chuyện đó", "đã được kiểm chứng", "không có căn cứ khoa học",
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

    A longer phrase also counts for the groups of the phrases inside it: "điện hạt nhân" is a
    topic term and carries the nuclear cue "hạt nhân". Groups whose name starts with "_" hold
    phrases that are matched only to be ignored.
    """

    def __init__(self, groups: dict[str, tuple[str, ...]]) -> None:
        keyed: dict[str, dict[str, str]] = {}  # key -> group -> phrase as written
        for variant in (str.lower, fold):
            for group, phrases in groups.items():
                for phrase in phrases:
                    keyed.setdefault(variant(phrase), {}).setdefault(group, phrase)
        for key, owners in keyed.items():
            if any(group.startswith("_") for group in owners):
                continue  # a phrase that exists to be ignored inherits nothing
            padded = f" {key} "
            for group, phrases in groups.items():
                if group in owners or group.startswith("_"):
                    continue
                inside = [p for p in phrases if f" {p.lower()} " in padded
                          or f" {fold(p)} " in padded]
                if inside:
                    owners[group] = max(inside, key=len)
        self._owners = keyed
        accented = sorted({p.lower() for ps in groups.values() for p in ps}, key=len, reverse=True)
        folded = sorted({fold(p) for ps in groups.values() for p in ps}, key=len, reverse=True)
        self._accented = _alternation(accented)
        self._folded = _alternation(folded)

    def scan(self, text: str, unaccented: bool | None = None) -> list[LexiconHit]:
        """Every phrase in ``text``; folded matching only when the text is unaccented."""
        if unaccented is None:
            unaccented = is_unaccented(text)
        pattern, haystack = (
            (self._folded, fold(text)) if unaccented else (self._accented, text.lower())
        )
        if len(haystack) != len(text):  # offsets would not map back; match as written
            pattern, haystack = self._accented, text
        hits: list[LexiconHit] = []
        for match in pattern.finditer(haystack):
            for group, phrase in self._owners.get(match.group(0), {}).items():
                hits.append(LexiconHit(group, phrase, match.start(), match.end()))
        return hits


TOPIC_GROUP: Final[str] = "topic"
LEXICON: Final[Lexicon] = Lexicon(
    {"_not_topic": NOT_TOPIC_TERMS, TOPIC_GROUP: TOPIC_TERMS, **CUE_GROUPS}
)
CUE_NAMES: Final[tuple[str, ...]] = tuple(CUE_GROUPS)


def topic_terms(text: str) -> list[str]:
    """Domain terms in ``text``, as the lexicon writes them.

    >>> topic_terms("Dap thuy dien Song Tranh 2 van an toan, khong xa lu")
    ['đập', 'thủy điện', 'sông', 'xả lũ']
    """
    return [hit.phrase for hit in LEXICON.scan(text) if hit.group == TOPIC_GROUP]


def cue_phrases(text: str) -> dict[str, list[str]]:
    """Cue phrases in ``text`` by group; groups with no match are left out.

    >>> cue_phrases("Công an khẳng định tin vỡ đập là bịa đặt, không phạt ai")
    {'debunk': ['bịa đặt'], 'policy': ['phạt']}
    """
    found: dict[str, list[str]] = {}
    for hit in LEXICON.scan(text):
        if hit.group != TOPIC_GROUP:
            found.setdefault(hit.group, []).append(hit.phrase)
    return {name: found[name] for name in CUE_NAMES if name in found}
