"""Places, organisations and facilities that matter to environment and energy news in Vietnam.

Provinces carry their current name (after the 2025 merger into 34 provincial units,
Resolution 202/2025/QH15) and every former name that now belongs to them, so "Quảng Nam" and
"Đà Nẵng" facet together and old articles keep working.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

#: Current province or city -> former provinces merged into it (empty when unchanged).
PROVINCES: Final[dict[str, tuple[str, ...]]] = {
    "Hà Nội": (),
    "Huế": ("Thừa Thiên Huế", "Thừa Thiên - Huế"),
    "Lai Châu": (),
    "Điện Biên": (),
    "Sơn La": (),
    "Lạng Sơn": (),
    "Quảng Ninh": (),
    "Thanh Hóa": (),
    "Nghệ An": (),
    "Hà Tĩnh": (),
    "Cao Bằng": (),
    "Tuyên Quang": ("Hà Giang",),
    "Lào Cai": ("Yên Bái",),
    "Thái Nguyên": ("Bắc Kạn", "Bắc Cạn"),
    "Phú Thọ": ("Vĩnh Phúc", "Hòa Bình"),
    "Bắc Ninh": ("Bắc Giang",),
    "Hưng Yên": ("Thái Bình",),
    "Hải Phòng": ("Hải Dương",),
    "Ninh Bình": ("Hà Nam", "Nam Định"),
    "Quảng Trị": ("Quảng Bình",),
    "Đà Nẵng": ("Quảng Nam",),
    "Quảng Ngãi": ("Kon Tum",),
    "Gia Lai": ("Bình Định",),
    "Khánh Hòa": ("Ninh Thuận",),
    "Lâm Đồng": ("Đắk Nông", "Bình Thuận"),
    "Đắk Lắk": ("Phú Yên",),
    "Đồng Nai": ("Bình Phước",),
    "TP Hồ Chí Minh": (
        "Hồ Chí Minh", "TP.HCM", "TP HCM", "TPHCM", "Sài Gòn", "Bình Dương",
        "Bà Rịa - Vũng Tàu", "Bà Rịa-Vũng Tàu", "Bà Rịa Vũng Tàu", "Vũng Tàu",
    ),
    "Tây Ninh": ("Long An",),
    "Cần Thơ": ("Sóc Trăng", "Hậu Giang"),
    "Vĩnh Long": ("Bến Tre", "Trà Vinh"),
    "Đồng Tháp": ("Tiền Giang",),
    "Cà Mau": ("Bạc Liêu",),
    "An Giang": ("Kiên Giang",),
}

#: Ministries, agencies and companies, with the other names they go by.
ORGANISATIONS: Final[dict[str, tuple[str, ...]]] = {
    "Bộ Nông nghiệp và Môi trường": ("Bộ NN&MT", "Bộ Nông nghiệp & Môi trường"),
    "Bộ Tài nguyên và Môi trường": ("Bộ TN&MT", "Bộ TNMT", "Bộ Tài nguyên & Môi trường"),
    "Bộ Công Thương": ("Bộ Công thương", "Bộ CT"),
    "Bộ Y tế": (),
    "Bộ Xây dựng": (),
    "Bộ Khoa học và Công nghệ": ("Bộ KH&CN",),
    "Bộ Tài chính": (),
    "Chính phủ": ("Thủ tướng Chính phủ",),
    "EVN": ("Tập đoàn Điện lực Việt Nam", "Điện lực Việt Nam"),
    "Petrovietnam": ("PVN", "Tập đoàn Dầu khí Việt Nam"),
    "TKV": ("Tập đoàn Than - Khoáng sản Việt Nam",),
    "Trung tâm Dự báo khí tượng thủy văn quốc gia": (
        "Trung tâm Dự báo KTTV quốc gia", "Trung tâm Dự báo khí tượng thủy văn",
    ),
    "Cục Khí tượng Thủy văn": (),
    "Viện Vật lý Địa cầu": (),
    "Cục Kiểm soát ô nhiễm môi trường": (),
    "Cục Biến đổi khí hậu": (),
    "Cục An toàn bức xạ và hạt nhân": (),
    "Ngân hàng Thế giới": ("World Bank", "WB"),
    "VinFast": (),
    "Formosa Hà Tĩnh": ("Formosa",),
    "Ban Chỉ đạo phòng chống thiên tai": ("Ban chỉ đạo quốc gia về phòng chống thiên tai",),
}

#: Dams, power plants and other facilities that rumours and reports name.
FACILITIES: Final[dict[str, tuple[str, ...]]] = {
    "Thủy điện Hòa Bình": ("đập Hòa Bình", "hồ Hòa Bình", "nhà máy thủy điện Hòa Bình"),
    "Thủy điện Sơn La": ("đập Sơn La", "hồ Sơn La", "nhà máy thủy điện Sơn La"),
    "Thủy điện Lai Châu": ("đập Lai Châu",),
    "Thủy điện Thác Bà": ("đập Thác Bà", "hồ Thác Bà"),
    "Thủy điện Tuyên Quang": ("đập Tuyên Quang",),
    "Thủy điện Trị An": ("đập Trị An", "hồ Trị An"),
    "Thủy điện Sông Tranh 2": ("Sông Tranh 2", "đập Sông Tranh"),
    "Thủy điện Rào Trăng 3": ("Rào Trăng 3", "Rào Trăng"),
    "Thủy điện Yaly": ("Yaly", "Ialy"),
    "Thủy điện Bản Chát": ("Bản Chát",),
    "Thủy điện Huội Quảng": ("Huội Quảng",),
    "Thủy điện A Vương": ("A Vương",),
    "Thủy điện Đắk Mi 4": ("Đắk Mi",),
    "Thủy điện Thác Mơ": ("Thác Mơ",),
    "Thủy điện Hàm Thuận": ("Hàm Thuận - Đa Mi", "Hàm Thuận"),
    "Thủy điện Đa Nhim": ("Đa Nhim",),
    "Thủy điện Hủa Na": ("Hủa Na",),
    "Thủy điện Bình Điền": ("Bình Điền",),
    "Thủy điện Hương Điền": ("Hương Điền",),
    "Điện hạt nhân Ninh Thuận 1": ("Ninh Thuận 1", "nhà máy điện hạt nhân Ninh Thuận 1"),
    "Điện hạt nhân Ninh Thuận 2": ("Ninh Thuận 2", "nhà máy điện hạt nhân Ninh Thuận 2"),
    "Lò phản ứng hạt nhân Đà Lạt": ("lò phản ứng Đà Lạt",),
    "Nhà máy điện hạt nhân Fukushima": ("Fukushima", "Fukushima Daiichi"),
    "Nhiệt điện Vĩnh Tân": ("Vĩnh Tân",),
    "Nhiệt điện Duyên Hải": ("Duyên Hải",),
    "Nhiệt điện Vũng Áng": ("Vũng Áng",),
    "Nhiệt điện Nghi Sơn": ("Nghi Sơn",),
    "Nhiệt điện Phả Lại": ("Phả Lại",),
    "Nhiệt điện Mông Dương": ("Mông Dương",),
    "Nhiệt điện Hải Phòng": (),
    "Điện gió Bạc Liêu": ("điện gió Bạc Liêu",),
    "Điện khí LNG Nhơn Trạch": ("Nhơn Trạch 3", "Nhơn Trạch 4", "LNG Nhơn Trạch"),
    "Sông Đà": ("nước sông Đà", "Nhà máy nước sông Đà"),
    "Sông Mekong": ("Mekong", "Mê Kông", "sông Cửu Long", "Đồng bằng sông Cửu Long", "ĐBSCL"),
    "Sông Hồng": (),
}


@dataclass(frozen=True)
class GazetteerEntry:
    """One way of writing an entity, with the canonical name it stands for."""

    surface: str
    canonical: str
    kind: str  # "LOC", "ORG" or "FAC"
    is_province: bool


def entries() -> list[GazetteerEntry]:
    """Every surface form, longest first so "Thủy điện Hòa Bình" wins over "Hòa Bình"."""
    found: list[GazetteerEntry] = []
    for current, former in PROVINCES.items():
        for surface in (current, *former):
            found.append(GazetteerEntry(surface, current, "LOC", True))
    for table, kind in ((ORGANISATIONS, "ORG"), (FACILITIES, "FAC")):
        for canonical, others in table.items():
            for surface in (canonical, *others):
                found.append(GazetteerEntry(surface, canonical, kind, False))
    found.sort(key=lambda e: len(e.surface), reverse=True)
    return found


def current_province(name: str) -> str | None:
    """The current province for a current or former name, or None.

    >>> current_province("Quảng Nam"), current_province("Huế"), current_province("Paris")
    ('Đà Nẵng', 'Huế', None)
    """
    lowered = name.lower()
    for entry in entries():
        if entry.is_province and entry.surface.lower() == lowered:
            return entry.canonical
    return None
